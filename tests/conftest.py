"""Shared fixtures: a migrated database of the backend under test, a clock, sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from reminders.clock import ManualClock
from storage import schema
from storage.db import make_engine, make_session_factory
from tests.support.databases import (
    backend,
    clear_all_tables,
    empty_database_url,
    postgres_unreachable_reason,
)

TEAM = "T0001"


def pytest_report_header() -> str:
    return f"actionlog test database: {backend()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked `postgres` when no server answers, saying why; CI insists on them."""
    needing = [item for item in items if item.get_closest_marker("postgres")]
    if not needing:
        return
    reason = postgres_unreachable_reason()
    if reason is None:
        return
    if os.environ.get("ACTIONLOG_REQUIRE_POSTGRES"):
        raise pytest.UsageError(f"ACTIONLOG_REQUIRE_POSTGRES is set but {reason}")
    skip = pytest.mark.skip(reason=f"needs PostgreSQL: {reason}; set "
                                   "ACTIONLOG_TEST_POSTGRES_URL or start the server "
                                   "(.ci/run does)")
    for item in needing:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database for the whole run; tests empty it between them."""
    with empty_database_url(tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def shared_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(shared_engine: Engine) -> Iterator[Engine]:
    clear_all_tables(shared_engine)
    yield shared_engine


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    # Monday 23 November 2026, 10:00 in London (GMT).
    return ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


@pytest.fixture
def tmp_dir(tmp_path: Path) -> Path:
    return tmp_path
