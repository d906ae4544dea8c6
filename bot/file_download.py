"""Fetch a file someone shared in Slack: `files.info`, then its private URL with the bot token."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.minutes.read import MAX_BYTES, SUPPORTED, MinutesReadError

DOWNLOAD_TIMEOUT_SECONDS = 30


def minutes_file_ids(files: list[dict] | None) -> list[str]:
    """The ids of the shared files that could be minutes, by their extension."""
    return [str(f["id"]) for f in files or []
            if f.get("id") and Path(str(f.get("name") or "")).suffix.lower() in SUPPORTED]


def download_file(client: WebClient, file_id: str) -> tuple[str, bytes]:
    """The file's name and bytes; MinutesReadError says what went wrong and what to do."""
    try:
        info = client.files_info(file=file_id)["file"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "missing_scope":
            raise MinutesReadError(
                "I am not allowed to read files here yet: an admin needs to add the files:read "
                "permission to Action Log. Meanwhile, paste the text with `/actions import`."
            ) from None
        raise MinutesReadError(
            f"Slack would not give me that file ({error}). Share it again, or paste the text "
            "with `/actions import`.") from None
    name = str(info.get("name") or "minutes")
    size = int(info.get("size") or 0)
    if size > MAX_BYTES:
        raise MinutesReadError(
            f"{name} is {size / 1024 / 1024:.0f} MB; minutes up to "
            f"{MAX_BYTES // 1024 // 1024} MB can be imported. Remove pictures and appendices, "
            "or import the minutes section alone.")
    url = info.get("url_private_download") or info.get("url_private")
    if not url:
        raise MinutesReadError(f"Slack gave no download link for {name}. Share it again.")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            content_type = response.headers.get("Content-Type", "")
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise MinutesReadError(
            f"I couldn't download {name} from Slack ({type(exc).__name__}). Try again in a "
            "minute.") from None
    if content_type.startswith("text/html"):
        # Slack answers a download it will not authorise with its sign-in page.
        raise MinutesReadError(
            f"Slack sent a sign-in page instead of {name}, so I could not read it. Check that "
            "Action Log has the files:read permission, then try again.")
    return name, data
