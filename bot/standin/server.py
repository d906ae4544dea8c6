"""A local, threaded stand-in for the Slack Web API used by tests, the console and benchmarks."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.standin.api_spec import (
    ApiError,
    Args,
    MethodSpec,
    bearer_token,
    check_arguments,
    header,
    load_methods,
    parse_args,
)
from bot.standin.block_kit import check_message, check_view
from bot.standin.directory import (
    Channel,
    User,
    Usergroup,
    channel_json,
    page,
    user_json,
    usergroup_json,
)
from bot.standin.faults import FAULTS, Dropped, Fault, fault_error
from bot.standin.files import UPLOAD_METHOD, UPLOAD_PATH, FileUploads
from bot.standin.files_download import FILES_PREFIX, FileStore
from bot.standin.ratelimits import Limits, RateLimiter
from bot.standin.scopes import check_scopes, granted_scopes, needed_scopes
from bot.standin.slack_text import Directory
from bot.standin.triggers import TriggerLedger

# Errors that mean the caller sent what Slack refuses (as opposed to a fault, or a person
# or channel that is gone): a test can assert the bot never provoked one.
CALLER_MISTAKES = frozenset({
    "invalid_arguments", "invalid_blocks", "invalid_blocks_format", "no_text", "msg_too_long",
    "unknown_method", "not_implemented_in_standin", "missing_scope", "not_authed",
    "invalid_trigger_id", "exchanged_trigger_id", "used_url", "invalid_json", "invalid_cursor",
    "method_not_supported_for_channel_type", "invalid_types", "invalid_metadata_format",
    "invalid_metadata_schema",
})
# https://api.slack.com/interactivity/handling#message_responses: a response_url can be
# used up to five times within 30 minutes.
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME = 30 * 60
# Page size when a list call gives no limit; Slack pages large lists whatever is asked.
DEFAULT_PAGE_SIZE = 100
# Slack answers these without a token.
_NO_TOKEN_METHODS = frozenset({"api.test"})


@dataclass(frozen=True)
class Call:
    """One request received by the stand-in and the answer it gave."""

    method: str
    args: Args
    token: str | None
    received_at: float
    status: int
    response: dict[str, Any]
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    injected: bool = False  # the answer was a fault injected by the test, not a refusal

    @property
    def refused(self) -> bool:
        """Whether Slack would have refused this call as the caller's mistake."""
        return not self.injected and self.response.get("error") in CALLER_MISTAKES


