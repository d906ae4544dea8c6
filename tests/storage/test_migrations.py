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
