"""A unit of work: the request's transactions commit together, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.db import read_transaction, transaction
from storage.models import SecretariatMember
from storage.unit import unit_of_work

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _members(sessions: sessionmaker[Session]) -> int:
    with read_transaction(sessions) as session:
        return session.scalar(select(func.count()).select_from(SecretariatMember)) or 0


def _add(sessions: sessionmaker[Session], user: str) -> None:
    with transaction(sessions) as session:
        session.add(SecretariatMember(team_id="T1", user_id=user, added_by="U0", added_at=NOW))


def test_changes_commit_only_with_the_unit(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as unit:
        _add(sessions, "U1")
        _add(sessions, "U2")
        with read_transaction(sessions) as session:  # the work sees its own changes
            assert session.scalar(select(func.count()).select_from(SecretariatMember)) == 2
    assert _members(sessions) == 0  # never committed: rolled back
    with unit_of_work(sessions) as unit:
        _add(sessions, "U1")
        unit.commit()
    assert _members(sessions) == 1


def test_a_refusal_undoes_only_its_own_transaction(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as unit:
        _add(sessions, "U1")
        try:
            with transaction(sessions) as session:
                session.add(SecretariatMember(team_id="T1", user_id="U2", added_by="U0",
                                              added_at=NOW))
                session.flush()
                raise ValueError("refused")
        except ValueError:
            pass
        unit.commit()
    with read_transaction(sessions) as session:
        users = set(session.scalars(select(SecretariatMember.user_id)))
    assert users == {"U1"}


def test_reads_before_the_first_write_do_not_begin_the_unit(
        sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as unit:
        assert _members(sessions) == 0
        assert not unit.started  # no write lock held while the work asks Slack things
        _add(sessions, "U1")
        assert unit.started
