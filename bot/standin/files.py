"""Slack's external file upload flow in the stand-in, checked the way Slack checks it.

1. ``files.getUploadURLExternal`` takes ``filename`` and ``length`` (bytes; required),
   ``alt_txt`` (at most 1,000 characters) and ``snippet_type``, and answers an
   ``upload_url`` and a ``file_id``.
2. The client POSTs the file's bytes (raw or as multipart form data) to the upload URL;
   the stand-in refuses a body whose size is not the ``length`` announced.
3. ``files.completeUploadExternal`` takes ``files`` (a JSON array of ``{"id", "title"}``),
   and optionally ``channel_id``, ``initial_comment`` and ``thread_ts``; a file id that
   was never issued, never uploaded or already completed is ``file_not_found``.

Source: https://docs.slack.dev/reference/methods/files.getUploadURLExternal and
https://docs.slack.dev/reference/methods/files.completeUploadExternal
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

from bot.standin.api_spec import ApiError, Args, header

if TYPE_CHECKING:
    from bot.standin.server import SlackStandIn

UPLOAD_PATH = "/upload/v1/"
UPLOAD_METHOD = "upload_url"  # what recorded calls to an upload URL are named
MAX_ALT_TXT = 1000
_TS = re.compile(r"[0-9]+\.[0-9]+")


@dataclass
class UploadedFile:
    """A file as the stand-in holds it, from its upload URL to its sharing."""

    id: str
    filename: str
    length: int
    alt_txt: str | None
    snippet_type: str | None
    token: str  # the secret part of its upload URL
    content: bytes | None = None
    title: str | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False


class FileUploads:
    """The three steps of an upload, and what was shared where."""

    def __init__(self, standin: SlackStandIn) -> None:
        self._standin = standin
        self._lock = threading.Lock()
        self._files: dict[str, UploadedFile] = {}
        self._by_token: dict[str, str] = {}

    def handlers(self) -> dict[str, Callable[[Args], dict[str, Any]]]:
        """The Web API methods, for the stand-in's dispatch."""
        return {
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete,
        }

    # -- what tests read ---------------------------------------------------------------------

    def shared(self, channel: str | None = None) -> list[UploadedFile]:
        """Completed files, oldest first; only those shared in ``channel`` when given."""
        with self._lock:
            done = [f for f in self._files.values() if f.completed]
        return [f for f in done if channel is None or channel in f.channels]

    # -- step 1 ------------------------------------------------------------------------------

    def _get_upload_url(self, args: Args) -> dict[str, Any]:
        try:
            length = int(str(args["length"]))
        except ValueError:
            raise ApiError("invalid_arguments", messages=[
                "[ERROR] length must be an integer [json-pointer:/length]"]) from None
        if length <= 0:
            raise ApiError("missing_argument")  # Slack's answer to a length of 0
        alt_txt = args.get("alt_txt")
        if alt_txt is not None and len(str(alt_txt)) > MAX_ALT_TXT:
            raise ApiError("alt_txt_too_large")
        file_id = self._standin._next_id("F")
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._files[file_id] = UploadedFile(
                file_id, str(args["filename"]), length, alt_txt and str(alt_txt),
                args.get("snippet_type") and str(args["snippet_type"]), token)
            self._by_token[token] = file_id
        return {"upload_url": f"{self._standin.base_url}{UPLOAD_PATH}{token}",
                "file_id": file_id}

    # -- step 2 ------------------------------------------------------------------------------

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        """A POST to an upload URL: the bytes, raw or in a multipart form."""
        token = path[len(UPLOAD_PATH):]
        with self._lock:
            file = self._files.get(self._by_token.get(token, ""))
        if file is None:
            return 404, {"ok": False, "error": "upload_url_not_found"}
        content = _file_bytes(header(headers, "Content-Type"), body)
        if len(content) != file.length:
            return 400, {"ok": False, "error": "length_mismatch",
                         "detail": f"announced {file.length} bytes, received {len(content)}"}
        with self._lock:
            file.content = content
        return 200, {"ok": True, "size": len(content)}

    # -- step 3 ------------------------------------------------------------------------------

    def _complete(self, args: Args) -> dict[str, Any]:
        wanted = _file_list(args["files"])
        channel = args.get("channel_id") or None
        thread_ts = args.get("thread_ts") or None
        if thread_ts is not None and (channel is None or not _TS.fullmatch(str(thread_ts))):
            raise ApiError("invalid_arguments", messages=[
                "[ERROR] thread_ts needs one channel_id and a message ts [json-pointer:"
                "/thread_ts]"])
        channel_id = self._standin._resolve_channel(str(channel)) if channel else None
        with self._lock:
            files = [self._files.get(item["id"]) for item in wanted]
            if any(f is None or f.completed or f.content is None for f in files):
                raise ApiError("file_not_found")
            done: list[UploadedFile] = [f for f in files if f is not None]
            for item, file in zip(wanted, done, strict=True):
                file.title = str(item.get("title") or file.filename)
                file.completed = True
                file.initial_comment = args.get("initial_comment") or None
                file.thread_ts = thread_ts and str(thread_ts)
                if channel_id:
                    file.channels.append(channel_id)
        described = [self._describe(f) for f in done]
        if channel_id:
            self._standin._record_file_share(channel_id, args.get("initial_comment") or "",
                                             described, thread_ts and str(thread_ts))
        return {"files": described}

    def _describe(self, file: UploadedFile) -> dict[str, Any]:
        return {"id": file.id, "name": file.filename, "title": file.title,
                "size": file.length, "channels": list(file.channels),
                "alt_txt": file.alt_txt}


def _file_list(raw: Any) -> list[dict[str, Any]]:
    """``files`` as Slack requires it: a non-empty JSON array of objects with an id."""
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
    if (not isinstance(value, list) or not value
            or not all(isinstance(item, dict) and isinstance(item.get("id"), str)
                       for item in value)):
        raise ApiError("invalid_arguments", messages=[
            "[ERROR] files must be an array of objects with an id [json-pointer:/files]"])
    return value


def _file_bytes(content_type: str, body: bytes) -> bytes:
    """The file in an upload body: the body itself, or the file part of a multipart form."""
    if not content_type.lower().startswith("multipart/form-data"):
        return body
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    for part in message.iter_parts():
        if part.get_filename() is not None or part.get_param("name", header="content-disposition"):
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return b""
