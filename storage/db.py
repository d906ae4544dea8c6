"""The engine and sessions: SQLite (WAL, busy timeout) by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.lengths import refuse_overlong
from storage.unit import current_unit

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build an engine with the per-database settings the bot relies on."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    kwargs.setdefault("pool_pre_ping", True)  # survive a database restart
    return create_engine(url, **kwargs)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (see the "begin" listener above).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(conn: Any) -> None:
    # pysqlite opens transactions lazily; writers take the write lock at BEGIN instead, so
    # two writers queue on the busy timeout rather than failing on lock upgrade. Readers
    # (see read_transaction) begin deferred: in WAL mode they never wait for writers.
    readonly = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


READ_ONLY = "actionlog_read_only"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (renderers read them), and
    refuse text longer than its column on every backend (storage/lengths.py)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", refuse_overlong)
    return factory


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One session and one transaction: commit on success, roll back on error.

    Inside a unit of work (storage/unit.py) it is a savepoint of the unit's transaction.
    """
    unit = current_unit(sessions)
    if unit is not None:
        with unit.block() as session:
            yield session
        return
    with sessions() as session, session.begin():
        yield session


@contextmanager
def read_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that only reads: on SQLite it never waits for a writer.

    Inside a unit of work that has written, it reads the unit's own transaction, so the
    work sees its changes.
    """
    unit = current_unit(sessions)
    if unit is not None and unit.started:
        with unit.block() as session:
            yield session
        return
    with sessions() as session, session.begin():
        session.connection(execution_options={READ_ONLY: True})
        yield session


@contextmanager
def own_transaction(sessions: sessionmaker[Session], *,
                    flushed: bool = True) -> Iterator[Session]:
    """A transaction of its own even inside a unit of work (storage/unit.py): for the
    bookkeeping a worker must commit whatever becomes of the request it carries out.

    With ``flushed=False`` PostgreSQL acknowledges the commit before its log reaches the
    disk (``synchronous_commit = off``): it survives this process dying, and only a
    crash of the database server itself, within a fraction of a second, could undo it.
    For bookkeeping that a lost commit merely repeats (a request marked done is found
    done again by its marker; a message marked sent is sent again), not for records.
    """
    with sessions() as session, session.begin():
        if not flushed and session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL synchronous_commit = off"))
        yield session
