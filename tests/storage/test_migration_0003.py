"""Migration 0003 keeps every old action and role meaning what it meant, on either backend."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import schema
from storage.db import make_engine
from storage.models import Action, DueKind, Role
from tests.support.databases import empty_database_url

THEN = datetime(2026, 11, 1, 9, 0)


def _old_rows(engine: Engine) -> None:
    """Rows as the 0002 schema held them: a date-due action, a meeting-due action, a role."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO meetings (id, team_id, kind, title, starts_at, created_by, created_at)"
                " VALUES (1, 'T1', 'monthly', 'Assurance', :at, 'U1', :at)"
            ),
            {"at": THEN},
        )
        for ref, due_date, meeting in ((1, date(2027, 6, 30), None), (2, None, 1)):
            connection.execute(
                text(
                    "INSERT INTO actions (id, team_id, ref, text, due_date, due_meeting_id,"
                    " original_due_date, original_due_meeting_id, status, created_by,"
                    " created_at, last_update_at)"
                    " VALUES (:ref, 'T1', :ref, 'Brief the PCC', :due, :meeting, :due, :meeting,"
                    " 'not_started', 'U1', :at, :at)"
                ),
                {"ref": ref, "due": due_date, "meeting": meeting, "at": THEN},
            )
        connection.execute(
            text(
                "INSERT INTO roles (team_id, code, holder_user_id, since)"
                " VALUES ('T1', 'DCC', 'U2', :at)"
            ),
            {"at": THEN},
        )


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_old_actions_and_roles_keep_their_meaning(tmp_path: Path, kind: str) -> None:
    with empty_database_url(tmp_path, kind) as url:
        engine = make_engine(url)
        schema.upgrade(engine, "0002")
        _old_rows(engine)
        schema.upgrade(engine, "0003")
        # Columns named one by one: the models also hold what later migrations add.
        with Session(engine) as session:
            rows = session.execute(select(
                Action.ref, Action.due_kind, Action.due_date, Action.due_meeting_id,
                Action.due_as_written,
            )).all()
            by_ref = {row.ref: row for row in rows}
            assert (by_ref[1].due_kind, by_ref[1].due_date, by_ref[1].due_meeting_id) == (
                DueKind.DATE, date(2027, 6, 30), None,
            )
            assert (by_ref[2].due_kind, by_ref[2].due_date, by_ref[2].due_meeting_id) == (
                DueKind.MEETING, None, 1,
            )
            assert by_ref[1].due_as_written is None
            role = session.scalars(select(Role)).one()
            assert (role.code, role.holder_user_id, role.title) == ("DCC", "U2", None)
            assert (role.external, role.is_person, role.contact) == (False, False, None)

            # The new check holds the kind to the columns: a "none" action with a date fails.
            with pytest.raises(IntegrityError):
                session.execute(
                    update(Action).where(Action.ref == 1).values(due_kind=DueKind.NONE)
                )
            session.rollback()

        schema.downgrade(engine, "0002")
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT ref, due_date, due_meeting_id FROM actions ORDER BY ref")
            ).all()
        assert [(r[0], r[2]) for r in rows] == [(1, None), (2, 1)]
        assert rows[0][1] is not None
        engine.dispose()


def test_an_action_with_no_due_date_can_be_stored(tmp_path: Path) -> None:
    with empty_database_url(tmp_path) as url:
        engine = make_engine(url)
        schema.upgrade(engine)
        with Session(engine) as session:
            session.add(
                Action(
                    team_id="T1", ref=1, text="Keep the risk register", due_kind=DueKind.NONE,
                    due_as_written="ongoing", status="not_started", created_by="U1",
                    created_at=THEN.replace(tzinfo=UTC), last_update_at=THEN.replace(tzinfo=UTC),
                )
            )
            session.commit()
            stored = session.scalars(select(Action)).one()
            assert (stored.due_kind, stored.due_date, stored.due_meeting_id) == (
                DueKind.NONE, None, None,
            )
        engine.dispose()
