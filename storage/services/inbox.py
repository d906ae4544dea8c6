"""The inbox: requests stored before their ack, taken by workers, handed back when acked.

All functions take a session of the inbox's database (storage/inbox_db.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import InboxAck, InboxRequest, InboxState

WAITING, ANSWERED, GAVE_UP = "waiting", "answered", "gave_up"


@dataclass(frozen=True)
class NewRequest:
    """What the web process stores of one request from Slack."""

    key: str
    team_id: str
    user_id: str | None
    what: str
    transport: str
    content_type: str
    body: str
    priority: int
    received_at: datetime
    keep_for: timedelta
    waits_for_ack: bool  # a form submission: the web process waits for its ack


def store_request(session: Session, request: NewRequest) -> int | None:
    """Queue ``request``; its id, or None when its key is already stored (a repeat)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    statement = insert(InboxRequest).values(
        key=request.key, team_id=request.team_id[:32],
        user_id=(request.user_id or None) and request.user_id[:32],
        what=request.what[:120], transport=request.transport,
        content_type=request.content_type[:100], body=request.body,
        priority=request.priority, received_at=request.received_at,
        state=InboxState.QUEUED, attempts=0,
        expires_at=request.received_at + request.keep_for,
    ).on_conflict_do_nothing(index_elements=[InboxRequest.key]).returning(InboxRequest.id)
    request_id = session.execute(statement).scalar()
    if request_id is not None and request.waits_for_ack:
        session.add(InboxAck(request_id=request_id, state=WAITING))
    return request_id


def queued_ahead(session: Session, request_id: int) -> int:
    """How many queued requests came before this one."""
    return session.scalar(
        select(func.count()).select_from(InboxRequest)
        .where(InboxRequest.state == InboxState.QUEUED, InboxRequest.id < request_id)
    ) or 0


def oldest_queued_at(session: Session) -> datetime | None:
    """When the longest-waiting queued request arrived; None when nothing waits."""
    return session.scalar(
        select(InboxRequest.received_at).where(InboxRequest.state == InboxState.QUEUED)
        .order_by(InboxRequest.id).limit(1)
    )


def next_request(session: Session, *, skip_locked: bool, after: int | None = None,
                 besides: Collection[int] = ()) -> InboxRequest | None:
    """The next queued request (time-critical ones first), locked for this transaction
    on PostgreSQL so that other workers pass over it. ``after`` skips ids up to it;
    ``besides`` skips those ids (ones this worker already has in hand)."""
    query = (select(InboxRequest).where(InboxRequest.state == InboxState.QUEUED)
             .order_by(InboxRequest.priority, InboxRequest.id).limit(1))
    if after is not None:
        query = query.where(InboxRequest.id > after)
    if besides:
        query = query.where(InboxRequest.id.not_in(list(besides)))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def queued_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(InboxRequest)
                          .where(InboxRequest.state == InboxState.QUEUED)) or 0


def finish(session: Session, request_id: int, state: InboxState) -> None:
    session.execute(update(InboxRequest).where(InboxRequest.id == request_id)
                    .values(state=state))


def count_attempt(session: Session, request_id: int) -> int:
    """Record that a worker starts this request; how many times one has, this included."""
    session.execute(update(InboxRequest).where(InboxRequest.id == request_id)
                    .values(attempts=InboxRequest.attempts + 1))
    return session.scalar(select(InboxRequest.attempts)
                          .where(InboxRequest.id == request_id)) or 0


def answer_ack(session: Session, request_id: int, body: str) -> bool:
    """From the worker: hand the ack to the web process; False if it already acked."""
    result = session.execute(update(InboxAck).where(InboxAck.request_id == request_id,
                                                    InboxAck.state == WAITING)
                             .values(state=ANSWERED, body=body))
    return result.rowcount == 1


def read_ack(session: Session, request_id: int) -> tuple[str, str | None] | None:
    row = session.execute(select(InboxAck.state, InboxAck.body)
                          .where(InboxAck.request_id == request_id)).first()
    return (row[0], row[1]) if row else None


def is_finished(session: Session, request_id: int) -> bool:
    """Whether a worker has finished this request (done, or given up)."""
    state = session.scalar(select(InboxRequest.state).where(InboxRequest.id == request_id))
    return state is not None and state != InboxState.QUEUED


def give_up_ack(session: Session, request_id: int) -> str | None:
    """From the web process, out of time: ack without the worker. Returns the worker's
    ack body instead if it came in the meantime."""
    result = session.execute(update(InboxAck).where(InboxAck.request_id == request_id,
                                                    InboxAck.state == WAITING)
                             .values(state=GAVE_UP))
    if result.rowcount == 1:
        return None
    row = read_ack(session, request_id)
    return row[1] if row and row[0] == ANSWERED else None


def waits_for_ack(session: Session, request_id: int) -> bool:
    """Whether the web process is still holding this request's ack open."""
    row = read_ack(session, request_id)
    return row is not None and row[0] == WAITING


def purge(session: Session, now: datetime) -> int:
    """Forget finished requests whose keys no longer need to catch repeats."""
    finished = (InboxRequest.state != InboxState.QUEUED) & (InboxRequest.expires_at <= now)
    gone = session.execute(delete(InboxRequest).where(finished)).rowcount or 0
    session.execute(delete(InboxAck).where(
        InboxAck.request_id.not_in(select(InboxRequest.id))))
    return gone


def forget_user(session: Session, *, team_id: str, user_id: str) -> int:
    """Delete the finished requests that came from a person or name them (their words,
    as Slack sent them). Queued ones are left to be carried out."""
    mentions = (InboxRequest.user_id == user_id) | InboxRequest.body.contains(
        user_id, autoescape=True)
    return session.execute(delete(InboxRequest).where(
        InboxRequest.team_id == team_id, InboxRequest.state != InboxState.QUEUED, mentions)
    ).rowcount or 0


def next_request_by_id(session: Session, request_id: int) -> InboxRequest | None:
    """This request if still queued, locked for the transaction (PostgreSQL only); None
    if another worker holds it or has finished it."""
    return session.scalars(
        select(InboxRequest).where(InboxRequest.id == request_id,
                                   InboxRequest.state == InboxState.QUEUED)
        .with_for_update(skip_locked=True)
    ).first()
