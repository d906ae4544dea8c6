"""HTTP mode: a WSGI app for Slack's requests and a health check, served by waitress."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App, BoltRequest
from waitress.server import BaseWSGIServer, MultiSocketServer

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are a few KiB; anything far larger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
SERVER_THREADS = 16

log = logging.getLogger("actionlog.http")

StartResponse = Callable[..., Any]


class SlackWsgiApp:
    """Routes Slack's POSTs to Bolt and answers the health check; logs one line each."""

    def __init__(self, bolt_app: App, health_check: Callable[[], bool]) -> None:
        self._bolt = bolt_app
        self._healthy = health_check

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
        try:
            request = BoltRequest(
                body=raw.decode("utf-8"), query=environ.get("QUERY_STRING"), headers=headers
            )
        except (UnicodeDecodeError, ValueError, json.JSONDecodeError):
            return 400, {"content-type": "text/plain"}, b"Bad Request"
        fields.update(_describe(request))
        response = self._bolt.dispatch(request)
        out_headers = {k: ";".join(v) for k, v in response.headers.items()}
        return response.status, out_headers, (response.body or "").encode("utf-8")

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


def _describe(request: BoltRequest) -> dict[str, Any]:
    """What the request is and who sent it, without the text they typed."""
    body = request.body if isinstance(request.body, dict) else {}
    what = body.get("command") or body.get("type")
    if body.get("command"):
        what = f"{body['command']} {str(body.get('text', '')).split(' ', 1)[0]}".strip()
    elif body.get("type") == "block_actions" and body.get("actions"):
        what = f"block_actions {body['actions'][0].get('action_id')}"
    elif body.get("type") in ("view_submission", "view_closed"):
        what = f"{body['type']} {body.get('view', {}).get('callback_id')}"
    elif body.get("type") == "event_callback":
        what = f"event {body.get('event', {}).get('type')}"
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return {"what": what, "user": user, "team": team}


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
    return waitress.create_server(
        app,
        host=host,
        port=port,
        threads=SERVER_THREADS,
        max_request_body_size=MAX_BODY_BYTES,
        ident="actionlog",
        clear_untrusted_proxy_headers=True,
    )


def stop_server(server: BaseWSGIServer | MultiSocketServer) -> None:
    """Stop listening and drop kept-alive connections so ``run()`` returns promptly."""
    server.close()
    # waitress's loop runs while any channel is open; idle keep-alives would hold it.
    for channel in list(server._map.values()):  # noqa: SLF001 - no public API for this
        channel.close()
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
