"""Two bot instances, each with its own scheduler, on one database: no duplicates."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.runtime import build_runtime
from bot.standin.server import SlackStandIn
from reminders.clock import ManualClock
from reminders.scheduler import start_scheduler
from storage.db import transaction
from storage.models import Action
from storage.owners import RoleOwner
from tests.reliability.summary import report
from tests.support.harness import RunningBot, bot_settings, running_bot
from tests.support.world import LONDON, World, team_channel

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
        team_channel(standin)
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
        report("two schedulers on one database: each reminder and the digest sent once")


def test_two_instances_adding_at_once_never_share_a_ref(
    sessions, clock, database_url  # type: ignore[no-untyped-def]
) -> None:
    """Two bots on one database, 8 people each adding at once: every ref used once, no gaps."""
    per_person, people = 5, [f"UMEMBER{n}" for n in range(8)]
    with running_bot(sessions, clock, database_url) as first, \
            running_bot(sessions, clock, database_url) as second:
        for bot in (first, second):
            for user in ("USEC", "UDCC", *people):
                bot.standin.add_user(user, user.lower())
        first.slack.slash_command("role DCC <@UDCC>", user_id="USEC")
        first.standin.wait_for("response_url", count=1)

        def add(bot: RunningBot, label: str, user: str) -> None:
            for n in range(per_person):
                bot.slack.slash_command(f"add DCC to task {label}-{user}-{n} by 30/06/2030",
                                        user_id=user)

        threads = [threading.Thread(target=add, args=(bot, label, user))
                   for bot, label in ((first, "one"), (second, "two")) for user in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        total = 2 * len(people) * per_person
        replies = [c.args["text"] for bot in (first, second)
                   for c in bot.standin.wait_for("response_url", count=total // 2 + (bot is first),
                                                 timeout=60)]
    with transaction(sessions) as session:
        refs = list(session.scalars(select(Action.ref).order_by(Action.ref)))
        texts = list(session.scalars(select(Action.text)))
    assert sum("Recorded" in r for r in replies) == total, replies
    assert refs == list(range(1, total + 1))
    assert len(set(texts)) == total
    report(f"two instances adding at once: {total} actions, refs 1-{total} each used once")
