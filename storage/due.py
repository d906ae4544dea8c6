"""How a due date was written: a calendar date, or a meeting named one of three ways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DueOnDate:
    on: date


@dataclass(frozen=True)
class DueAtNextMeeting:
    pass


@dataclass(frozen=True)
class DueAtMeetingInMonth:
    year: int
    month: int


@dataclass(frozen=True)
class DueAtMeetingOn:
    on: date


DueSpec = DueOnDate | DueAtNextMeeting | DueAtMeetingInMonth | DueAtMeetingOn


@dataclass(frozen=True)
class Recurrence:
    """A standing commitment: every ``months`` months (0: every meeting), perhaps until a
    date or for a number of occurrences in all."""

    months: int
    until: date | None = None
    times: int | None = None
