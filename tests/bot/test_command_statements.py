"""SQL statements per `add` and `list mine`: few, and the same however many actions exist.

Counted through ``bot.commands.run`` as the listener calls it (BEGIN not counted, as
only SQLite sends it as a statement). The budgets are what the commands need today; a
change that reads more on this path fails here first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot import commands
from bot.parsing import commands as c
from reminders.clock import ManualClock
from storage.owners import RoleOwner, UserOwner
from tests.support.world import LONDON, TEAM, World

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ADD_BUDGET = 9  # group, settings, roles, source meeting, duplicate check, ref, 3 inserts
LIST_MINE_BUDGET = 5  # set up?, count, page, the page's owners, role holders


class QuietDirectory:
    """Slack as the command sees it when every answer is cached: nobody is a problem."""

    client = None

    def is_deactivated(self, _user_id: str) -> bool:
        return False

    def check_people(self, *_args: Any, **_kwargs: Any) -> None:
        return None

    def in_group(self, _group: str | None, _user_id: str) -> bool:
        return False


def _statements(engine: Engine, sessions: Any, text: str, user_id: str) -> int:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    deps = SimpleNamespace(sessions=sessions, clock=ManualClock(NOW), timezone=LONDON)
    request = commands.Request(TEAM, user_id, deps, QuietDirectory())  # type: ignore[arg-type]
    parsed = c.parse_command(text, NOW.astimezone(LONDON).date())
    event.listen(engine, "before_cursor_execute", count)
    try:
        commands.run(parsed, request)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_add_and_list_mine_read_little_and_do_not_grow_with_the_log(engine, sessions) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, NOW - timedelta(days=30))
    world.role("DCC", "UDCC", NOW - timedelta(days=30))
    world.meeting(NOW - timedelta(days=7), NOW - timedelta(days=30))
    for n in range(3):
        world.action(f"early {n}", NOW - timedelta(days=20), on=date(2027, 1, 15))

    def both(serial: int) -> tuple[int, int]:
        add = _statements(engine, sessions, f"add DCC to check item {serial} by 15/01/2027",
                          "USEC")
        return add, _statements(engine, sessions, "list mine", "UDCC")

    _warm = both(0)
    small = both(1)
    for n in range(40):
        world.action(f"later {n}", NOW - timedelta(days=10),
                     owners=[RoleOwner("DCC"), UserOwner(f"U{n % 3}")], on=date(2027, 2, 1))
    large = both(2)
    assert large == small
    assert small[0] <= ADD_BUDGET and small[1] <= LIST_MINE_BUDGET, small


def test_a_command_that_asks_who_is_acting_must_have_asked_slack(sessions) -> None:  # type: ignore[no-untyped-def]
    deps = SimpleNamespace(sessions=sessions, clock=ManualClock(NOW), timezone=LONDON)
    request = commands.Request(TEAM, "USEC", deps, QuietDirectory())  # type: ignore[arg-type]
    with sessions() as session, pytest.raises(AssertionError, match="NEED_NO_ACTOR"):
        commands.actor_for(session, request)
