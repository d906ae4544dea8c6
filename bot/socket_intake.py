"""Socket Mode's web part: requests arrive on a WebSocket instead of HTTP, same inbox.

Each request is stored in the inbox (bot/intake.py) and only then acknowledged on the
socket, with the ack the intake gives (a form's errors, the "queued" note); the workers
carry it out exactly as they do a request that came over HTTP.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.intake import Intake

log = logging.getLogger("actionlog.socket")


class SocketIntake:
    """Listens on the socket and stores what comes; ``connect`` starts, ``close`` stops."""

    def __init__(self, intake: Intake, app_token: str, web_client: WebClient,
                 client: SocketModeClient | None = None) -> None:
        self._intake = intake
        self._client = client or SocketModeClient(app_token=app_token, web_client=web_client,
                                                  auto_reconnect_enabled=True)
        self._client.socket_mode_request_listeners.append(self.on_request)

    def connect(self) -> None:
        self._client.connect()

    def close(self) -> None:
        self._client.close()

    def on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        """Store, then ack. Not stored (the database is down): not acked, so Slack tells
        the person it failed rather than the request being lost in silence."""
        payload: dict[str, Any] = request.payload or {}
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        try:
            taken = self._intake.take(payload, raw, "application/json", transport="socket")
        except SQLAlchemyError as exc:
            log.error("request not stored", extra={"fields": {"error": type(exc).__name__}})
            return
        body = json.loads(taken.ack_body) if taken.ack_body else None
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=body))
