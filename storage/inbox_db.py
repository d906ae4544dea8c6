"""Where the inbox lives: in the main database, or beside it on SQLite.

On PostgreSQL the inbox is a table of the main database, reached through an engine of its
own. A worker holds the request it carries out with a row lock. On SQLite one writer holds
the whole file at a time; if the web process stored requests there it would wait behind
every worker transaction before it could ack. So on SQLite the inbox is a sibling file
(``actionlog.db`` -> ``actionlog-inbox.db``), created on first use. On both, exactly-once
rests on the ``inbox_done`` marker, committed with the request's changes.
"""

from __future__ import annotations

import threading
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
    """The inbox's engine and sessions. ``locks_rows`` on PostgreSQL, where workers hold
    the request they carry out with a row lock; on SQLite the one worker process keeps
    track of what its threads hold."""

    engine: Engine
    sessions: sessionmaker[Session]
    locks_rows: bool


def sibling_path(database: str) -> Path:
    """The inbox file beside a SQLite database file."""
    path = Path(database)
    return path.with_name(f"{path.stem}-inbox{path.suffix or '.db'}")


def open_inbox(main: Engine, main_sessions: sessionmaker[Session]) -> InboxDatabase:
    """The inbox for the bot's database ``main`` (schema created there if missing)."""
    url = main.url
    if url.get_backend_name() != "sqlite":
        # The same database through an engine of its own (one per process): the inbox's
        # short transactions and row locks never wait for a connection behind the work's.
        engine = _engine_for(url.render_as_string(hide_password=False))
        return InboxDatabase(engine, make_session_factory(engine), locks_rows=True)
    if not url.database or url.database == ":memory:":
        raise ValueError("the inbox needs a SQLite database in a file, not in memory")
    inbox_url = url.set(database=str(sibling_path(url.database)))
    engine = make_engine(inbox_url.render_as_string(hide_password=False))
    _create_tables(engine)
    return InboxDatabase(engine, make_session_factory(engine), locks_rows=False)


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_for(url: str) -> Engine:
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = make_engine(url)
        return _ENGINES[url]


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
