"""The rows-based reader of live actions gives exactly what the ORM and ``action_view`` do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select

from reminders.live import LIVE, live_actions
from storage.db import read_transaction, transaction
from storage.models import Action, ActionStatus, Meeting
from storage.owners import RoleOwner, UserOwner
from storage.services import actions, roles
from storage.services.due import ResolvedDue
from storage.views import action_view
from tests.support.world import LONDON, SEC, TEAM, World

START = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)


def _through_the_orm(sessions, since: datetime):  # type: ignore[no-untyped-def]
    with read_transaction(sessions) as session:
        holders = roles.role_holders(session, team_id=TEAM)
        query = (select(Action)
                 .where(Action.team_id == TEAM,
                        or_(Action.status.in_(LIVE), Action.closed_at >= since))
                 .order_by(Action.ref))
        return [action_view(a, holders, LONDON) for a in session.scalars(query)]


def test_same_views_as_the_orm(sessions) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, START)
    world.role("DCC", "UDCC", START)
    world.role("ACC", None, START)  # vacant
    first = world.meeting(datetime(2026, 12, 30, 10, tzinfo=UTC), START)
    world.action("at the meeting", START, meeting_id=first)
    world.action("two owners", START, owners=[UserOwner("UPAT"), RoleOwner("ACC")],
                 on=date(2026, 12, 18))
    revised = world.action("revised to a meeting", START, owners=[RoleOwner("DCC"),
                                                                   UserOwner("UPAT")],
                           on=date(2027, 3, 1))
    done = world.action("finished last week", START, on=date(2026, 12, 20))
    gone = world.action("closed long ago", START, on=date(2026, 12, 20))
    world.action("complete, not closed", START, on=date(2026, 12, 21))
    with transaction(sessions) as session:
        action = actions.get_action(session, team_id=TEAM, ref=revised)
        meeting = session.get(Meeting, first)
        actions.revise_due(session, team_id=TEAM, actor=SEC, action=action,
                           due=ResolvedDue(on=None, meeting=meeting), now=START)
    world.set_status(6, ActionStatus.COMPLETE, START)
    world.set_status(done, ActionStatus.COMPLETE, START)
    world.set_status(done, ActionStatus.CLOSED, START + timedelta(days=5))
    world.set_status(gone, ActionStatus.CLOSED, START)
    since = START + timedelta(days=1)

    with read_transaction(sessions) as session:
        holders = roles.role_holders(session, team_id=TEAM)
        ours = live_actions(session, TEAM, holders, LONDON, since=since)
    theirs = _through_the_orm(sessions, since)
    assert [v.ref for v in ours] == [1, 2, 3, 4, 6]  # A-5 closed before `since`
    assert ours == theirs
    three = ours[2]
    assert three.due_meeting is not None and three.original_due_day == date(2027, 3, 1)
    assert [o.user_id for o in three.owners] == ["UDCC", "UPAT"]
    assert ours[1].owners[1].role == "ACC" and ours[1].owners[1].user_id is None
