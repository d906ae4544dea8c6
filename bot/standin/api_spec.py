"""What the Slack Web API accepts: its methods, required arguments and Block Kit limits."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

SPEC_RELATIVE_PATH = Path("shared/slack/web-api/slack_web_openapi_v2_without_examples.json")
SPEC_PATH_ENV = "SLACK_OPENAPI_SPEC"
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT_OBJECT = 3000
MAX_HEADER_TEXT = 150
MAX_MESSAGE_TEXT = 40_000
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000

# Fields Slack accepts as JSON-encoded strings inside form bodies.
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")

Args = dict[str, Any]

# Used when the OpenAPI file is not available (e.g. the package is installed elsewhere),
# so the stand-in still knows the methods the bot relies on.
FALLBACK_METHODS: dict[str, frozenset[str]] = {
    "api.test": frozenset(),
    "auth.test": frozenset(),
    "chat.postMessage": frozenset({"channel"}),
    "chat.postEphemeral": frozenset({"channel", "user"}),
    "chat.update": frozenset({"channel", "ts"}),
    "chat.delete": frozenset({"channel", "ts"}),
    "views.open": frozenset({"trigger_id", "view"}),
    "views.update": frozenset({"view"}),
    "views.push": frozenset({"trigger_id", "view"}),
    "views.publish": frozenset({"user_id", "view"}),
    "users.info": frozenset({"user"}),
    "users.list": frozenset(),
    "conversations.open": frozenset(),
    "conversations.info": frozenset({"channel"}),
    "usergroups.users.list": frozenset({"usergroup"}),
    "team.info": frozenset(),
}


def find_spec_path(start: Path | None = None) -> Path | None:
    """Locate the OpenAPI file via $SLACK_OPENAPI_SPEC or a `shared/` folder above the code."""
    env = os.environ.get(SPEC_PATH_ENV)
    if env and Path(env).is_file():
        return Path(env)
    origins = [start] if start is not None else [Path(__file__).resolve().parent, Path.cwd()]
    for origin in origins:
        for folder in (origin, *origin.parents):
            candidate = folder / SPEC_RELATIVE_PATH
            if candidate.is_file():
                return candidate
    return None


@lru_cache(maxsize=4)
def _parse_spec(path: str) -> dict[str, frozenset[str]]:
    """Read method names and required non-token parameters from an OpenAPI v2 file."""
    with open(path, encoding="utf-8") as handle:
        spec = json.load(handle)
    methods: dict[str, frozenset[str]] = {}
    for route, operations in spec.get("paths", {}).items():
        required: set[str] = set()
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param.get("required") and param.get("name") != "token":
                    required.add(param["name"])
        methods[route.lstrip("/")] = frozenset(required)
    return methods


def load_methods(spec_path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Map each Web API method to its required arguments (`token` excluded)."""
    if spec_path is not None:
        # An explicit path that does not exist is a configuration error, not a reason to guess.
        path: Path | None = Path(spec_path)
        if not path.is_file():
            raise FileNotFoundError(f"Slack OpenAPI spec not found: {spec_path}")
    else:
        path = find_spec_path()
    if path is None:
        return dict(FALLBACK_METHODS)
    # The fallback only adds methods the spec lacks; the spec's own requirements win.
    return {**FALLBACK_METHODS, **_parse_spec(str(path.resolve()))}


class ApiError(Exception):
    """A Slack-shaped failure: `{"ok": false, "error": ...}` with an HTTP status."""

    def __init__(
        self, error: str, status: int = 200, *, messages: Iterable[str] = (), retry_after: int = 0
    ) -> None:
        super().__init__(error)
        self.error, self.status, self.messages = error, status, list(messages)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Slack would send for this error."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


