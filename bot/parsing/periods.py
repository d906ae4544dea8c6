"""Due dates written as periods: a month, a quarter, a week, a year, "next month".

Minutes give a period, not a day ("by July 2027", "Q1 2027", "w/c 7 December"). A period
means its last working day (England and Wales), and the reading says so, so the reply can
tell the secretariat which day was understood.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.parsing.dates import (
    MONTH,
    MONTH_NAMES,
    MONTHS,
    DueParseError,
    describe_date,
    parse_date,
    quote,
)
from reminders.calendar import is_working_day

# Words that may lead a period: "in July", "during Q1", "until the end of the year".
_LEAD = r"(?:(?:in|during|until|till|for|at|to|within) )?(?:the )?"
_YEAR = r"(?P<year>[0-9]{4})"
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "last": 4, "final": 4}
_ORDINAL = "|".join(sorted(_ORDINALS, key=len, reverse=True))

_MONTH_RE = re.compile(
    rf"{_LEAD}(?:(?P<end>end of (?:the month of )?)|(?P<mid>mid[- ]?|middle of ))?"
    rf"(?P<month>{MONTH})(?: {_YEAR})?"
)
_THIS_NEXT_MONTH_RE = re.compile(
    rf"{_LEAD}(?:end of )?(?:the )?(?P<which>this|next|the) month"
)
_QUARTER_RE = re.compile(
    rf"{_LEAD}(?:end of (?:the )?)?(?:q(?:uarter)? ?(?P<n>[1-4])"
    rf"|(?P<ord>{_ORDINAL}) quarter)(?: (?:of )?{_YEAR})?"
)
_THIS_QUARTER_RE = re.compile(rf"{_LEAD}(?:end of )?(?:the )?(?P<which>this|next|the) quarter")
_WEEK_RE = re.compile(
    r"(?:(?:in|during) )?(?:the )?(?:w/?[cb]|w\.[cb]\.|week (?:commencing|beginning|starting|of))"
    r" (?P<when>.+)"
)
_THIS_NEXT_WEEK_RE = re.compile(rf"{_LEAD}(?:end of )?(?:the )?(?P<which>this|next|the) week")
_YEAR_END_RE = re.compile(
    rf"{_LEAD}(?:(?:end of (?:the )?(?:(?P<which>this|next) )?(?:calendar )?year)"
    r"|(?:(?P<which2>this|next) )?(?:calendar )?year[- ]end)"
)
_END_OF_YEAR_RE = re.compile(rf"{_LEAD}end of {_YEAR}")
_FINANCIAL_YEAR_RE = re.compile(
    rf"{_LEAD}(?:end of (?:the )?(?:(?P<which>this|next) )?financial year"
    r"|(?:(?P<which2>this|next) )?financial year[- ]end|fy[- ]?end)"
)


@dataclass(frozen=True)
class Period:
    """A due date read from a period phrase, and how it was read."""

    on: date
    reading: str


def read_period(text: str, today: date) -> Period | None:
    """The due date a normalised period phrase names, or None if it names no period."""
    for reader in (_month, _this_next_month, _quarter, _this_next_quarter, _week,
                   _this_next_week, _year_end, _end_of_year, _financial_year):
        found = reader(text, today)
        if found is not None:
            return found
    return None


def last_working_day(first: date, last: date) -> date:
    """The last working day from `first` to `last`; `last` itself if none is (never here)."""
    day = last
    while day >= first:
        if is_working_day(day):
            return day
        day -= timedelta(days=1)
    return last


def month_last_working_day(year: int, month: int) -> date:
    """The last working day of a month."""
    return last_working_day(date(year, month, 1), _month_end(year, month))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_year(year: int, phrase: str) -> int:
    if not 2000 <= year <= 9998:
        raise DueParseError(f"{quote(phrase)}: check the year.")
    return year


def _month(text: str, today: date) -> Period | None:
    """`July 2027`, `in July`, `end of July`, `mid-July`: the month's last working day."""
    match = _MONTH_RE.fullmatch(text)
    if not match:
        return None
    month = MONTHS[match["month"]]
    if match["year"]:
        year = _check_year(int(match["year"]), text)
    else:
        # This year's month unless it is over, then next year's.
        year = today.year if month >= today.month else today.year + 1
    name = f"{MONTH_NAMES[month - 1]} {year}"
    if match["mid"]:
        # The 15th, or the working day before it when it falls on a weekend or holiday.
        on = last_working_day(date(year, month, 1), date(year, month, 15))
        moved = "" if on.day == 15 else ", the 15th not being a working day"
        return Period(on, f"the middle of {name}, taken as {describe_date(on)}{moved}")
    on = month_last_working_day(year, month)
    return Period(on, f"the last working day of {name}")


