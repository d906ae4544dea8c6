"""The rules for actions: refs, status changes, permissions, due dates and history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from storage.due import DueAtNextMeeting, DueOnDate
from storage.errors import DuplicateAction, InvalidChange, NotFound, PermissionDenied
from storage.models import ActionStatus, MeetingKind
from storage.owners import RoleOwner, UserOwner
from storage.services import actions, meetings, roles, workspace
from storage.services.due import ResolvedDue, resolve_due
from storage.services.people import Actor

TEAM = "T0001"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SEC = Actor("USEC")
DCC_HOLDER = Actor("UDCC")
OTHER = Actor("UOTHER")


@pytest.fixture
def session(sessions):  # type: ignore[no-untyped-def]
    with sessions() as session, session.begin():
        assert workspace.welcome(session, team_id=TEAM, user_id=SEC.user_id, now=NOW)
        roles.set_role_holder(session, team_id=TEAM, actor=SEC, code="DCC", user_id="UDCC",
                              now=NOW)
        yield session


def _record(session: Session, text: str = "review the diary appointments metric", **kw):  # type: ignore[no-untyped-def]
    owners = kw.pop("owners", [RoleOwner("DCC")])
    due = kw.pop("due", ResolvedDue(on=date(2027, 1, 15)))
    return actions.record_action(
        session, team_id=TEAM, actor=kw.pop("actor", SEC), owners=owners, text=text, due=due,
        agenda_item="2.4", source_meeting=None, now=kw.pop("now", NOW),
    )


def test_refs_count_up_and_are_never_reused(session: Session) -> None:
    first = _record(session, "one")
    second = _record(session, "two")
    assert (first.ref, second.ref) == (1, 2)
    actions.change_status(session, team_id=TEAM, actor=SEC, action=second,
                          to=ActionStatus.DROPPED, note="typo", now=NOW)
    assert _record(session, "three").ref == 3


def test_refs_are_per_workspace(session: Session) -> None:
    _record(session, "one")
    workspace.welcome(session, team_id="T0002", user_id="UX", now=NOW)
    other = actions.record_action(
        session, team_id="T0002", actor=Actor("UX"), owners=[UserOwner("UX")], text="x",
        due=ResolvedDue(on=date(2027, 1, 1)), agenda_item=None, source_meeting=None, now=NOW,
    )
    assert other.ref == 1
    with pytest.raises(NotFound):
        actions.get_action(session, team_id="T0002", ref=2)


def test_owner_life_cycle_and_history(session: Session) -> None:
    action = _record(session)
    actions.change_status(session, team_id=TEAM, actor=DCC_HOLDER, action=action,
                          to=ActionStatus.IN_PROGRESS, note=None, now=NOW)
    actions.add_update(session, team_id=TEAM, actor=DCC_HOLDER, action=action,
                       note="Draft circulated", now=NOW + timedelta(hours=1))
    actions.change_status(session, team_id=TEAM, actor=DCC_HOLDER, action=action,
                          to=ActionStatus.COMPLETE, note="Sent", now=NOW + timedelta(hours=2))
    with pytest.raises(PermissionDenied, match="Only the secretariat can close"):
        actions.change_status(session, team_id=TEAM, actor=DCC_HOLDER, action=action,
                              to=ActionStatus.CLOSED, note=None, now=NOW)
    actions.change_status(session, team_id=TEAM, actor=SEC, action=action,
                          to=ActionStatus.CLOSED, note=None, now=NOW + timedelta(hours=3))
    assert action.status == ActionStatus.CLOSED and action.closed_by == "USEC"
    events = actions.history(session, team_id=TEAM, action=action)
    assert [e.kind for e in events] == ["created", "status", "update", "status", "status"]
    assert events[1].before["status"] == "not_started"
    assert events[1].after["status"] == "in_progress"
    assert events[2].note == "Draft circulated"
    actions.reopen(session, team_id=TEAM, actor=SEC, action=action, note=None, now=NOW)
    assert action.status == ActionStatus.IN_PROGRESS and action.closed_at is None


def test_someone_else_cannot_touch_an_action(session: Session) -> None:
    action = _record(session)
    with pytest.raises(PermissionDenied, match=r"DCC \(<@UDCC>\)"):
        actions.add_update(session, team_id=TEAM, actor=OTHER, action=action, note="x", now=NOW)
    assert action.latest_note is None


def test_role_owned_action_follows_the_new_holder(session: Session) -> None:
    action = _record(session)
    roles.set_role_holder(session, team_id=TEAM, actor=SEC, code="DCC", user_id="UNEW", now=NOW)
    with pytest.raises(PermissionDenied):
        actions.add_update(session, team_id=TEAM, actor=DCC_HOLDER, action=action, note="x",
                           now=NOW)
    actions.add_update(session, team_id=TEAM, actor=Actor("UNEW"), action=action, note="ok",
                       now=NOW)
    assert roles.holder_at(session, team_id=TEAM, code="DCC", when=NOW - timedelta(1)) is None
    assert roles.holder_at(session, team_id=TEAM, code="DCC", when=NOW) == "UNEW"


def test_revised_due_keeps_the_original(session: Session) -> None:
    action = _record(session)
    actions.revise_due(session, team_id=TEAM, actor=SEC, action=action,
                       due=ResolvedDue(on=date(2027, 2, 1)), now=NOW)
    assert action.due_date == date(2027, 2, 1)
    assert action.original_due_date == date(2027, 1, 15)


def test_bad_changes_are_refused(session: Session) -> None:
    action = _record(session)
    with pytest.raises(InvalidChange, match="why"):
        actions.change_status(session, team_id=TEAM, actor=SEC, action=action,
                              to=ActionStatus.DROPPED, note=None, now=NOW)
    with pytest.raises(DuplicateAction, match="A-1"):
        _record(session, now=NOW + timedelta(seconds=30))
    with pytest.raises(NotFound, match="role XYZ"):
        _record(session, "other", owners=[RoleOwner("XYZ")])
    with pytest.raises(InvalidChange, match="3,001 characters"):
        _record(session, "x" * 3001)
    with pytest.raises(InvalidChange, match="empty"):
        _record(session, "   ")


def test_due_at_next_meeting_follows_the_meeting(session: Session) -> None:
    # With no next meeting set, "the next meeting" is no date until one is.
    waiting = resolve_due(session, team_id=TEAM, spec=DueAtNextMeeting(), now=NOW, zone=LONDON)
    assert waiting == ResolvedDue(awaits=True)
    meeting, created = meetings.set_next_meeting(
        session, team_id=TEAM, actor=SEC, starts_at=datetime(2026, 11, 26, 10, tzinfo=UTC),
        kind=MeetingKind.THEMATIC, title="Covid-19", venue=None, now=NOW, zone=LONDON,
    )
    assert created
    due = resolve_due(session, team_id=TEAM, spec=None, now=NOW, zone=LONDON)
    action = _record(session, due=due)
    assert action.due_meeting_id == meeting.id
    meetings.move_meeting(session, team_id=TEAM, actor=SEC, meeting=meeting,
                          starts_at=datetime(2026, 12, 3, 10, tzinfo=UTC), now=NOW)
    session.refresh(action)
    assert action.due_meeting.starts_at.date() == date(2026, 12, 3)
    with pytest.raises(InvalidChange, match="past"):
        resolve_due(session, team_id=TEAM, spec=DueOnDate(date(2026, 11, 1)), now=NOW,
                    zone=LONDON)
