"""Request keys: claimed once until they expire, released on demand, on either backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.services.requests import claim_request, release_request

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
KEEP = timedelta(minutes=10)


def _claim(sessions: sessionmaker[Session], key: str, now: datetime = NOW) -> bool:
    with transaction(sessions) as session:
        return claim_request(session, team_id="T1", key=key, now=now, keep_for=KEEP)


def test_a_key_is_claimed_once(sessions: sessionmaker[Session]) -> None:
    assert _claim(sessions, "body:a") is True
    assert _claim(sessions, "body:a") is False
    assert _claim(sessions, "body:b") is True


def test_an_expired_claim_can_be_made_again(sessions: sessionmaker[Session]) -> None:
    assert _claim(sessions, "body:a")
    assert not _claim(sessions, "body:a", NOW + KEEP - timedelta(seconds=1))
    assert _claim(sessions, "body:a", NOW + KEEP)


def test_a_released_key_can_be_claimed_again(sessions: sessionmaker[Session]) -> None:
    assert _claim(sessions, "form:a")
    with transaction(sessions) as session:
        release_request(session, key="form:a")
    assert _claim(sessions, "form:a")
