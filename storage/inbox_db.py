"""Where the inbox lives: in the main database, or beside it on SQLite.

On PostgreSQL the inbox is a table of the main database, and a worker takes a request and
marks it done in the same transaction as the request's changes. On SQLite one writer holds
the whole file at a time; if the web process stored requests there it would wait behind
every worker transaction before it could ack. So on SQLite the inbox is a sibling file
(``actionlog.db`` -> ``actionlog-inbox.db``), created on first use, and exactly-once rests
on the ``inbox_done`` marker in the main file (see storage/models.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, make_session_factory
from storage.models import InboxAck, InboxRequest

INBOX_TABLES = [InboxRequest.__table__, InboxAck.__table__]


@dataclass(frozen=True)
class InboxDatabase:
    """The inbox's engine and sessions; ``shared`` when it is the main database."""

    engine: Engine
    sessions: sessionmaker[Session]
    shared: bool


def sibling_path(database: str) -> Path:
    """The inbox file beside a SQLite database file."""
    path = Path(database)
    return path.with_name(f"{path.stem}-inbox{path.suffix or '.db'}")


def open_inbox(main: Engine, main_sessions: sessionmaker[Session]) -> InboxDatabase:
    """The inbox for the bot's database ``main`` (schema created there if missing)."""
    url = main.url
    if url.get_backend_name() != "sqlite":
        return InboxDatabase(main, main_sessions, shared=True)
    if not url.database or url.database == ":memory:":
        raise ValueError("the inbox needs a SQLite database in a file, not in memory")
    inbox_url = url.set(database=str(sibling_path(url.database)))
    engine = make_engine(inbox_url.render_as_string(hide_password=False))
    _create_tables(engine)
    return InboxDatabase(engine, make_session_factory(engine), shared=False)


def _create_tables(engine: Engine) -> None:
    # The web process and a worker may both open a new file at once; the loser of the
    # race finds the tables made and tries again, which then does nothing.
    for attempt in range(3):
        try:
            InboxRequest.metadata.create_all(engine, tables=INBOX_TABLES)
            return
        except OperationalError:
            if attempt == 2:
                raise


def describe(engine: Engine) -> str:
    """Where the inbox is, for the startup line (no password)."""
    return make_url(engine.url).render_as_string(hide_password=True)
