"""The web part's one job: store each request from Slack in the inbox, then ack it.

Nothing is carried out here: workers take the stored requests (bot/worker/). The ack
waits only for the insert, so it never queues behind work. Two kinds of request wait a
little longer: a form submission, whose ack can carry errors shown in the form, waits up
to ``ACK_BUDGET_SECONDS`` for a worker to hand its ack back; and a slash command, when the
workers are behind, is acked with a note saying how many requests are ahead of it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.replays import request_key
from reminders.clock import Clock
from storage.db import read_transaction, transaction
from storage.services import inbox

# Slack allows 3 s for the ack; leave room for the network and the server on both sides.
ACK_BUDGET_SECONDS = 2.0
ACK_POLL_SECONDS = 0.005
# Workers are "behind" when a request has waited this long: the ack then says so.
BEHIND_AFTER = timedelta(seconds=2)
QUEUED_NOTE = (":hourglass_flowing_sand: The bot is busy: your request is queued, with "
               "{ahead} ahead of you. The answer will follow here shortly.")
# Slash-command text that opens a form: its trigger expires 3 s after Slack sent it.
FORM_WORDS = frozenset({"add", "import"})


@dataclass(frozen=True)
class Taken:
    """What became of a request: its inbox id (None for a repeat) and any ack to give."""

    request_id: int | None
    ack_body: str = ""
    ack_content_type: str = "text/plain"


class Intake:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions, self._clock = sessions, clock

    def take(self, body: dict[str, Any], raw: str, content_type: str,
             transport: str = "http") -> Taken:
        """Store the request (once, however often it arrives) and say how to ack it."""
        key, keep_for = request_key(body, raw)
        team, user = _sender(body)
        kind = str(body.get("type") or ("command" if body.get("command") else "unknown"))
        new = inbox.NewRequest(
            key=key, team_id=team, user_id=user, what=describe(body), transport=transport,
            content_type=content_type, body=raw, priority=priority(body),
            received_at=self._clock.now(), keep_for=keep_for,
            waits_for_ack=kind == "view_submission",
        )
        with transaction(self._sessions) as session:
            request_id = inbox.store_request(session, new)
            ahead = (self._ahead(session, request_id)
                     if request_id is not None and body.get("command") else 0)
        if kind == "view_submission" and request_id is not None:
            return Taken(request_id, self._form_ack(request_id), "application/json")
        if ahead:
            note = {"response_type": "ephemeral", "text": QUEUED_NOTE.format(ahead=ahead)}
            return Taken(request_id, json.dumps(note), "application/json")
        return Taken(request_id)

    def _ahead(self, session: Session, request_id: int) -> int:
        """Requests ahead of this one, when the workers are behind; else 0."""
        oldest = inbox.oldest_queued_at(session)
        if oldest is None or self._clock.now() - oldest < BEHIND_AFTER:
            return 0
        return inbox.queued_ahead(session, request_id)

    def _form_ack(self, request_id: int) -> str:
        """The worker's ack for a form submission if it comes within the budget, else an
        empty one (the form closes and the worker tells the person by message)."""
        deadline = time.monotonic() + ACK_BUDGET_SECONDS
        while time.monotonic() < deadline:
            with read_transaction(self._sessions) as session:
                found = inbox.read_ack(session, request_id)
                # Given back once the request is done, so the ack never comes before
                # the changes it confirms are committed.
                done = found is not None and found[0] == inbox.ANSWERED and \
                    inbox.is_finished(session, request_id)
            if done:
                return found[1] or ""  # type: ignore[index]
            time.sleep(ACK_POLL_SECONDS)
        with transaction(self._sessions) as session:
            return inbox.give_up_ack(session, request_id) or ""


def priority(body: dict[str, Any]) -> int:
    """0 for requests that cannot wait (a trigger to open a form, a form's ack), else 1."""
    if body.get("command"):
        words = str(body.get("text") or "").split()
        return 0 if not words or (len(words) == 1 and words[0].lower() in FORM_WORDS) else 1
    return 0 if body.get("trigger_id") or body.get("type") == "view_submission" else 1


def describe(body: dict[str, Any]) -> str:
    """What the request is, for logs, without the text anyone typed."""
    if body.get("command"):
        return f"{body['command']} {str(body.get('text', '')).split(' ', 1)[0]}".strip()
    kind = str(body.get("type") or "unknown")
    if kind == "block_actions" and body.get("actions"):
        return f"block_actions {body['actions'][0].get('action_id')}"
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {(body.get('view') or {}).get('callback_id')}"
    if kind == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    return kind


def _sender(body: dict[str, Any]) -> tuple[str, str | None]:
    user = body.get("user_id") or _id_of(body.get("user"))
    if user is None and isinstance(body.get("event"), dict):
        user = _id_of(body["event"].get("user"))
    team = body.get("team_id") or _id_of(body.get("team")) or ""
    return str(team), (str(user) if user else None)


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value
