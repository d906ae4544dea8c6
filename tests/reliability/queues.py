"""What the kill tests read of the inbox and the outbox, straight from the database."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import make_engine


def _count(url: str, table: str, where: str) -> int:
    engine = make_engine(url)
    try:
        if table not in inspect(engine).get_table_names():
            return 0
        with engine.connect() as connection:
            return int(connection.scalar(text(f"SELECT count(*) FROM {table} WHERE {where}")))
    finally:
        engine.dispose()


def unfinished(url: str) -> dict[str, int]:
    """Requests not yet done and replies not yet sent."""
    return {"inbox": _count(url, "inbox", "state = 'queued'"),
            "outbox": _count(url, "outbox", "state <> 'sent'")}


def resent_targets(url: str) -> list[str]:
    """Where the outbox sent a reply more than once (attempts >= 2)."""
    engine = make_engine(url)
    try:
        if "outbox" not in inspect(engine).get_table_names():
            return []
        with engine.connect() as connection:
            return [str(row[0]) for row in connection.execute(
                text("SELECT target FROM outbox WHERE attempts >= 2"))]
    finally:
        engine.dispose()


def inbox_rows(url: str) -> list[tuple[object, ...]]:
    """Every request in the inbox, oldest first: id, key, state, attempts, body."""
    engine = make_engine(url)
    try:
        if "inbox" not in inspect(engine).get_table_names():
            return []
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT id, key, state, attempts, body FROM inbox ORDER BY id"))]
    finally:
        engine.dispose()
