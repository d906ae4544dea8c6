"""The secretariat's team view is counted in the database, and matches the actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage.db import transaction
from storage.models import ActionStatus
from storage.services.home import TEAM_OVERDUE_LISTED, home_data
from storage.services.people import Actor
from tests.support.world import LONDON, SEC, TEAM, World

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_team_view_counts_open_actions_and_lists_the_first_overdue(sessions) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, NOW - timedelta(days=60))
    world.role("DCC", "UDCC", NOW - timedelta(days=60))
    past, later = date(2026, 11, 1), date(2027, 3, 1)
    overdue_refs = [world.action(f"late {n}", NOW - timedelta(days=50), on=past)
                    for n in range(TEAM_OVERDUE_LISTED + 3)]
    on_time = [world.action(f"later {n}", NOW - timedelta(days=50), on=later) for n in range(4)]
    world.set_status(on_time[0], ActionStatus.IN_PROGRESS, NOW - timedelta(days=1))
    world.set_status(on_time[1], ActionStatus.COMPLETE, NOW - timedelta(days=1))
    world.set_status(overdue_refs[-1], ActionStatus.COMPLETE, NOW - timedelta(days=1))
    world.set_status(on_time[2], ActionStatus.CLOSED, NOW - timedelta(hours=1))

    with transaction(sessions) as session:
        team = home_data(session, team_id=TEAM, actor=SEC, now=NOW, zone=LONDON).team
        other = home_data(session, team_id=TEAM, actor=Actor("UOTHER"), now=NOW, zone=LONDON)

    assert team is not None and other.team is None
    assert team.by_status == {"not_started": TEAM_OVERDUE_LISTED + 2 + 1,
                              "in_progress": 1, "complete": 2}
    # Complete actions are not overdue, however late: one of the late ones is complete.
    assert team.overdue == TEAM_OVERDUE_LISTED + 2
    assert [a.ref for a in team.first_overdue] == overdue_refs[:TEAM_OVERDUE_LISTED]
