"""Requests already taken: claim a key once, so a replay or a retry does not act again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import RequestKey


def claim_request(session: Session, *, team_id: str, key: str, now: datetime,
                  keep_for: timedelta) -> bool:
    """True if ``key`` was not taken (it now is, until ``now + keep_for``); False if a
    live claim holds it. Expired claims are cleared on the way."""
    session.execute(delete(RequestKey).where(RequestKey.expires_at <= now))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RequestKey).values(
        key=key, team_id=team_id[:32], expires_at=now + keep_for
    ).on_conflict_do_nothing(index_elements=[RequestKey.key]).returning(RequestKey.key)
    # RETURNING gives the row only when it was inserted; rowcount is not reliable here
    # across drivers (psycopg reports -1 for this statement).
    return session.execute(statement).first() is not None


def release_request(session: Session, *, key: str) -> None:
    """Forget a claim, so the same request may be acted on again (it was refused or failed)."""
    session.execute(delete(RequestKey).where(RequestKey.key == key))
