"""Read what a paper needs from the database, in one read transaction's worth of queries."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.papers.log import ActionLog, Names, Parts, build_log
from reminders import planner
from reminders.live import live_actions
from storage.models import WorkspaceSettings
from storage.services import meetings, papers, roles
from storage.views import meeting_view

# live_actions takes everything closed since this moment: for a paper, since always.
_BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


def scope_words(scope: papers.Scope, meeting_title: str | None = None) -> str:
    """How the paper names what it holds: ``Open actions``, ``Actions since 01/04/2027``."""
    match scope:
        case papers.AllActions():
            return "All actions"
        case papers.FromMeeting(day=day):
            return f"Actions from the meeting of {day:%d/%m/%Y}" + (
                f" ({meeting_title})" if meeting_title else "")
        case papers.Since(day=day):
            return f"Actions since {day:%d/%m/%Y}"
    return "Open actions"


def gather_log(
    session: Session, *, team_id: str, scope: papers.Scope, names: Names, now: datetime,
    zone: ZoneInfo, parts: Parts = Parts(),  # noqa: B008 - frozen, so sharing it is safe
) -> ActionLog:
    """The action log for ``scope``; ServiceError for a scope that cannot be met."""
    choice = papers.choose(session, team_id=team_id, scope=scope, now=now, zone=zone)
    holders = roles.role_holders(session, team_id=team_id)
    actions = live_actions(session, team_id, holders, zone, since=_BEGINNING,
                           only=choice.condition)
    events = papers.history_of(session, team_id=team_id, action_ids=[a.id for a in actions])
    upcoming = meetings.next_meeting(session, team_id=team_id, now=now)
    summary = None
    if upcoming is not None and parts.summary:
        view = meeting_view(upcoming)
        assert view is not None
        live = live_actions(session, team_id, holders, zone, since=now)
        summary = planner.build_summary(view, live, now, zone)
    settings = session.get(WorkspaceSettings, team_id)
    return build_log(
        organisation=settings.organisation_name if settings else None,
        scope=scope_words(scope, choice.meeting.title if choice.meeting else None),
        actions=actions,
        events=events,
        summary=summary,
        names=cache(names),
        now=now,
        zone=zone,
        parts=parts,
    )
