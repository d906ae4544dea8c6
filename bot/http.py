"""HTTP mode: a WSGI app for Slack's requests and a health check, served by waitress."""

from __future__ import annotations

import json
import logging
import re
import resource
import time
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.exc import SQLAlchemyError
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.intake import Intake, describe

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are a few KiB; anything far larger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
SERVER_THREADS = 16
# A public endpoint is reachable by anyone, signature or not. waitress holds a connection
# without a thread until its request is whole, so idle ones are cheap: allow many, and
# drop any that has been silent for a few seconds, so a crowd of slow or silent clients
# (slowloris) can never use up the connections Slack's own requests need.
CONNECTION_LIMIT = 4000
IDLE_TIMEOUT_SECONDS = 10
CLEANUP_INTERVAL_SECONDS = 2
# Slack's headers are well under 4 KiB; 16 KiB is generous and far below waitress's 256.
MAX_HEADER_BYTES = 16 * 1024
# Queued connections the kernel holds before waitress accepts them.
LISTEN_BACKLOG = 2048
# Slack's rule: a request stamped more than five minutes from now, either way, is a replay.
MAX_CLOCK_SKEW_SECONDS = 5 * 60

# Fields Slack sends as JSON objects (or null); a string is allowed where Slack sends an id.
OBJECT_FIELDS = ("event", "view", "container", "message", "state")
OBJECT_OR_ID_FIELDS = ("user", "team", "channel", "enterprise")
# Fields Slack sends as lists of objects.
LIST_FIELDS = ("actions", "authorizations")
# Ids of who sent a request, where Slack puts them. Slack's ids are short; the columns
# that hold them are 32 characters, so a longer one can only be forged.
ID_FIELDS = ("team_id", "user_id", "enterprise_id", "channel_id")
ID_OBJECTS = ("team", "user", "enterprise", "channel")
SLACK_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
# Slack's payloads nest a dozen levels at most; far deeper is an attack on the parsers.
MAX_NESTING = 64

log = logging.getLogger("actionlog.http")

StartResponse = Callable[..., Any]


class SlackWsgiApp:
    """Routes Slack's POSTs to Bolt and answers the health check; logs one line each.

    With a signing secret, every request's timestamp and signature are checked here,
    before its body is parsed, so nothing unsigned reaches the parser. The bot hands each
    request to its ``Intake`` (stored, then acked; bot/intake.py); the benchmarks' bare
    app hands it to a Bolt ``App`` instead.
    """

    def __init__(
        self,
        handler: Intake | App,
        health_check: Callable[[], bool],
        *,
        signing_secret: str | None = None,
    ) -> None:
        self._handler = handler
        self._healthy = health_check
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        fields: dict[str, Any] = {"method": method, "path": path}
        if path == EVENTS_PATH and method == "POST":
            status, headers, body = self._slack(environ, fields)
        elif path == HEALTH_PATH and method == "GET":
            status, headers, body = self._health()
        else:
            status, headers, body = 404, {"content-type": "text/plain"}, b"Not Found"
        fields.update(status=status, duration_ms=round((time.perf_counter() - started) * 1000, 1))
        fields["outcome"] = "ok" if status < 400 else "refused" if status < 500 else "error"
        log.info("request", extra={"fields": fields})
        start_response(_status_line(status), list(headers.items()))
        return [body]

    def _slack(self, environ: dict[str, Any], fields: dict[str, Any]) -> tuple[int, dict, bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, {"content-type": "text/plain"}, b"Bad Request"
        if length > MAX_BODY_BYTES:
            return 413, {"content-type": "text/plain"}, b"Payload Too Large"
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = _request_headers(environ)
        if self._verifier is not None and not _fresh(headers):
            return 401, {"content-type": "text/plain"}, b"Unauthorized"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return 400, {"content-type": "text/plain"}, b"Bad Request"
        if not self._signed(text, headers):
            return 401, {"content-type": "text/plain"}, b"Unauthorized"
        try:
            request = BoltRequest(body=text, query=environ.get("QUERY_STRING"), headers=headers)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError):
            # Building the request only parses the body (json.JSONDecodeError is a
            # ValueError); it fails like this on valid JSON that is not an object, and
            # with RecursionError on JSON nested thousands deep.
            return 400, {"content-type": "text/plain"}, b"Bad Request"
        if not _shaped_like_slack(request.body):
            return 400, {"content-type": "text/plain"}, b"Bad Request"
        fields.update(_describe(request))
        if isinstance(self._handler, App):
            response = self._handler.dispatch(request)
            out_headers = {k: ";".join(v) for k, v in response.headers.items()}
            return response.status, out_headers, (response.body or "").encode("utf-8")
        return self._store(request.body, text, headers, fields)

    def _store(self, body: dict[str, Any], text: str, headers: dict[str, str],
               fields: dict[str, Any]) -> tuple[int, dict, bytes]:
        """Store the request, then ack; Slack's own checks are answered at once."""
        if body.get("type") == "url_verification":
            # Slack checking the Request URL: it wants its challenge back.
            answer = json.dumps({"challenge": str(body.get("challenge", ""))})
            return 200, {"content-type": "application/json"}, answer.encode()
        if body.get("ssl_check"):
            return 200, {"content-type": "text/plain"}, b""
        assert isinstance(self._handler, Intake)
        try:
            taken = self._handler.take(body, text, headers.get("content-type", ""))
        except SQLAlchemyError as exc:
            # Not stored, so not acked: Slack shows the person an error (and retries an
            # event) rather than the request being silently lost.
            fields["error"] = type(exc).__name__
            return 503, {"content-type": "text/plain"}, b"Service Unavailable"
        if taken.request_id is None:
            fields["repeat"] = True  # a replay or Slack's retry: stored once already
        else:
            fields["queued"] = taken.request_id
        return 200, {"content-type": taken.ack_content_type}, taken.ack_body.encode("utf-8")

    def _signed(self, text: str, headers: dict[str, str]) -> bool:
        """Whether Slack signed this body (always True when there is nothing to check)."""
        if self._verifier is None:
            return True
        try:
            return self._verifier.is_valid_request(text, headers)
        except TypeError:  # hmac.compare_digest refuses a non-ASCII signature header
            return False

    def _health(self) -> tuple[int, dict, bytes]:
        healthy = self._healthy()
        body = json.dumps({"status": "ok" if healthy else "database unavailable"}).encode()
        return (200 if healthy else 503), {"content-type": "application/json"}, body


