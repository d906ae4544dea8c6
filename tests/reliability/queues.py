"""What the kill tests read of the inbox and the outbox, straight from the database.

On SQLite the inbox is a file beside the main one (storage/inbox_db.py); the outbox is
always in the main database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, inspect, make_url, text

from storage.db import make_engine
from storage.inbox_db import sibling_path


def inbox_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return url
    return parsed.set(database=str(sibling_path(str(parsed.database)))).render_as_string(
        hide_password=False)


@contextmanager
def _reading(url: str, table: str) -> Iterator[Connection | None]:
    """A connection to the database holding ``table``; None while it has no such table."""
    engine = make_engine(inbox_url(url) if table == "inbox" else url)
    try:
        with engine.connect() as connection:
            yield connection if table in inspect(connection).get_table_names() else None
    finally:
        engine.dispose()


def unfinished(url: str) -> dict[str, int]:
    """Requests queued or given up, and messages not yet sent."""
    counts = {}
    for name, table, where in (("queued", "inbox", "state = 'queued'"),
                               ("failed", "inbox", "state = 'failed'"),
                               ("unsent", "outbox", "state <> 'sent'")):
        with _reading(url, table) as connection:
            counts[name] = int(connection.scalar(text(
                f"SELECT count(*) FROM {table} WHERE {where}"))) if connection else 0
    return counts


def answer_attempts(url: str) -> dict[str, int]:
    """Per response_url, how many times the outbox set out to send its answer: 1, or more
    when a sender died and another worker took the answer over."""
    with _reading(url, "outbox") as connection:
        if connection is None:
            return {}
        rows = connection.execute(text(
            "SELECT payload, attempts FROM outbox WHERE kind = 'respond'"))
        return {str(json.loads(payload).get("response_url")): int(attempts)
                for payload, attempts in rows}


def inbox_rows(url: str) -> list[tuple[object, ...]]:
    """Every request in the inbox, oldest first: id, key, state, attempts, body."""
    with _reading(url, "inbox") as connection:
        if connection is None:
            return []
        return [tuple(row) for row in connection.execute(text(
            "SELECT id, key, state, attempts, body FROM inbox ORDER BY id"))]
