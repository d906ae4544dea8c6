"""Turn a written due date into a date or a meeting, checking it is not in the past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from storage.due import (
    DueAtMeetingInMonth,
    DueAtMeetingOn,
    DueAtNextMeeting,
    DueOnDate,
    DueSpec,
    NoDueDate,
)
from storage.errors import InvalidChange, NotFound
from storage.models import DueKind, Meeting
from storage.services import meetings


@dataclass(frozen=True)
class ResolvedDue:
    """At most one of the two is set; neither means no due date was agreed ("TBC"), or
    (``awaits``) that it is due at the next meeting once one is set."""

    on: date | None = None
    meeting: Meeting | None = None
    as_written: str | None = None  # the phrase as the minutes wrote it, kept for display
    awaits: bool = False
    note: str | None = None  # how the phrase was resolved, when the reply should say so

    @property
    def kind(self) -> DueKind:
        if self.meeting is not None:
            return DueKind.MEETING
        return DueKind.DATE if self.on is not None else DueKind.NONE

    def day(self, zone: ZoneInfo) -> date | None:
        """The local day it is due, or None when it has no date."""
        if self.meeting is not None:
            return self.meeting.starts_at.astimezone(zone).date()
        return self.on


NO_NEXT_MEETING = (
    "There is no next meeting set yet. Ask the secretariat to set it with "
    "`/actions meeting next <date> <time>`, or give a date such as `by 30/06/2027`."
)


def resolve_due(
    session: Session, *, team_id: str, spec: DueSpec | None, now: datetime, zone: ZoneInfo
) -> ResolvedDue:
    """Resolve a due spec; None means "the next meeting", the usual default.

    With no next meeting set, "the next meeting" is no date until one is.
    """
    today = now.astimezone(zone).date()
    written = spec.written if spec is not None else None
    match spec:
        case DueOnDate(on=on):
            if on < today:
                raise InvalidChange(f"{on:%d/%m/%Y} is in the past; give a date from today on.")
            return ResolvedDue(on=on, as_written=written)
        case NoDueDate():
            return ResolvedDue(as_written=written)
        case None | DueAtNextMeeting():
            meeting = meetings.next_meeting(session, team_id=team_id, now=now)
            if meeting is None:
                return ResolvedDue(awaits=True, as_written=written)
            return ResolvedDue(meeting=meeting, as_written=written)
        case DueAtMeetingInMonth(year=year, month=month, kind=kind, fallback=fallback):
            found = meetings.find_meeting_in_month(
                session, team_id=team_id, year=year, month=month, zone=zone, kind=kind
            )
            if found is None:
                return _month_without_meeting(year, month, kind, fallback, written, today)
            meeting = found
        case DueAtMeetingOn(on=on):
            meeting = meetings.meeting_on(session, team_id=team_id, day=on, zone=zone)
    if meeting.starts_at <= now:
        raise InvalidChange("That meeting has already taken place; choose a later one.")
    return ResolvedDue(meeting=meeting, as_written=written)


def _month_without_meeting(
    year: int, month: int, kind: str | None, fallback: date | None, written: str | None,
    today: date,
) -> ResolvedDue:
    """A month's meeting that is not recorded yet: due by the month's last working day."""
    name = f"{date(year, month, 1):%B %Y}"
    what = f"{name} meeting" + (f" of the {kind.capitalize()}" if kind else "")
    if fallback is None or fallback < today:
        raise NotFound(
            f"No {what} is set yet. Set it with `/actions meeting next <date> <time>`, "
            "or give a date instead."
        )
    day = f"{fallback:%a} {fallback.day} {fallback:%b %Y}"
    return ResolvedDue(
        on=fallback,
        as_written=written,
        note=(
            f"No {what} is recorded yet, so it is due by {day}, the last working day of "
            f"{name}. Change it with `/actions due` once the meeting is set."
        ),
    )
