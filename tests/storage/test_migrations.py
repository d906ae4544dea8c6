"""Migrations build the schema from empty and survive a round trip, on either backend."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import schema
from storage.db import make_engine
from storage.models import Base
from tests.support.databases import empty_database_url


def test_empty_database_to_head_and_back(tmp_path: Path) -> None:
    with empty_database_url(tmp_path) as url:
        engine = make_engine(url)
        assert schema.current_revision(engine) is None
        assert not schema.is_up_to_date(engine)

        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
        assert {"actions", "action_events", "deliveries", "roles"} <= set(
            inspect(engine).get_table_names()
        )

        schema.downgrade(engine, "base")
        assert schema.current_revision(engine) is None
        assert "actions" not in inspect(engine).get_table_names()

        schema.upgrade(engine)
        assert schema.is_up_to_date(engine)
        engine.dispose()


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_upgrading_keeps_what_was_recorded_meaning_the_same(tmp_path: Path) -> None:
    """Before 0004 Panel meetings were never "the next meeting" and nothing recurred."""
    with empty_database_url(tmp_path) as url:
        engine = make_engine(url)
        schema.upgrade(engine, "0002")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO workspace_settings (team_id, reminder_lead_days, send_time, "
                "summary_lead_days, digest_weekday, reminders_enabled, summary_enabled, "
                "digest_enabled, digest_when_empty, updated_at) VALUES ('T1', '5,1', '09:00', "
                "2, 0, true, true, true, false, '2026-11-01 09:00:00')"))
            connection.execute(text(
                "INSERT INTO actions (team_id, ref, text, status, created_by, created_at, "
                "last_update_at, due_date, original_due_date) VALUES ('T1', 1, 'review', "
                "'not_started', 'U1', '2026-11-01 09:00:00', '2026-11-01 09:00:00', "
                "'2027-06-30', '2027-06-30')"))
        schema.upgrade(engine)
        with engine.connect() as connection:
            kinds = connection.execute(text(
                "SELECT next_meeting_kinds FROM workspace_settings")).scalar()
            row = connection.execute(text(
                "SELECT awaits_next_meeting, recurrence_months, occurrence, due_date "
                "FROM actions")).one()
        assert kinds == "monthly,thematic,extraordinary,public"
        assert (bool(row[0]), row[1], row[2], str(row[3])) == (False, None, 1, "2027-06-30")
        engine.dispose()
