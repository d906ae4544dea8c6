"""Home tabs refreshed after changes, at most once per person per window.

Several changes for one person close together (a burst of adds, a meeting's actions
imported) would each publish the whole Home tab. A refresh asked for waits ``window``
seconds, and every further change for that person in the meantime joins it: one
publish, of the newest state, for the lot. A tab is a view of the database, so a refresh
lost with its process costs nothing that the next change or opening the tab won't mend.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time

from bot.home import HomeRefresher

log = logging.getLogger("actionlog.home")

WINDOW_SECONDS = 1.0


class HomeTabs:
    """Publishes the Home tabs asked for, each once per window, on a thread of its own."""

    def __init__(self, refresher: HomeRefresher, window: float = WINDOW_SECONDS) -> None:
        self._refresher, self._window = refresher, window
        self._due: list[tuple[float, str, str]] = []
        self._waiting: set[tuple[str, str]] = set()
        self._busy = 0
        self._changed = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="actionlog-home", daemon=True)
        self._thread.start()

    def refresh(self, team_id: str, user_id: str) -> None:
        with self._changed:
            if (team_id, user_id) in self._waiting:
                return  # the refresh already waiting will show this change too
            self._waiting.add((team_id, user_id))
            heapq.heappush(self._due, (time.monotonic() + self._window, team_id, user_id))
            self._changed.notify_all()

    def idle(self) -> bool:
        with self._changed:
            return not self._waiting and not self._busy

    def stop(self, timeout: float) -> None:
        """Publish what is waiting now (up to ``timeout``), then stop."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                while True:
                    if self._due and (self._stopping or self._due[0][0] <= time.monotonic()):
                        _, team_id, user_id = heapq.heappop(self._due)
                        self._waiting.discard((team_id, user_id))
                        self._busy += 1
                        break
                    if self._stopping and not self._due:
                        return
                    wait = self._due[0][0] - time.monotonic() if self._due else None
                    self._changed.wait(wait)
            try:
                self._refresher.refresh_now(team_id, user_id)
            except Exception:  # noqa: BLE001 - one tab must not stop the others
                log.exception("home not refreshed")
            finally:
                with self._changed:
                    self._busy -= 1
                    self._changed.notify_all()
