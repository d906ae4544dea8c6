"""What a person's Home tab shows, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import OPEN_STATUSES, Action
from storage.services import listing, meetings, roles
from storage.services.people import Actor, is_secretariat
from storage.views import ActionView, MeetingView, action_view, meeting_view

TEAM_VIEW_LIMIT = 2000


@dataclass(frozen=True)
class HomeData:
    mine: list[ActionView]
    next_meeting: MeetingView | None
    team_open: list[ActionView] | None  # only for the secretariat


def home_data(
    session: Session, *, team_id: str, actor: Actor, now: datetime, zone: ZoneInfo
) -> HomeData:
    holders = roles.role_holders(session, team_id=team_id)
    mine_query = select(Action).where(
        Action.team_id == team_id,
        Action.status.in_(OPEN_STATUSES),
        listing.owned_by_user(team_id, actor.user_id),
    ).order_by(Action.ref)
    mine = [action_view(a, holders, zone) for a in session.scalars(mine_query)]
    team = None
    if is_secretariat(session, team_id=team_id, actor=actor):
        team_query = (
            select(Action)
            .where(Action.team_id == team_id, Action.status.in_(OPEN_STATUSES))
            .order_by(Action.ref)
            .limit(TEAM_VIEW_LIMIT)
        )
        team = [action_view(a, holders, zone) for a in session.scalars(team_query)]
    upcoming = meetings.next_meeting(session, team_id=team_id, now=now)
    return HomeData(mine, meeting_view(upcoming), team)
