"""What a person's Home tab shows, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import OPEN_STATUSES, Action
from storage.services import listing, meetings, roles
from storage.services.people import Actor, is_secretariat
from storage.views import ActionView, MeetingView, action_view, meeting_view

# The team view lists this many overdue actions; the rest are counted.
TEAM_OVERDUE_LISTED = 15


@dataclass(frozen=True)
class TeamView:
    """The secretariat's view of the whole log: open actions counted in the database
    (loading them all to count them was most of the work after each command)."""

    by_status: dict[str, int]
    overdue: int
    first_overdue: list[ActionView]  # at most TEAM_OVERDUE_LISTED, oldest ref first


@dataclass(frozen=True)
class HomeData:
    mine: list[ActionView]
    next_meeting: MeetingView | None
    team: TeamView | None  # only for the secretariat


def home_data(
    session: Session, *, team_id: str, actor: Actor, now: datetime, zone: ZoneInfo
) -> HomeData:
    holders = roles.role_holders(session, team_id=team_id)
    mine_query = listing.owned_by_user(
        select(Action).where(Action.team_id == team_id, Action.status.in_(OPEN_STATUSES)),
        team_id, actor.user_id,
    ).order_by(Action.ref)
    mine = [action_view(a, holders, zone) for a in session.scalars(mine_query)]
    team = None
    if is_secretariat(session, team_id=team_id, actor=actor):
        team = _team_view(session, team_id, holders, now, zone)
    upcoming = meetings.next_meeting(session, team_id=team_id, now=now)
    return HomeData(mine, meeting_view(upcoming), team)


def _team_view(session: Session, team_id: str, holders: dict[str, str | None], now: datetime,
               zone: ZoneInfo) -> TeamView:
    open_here = (Action.team_id == team_id, Action.status.in_(OPEN_STATUSES))
    by_status = dict(session.execute(
        select(Action.status, func.count()).where(*open_here).group_by(Action.status)
    ).all())
    overdue_here = (Action.team_id == team_id, listing.overdue_condition(now, zone))
    overdue = session.scalar(select(func.count()).select_from(Action).where(*overdue_here))
    first = session.scalars(
        select(Action).where(*overdue_here).order_by(Action.ref).limit(TEAM_OVERDUE_LISTED))
    return TeamView(by_status, overdue or 0, [action_view(a, holders, zone) for a in first])
