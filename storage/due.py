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
