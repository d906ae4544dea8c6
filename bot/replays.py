"""Each request from Slack acts once: replays, Slack's retries and double submissions.

A captured request can be replayed within the five minutes its signature stays fresh;
Slack resends an event it thinks was lost (``X-Slack-Retry-Num``), with the same body;
a form can be submitted twice. Each gets a key, claimed in the database (so every
instance of the bot sees it) before the request acts; a second claim answers without
acting. A claim whose request was refused or failed is released, so trying again works.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from reminders.clock import Clock
from storage.db import transaction
from storage.services.requests import claim_request, release_request

log = logging.getLogger("actionlog.replays")

# Longer than the signature's 5-minute window, so a replay inside it is always caught.
REQUEST_KEPT = timedelta(minutes=10)
# Slack retries an event three times, the last about five minutes after the first; an
# event's id is kept an hour, as Slack's docs suggest, because retries are signed anew.
EVENT_KEPT = timedelta(hours=1)


def request_key(body: dict[str, Any], raw: str) -> tuple[str, timedelta]:
    """The key a request is remembered by, and for how long.

    Any other request differs in its body (a trigger id, an action time), so a copy of the
    body is a replay or a retry; an event is known by its id, which retries keep.
    """
    if body.get("type") == "event_callback" and isinstance(body.get("event_id"), str):
        return _digest("event", str(body.get("team_id")), body["event_id"]), EVENT_KEPT
    return _digest("body", raw), REQUEST_KEPT


def form_key(team_id: str, view: dict[str, Any]) -> str:
    """A form submission's key: the view and what was entered in it."""
    values = (view.get("state") or {}).get("values")
    state = json.dumps(values, sort_keys=True, ensure_ascii=True, default=str)
    return _digest("form", team_id, str(view.get("id")), state)


def _digest(kind: str, *parts: str) -> str:
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return f"{kind}:{hashlib.sha256(joined).hexdigest()}"


class RequestLedger:
    """Claims and releases request keys in the database."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions, self._clock = sessions, clock

    def claim(self, team_id: str, key: str, keep_for: timedelta = REQUEST_KEPT) -> bool:
        """True when this is the first time; False for a repeat.

        If the database cannot be asked, the request goes ahead: the change itself would
        fail on the same database, and a rare repeat is better than a lost request.
        """
        try:
            with transaction(self._sessions) as session:
                return claim_request(session, team_id=team_id, key=key,
                                     now=self._clock.now(), keep_for=keep_for)
        except SQLAlchemyError as exc:
            log.warning("request not checked for repeats", extra={"fields": {
                "error": type(exc).__name__}})
            return True

    def release(self, key: str) -> None:
        try:
            with transaction(self._sessions) as session:
                release_request(session, key=key)
        except SQLAlchemyError as exc:
            log.warning("request key not released", extra={"fields": {
                "error": type(exc).__name__}})