def _this_next_month(text: str, today: date) -> Period | None:
    """`this month`, `next month`, `end of the month`: that month's last working day."""
    match = _THIS_NEXT_MONTH_RE.fullmatch(text)
    if not match:
        return None
    year, month = today.year, today.month
    if match["which"] == "next":
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Period(
        month_last_working_day(year, month),
        f"the last working day of {MONTH_NAMES[month - 1]} {year}",
    )


def _quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    on = month_last_working_day(year, last_month)
    months = f"{MONTH_NAMES[first_month - 1]} to {MONTH_NAMES[last_month - 1]}"
    return Period(on, f"the last working day of Q{quarter} {year} ({months})")


def _quarter(text: str, today: date) -> Period | None:
    """`Q1 2027`, `quarter 1`, `the first quarter (of 2027)`: calendar quarters."""
    match = _QUARTER_RE.fullmatch(text)
    if not match:
        return None
    quarter = int(match["n"]) if match["n"] else _ORDINALS[match["ord"]]
    if match["year"]:
        year = _check_year(int(match["year"]), text)
    else:
        # The next such quarter not yet over.
        current = (today.month - 1) // 3 + 1
        year = today.year if quarter >= current else today.year + 1
    return _quarter_period(year, quarter)


def _this_next_quarter(text: str, today: date) -> Period | None:
    """`the end of the quarter`, `this quarter`, `next quarter`."""
    match = _THIS_QUARTER_RE.fullmatch(text)
    if not match:
        return None
    year, quarter = today.year, (today.month - 1) // 3 + 1
    if match["which"] == "next":
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return _quarter_period(year, quarter)


def _week(text: str, today: date) -> Period | None:
    """`w/c 7 December`, `week commencing 7/12`: by the last working day of that week."""
    match = _WEEK_RE.fullmatch(text)
    if not match:
        return None
    start = parse_date(match["when"], today)
    monday = start - timedelta(days=start.weekday())
    on = last_working_day(start, monday + timedelta(days=4))
    note = "" if start.weekday() == 0 else f" ({describe_date(start)} is not a Monday)"
    return Period(on, f"the last working day of the week commencing {describe_date(start)}{note}")


def _this_next_week(text: str, today: date) -> Period | None:
    """`this week`, `next week`, `end of the week`: that week's last working day."""
    match = _THIS_NEXT_WEEK_RE.fullmatch(text)
    if not match:
        return None
    monday = today - timedelta(days=today.weekday())
    if match["which"] == "next":
        monday += timedelta(days=7)
    on = last_working_day(max(monday, today), monday + timedelta(days=4))
    return Period(on, f"the last working day of the week commencing {describe_date(monday)}")


def _year_end(text: str, today: date) -> Period | None:
    """`the end of the year`, `year end`, `next year end`: 31 December's working day."""
    match = _YEAR_END_RE.fullmatch(text)
    if not match:
        return None
    which = match["which"] or match["which2"]
    year = today.year + 1 if which == "next" else today.year
    return Period(month_last_working_day(year, 12), f"the last working day of {year}")


def _end_of_year(text: str, today: date) -> Period | None:
    """`the end of 2027`."""
    match = _END_OF_YEAR_RE.fullmatch(text)
    if not match:
        return None
    year = _check_year(int(match["year"]), text)
    return Period(month_last_working_day(year, 12), f"the last working day of {year}")


def _financial_year(text: str, today: date) -> Period | None:
    """`the end of the financial year`: the last working day of March (UK public sector)."""
    match = _FINANCIAL_YEAR_RE.fullmatch(text)
    if not match:
        return None
    year = today.year + 1 if today.month > 3 else today.year
    if (match["which"] or match["which2"]) == "next":
        year += 1
    on = month_last_working_day(year, 3)
    return Period(on, f"the end of the financial year {year - 1}/{str(year)[2:]}")