class _Answered(Exception):
    """A request answered outside the Web API's dispatch (an upload URL)."""

    def __init__(self, status: int, response: dict[str, Any]) -> None:
        super().__init__(status)
        self.status, self.response = status, response


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A hanging handler must never make stop() wait for it.
    block_on_close = False
    standin: SlackStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients that give up on a hang reset the connection, which is expected."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._serve()

    def do_POST(self) -> None:
        """Serve a POST request."""
        self._serve()

    def _serve(self) -> None:
        if self.path.startswith(FILES_PREFIX):
            self._serve_file()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        answer = self.server.standin._handle(self.path, dict(self.headers.items()), body)
        if answer is None:  # a dropped connection: no status line, no body
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, payload, headers = answer
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out (e.g. during a "hang" fault); nothing left to tell it

    def _serve_file(self) -> None:
        """A private file's bytes (not JSON), as files.slack.com serves them."""
        status, data, content_type = self.server.standin.serve_file(
            self.path, dict(self.headers.items()))
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test and benchmark output clean."""


class SlackStandIn:
    """Threaded local HTTP server answering Slack Web API calls and response_url posts."""

    def __init__(
        self,
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        *,
        team_name: str = "Action Log Test",
        team_domain: str = "actionlog",
        bot_id: str = "B0001",
        app_id: str = "A0001",
        tokens: Iterable[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        spec_path: str | Path | None = None,
        extra_methods: Mapping[str, MethodSpec] | None = None,
        hang_seconds: float = 3.0,
        unknown_channels: Iterable[str] = (),
        scopes: Iterable[str] | None = None,
    ) -> None:
        """`scopes` are the bot scopes granted (default: those in app_manifest.yml);
        `extra_methods` adds or replaces method specs beyond the vendored OpenAPI file."""
        self.team_id, self.bot_user_id, self.team_name = team_id, bot_user_id, team_name
        self.team_domain, self.bot_id, self.app_id = team_domain, bot_id, app_id
        self.hang_seconds = hang_seconds
        self.unknown_channels: set[str] = set(unknown_channels)
        self.methods = load_methods(spec_path)
        self.methods.update(extra_methods or {})
        self.scopes = granted_scopes(scopes)
        self.page_size = DEFAULT_PAGE_SIZE
        self.triggers = TriggerLedger()
        self._tokens = frozenset(tokens) if tokens is not None else None
        self._address = (host, port)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[Call] = []
        self._answered: set[str] = set()  # response_url keys that got a 200
        self._response_uses: dict[str, list[float]] = {}  # key -> times of accepted posts
        self._expected: set[str] = set()  # refusals a test provokes on purpose
        self._faults: list[Fault] = []
        self._random_faults: tuple[float, tuple[str, ...], random.Random] | None = None
        self._limiter = RateLimiter()
        self._users: dict[str, User] = {}
        self._usergroups: dict[str, Usergroup] = {}
        self._channels: dict[str, Channel] = {}
        self._group_dms: set[str] = set()
        # Messages posted so far, per channel, oldest first: conversations.history reads them.
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._last_ts = 0
        self._next_serial = 0
        self.add_user(bot_user_id, "actionlog", real_name="Action Log", is_bot=True)
        self._handlers: dict[str, Callable[[Args], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": lambda a: self._view(a, "home"),
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.join": self._conversations_join,
            "conversations.list": self._conversations_list,
            "usergroups.list": self._usergroups_list,
            "usergroups.users.list": self._usergroups_users_list,
            "team.info": self._team_info,
        }
        # File uploads live in their own module: two methods and the upload URL.
        self.files = FileUploads(self)
        self._handlers.update(self.files.handlers())
        # Files people shared, for files.info and the url_private download.
        self.shared_files = FileStore(team_id, lambda: self.base_url)
        self._handlers["files.info"] = self.shared_files.info

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Bind the socket and serve on a daemon thread; returns self for chaining."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self._address, _Handler)
        self._server.standin = self
        # A short poll interval keeps stop() (and so every test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
            name="slack-standin", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release hanging requests and close the socket."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port (only known once started)."""
        if self._server is None:
            raise RuntimeError("SlackStandIn is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Root URL of the server, e.g. `http://127.0.0.1:PORT`."""
        return f"http://{self._address[0]}:{self.port}"

    @property
    def api_url(self) -> str:
        """Web API base URL with the trailing slash `slack_sdk.WebClient(base_url=...)` needs."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        """A response_url whose posts are recorded under the method name `response_url`."""
        return f"{self.base_url}/response/{key}"

    # -- directory ---------------------------------------------------------------------------

    def add_user(
        self, user_id: str, name: str, *, real_name: str | None = None, is_bot: bool = False,
        deleted: bool = False, tz: str = "Europe/London", team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        """Add or replace a member: of this workspace, or with ``team_id`` of another one
        that Slack still shows (a Slack Connect partner, or another workspace of the same
        Enterprise Grid org when ``enterprise_id`` is given)."""
        with self._lock:
            self._users[user_id] = User(user_id, name, real_name or name, is_bot, deleted, tz,
                                        team_id, enterprise_id)

    def add_usergroup(self, group_id: str, user_ids: Iterable[str], *,
                      handle: str | None = None, name: str | None = None) -> None:
        """Define a user group (`S...`), its @handle and its members."""
        handle = handle or group_id.lower()
        with self._lock:
            self._usergroups[group_id] = Usergroup(group_id, handle, name or handle,
                                                    list(user_ids))

    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False,
                    members: Iterable[str] = (), archived: bool = False) -> None:
        """Create a channel. The bot is not a member until it joins or is invited."""
        with self._lock:
            self._channels[channel_id] = Channel(channel_id, name, is_private, set(members),
                                                  archived)

    def invite(self, channel_id: str, user_id: str | None = None) -> None:
        """Add someone (by default the bot) to a channel, as `/invite @Action Log` does."""
        with self._lock:
            self._channels[channel_id].members.add(user_id or self.bot_user_id)

    def remove_from_channel(self, channel_id: str, user_id: str | None = None) -> None:
        """Take someone (by default the bot) out of a channel, as `/remove` does."""
        with self._lock:
            self._channels[channel_id].members.discard(user_id or self.bot_user_id)

    def directory(self) -> Directory:
        """Names a person can pick from Slack's list, for `slack_text.as_slack_sends`."""
        with self._lock:
            return Directory(
                users={u.name: u.user_id for u in self._users.values() if not u.deleted},
                channels={c.name: c.channel_id for c in self._channels.values()},
                usergroups={g.handle: g.group_id for g in self._usergroups.values()},
            )

    def is_member(self, channel_id: str, user_id: str | None = None) -> bool:
        """Whether someone (by default the bot) is in a channel."""
        with self._lock:
            channel = self._channels.get(channel_id)
            return channel is not None and (user_id or self.bot_user_id) in channel.members

    # -- recording ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every request received so far."""
        with self._lock:
            return list(self._calls)

    def refusals(self) -> list[Call]:
        """Calls Slack would have refused as the caller's mistake (faults excluded, and the
        errors a test said it provokes on purpose with `expect_refusal`)."""
        with self._lock:
            return [call for call in self._calls
                    if call.refused and call.response.get("error") not in self._expected]

    def expect_refusal(self, *errors: str) -> None:
        """Say a test provokes these errors on purpose (say, a scope left out of the grant)."""
        with self._lock:
            self._expected.update(errors)

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls to one method (use `response_url` for response_url posts)."""
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` were recorded; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matched = [call for call in self._calls if call.method == method]
                remaining = deadline - time.monotonic()
                if len(matched) >= count:
                    return matched
                if remaining <= 0:
                    seen = [call.method for call in self._calls]
                    raise AssertionError(
                        f"expected {count} call(s) to {method} within {timeout}s, got "
                        f"{len(matched)}; all calls: {seen}"
                    )
                self._changed.wait(remaining)

    def reset(self) -> None:
        """Forget recorded calls, pending and random faults, and rate-limit state."""
        with self._lock:
            self._calls.clear()
            self._answered.clear()
            self._response_uses.clear()
            self._faults.clear()
            self._random_faults = None
            self._limiter.reset()

    # -- fault injection and rate limits -----------------------------------------------------

    def inject(self, method: str, fault: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next `times` calls to `method` (or `*`) fail with `fault`, in FIFO order."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FAULTS)}")
        with self._lock:
            self._faults.append(Fault(method, fault, times, max(1, retry_after)))

    def wait_for_reply(self, key: str, timeout: float = 10.0) -> bool:
        """Wait until the response_url made by ``response_url(key)`` was answered with a
        200; False if ``timeout`` passed first. Cheap enough for many waiting threads."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while key not in self._answered:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def wait_faults_used(self, timeout: float = 10.0) -> None:
        """Block until every injected fault has been applied (a hang counts once it begins)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._faults:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"faults not used within {timeout}s: {self._faults}")
                self._changed.wait(min(remaining, 0.05))

    def fault_rate(
        self, rate: float, faults: Iterable[str] = ("ratelimited", "server_error", "hang"),
        seed: int = 0,
    ) -> None:
        """Fail a random fraction `rate` of calls with one of `faults`; 0 turns this off."""
        kinds = tuple(faults)
        if not set(kinds) <= FAULTS or not kinds:
            raise ValueError(f"faults must be a non-empty subset of {sorted(FAULTS)}")
        with self._lock:
            self._random_faults = (rate, kinds, random.Random(seed)) if rate > 0 else None

    def rate_limits(
        self, per_channel_per_sec: float | None = None, burst: int = 1,
        workspace_per_min: float | None = None, tier3_per_min: float | None = None,
        *, minute_burst: int | None = None,
    ) -> None:
        """Enable token-bucket limits (chat.postMessage per channel and workspace, Tier 3)."""
        self._limiter.configure(Limits(per_channel_per_sec, burst, workspace_per_min,
                                       tier3_per_min, minute_burst))

    # -- request handling --------------------------------------------------------------------

    def _handle(self, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[
        int, dict[str, Any], dict[str, str]
    ] | None:
        """Answer one HTTP request and record it (None: drop the connection); never raises."""
        received = time.monotonic()
        parts = urlsplit(raw_path)
        if parts.path.startswith("/api/"):
            method = parts.path[len("/api/"):]
        elif parts.path.startswith("/response/"):
            method = "response_url"
        elif parts.path.startswith(UPLOAD_PATH):
            method = UPLOAD_METHOD
        else:
            method = parts.path
        args: Args = {}
        token: str | None = None
        extra_headers: dict[str, str] = {}
        injected = False
        try:
            if method == UPLOAD_METHOD:
                status, response = self.files.receive(parts.path, headers, body)
                raise _Answered(status, response)
            args = parse_args(parts.query, header(headers, "Content-Type"), body)
            token = bearer_token(headers) or args.pop("token", None)
            status, response = 200, self._dispatch(method, args, token, parts.path)
        except ApiError as exc:
            status, response, extra_headers = exc.status, exc.payload(), exc.headers
            injected = exc.injected
        except Dropped:
            status, response, injected = 0, {"ok": False, "error": "connection_dropped"}, True
        except _Answered as answered:
            status, response = answered.status, answered.response
            args = {"bytes": len(body)}
        except Exception as exc:  # a stand-in bug must surface in the recorded call, not vanish
            status, response = 500, {"ok": False, "error": "internal_error", "detail": repr(exc)}
        call = Call(method, args, token, received, status, response, parts.path, headers,
                    injected)
        with self._changed:
            self._calls.append(call)
            if method == "response_url" and status == 200:
                self._answered.add(call.path.rsplit("/", 1)[-1])
            self._changed.notify_all()
        return (status, response, extra_headers) if status else None

    def _dispatch(self, method: str, args: Args, token: str | None, path: str = "") -> dict[
        str, Any
    ]:
        """Run the checks Slack runs, in Slack's order, then the method itself."""
        if method.startswith("/"):  # neither /api/<method> nor /response/<key>
            raise ApiError("not_found", 404)
        if method == "response_url":
            self._maybe_fail(method)
            return self._response_url_post(path.rsplit("/", 1)[-1], args)
        spec = self.methods.get(method)
        if spec is None:
            raise ApiError("unknown_method", 404)
        self._maybe_fail(method)
        if method not in _NO_TOKEN_METHODS:
            self._authenticate(token)
        check_scopes(needed_scopes(spec, self._conversation_kinds(method, args)), self.scopes)
        self._limiter.take(method, args)
        check_arguments(spec, args)
        handler = self._handlers.get(method)
        if handler is None:
            # In the spec but not modelled here: say so rather than pretend it worked.
            raise ApiError("not_implemented_in_standin", 501,
                           messages=[f"[ERROR] add a handler for {method} to SlackStandIn"])
        return {"ok": True, **handler(args)}

    def _response_url_post(self, key: str, args: Args) -> dict[str, Any]:
        """A response_url takes 5 posts within 30 minutes of its first use, as Slack's does."""
        now = time.monotonic()
        with self._lock:
            uses = self._response_uses.setdefault(key, [])
            if uses and now - uses[0] > RESPONSE_URL_LIFETIME:
                raise ApiError("expired_url", 404)
            if len(uses) >= RESPONSE_URL_USES:
                raise ApiError("used_url", 404)
        if not args.get("delete_original"):
            check_message(args, require_content=False)
        with self._lock:
            uses.append(now)
        return {"ok": True}

    def _conversation_kinds(self, method: str, args: Args) -> list[str]:
        """The kinds of conversation a call touches, for methods whose scope depends on it."""
        if method == "conversations.list":
            return [t.strip() for t in str(args.get("types") or "public_channel").split(",")]
        if method == "conversations.open":
            users = args.get("users") or ""
            count = len(users) if isinstance(users, list) else len(str(users).split(","))
            return ["im" if args.get("channel") or count <= 1 else "mpim"]
        kind = self._kind(str(args.get("channel", "")))
        return [kind] if kind else []

    def _kind(self, channel_id: str) -> str | None:
        with self._lock:
            channel = self._channels.get(channel_id)
            if channel is not None:
                return "private_channel" if channel.is_private else "public_channel"
            if channel_id in self._group_dms:
                return "mpim"
        return "im" if channel_id[:1] in ("D", "U", "W") else None

    def _maybe_fail(self, method: str) -> None:
        """Consume and apply the next injected or random fault for `method`, if any."""
        fault: Fault | None = None
        with self._lock:
            for candidate in self._faults:
                if candidate.method in ("*", method):
                    candidate.remaining -= 1
                    if candidate.remaining <= 0:
                        self._faults.remove(candidate)
                    fault = candidate
                    break
            if fault is None and self._random_faults is not None:
                rate, kinds, rng = self._random_faults
                if rng.random() < rate:
                    fault = Fault(method, rng.choice(kinds), 1)
        if fault is None:
            return
        if fault.kind == "hang":
            # Waiting on the stop event keeps the hang bounded and lets stop() cut it short.
            self._stopping.wait(self.hang_seconds)
        spec = self.methods.get(method)
        needed = (spec.scopes or tuple(spec.scopes_by_conversation.values())[:1]) if spec else ()
        raise fault_error(fault, needed, self.scopes or ())

    def serve_file(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, str]:
        """Download a shared file (recorded as a call named by its path, token and all)."""
        status, data, content_type = self.shared_files.download(path, headers, self._token_ok)
        call = Call(FILES_PREFIX.strip("/"), {}, bearer_token(headers), time.monotonic(),
                    status, {"content_type": content_type}, path, headers)
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        return status, data, content_type

    def _token_ok(self, token: str) -> bool:
        return token in self._tokens if self._tokens is not None else token.startswith("xoxb-")

    def _authenticate(self, token: str | None) -> None:
        if not token:
            raise ApiError("not_authed")
        if not self._token_ok(token):
            raise ApiError("invalid_auth")

    # -- helpers for method handlers ---------------------------------------------------------

    def _next_ts(self) -> str:
        """A unique, increasing Slack timestamp based on the wall clock."""
        with self._lock:
            self._last_ts = max(int(time.time() * 1_000_000), self._last_ts + 1)
            micros = self._last_ts
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._next_serial += 1
            return f"{prefix}{self._next_serial:010d}"

    def _live_user(self, user_id: Any) -> User:
        """The directory entry for an active user, or `user_not_found` as Slack answers."""
        with self._lock:
            user = self._users.get(str(user_id))
        if user is None or user.deleted:
            raise ApiError("user_not_found")
        return user

    def _resolve_channel(self, channel: str) -> str:
        """Where a post lands: a user id means the DM with them; channels need the bot in them.

        A private channel the bot is not in does not exist for it (`channel_not_found`); a
        public one answers `not_in_channel` until the bot joins or is invited.
        """
        if channel in self.unknown_channels:
            raise ApiError("channel_not_found")
        if channel[:1] in ("U", "W"):
            return "D" + self._live_user(channel).user_id
        if channel[:1] == "D":
            self._live_user(channel[1:])
            return channel
        with self._lock:
            if channel in self._group_dms:
                return channel
            found = self._channels.get(channel)
            if found is None or (found.is_private and self.bot_user_id not in found.members):
                raise ApiError("channel_not_found")
            if found.is_archived:
                raise ApiError("is_archived")
            if self.bot_user_id not in found.members:
                raise ApiError("not_in_channel")
        return channel

    def _visible_channel(self, channel_id: str) -> Channel:
        """A channel the bot can see: any public one, or a private one it was invited to."""
        with self._lock:
            found = self._channels.get(channel_id)
            if (found is None or channel_id in self.unknown_channels
                    or (found.is_private and self.bot_user_id not in found.members)):
                raise ApiError("channel_not_found")
            return found

    def _message(self, args: Args, ts: str) -> dict[str, Any]:
        message = {"type": "message", "text": args.get("text") or "", "user": self.bot_user_id,
                   "bot_id": self.bot_id, "app_id": self.app_id, "team": self.team_id, "ts": ts}
        for name in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(name):
                message[name] = args[name]
        return message

    def _channel_json_of(self, channel: Channel) -> dict[str, Any]:
        return channel_json(channel, self.bot_user_id)

    # -- method handlers ---------------------------------------------------------------------

    def _auth_test(self, args: Args) -> dict[str, Any]:
        return {"url": f"https://{self.team_domain}.slack.com/", "team": self.team_name,
                "user": self._users[self.bot_user_id].name, "team_id": self.team_id,
                "user_id": self.bot_user_id, "bot_id": self.bot_id,
                "is_enterprise_install": False}

    def _chat_delete(self, args: Args) -> dict[str, Any]:
        channel = self._resolve_channel(str(args["channel"]))
        index = self._own_message_index(channel, str(args["ts"]))
        with self._lock:
            del self._history[channel][index]
        return {"channel": channel, "ts": args.get("ts")}

    def _chat_post_message(self, args: Args) -> dict[str, Any]:
        channel = self._resolve_channel(str(args["channel"]))
        check_message(args)
        ts = self._next_ts()
        message = self._message(args, ts)
        with self._lock:
            self._history.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": message}

    def _conversations_history(self, args: Args) -> dict[str, Any]:
        """Newest first, like Slack; metadata only when asked for."""
        args = {**args, "channel": self._resolve_channel(str(args["channel"]))}
        oldest = float(args.get("oldest") or 0)
        with self._lock:
            found = [m for m in self._history.get(str(args.get("channel")), [])
                     if float(m["ts"]) > oldest]
        wanted = str(args.get("include_all_metadata", "")).lower() in ("true", "1")
        limit = int(args.get("limit") or 100)
        messages = [m if wanted else {k: v for k, v in m.items() if k != "metadata"}
                    for m in reversed(found)][:limit]
        return {"messages": messages, "has_more": len(found) > limit}

    def _record_file_share(self, channel: str, comment: str, files: list[dict[str, Any]],
                           thread_ts: str | None) -> None:
        """The message a completed upload posts in its channel, as history shows it."""
        message = {"type": "message", "subtype": "file_share", "text": comment,
                   "user": self.bot_user_id, "bot_id": self.bot_id, "ts": self._next_ts(),
                   "files": files}
        if thread_ts:
            message["thread_ts"] = thread_ts
        with self._lock:
            self._history.setdefault(channel, []).append(message)

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages posted to a channel (a user id means the DM with them), oldest first."""
        if channel[:1] in ("U", "W"):
            channel = "D" + channel
        with self._lock:
            return list(self._history.get(channel, []))

    def _chat_post_ephemeral(self, args: Args) -> dict[str, Any]:
        self._resolve_channel(str(args["channel"]))
        self._live_user(args["user"])
        check_message(args)
        return {"message_ts": self._next_ts()}

    def _own_message_index(self, channel: str, ts: str) -> int:
        """Where the bot's message `ts` is in the channel's history, as chat.update/.delete
        need it: `message_not_found`, or `cant_update_message` for someone else's."""
        with self._lock:
            history = self._history.get(channel, [])
            for index, message in enumerate(history):
                if message["ts"] == ts:
                    if message.get("user") != self.bot_user_id:
                        raise ApiError("cant_update_message")
                    return index
        raise ApiError("message_not_found")

    def _chat_update(self, args: Args) -> dict[str, Any]:
        channel = self._resolve_channel(str(args["channel"]))
        check_message(args)
        ts = str(args["ts"])
        index = self._own_message_index(channel, ts)
        message = self._message(args, ts)
        with self._lock:
            self._history[channel][index] = message
        return {"channel": channel, "ts": ts, "text": args.get("text") or "",
                "message": message}

    def _views_open(self, args: Args) -> dict[str, Any]:
        view = self._view(args, "modal")
        self.triggers.use(args["trigger_id"])  # checked after the view, as Slack does
        return view

    def _view(self, args: Args, expected_type: str, view_id: str | None = None) -> dict[str, Any]:
        view = check_view(args.get("view"), expected_type)
        new_id = view_id or self._next_id("V")
        return {"view": {
            "private_metadata": "", "callback_id": "", "external_id": "", "blocks": [], **view,
            "id": new_id, "team_id": self.team_id, "state": {"values": {}},
            "hash": f"{int(time.time())}.{new_id}", "root_view_id": new_id,
            "previous_view_id": None, "app_id": self.app_id, "bot_id": self.bot_id,
        }}

    def _views_update(self, args: Args) -> dict[str, Any]:
        if not (args.get("view_id") or args.get("external_id")):
            raise ApiError("invalid_arguments",
                           messages=["[ERROR] either view_id or external_id is required"])
        return self._view(args, "", view_id=args.get("view_id"))

    def _users_info(self, args: Args) -> dict[str, Any]:
        with self._lock:
            user = self._users.get(str(args.get("user", "")))
        if user is None:  # deleted users are still returned, flagged `deleted`, as Slack does
            raise ApiError("user_not_found")
        return {"user": user_json(user, self.team_id)}

    def _users_list(self, args: Args) -> dict[str, Any]:
        with self._lock:
            users = list(self._users.values())
        members, following = page(users, args, self.page_size)
        return {"members": [user_json(user, self.team_id) for user in members],
                "response_metadata": {"next_cursor": following}}

    def _conversations_open(self, args: Args) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": str(args["channel"])}, "no_op": True, "already_open": True}
        raw = args.get("users") or ""
        user_ids = raw if isinstance(raw, list) else [u for u in str(raw).split(",") if u]
        if not user_ids:
            raise ApiError("users_list_not_supplied")
        users = [self._live_user(user_id) for user_id in user_ids]
        if len(users) == 1:
            channel_id = "D" + users[0].user_id
        else:  # group DM: deterministic for the same set of members
            members = ",".join(sorted(user.user_id for user in users))
            channel_id = f"G{zlib.crc32(members.encode()):08X}"
            with self._lock:
                self._group_dms.add(channel_id)
        return {"channel": {"id": channel_id}}

    def _conversations_info(self, args: Args) -> dict[str, Any]:
        channel_id = str(args.get("channel", ""))
        if channel_id in self.unknown_channels:
            raise ApiError("channel_not_found")
        if channel_id.startswith("D"):
            self._live_user(channel_id[1:])
            return {"channel": {"id": channel_id, "is_im": True, "user": channel_id[1:],
                                "is_open": True, "created": 1700000000}}
        return {"channel": self._channel_json_of(self._visible_channel(channel_id))}

    def _conversations_join(self, args: Args) -> dict[str, Any]:
        """Public channels only; a private one must invite the bot (Slack: conversations.join)."""
        channel_id = str(args["channel"])
        if channel_id[:1] in ("D", "U", "W") or channel_id in self._group_dms:
            raise ApiError("method_not_supported_for_channel_type")
        channel = self._visible_channel(channel_id)
        if channel.is_private:
            raise ApiError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise ApiError("is_archived")
        with self._lock:
            already = self.bot_user_id in channel.members
            channel.members.add(self.bot_user_id)
        answer: dict[str, Any] = {"channel": self._channel_json_of(channel)}
        if already:
            answer.update(warning="already_in_channel",
                          response_metadata={"warnings": ["already_in_channel"]})
        return answer

    def _conversations_list(self, args: Args) -> dict[str, Any]:
        """Public channels, and private ones the bot is in, by `types`; paged."""
        types = {t.strip() for t in str(args.get("types") or "public_channel").split(",")}
        unknown = types - {"public_channel", "private_channel", "im", "mpim"}
        if unknown:
            raise ApiError("invalid_types")
        skip_archived = str(args.get("exclude_archived", "")).lower() in ("true", "1")
        with self._lock:
            channels = [c for c in self._channels.values()
                        if ("private_channel" if c.is_private else "public_channel") in types
                        and (not c.is_private or self.bot_user_id in c.members)
                        and not (skip_archived and c.is_archived)
                        and c.channel_id not in self.unknown_channels]
        shown, following = page(channels, args, self.page_size)
        return {"channels": [self._channel_json_of(c) for c in shown],
                "response_metadata": {"next_cursor": following}}

    def _usergroups_list(self, args: Args) -> dict[str, Any]:
        """Every user group (Slack does not page this method); members on request."""
        with_users = str(args.get("include_users", "")).lower() in ("true", "1")
        with self._lock:
            groups = list(self._usergroups.values())
        listed = [usergroup_json(group, self.team_id, with_users=with_users)
                  for group in groups]
        return {"usergroups": listed}

    def _usergroups_users_list(self, args: Args) -> dict[str, Any]:
        with self._lock:
            group = self._usergroups.get(str(args["usergroup"]))
        if group is None:
            raise ApiError("no_such_subteam")
        return {"users": list(group.members)}

    def _team_info(self, args: Args) -> dict[str, Any]:
        return {"team": {"id": self.team_id, "name": self.team_name, "domain": self.team_domain,
                         "email_domain": "", "icon": {"image_default": True}}}
