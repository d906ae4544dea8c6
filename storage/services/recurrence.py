"""Recurring actions: when the next occurrence falls due, and moving on to it."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from storage.models import Action, ActionStatus, DueKind, Meeting
from storage.services import meetings

WorkingDay = Callable[[date], bool]


def weekday(day: date) -> bool:
    """Monday to Friday: the working-day test when no bank-holiday calendar is given."""
    return day.weekday() < 5


def last_working_day(year: int, month: int, working_day: WorkingDay) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while not working_day(day):
        day -= timedelta(days=1)
    return day


def add_months(day: date, months: int, working_day: WorkingDay = weekday) -> date:
    """The same day ``months`` later (clamped to the month's end); a month's last working
    day stays its last working day, so "July, then quarterly" is the end of each quarter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if day == last_working_day(day.year, day.month, working_day):
        return last_working_day(year, month, working_day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(
    session: Session, *, action: Action, now: datetime, working_day: WorkingDay
) -> tuple[date | None, Meeting | None]:
    """When the occurrence after this one is due: a date, a meeting, or (None, None) when
    it recurs every meeting and no later meeting is set yet."""
    assert action.recurrence_months is not None
    if action.recurrence_months == 0:
        after = now
        if action.due_meeting is not None and action.due_meeting.starts_at > now:
            after = action.due_meeting.starts_at
        return None, meetings.next_meeting(session, team_id=action.team_id, now=after)
    base = action.due_date
    if base is None and action.due_meeting is not None:
        base = action.due_meeting.starts_at.date()
    if base is None:
        return None, None
    return add_months(base, action.recurrence_months, working_day), None


def ends_before(action: Action, due_day: date | None) -> bool:
    """True when the recurrence is over: its count is used up or the next date is too late."""
    if action.recurrence_left is not None and action.recurrence_left <= 0:
        return True
    return bool(action.recurrence_until and due_day and due_day > action.recurrence_until)


def start_next(action: Action, due_on: date | None, meeting: Meeting | None, now: datetime) -> None:
    """Make the next occurrence the open one: a fresh start at its own due date."""
    action.occurrence += 1
    if action.recurrence_left is not None:
        action.recurrence_left -= 1
    action.status = ActionStatus.NOT_STARTED
    action.due_date = action.original_due_date = due_on
    action.due_meeting = action.original_due_meeting = meeting
    action.due_meeting_id = action.original_due_meeting_id = meeting.id if meeting else None
    action.awaits_next_meeting = due_on is None and meeting is None
    action.due_kind = (DueKind.MEETING if meeting else DueKind.DATE if due_on
                       else DueKind.NONE)
    action.closed_by = action.closed_at = action.completed_at = None
    action.latest_note = None
    action.last_update_at = now
