"""Files in the stand-in: `files.info` and the `url_private` download, as Slack serves them.

Slack only hands a private file to a request with `Authorization: Bearer <token>`; without
one (or with a bad one) it answers 200 with its sign-in page, not the file. The stand-in
does the same, so a bot that forgets the header, or does not check what came back, fails
here as it would against Slack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from bot.standin.api_spec import ApiError, bearer_token

FILES_PREFIX = "/files-pri/"
SIGN_IN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"
_MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "md": "text/markdown",
}


@dataclass(frozen=True)
class _File:
    file_id: str
    name: str
    content: bytes
    user: str
    created: int


class FileStore:
    """Shared files by id; the server asks it for `files.info` and for downloads."""

    def __init__(self, team_id: str, base_url: Callable[[], str]) -> None:
        self._team_id = team_id
        self._base_url = base_url
        self._files: dict[str, _File] = {}
        self._lock = threading.Lock()

    def add(self, file_id: str, name: str, content: bytes, *, user: str,
            created: int = 1_700_000_000) -> dict[str, Any]:
        """Share a file; returns its Slack file object, as message events carry it."""
        with self._lock:
            self._files[file_id] = _File(file_id, name, content, user, created)
        return self.file_object(file_id)

    def file_object(self, file_id: str) -> dict[str, Any]:
        shared = self._files[file_id]
        extension = shared.name.rsplit(".", 1)[-1].lower() if "." in shared.name else ""
        path = f"{self._base_url()}{FILES_PREFIX}{self._team_id}-{file_id}/"
        return {
            "id": file_id, "created": shared.created, "timestamp": shared.created,
            "name": shared.name, "title": shared.name,
            "mimetype": _MIME_TYPES.get(extension, "application/octet-stream"),
            "filetype": extension or "binary", "pretty_type": extension.upper() or "Binary",
            "user": shared.user, "size": len(shared.content), "mode": "hosted",
            "is_external": False, "is_public": False,
            "url_private": path + quote(shared.name),
            "url_private_download": path + "download/" + quote(shared.name),
        }

    def info(self, args: dict[str, Any]) -> dict[str, Any]:
        """`files.info`: the file object, or `file_not_found`."""
        file_id = str(args.get("file") or "")
        with self._lock:
            if file_id not in self._files:
                raise ApiError("file_not_found")
            return {"file": self.file_object(file_id), "comments": [],
                    "response_metadata": {"next_cursor": ""}}

    def download(self, path: str, headers: dict[str, str],
                 token_ok: Callable[[str], bool]) -> tuple[int, bytes, str]:
        """Serve `url_private(_download)`: the bytes with a valid bearer token, else sign-in."""
        token = bearer_token(headers)
        if not token or not token_ok(token):
            return 200, SIGN_IN_PAGE, "text/html; charset=utf-8"
        rest = unquote(path[len(FILES_PREFIX):].split("?", 1)[0])
        key, _, name = rest.partition("/")
        file_id = key.removeprefix(f"{self._team_id}-")
        name = name.removeprefix("download/")
        with self._lock:
            shared = self._files.get(file_id)
        if shared is None or shared.name != name:
            return 404, b"Not Found", "text/plain"
        extension = name.rsplit(".", 1)[-1].lower()
        return 200, shared.content, _MIME_TYPES.get(extension, "application/octet-stream")
