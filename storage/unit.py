"""One transaction for the whole of a request's work, so its changes commit together.

A worker carries out a stored request inside a unit of work. Every ``transaction()`` the
work opens on the unit's sessions becomes a savepoint of one outer transaction, which the
worker commits together with the request's "done" marker and the messages it leaves in the
outbox; if the process dies first, nothing of it was committed and the request runs again.

The outer transaction begins at the work's first write, not before: reads until then use
their own short transactions, so the Slack lookups a command makes before it changes
anything never hold SQLite's write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session, sessionmaker

_current: ContextVar[Unit | None] = ContextVar("actionlog_unit_of_work", default=None)


class Unit:
    """The outer transaction of one request's work, begun lazily."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._session: Session | None = None

    @property
    def started(self) -> bool:
        return self._session is not None

    def session(self) -> Session:
        """The outer transaction's session, begun now if it was not yet."""
        if self._session is None:
            session = self.sessions()
            session.begin()
            self._session = session
        return self._session

    @contextmanager
    def block(self) -> Iterator[Session]:
        """One of the work's transactions, as a savepoint: a refusal that raises out of it
        undoes just its own changes, as its own transaction would have."""
        session = self.session()
        with session.begin_nested():
            yield session

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()

    def close(self) -> None:
        """Roll back whatever was not committed and let the session go."""
        if self._session is not None:
            self._session.close()
            self._session = None


def current_unit(sessions: sessionmaker[Session]) -> Unit | None:
    """The unit of work this thread is in, if it is one on ``sessions``."""
    unit = _current.get()
    return unit if unit is not None and unit.sessions is sessions else None


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Unit]:
    """Run the enclosed work as one unit; the caller commits it, else it is rolled back."""
    unit = Unit(sessions)
    token = _current.set(unit)
    try:
        yield unit
    finally:
        _current.reset(token)
        unit.close()
