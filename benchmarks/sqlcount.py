"""Count the SQL statements an engine runs, to show they do not grow with the data."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


class StatementCounter:
    """Counts every statement the engine sends (executemany counts once)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, *_args: Any) -> None:
        with self._lock:
            self.count += 1

    def settle(self, quiet: float = 0.15, timeout: float = 30.0) -> int:
        """Wait until no statement ran for ``quiet`` seconds (background work done)."""
        deadline = time.monotonic() + timeout
        last, since = self.count, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            if self.count != last:
                last, since = self.count, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return self.count


@contextmanager
def counting(engine: Engine) -> Iterator[StatementCounter]:
    """Count statements on ``engine`` while the block runs."""
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)
