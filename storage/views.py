"""Plain, read-only views of actions for renderers and reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from storage.models import Action, ActionStatus, Meeting


@dataclass(frozen=True)
class MeetingView:
    id: int
    kind: str
    title: str
    starts_at: datetime
    venue: str | None


@dataclass(frozen=True)
class OwnerView:
    role: str | None  # the role code, when owned through a role
    user_id: str | None  # the person directly, or the role's current holder (None: vacant)
    title: str | None = None  # the role's title as the minutes wrote it, if it has one
    external: bool = False  # outside Slack: the secretariat chases them
    contact: str | None = None  # how to reach an external owner


@dataclass(frozen=True)
class RoleInfo:
    """What a view shows about a role besides its holder."""

    title: str | None = None
    external: bool = False
    contact: str | None = None


class RoleHolders(dict[str, str | None]):
    """Each role code's current holder (None: vacant), with each role's title and flags."""

    def __init__(self, holders: dict[str, str | None], info: dict[str, RoleInfo]) -> None:
        super().__init__(holders)
        self.info = info


def owner_view(role: str | None, user_id: str | None, holders: dict[str, str | None]) -> OwnerView:
    """An owner as shown: a person, or a role with its holder, title and external flag."""
    if role is None:
        return OwnerView(role=None, user_id=user_id)
    info = holders.info.get(role) if isinstance(holders, RoleHolders) else None
    if info is None:
        return OwnerView(role=role, user_id=holders.get(role))
    return OwnerView(role=role, user_id=holders.get(role), title=info.title,
                     external=info.external, contact=info.contact)


@dataclass(frozen=True)
class ActionView:
    id: int
    ref: int
    text: str
    agenda_item: str | None
    status: ActionStatus
    owners: tuple[OwnerView, ...]
    due_day: date | None
    due_meeting: MeetingView | None
    original_due_day: date | None  # set only when the due date was revised
    source_meeting: MeetingView | None
    created_at: datetime
    created_by: str
    last_update_at: datetime
    latest_note: str | None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    awaits_next_meeting: bool = False  # no date until a next meeting is set
    recurrence_months: int | None = None  # None: happens once; 0: every meeting
    recurrence_until: date | None = None
    recurrence_left: int | None = None
    occurrence: int = 1

    @property
    def ref_label(self) -> str:
        return f"A-{self.ref}"

    @property
    def recurs(self) -> bool:
        return self.recurrence_months is not None


def meeting_view(meeting: Meeting | None) -> MeetingView | None:
    if meeting is None:
        return None
    return MeetingView(meeting.id, meeting.kind, meeting.title, meeting.starts_at, meeting.venue)


def action_view(action: Action, holders: dict[str, str | None], zone: ZoneInfo) -> ActionView:
    due_day = _day(action.due_date, action.due_meeting, zone)
    original = _day(action.original_due_date, action.original_due_meeting, zone)
    return ActionView(
        id=action.id,
        ref=action.ref,
        text=action.text,
        agenda_item=action.agenda_item,
        status=ActionStatus(action.status),
        owners=tuple(owner_view(o.role_code, o.user_id, holders) for o in action.owners),
        due_day=due_day,
        due_meeting=meeting_view(action.due_meeting),
        original_due_day=original if _revised(action) else None,
        source_meeting=meeting_view(action.source_meeting),
        created_at=action.created_at,
        created_by=action.created_by,
        last_update_at=action.last_update_at,
        latest_note=action.latest_note,
        completed_at=action.completed_at,
        closed_at=action.closed_at,
        awaits_next_meeting=action.awaits_next_meeting,
        recurrence_months=action.recurrence_months,
        recurrence_until=action.recurrence_until,
        recurrence_left=action.recurrence_left,
        occurrence=action.occurrence,
    )


def _revised(action: Action) -> bool:
    return (action.due_date, action.due_meeting_id) != (
        action.original_due_date,
        action.original_due_meeting_id,
    )


def _day(on: date | None, meeting: Meeting | None, zone: ZoneInfo) -> date | None:
    if meeting is not None:
        return meeting.starts_at.astimezone(zone).date()
    return on
