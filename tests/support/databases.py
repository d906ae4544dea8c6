"""Test databases: a SQLite file by default, a throwaway PostgreSQL database on request.

Set ``ACTIONLOG_TEST_DATABASE=postgres`` to run the suite on PostgreSQL; the server is
reached through ``ACTIONLOG_TEST_POSTGRES_URL`` (default: the local trust-auth server).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from storage.db import make_engine

POSTGRES_ADMIN_URL = os.environ.get(
    "ACTIONLOG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def postgres_unreachable_reason(timeout: int = 3) -> str | None:
    """Why the PostgreSQL server for tests cannot be used, or None when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[dev]')"
    url = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(url, connect_timeout=timeout):
            return None
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        host = url.rsplit("@", 1)[-1]
        return f"no PostgreSQL server answers at {host} ({first_line})"


def backend() -> str:
    return os.environ.get("ACTIONLOG_TEST_DATABASE", "sqlite").lower()


@contextmanager
def empty_database_url(tmp_dir: Path, kind: str | None = None) -> Iterator[str]:
    """A URL to a new, empty database of ``kind`` ("sqlite" or "postgres"; by default the
    backend under test), removed afterwards."""
    if (kind or backend()) == "postgres":
        if kind == "postgres" and backend() != "postgres":
            _skip_without_postgres()  # a test asking for PostgreSQL in a SQLite run
        with _postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_dir / f'actionlog-{uuid.uuid4().hex[:8]}.db'}"


def _skip_without_postgres() -> None:
    """Skip (or, when CI requires PostgreSQL, fail) with the reason the server is unusable;
    a backstop for tests that need it but lack the `postgres` mark."""
    reason = postgres_unreachable_reason()
    if reason is None:
        return
    if os.environ.get("ACTIONLOG_REQUIRE_POSTGRES"):
        pytest.fail(f"ACTIONLOG_REQUIRE_POSTGRES is set but {reason}")
    pytest.skip(f"needs PostgreSQL: {reason}")


@contextmanager
def _postgres_database() -> Iterator[str]:
    name = f"actionlog_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clear_all_tables(engine: Engine) -> None:
    """Empty every table (children first) so each test starts clean, and the inbox
    beside a SQLite database too (storage/inbox_db.py)."""
    from storage.inbox_db import INBOX_TABLES, sibling_path
    from storage.models import Base

    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and \
            sibling_path(database).exists():
        inbox = make_engine(engine.url.set(database=str(sibling_path(database)))
                            .render_as_string(hide_password=False))
        with inbox.begin() as connection:
            for table in INBOX_TABLES:
                connection.execute(table.delete())
        inbox.dispose()


def record_tables() -> list[Any]:
    """The action log's own tables: all but the bookkeeping of requests (their keys, the
    inbox and outbox), which note every request Slack sends, changed anything or not."""
    from storage.models import (
        Base,
        InboxAck,
        InboxDone,
        InboxRequest,
        OutboxMessage,
        RequestKey,
    )

    bookkeeping = {RequestKey.__table__, InboxRequest.__table__, InboxAck.__table__,
                   InboxDone.__table__, OutboxMessage.__table__}
    return [t for t in Base.metadata.sorted_tables if t not in bookkeeping]
