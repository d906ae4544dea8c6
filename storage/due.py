"""How a due date was written: a calendar date, a meeting named one of three ways, or none.

Each form keeps the phrase as the minutes wrote it (`written`); it is left out of equality so
two ways of writing the same due date compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DueOnDate:
    on: date
    # How a phrase became this date, for the reply: "the last working day of July 2027".
    reading: str | None = field(default=None, compare=False)
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DueAtNextMeeting:
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DueAtMeetingInMonth:
    year: int
    month: int
    # The meeting kind named ("the December meeting of the Panel"); None: an assurance meeting.
    kind: str | None = None
    # The month's last working day, used (and said) when no meeting that month is recorded.
    fallback: date | None = field(default=None, compare=False)
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DueAtMeetingOn:
    on: date
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class NoDueDate:
    """"TBC", "ongoing", "no date": recorded with no due date and reminded every meeting."""

    written: str | None = field(default=None, compare=False)


DueSpec = DueOnDate | DueAtNextMeeting | DueAtMeetingInMonth | DueAtMeetingOn | NoDueDate


@dataclass(frozen=True)
class Recurrence:
    """A standing commitment: every ``months`` months (0: every meeting), perhaps until a
    date or for a number of occurrences in all."""

    months: int
    until: date | None = None
    times: int | None = None