def parse_args(query: str, content_type: str, body: bytes) -> Args:
    """Merge query-string and body arguments, decoding JSON-string fields like `blocks`."""
    args: Args = dict(parse_qsl(query, keep_blank_values=True))
    mime = content_type.split(";")[0].strip().lower()
    if body and mime == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise ApiError("invalid_json") from None
        if not isinstance(decoded, dict):
            raise ApiError("invalid_json")
        args.update(decoded)
    elif body and mime in ("application/x-www-form-urlencoded", ""):
        args.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    for name in JSON_FIELDS:
        value = args.get(name)
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            # Undecodable values stay strings so validation reports Slack's format error.
            with contextlib.suppress(ValueError):
                args[name] = json.loads(value)
    return args


def header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header lookup (urllib sends `Content-type`, requests `Content-Type`)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "")


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """Extract the token from an `Authorization: Bearer ...` header."""
    value = header(headers, "Authorization")
    if not value.lower().startswith("bearer "):
        return None
    return value[len("bearer "):].strip() or None


def _oversized_text(node: Any, pointer: str) -> str | None:
    """Return the JSON pointer of the first text object over Slack's length limits."""
    if isinstance(node, dict):
        text = node.get("text")
        if node.get("type") == "header" and isinstance(text, dict):
            if len(str(text.get("text", ""))) > MAX_HEADER_TEXT:
                return f"{pointer}/text"
        elif node.get("type") in ("plain_text", "mrkdwn") and isinstance(text, str):
            return pointer if len(text) > MAX_TEXT_OBJECT else None
        children: Iterable[tuple[Any, Any]] = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for key, child in children:
        found = _oversized_text(child, f"{pointer}/{key}")
        if found:
            return found
    return None


def _rejection(error: str, message: str) -> ApiError:
    """An error carrying Slack's `[ERROR] ...` explanation in response_metadata."""
    return ApiError(error, messages=[f"[ERROR] {message}"])


def _check_blocks(blocks: Any, limit: int, pointer: str, error: str) -> None:
    """Apply Block Kit's shape, count and text-length limits to a block list."""
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format" if error == "invalid_blocks" else error)
    if len(blocks) > limit:
        raise _rejection(error, f"no more than {limit} items allowed [json-pointer:{pointer}]")
    too_long = _oversized_text(blocks, pointer)
    if too_long:
        raise _rejection(error, f"text too long [json-pointer:{too_long}]")


def check_message(args: Args, *, require_content: bool = True) -> None:
    """Validate a message body (text, blocks, attachments) the way chat.* methods do."""
    text, blocks = args.get("text"), args.get("blocks")
    if require_content and not (text or blocks or args.get("attachments")):
        raise ApiError("no_text")
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        raise ApiError("msg_too_long")
    if blocks not in (None, ""):
        _check_blocks(blocks, MAX_MESSAGE_BLOCKS, "/blocks", "invalid_blocks")


def check_view(view: Any, expected_type: str | None) -> dict[str, Any]:
    """Validate a modal or Home tab view; Slack reports these as `invalid_arguments`."""
    invalid = "invalid_arguments"
    if not isinstance(view, dict):
        raise _rejection(invalid, "failed to match all allowed schemas [json-pointer:/view]")
    kind = view.get("type")
    if kind not in ("modal", "home") or (expected_type and kind != expected_type):
        raise _rejection(invalid, "invalid view type [json-pointer:/view/type]")
    if kind == "modal":
        title = view.get("title")
        if not isinstance(title, dict):
            raise _rejection(invalid, "missing required field: title [json-pointer:/view]")
        if len(str(title.get("text", ""))) > MAX_VIEW_TITLE:
            raise _rejection(invalid, f"must be less than {MAX_VIEW_TITLE + 1} characters "
                                      "[json-pointer:/view/title/text]")
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        raise _rejection(invalid, f"must be less than {MAX_PRIVATE_METADATA + 1} characters "
                                  "[json-pointer:/view/private_metadata]")
    _check_blocks(view.get("blocks", []), MAX_VIEW_BLOCKS, "/view/blocks", invalid)
    return view