def _request_headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


def _fresh(headers: dict[str, str]) -> bool:
    """Whether the request's timestamp is a whole number of seconds within five minutes of
    now. Checked here, not left to Bolt, so a replayed or post-dated request never gets
    as far as the parser, whatever Bolt's own check does."""
    try:
        stamp = int(headers.get("x-slack-request-timestamp", ""))
        # A stamp of hundreds of digits is a valid int but overflows the float maths.
        return abs(time.time() - stamp) <= MAX_CLOCK_SKEW_SECONDS
    except (ValueError, OverflowError):
        return False


def _shaped_like_slack(body: Any) -> bool:
    """Whether the parsed body is an object whose well-known fields have Slack's types.

    Bolt's listeners, and our own, read these fields without checking; valid JSON of the
    wrong shape (an ``event`` that is a list, say) would otherwise fail there with a 500.
    """
    if not isinstance(body, dict) or not _nested_within(body, MAX_NESTING):
        return False
    if not _ids_well_formed(body):
        return False
    for name in OBJECT_FIELDS:
        if not isinstance(body.get(name), dict | None):
            return False
    for name in OBJECT_OR_ID_FIELDS:
        if not isinstance(body.get(name), dict | str | None):
            return False
    for name in LIST_FIELDS:
        items = body.get(name)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(i, dict) for i in items)
        ):
            return False
    return True


def _nested_within(value: Any, limit: int) -> bool:
    """Whether ``value`` nests no deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def _ids_well_formed(body: dict[str, Any]) -> bool:
    """Whether every id naming the sender, their team and channel looks like Slack's."""
    ids = [body.get(name) for name in ID_FIELDS]
    for name in ID_OBJECTS:
        value = body.get(name)
        ids += [value.get("id"), value.get("team_id")] if isinstance(value, dict) else [value]
    return all(
        value is None or (isinstance(value, str) and SLACK_ID.fullmatch(value))
        for value in ids
    )


def _describe(request: BoltRequest) -> dict[str, Any]:
    """What the request is and who sent it, without the text they typed."""
    body = request.body if isinstance(request.body, dict) else {}
    what = describe(body)
    user = body.get("user_id") or _id_of(body.get("user"))
    team = body.get("team_id") or _id_of(body.get("team"))
    return {"what": what, "user": user, "team": team}


def _id_of(value: dict | str | None) -> str | None:
    """An id from a field Slack sends as an object or, in some payloads, as the id itself."""
    return value.get("id") if isinstance(value, dict) else value


def _status_line(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def make_server(
    app: SlackWsgiApp, host: str, port: int
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, not yet running; ``.run()`` serves, ``.close()`` stops."""
    _allow_descriptors(CONNECTION_LIMIT + 256)
    return waitress.create_server(
        app,
        host=host,
        port=port,
        threads=SERVER_THREADS,
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=MAX_HEADER_BYTES,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_TIMEOUT_SECONDS,
        cleanup_interval=CLEANUP_INTERVAL_SECONDS,
        backlog=LISTEN_BACKLOG,
        # poll() has no limit on descriptor numbers; select() stops at 1,024.
        asyncore_use_poll=True,
        ident="actionlog",
        clear_untrusted_proxy_headers=True,
    )


def _allow_descriptors(wanted: int) -> None:
    """Raise this process's open-file limit towards ``wanted``, within the hard limit.

    Many systems start processes at 1,024, fewer than the connections the server allows.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def stop_server(server: BaseWSGIServer | MultiSocketServer) -> None:
    """Stop listening and drop kept-alive connections so ``run()`` returns promptly."""
    server.close()
    # waitress's loop runs while any channel is open; idle keep-alives would hold it.
    for channel in list(server._map.values()):  # noqa: SLF001 - no public API for this
        channel.close()
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
