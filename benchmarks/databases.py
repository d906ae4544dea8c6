"""Throwaway databases for benchmarks: a SQLite file or a PostgreSQL database, migrated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from storage import schema
from storage.db import make_engine

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def migrated_database(backend: str, workdir: Path, postgres_url: str) -> Iterator[str]:
    """A URL to a new database at the current schema, dropped or deleted afterwards."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        path = workdir / f"{name}.db"
        url = f"sqlite:///{path}"
        _migrate(url)
        try:
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        base, _, _ = postgres_url.rpartition("/")
        url = f"{base}/{name}"
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()


def postgres_available(postgres_url: str) -> bool:
    """Whether the PostgreSQL server answers (B1 and B2 also run there when it does)."""
    try:
        engine = make_engine(postgres_url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def after_bulk_load(engine: Engine) -> None:
    """On PostgreSQL, do what a server that grew its data would have done already.

    Move each id sequence past the explicit ids, and gather planner statistics as
    autovacuum does: without them PostgreSQL plans ``list mine`` over 10,000 actions as a
    1.3 s nested loop instead of a 2 ms hash join. SQLite is left as a deployment has it
    (the bot never runs ANALYZE there).
    """
    if engine.dialect.name != "postgresql":
        return
    _reset_sequences(engine)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def _reset_sequences(engine: Engine) -> None:
    from storage.models import Base

    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.primary_key:
                continue
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ))
