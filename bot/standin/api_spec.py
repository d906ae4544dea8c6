"""What the Slack Web API accepts, read from the vendored copy of Slack's OpenAPI file."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

# Slack's OpenAPI description, trimmed to the methods the bot uses (see slack_spec/README.md).
SPEC_FILE = ("slack_spec", "web_api", "slack_web_api.json")
MANIFEST_SCHEMA_FILE = ("slack_spec", "manifest_schema", "manifest.schema.1.0.0.json")

# Fields Slack accepts as JSON-encoded strings inside form bodies, or as JSON values.
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files"})

Args = dict[str, Any]

_INTEGER = re.compile(r"-?\d+")
# slack_sdk's WebClient adds team_id to every call once it knows the workspace (Bolt sets
# it), and Slack accepts it on every method for org-wide apps, so it is never "unknown".
UNIVERSAL_ARGUMENTS = frozenset({"team_id"})


def vendored_file(*parts: str) -> Path:
    """Path of a file shipped in `bot/standin/slack_spec/` (installed as package data)."""
    return Path(str(resources.files("bot.standin").joinpath(*parts)))


class ApiError(Exception):
    """A Slack-shaped failure: `{"ok": false, "error": ...}` with an HTTP status."""

    def __init__(
        self, error: str, status: int = 200, *, messages: Iterable[str] = (), retry_after: int = 0,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.error, self.status, self.messages = error, status, list(messages)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}
        self.extra = dict(extra or {})
        self.injected = False  # set when a test injected this failure

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Slack would send for this error."""
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass(frozen=True)
class Argument:
    """One documented argument of a method: its name, OpenAPI type and whether required."""

    name: str
    kind: str
    required: bool = False


@dataclass(frozen=True)
class MethodSpec:
    """A Web API method: its arguments and the bot-token scopes it needs.

    `scopes` are all needed; `scopes_by_conversation` (for conversations.* methods) maps the
    kind of conversation (`public_channel`, `private_channel`, `im`, `mpim`) to its scope.
    """

    name: str
    arguments: Mapping[str, Argument] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    scopes_by_conversation: Mapping[str, str] = field(default_factory=dict)

    @property
    def required(self) -> frozenset[str]:
        """Names of the required arguments (`token` excluded)."""
        return frozenset(name for name, arg in self.arguments.items() if arg.required)


def _method_spec(name: str, operation: Mapping[str, Any]) -> MethodSpec:
    arguments = {
        param["name"]: Argument(param["name"], param.get("type", "string"),
                                bool(param.get("required")))
        for param in operation.get("parameters", []) if param.get("name") != "token"
    }
    scopes = operation.get("x-actionlog-bot-scopes", [])
    if isinstance(scopes, Mapping):
        return MethodSpec(name, arguments, scopes_by_conversation=dict(scopes["by_conversation"]))
    return MethodSpec(name, arguments, tuple(scopes))


@lru_cache(maxsize=4)
def _parse_spec(path: str) -> dict[str, MethodSpec]:
    with open(path, encoding="utf-8") as handle:
        spec = json.load(handle)
    methods: dict[str, MethodSpec] = {}
    for route, operations in spec.get("paths", {}).items():
        for operation in operations.values():
            methods[route.lstrip("/")] = _method_spec(route.lstrip("/"), operation)
    return methods


def load_methods(spec_path: str | Path | None = None) -> dict[str, MethodSpec]:
    """Map each Web API method to its spec, from `spec_path` or the vendored OpenAPI file."""
    path = Path(spec_path) if spec_path is not None else vendored_file(*SPEC_FILE)
    if not path.is_file():
        raise FileNotFoundError(f"Slack OpenAPI spec not found: {path}")
    return dict(_parse_spec(str(path.resolve())))


def _type_error(argument: Argument, value: Any) -> str | None:
    """Why `value` does not fit the argument's documented type (None when it fits)."""
    if argument.name in JSON_FIELDS:
        return None  # JSON strings or JSON values; their content is checked elsewhere
    if isinstance(value, dict | list):
        return f"expected a {argument.kind}, got a JSON {type(value).__name__}"
    text = str(value).strip().lower() if not isinstance(value, bool) else None
    if argument.kind == "boolean":
        ok = isinstance(value, bool) or text in ("true", "false", "1", "0")
    elif argument.kind == "integer":
        ok = not isinstance(value, bool) and (
            isinstance(value, int) or bool(_INTEGER.fullmatch(text or "")))
    elif argument.kind == "number":
        try:
            ok = not isinstance(value, bool) and float(value) == float(value)
        except (TypeError, ValueError):
            ok = False
    else:
        ok = True
    return None if ok else f"expected a {argument.kind}, got {value!r}"


def check_arguments(spec: MethodSpec, args: Mapping[str, Any]) -> None:
    """Refuse missing, unknown and wrongly typed arguments with `invalid_arguments`."""
    problems = [f"[ERROR] missing required field: {name}" for name in sorted(spec.required)
                if args.get(name) in (None, "", [])]
    problems += [f"[ERROR] unknown field: {name}" for name in sorted(args)
                 if name not in spec.arguments and name not in UNIVERSAL_ARGUMENTS]
    for name, value in sorted(args.items()):
        argument = spec.arguments.get(name)
        reason = _type_error(argument, value) if argument and value is not None else None
        if reason:
            problems.append(f"[ERROR] {reason} [json-pointer:/{name}]")
    if problems:
        raise ApiError("invalid_arguments", messages=problems)


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
