"""The outbox: what a request leaves to send, and the marker that it was carried out.

Both are written in the request's own transaction (storage/unit.py), so a request that
committed has its replies recorded, and one that did not has neither changes nor replies.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import InboxDone, OutboxMessage, OutboxState

# Sent messages and done markers are kept a while for tracing, then deleted. A done
# marker must outlive the inbox row that could repeat it (kept at most an hour).
SENT_KEPT = timedelta(hours=1)
DONE_KEPT = timedelta(hours=3)


@dataclass(frozen=True)
class Outgoing:
    """One message to send once the request has committed."""

    kind: str  # "respond" (response_url), "post" (chat.postMessage) or "home" (a tab)
    team_id: str
    user_id: str | None
    payload: dict[str, Any]


def is_done(session: Session, key: str) -> bool:
    return session.get(InboxDone, key) is not None


def mark_done(session: Session, key: str, now: datetime) -> None:
    """The request's changes are part of this transaction. IntegrityError (at flush) if
    another worker already committed it, which rolls this copy back."""
    session.add(InboxDone(key=key, done_at=now))
    session.flush()


def record(session: Session, *, key: str, received_at: datetime, messages: Iterable[Outgoing],
           claimed_by: str, now: datetime) -> list[OutboxMessage]:
    """Store the messages, claimed by the worker that will send them, in order."""
    rows = [
        OutboxMessage(request_key=key, seq=seq, kind=message.kind, team_id=message.team_id,
                      user_id=message.user_id, received_at=received_at,
                      payload=json.dumps(message.payload, default=_plain),
                      state=OutboxState.SENDING, attempts=1, claimed_by=claimed_by,
                      claimed_at=now)
        for seq, message in enumerate(messages)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _plain(value: Any) -> Any:
    """Block Kit objects from slack_sdk become the dicts Slack receives."""
    to_dict = getattr(value, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"cannot store {type(value).__name__} in the outbox")
    return to_dict()


def take_over(session: Session, *, stale_before: datetime, dead: Collection[str],
              claimed_by: str, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Claim messages whose sender died (its claim is stale, or its process is gone).

    Each taken message counts another attempt: it may have been sent just before its
    sender died, and Slack cannot be asked about a response_url post.
    """
    orphaned = or_(OutboxMessage.claimed_at < stale_before,
                   OutboxMessage.claimed_by.in_(list(dead)))
    query = (select(OutboxMessage).where(OutboxMessage.state == OutboxState.SENDING, orphaned)
             .order_by(OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.claimed_by, row.claimed_at, row.attempts = claimed_by, now, row.attempts + 1
    session.flush()
    return rows


def claimers(session: Session) -> set[str]:
    """Who holds unsent messages now."""
    return {name for name in session.scalars(
        select(OutboxMessage.claimed_by).where(OutboxMessage.state == OutboxState.SENDING)
        .distinct()) if name}


def mark_sent(session: Session, ids: Collection[int], now: datetime) -> None:
    if ids:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                        .values(state=OutboxState.SENT, sent_at=now))


def pending_count(session: Session) -> int:
    return len(list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.state == OutboxState.SENDING))))


def purge(session: Session, now: datetime) -> None:
    session.execute(delete(OutboxMessage).where(OutboxMessage.state == OutboxState.SENT,
                                                OutboxMessage.sent_at < now - SENT_KEPT))
    session.execute(delete(InboxDone).where(InboxDone.done_at < now - DONE_KEPT))


def forget_user(session: Session, *, team_id: str, user_id: str) -> int:
    """Delete the sent messages to or about a person; unsent ones are still to go."""
    mentions = (OutboxMessage.user_id == user_id) | OutboxMessage.payload.contains(
        user_id, autoescape=True)
    return session.execute(delete(OutboxMessage).where(
        OutboxMessage.team_id == team_id, OutboxMessage.state == OutboxState.SENT, mentions)
    ).rowcount or 0


__all__ = ["IntegrityError", "Outgoing", "claimers", "forget_user", "is_done", "mark_done",
           "mark_sent", "pending_count", "purge", "record", "take_over"]
