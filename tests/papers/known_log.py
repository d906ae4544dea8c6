"""A small, known action log built through the services, for checking every paper."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.models import ActionStatus, MeetingKind
from storage.owners import RoleOwner, UserOwner
from storage.services import actions, meetings, roles, workspace
from storage.services.due import ResolvedDue
from storage.services.people import Actor
from tests.support.world import LONDON

TEAM = "T0001"
SEC = Actor("USEC")
NAMES = {"USEC": "Sam Policy", "UDANA": "Dana Deputy", "UALEX": "Alex Assistant"}
# Wed 28 Oct 2026, 14:30 in London is 14:30 GMT; Thu 15 Oct 14:30 BST is 13:30 UTC.
EARLIER = datetime(2026, 10, 15, 13, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 23 November 2026, 10:00 GMT
NEXT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
INJECTION = "=HYPERLINK(\"http://evil.example\",\"click\")"


def names(user_id: str) -> str:
    return NAMES.get(user_id, "a former member")


def build_known_log(sessions: sessionmaker[Session]) -> None:
    """A-1 in progress, revised, with an update; A-2 overdue; A-3 closed; A-4 dropped."""
    with transaction(sessions) as session:
        _build(session)


def _build(session: Session) -> None:
    at = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    workspace.welcome(session, team_id=TEAM, user_id=SEC.user_id, now=at)
    workspace.change_setting(session, team_id=TEAM, actor=SEC, name="organisation_name",
                             value="OPCC for Testshire", now=at)
    roles.set_role_holder(session, team_id=TEAM, actor=SEC, code="DCC", user_id="UDANA", now=at)
    earlier, _ = meetings.set_next_meeting(
        session, team_id=TEAM, actor=SEC, starts_at=EARLIER, kind=MeetingKind.MONTHLY,
        title="Monthly assurance meeting", venue=None, now=at, zone=LONDON)
    after = datetime(2026, 10, 16, 9, 0, tzinfo=UTC)
    upcoming, _ = meetings.set_next_meeting(
        session, team_id=TEAM, actor=SEC, starts_at=NEXT, kind=MeetingKind.THEMATIC,
        title="Covid-19", venue=None, now=after, zone=LONDON)

    def record(text: str, owners: list, due: ResolvedDue, item: str | None) -> object:
        return actions.record_action(
            session, team_id=TEAM, actor=SEC, owners=owners, text=text, due=due,
            agenda_item=item, source_meeting=earlier, now=after)

    one = record("review the diary appointments metric", [RoleOwner("DCC")],
                 ResolvedDue(on=date(2026, 11, 25), meeting=None), "2.4")
    # 12 Nov 2026, 23:30 UTC is still 12 Nov in London (GMT); the update's day is 12/11.
    actions.add_update(session, team_id=TEAM, actor=Actor("UDANA"), action=one,
                       note="Draft circulated to chief officers",
                       now=datetime(2026, 11, 12, 23, 30, tzinfo=UTC))
    actions.change_status(session, team_id=TEAM, actor=Actor("UDANA"), action=one,
                          to=ActionStatus.IN_PROGRESS, note=None,
                          now=datetime(2026, 11, 13, 9, 0, tzinfo=UTC))
    actions.revise_due(session, team_id=TEAM, actor=SEC, action=one,
                       due=ResolvedDue(on=date(2026, 12, 10), meeting=None),
                       now=datetime(2026, 11, 14, 9, 0, tzinfo=UTC))
    record(INJECTION, [UserOwner("UALEX"), RoleOwner("ACC")],
           ResolvedDue(on=date(2026, 11, 20), meeting=None), None)
    three = record("share the briefing note with the PCC", [UserOwner("UDANA")],
                   ResolvedDue(on=None, meeting=upcoming), "3")
    actions.change_status(session, team_id=TEAM, actor=Actor("UDANA"), action=three,
                          to=ActionStatus.COMPLETE, note="Sent on Friday",
                          now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    # Closed at 00:30 BST-free GMT on 21 Nov: the local day is 21/11/2026.
    actions.change_status(session, team_id=TEAM, actor=SEC, action=three,
                          to=ActionStatus.CLOSED, note=None,
                          now=datetime(2026, 11, 21, 0, 30, tzinfo=UTC))
    four = record("bring outcome 16 back", [RoleOwner("DCC")],
                  ResolvedDue(on=date(2026, 12, 1), meeting=None), None)
    actions.change_status(session, team_id=TEAM, actor=SEC, action=four,
                          to=ActionStatus.DROPPED, note="superseded by A-1",
                          now=datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
