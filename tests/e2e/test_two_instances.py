"""Two bot instances, each with its own scheduler, on one database: no duplicates."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from bot.runtime import build_runtime
from bot.standin.server import SlackStandIn
from reminders.clock import ManualClock
from reminders.scheduler import start_scheduler
from storage.owners import RoleOwner
from tests.support.harness import bot_settings
from tests.support.world import LONDON, World

START = datetime(2026, 12, 14, 8, tzinfo=UTC)


def test_two_schedulers_one_database(sessions, database_url) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, START)
    world.role("DCC", "UDCC", START)
    world.role("ACC", "UACC", START)
    meeting = world.meeting(datetime(2026, 12, 30, 10, tzinfo=UTC), START)
    for n in range(5):
        world.action(f"review metric {n}", START, meeting_id=meeting)
    world.action("brief the PCC", START, owners=[RoleOwner("ACC")], on=date(2026, 12, 29))
    with SlackStandIn() as standin:
        for user in ("USEC", "UDCC", "UACC"):
            standin.add_user(user, user.lower())
        settings = bot_settings(standin, database_url)
        clock = ManualClock(datetime(2026, 12, 21, 9, 0, tzinfo=LONDON))
        instances = [build_runtime(settings, sessions, clock) for _ in range(2)]
        schedulers = [start_scheduler(runtime.reminders) for runtime in instances]
        try:
            deadline = time.monotonic() + 20
            while not (standin.messages_in("UDCC") and standin.messages_in("UACC")
                       and standin.messages_in("C0TEAM")):
                assert time.monotonic() < deadline, "the schedulers sent nothing"
                time.sleep(0.1)
            time.sleep(1.0)  # let both first rounds finish
        finally:
            for scheduler in schedulers:
                scheduler.shutdown(wait=True)
        assert len(standin.messages_in("UDCC")) == 1
        assert len(standin.messages_in("UACC")) == 1
        assert len(standin.messages_in("C0TEAM")) == 1  # the weekly digest
