"""Read what a paper needs from the database, then build it outside the transaction.

Names come from Slack, and no Slack call may happen while a transaction is open (a slow
or rate-limited answer would hold the database for everyone), so reading the records and
putting names to them are two steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.papers.log import ActionLog, Names, Parts, build_log
from reminders import planner
from reminders.gcpause import paused_gc
from reminders.live import live_actions
from reminders.messages import MeetingSummary
from storage.models import WorkspaceSettings
from storage.services import meetings, papers, roles
from storage.views import ActionView, meeting_view

# live_actions takes everything closed since this moment: for a paper, since always.
_BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LogRecords:
    """Everything a paper holds, read from the database, before names are put to it."""

    organisation: str | None
    scope: str
    actions: Sequence[ActionView]
    events: Mapping[int, Sequence[papers.EventRow]]
    summary: MeetingSummary | None
    now: datetime
    zone: ZoneInfo
    parts: Parts

    def people(self) -> set[str]:
        """Everyone the paper names: owners, role holders and whoever changed what."""
        found = {o.user_id for a in self.actions for o in a.owners if o.user_id}
        found |= {e.actor for history in self.events.values() for e in history}
        return found

    def build(self, names: Names) -> ActionLog:
        """The paper, with names looked up (once per person) through ``names``."""
        with paused_gc():  # tens of thousands of rows, and no cycles among them
            return build_log(organisation=self.organisation, scope=self.scope,
                             actions=self.actions, events=self.events,
                             summary=self.summary, names=cache(names), now=self.now,
                             zone=self.zone, parts=self.parts)


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


def read_log(
    session: Session, *, team_id: str, scope: papers.Scope, now: datetime, zone: ZoneInfo,
    parts: Parts = Parts(),  # noqa: B008 - frozen, so sharing it is safe
) -> LogRecords:
    """The records for ``scope``; ServiceError for a scope that cannot be met."""
    choice = papers.choose(session, team_id=team_id, scope=scope, now=now, zone=zone)
    holders = roles.role_holders(session, team_id=team_id)
    with paused_gc():
        actions = live_actions(session, team_id, holders, zone, since=_BEGINNING,
                               only=choice.condition)
        events = papers.history_of(session, team_id=team_id,
                                   action_ids=[a.id for a in actions])
    upcoming = meetings.next_meeting(session, team_id=team_id, now=now)
    summary = None
    if upcoming is not None and parts.summary:
        view = meeting_view(upcoming)
        assert view is not None
        live = live_actions(session, team_id, holders, zone, since=now)
        summary = planner.build_summary(view, live, now, zone)
    settings = session.get(WorkspaceSettings, team_id)
    return LogRecords(
        organisation=settings.organisation_name if settings else None,
        scope=scope_words(scope, choice.meeting.title if choice.meeting else None),
        actions=actions, events=events, summary=summary, now=now, zone=zone, parts=parts,
    )


def gather_log(
    session: Session, *, team_id: str, scope: papers.Scope, names: Names, now: datetime,
    zone: ZoneInfo, parts: Parts = Parts(),  # noqa: B008 - frozen, so sharing it is safe
) -> ActionLog:
    """Read and build in one go, for callers whose ``names`` never call Slack."""
    return read_log(session, team_id=team_id, scope=scope, now=now, zone=zone,
                    parts=parts).build(names)
