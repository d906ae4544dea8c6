"""Read the calendar dates people type: UK day-first dates, weekdays, spans such as "in 2 weeks".

Due phrases as a whole (meetings, periods, "TBC") are read in `bot.parsing.due`.
"""

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.render.common import escape

# A due date further out than this is almost certainly a typo in the year.
MAX_YEARS_AHEAD = 10

EXAMPLES = (
    "`30/06/2027`, `30 Jun 2027`, `friday`, `in 2 weeks`, `next meeting` or `the November meeting`"
)

# Names are spelt out here rather than taken from calendar/strftime, which follow the locale.
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTHS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_WEEKDAYS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(_WEEKDAY_NAMES)},
    **{name[:3].lower(): number for number, name in enumerate(_WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def _alternation(words: dict[str, int]) -> str:
    """Regex alternation of the words, longest first so `june` is not read as `jun`."""
    return "|".join(sorted(words, key=len, reverse=True))


_MONTH = _alternation(_MONTHS)
# Shared with the period and due-phrase readers.
MONTH = _MONTH
MONTHS = _MONTHS
MONTH_NAMES = _MONTH_NAMES
_WEEKDAY = _alternation(_WEEKDAYS)
_COUNT = rf"[0-9]{{1,3}}|{_alternation(_NUMBER_WORDS)}"
_ORDINAL = r"(?:st|nd|rd|th)?"

_PREFIX_RE = re.compile(r"(?:by|before|on) ")
_BARE_NUMBER_RE = re.compile(r"[0-9]+(?:st|nd|rd|th)?")
_TODAY_RE = re.compile(r"today|tomorrow")
_WEEKDAY_RE = re.compile(rf"(?:(?:next|this) )?(?P<weekday>{_WEEKDAY})")
_SPAN_RE = re.compile(
    rf"(?P<how>in|within) (?P<count>{_COUNT}) (?P<unit>day|week|fortnight|month|year)(?:'s|s'?)?"
    r"(?: time)?(?: of (?:the|this) meeting)?"
)
_END_OF_RE = re.compile(
    rf"(?:the )?end of (?:(?:(?:the|this) )?month|(?P<next>next) month"
    rf"|(?P<month>{_MONTH})(?: (?P<year>[0-9]{{4}}))?)"
)
_ISO_RE = re.compile(r"(?P<year>[0-9]{4})([-/])(?P<month>[0-9]{1,2})\2(?P<day>[0-9]{1,2})")
_NUMERIC_RE = re.compile(
    r"(?P<day>[0-9]{1,2})(?P<sep>[/.-])(?P<month>[0-9]{1,2})(?:(?P=sep)(?P<year>[0-9]{1,4}))?"
)
_DAY_MONTH_RE = re.compile(
    rf"(?P<day>[0-9]{{1,2}}){_ORDINAL} (?:of )?(?P<month>{_MONTH})(?: (?P<year>[0-9]{{4}}))?"
)
_MONTH_DAY_RE = re.compile(
    rf"(?P<month>{_MONTH}) (?P<day>[0-9]{{1,2}}){_ORDINAL}(?: (?P<year>[0-9]{{4}}))?"
)
_WEEKDAY_PREFIX_RE = re.compile(rf"(?P<weekday>{_WEEKDAY}) (?P<rest>.+)")
_DATE_WORD_RE = re.compile(
    rf"[0-9]|\b(?:{_MONTH}|{_WEEKDAY}|today|tomorrow|meeting|week|month|quarter|year|tbc"
    r"|ongoing|w/c)\b"
)


class DueParseError(ValueError):
    """A date phrase that cannot be used; `message` is written for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotADate(DueParseError):
    """The phrase is no date form at all, as opposed to a bad date in a form we know."""


def quote(text: str, limit: int = 60) -> str:
    """Echo user input back as inline code, shortened so an error never floods the channel.

    Escaped after shortening (so no entity is cut in half): a mention picked from
    Slack's list arrives raw, and ``<!channel>`` echoed back would ping the channel.
    """
    flat = " ".join(text.replace("`", "'").split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"`{escape(flat)}`"


def describe_date(d: date) -> str:
    """Format a date the way the secretariat writes it: `Thu 26 Nov 2026`."""
    return f"{_WEEKDAY_NAMES[d.weekday()][:3]} {d.day} {_MONTH_NAMES[d.month - 1][:3]} {d.year}"


def looks_like_date(text: str) -> bool:
    """Whether text looks like an attempt at a date (a digit, month, weekday or "meeting")."""
    return _DATE_WORD_RE.search(text.lower()) is not None


def parse_date(phrase: str, today: date, *, allow_past: bool = False) -> date:
    """Read a calendar date phrase ("26/11/2026", "26 Nov", "friday"); no meeting forms."""
    text = normalise_phrase(phrase)
    if not text:
        raise DueParseError(f"Give a date, for example {EXAMPLES}.")
    return in_range(read_date(text, phrase, today), today, allow_past=allow_past)


def parse_leading_date(
    text: str, today: date, *, allow_past: bool = False, max_words: int = 6
) -> tuple[date, str]:
    """Read the longest date at the start of text; return it and the rest of the text."""
    words = list(re.finditer(r"\S+", text))[:max_words]
    if not words:
        raise DueParseError(f"Give a date, for example {EXAMPLES}.")
    for word in reversed(words):
        candidate = text[: word.end()]
        try:
            found = read_date(normalise_phrase(candidate), candidate, today)
        except NotADate:
            continue
        # A longer phrase that is a bad date (say 31 Feb 2027) must not fall back to "31".
        return in_range(found, today, allow_past=allow_past), text[word.end() :].strip()
    raise not_a_date(words[0].group())


def normalise_phrase(phrase: str) -> str:
    """Lower-case, single-space, drop commas, a trailing full stop, enclosing brackets and a
    leading by/before/on."""
    text = " ".join(phrase.lower().replace(",", " ").split())
    text = text.rstrip(".").strip()
    if text[:1] in "([" and text[-1:] in ")]":
        text = text[1:-1].strip()  # "(TBC)", "[by July 2027]"
    prefix = _PREFIX_RE.match(text)
    return text[prefix.end() :] if prefix else text


def read_date(text: str, phrase: str, today: date) -> date:
    """Read a normalised date phrase, trying each form in turn."""
    for reader in _READERS:
        found = reader(text, today)
        if found is not None:
            return found
    prefixed = _WEEKDAY_PREFIX_RE.fullmatch(text)
    if prefixed:
        return _with_weekday(prefixed["weekday"], prefixed["rest"], phrase, today)
    if _BARE_NUMBER_RE.fullmatch(text):
        raise DueParseError(
            f"{quote(phrase)} on its own is not a date. Dates are day/month/year, "
            "for example `30/06/2027` or `30 Jun 2027`."
        )
    raise not_a_date(phrase)


def not_a_date(phrase: str) -> NotADate:
    return NotADate(f"I couldn't read {quote(phrase)} as a date. Try {EXAMPLES}.")


def _with_weekday(weekday: str, rest: str, phrase: str, today: date) -> date:
    """A date written with its weekday ("Thu 26 Nov 2026"); the weekday must agree."""
    # Only absolute forms follow a weekday; never recurse, so "fri fri fri ..." stays cheap.
    found = _iso(rest, today) or _numeric(rest, today) or _textual(rest, today)
    if found is None:
        raise not_a_date(phrase)
    expected = _WEEKDAYS[weekday]
    if found.weekday() != expected:
        raise DueParseError(
            f"{describe_date(found)} is a {_WEEKDAY_NAMES[found.weekday()]}, "
            f"not a {_WEEKDAY_NAMES[expected]}. Check the date."
        )
    return found


def _relative_day(text: str, today: date) -> date | None:
    """`today` or `tomorrow`."""
    if not _TODAY_RE.fullmatch(text):
        return None
    return today if text == "today" else _add_days(today, 1)


def _weekday(text: str, today: date) -> date | None:
    """`friday`, `fri`, `next friday`: the next such day strictly after today."""
    match = _WEEKDAY_RE.fullmatch(text)
    if not match:
        return None
    ahead = (_WEEKDAYS[match["weekday"]] - today.weekday() - 1) % 7 + 1
    return _add_days(today, ahead)


def _span(text: str, today: date) -> date | None:
    """`in 2 weeks`, `in 3 days`, `in 1 month`, `within a month`."""
    match = _SPAN_RE.fullmatch(text)
    if not match:
        return None
    count_text = match["count"]
    count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
    unit = match["unit"]
    if unit == "month":
        return _add_months(today, count)
    if unit == "year":
        return _add_months(today, 12 * count)
    days_per_unit = {"day": 1, "week": 7, "fortnight": 14}[unit]
    return _add_days(today, count * days_per_unit)


def _end_of(text: str, today: date) -> date | None:
    """`end of month`, `end of next month`, `end of June`."""
    match = _END_OF_RE.fullmatch(text)
    if not match:
        return None
    if match["month"]:
        month = _MONTHS[match["month"]]
        # This year's month end unless that month is already over.
        year = today.year if month >= today.month else today.year + 1
        return _month_end(int(match["year"]) if match["year"] else year, month, text)
    first = date(today.year, today.month, 1)
    if match["next"]:
        first = _add_months(first, 1)
    return _month_end(first.year, first.month, text)


def _iso(text: str, today: date) -> date | None:
    """`2027-06-30`."""
    match = _ISO_RE.fullmatch(text)
    if not match:
        return None
    return _make_date(int(match["year"]), int(match["month"]), int(match["day"]), text)


def _numeric(text: str, today: date) -> date | None:
    """`30/06/2027`, `30/06/27`, `30-06-2027`, `30.06.2027`, `01/12`: always day first."""
    match = _NUMERIC_RE.fullmatch(text)
    if not match:
        return None
    day, month = int(match["day"]), int(match["month"])
    if 1 <= day <= 12 < month <= 31:
        # Month 13+ with a plausible month first is a US-style date; say so, not just "invalid".
        suggestion = f"{month:02d}{match['sep']}{day:02d}"
        if match["year"]:
            suggestion += f"{match['sep']}{match['year']}"
        raise DueParseError(
            f"Dates are day/month/year, so {quote(text)} would be in month {month}. "
            f"Did you mean `{suggestion}`?"
        )
    if match["year"] is None:
        return _next_occurrence(day, month, text, today)
    return _make_date(_full_year(match["year"], text), month, day, text)


def _textual(text: str, today: date) -> date | None:
    """`30 June 2027`, `30th Jun`, `30 of June`, `June 30`, `June 30th 2027`."""
    match = _DAY_MONTH_RE.fullmatch(text) or _MONTH_DAY_RE.fullmatch(text)
    if not match:
        return None
    day, month = int(match["day"]), _MONTHS[match["month"]]
    if match["year"] is None:
        return _next_occurrence(day, month, text, today)
    return _make_date(int(match["year"]), month, day, text)


_READERS: tuple[Callable[[str, date], date | None], ...] = (
    _relative_day,
    _weekday,
    _span,
    _end_of,
    _iso,
    _numeric,
    _textual,
)


def _full_year(digits: str, shown: str) -> int:
    """A written year: four digits as is, two digits in this century."""
    if len(digits) == 4:
        return int(digits)
    if len(digits) == 2:
        return 2000 + int(digits)
    raise DueParseError(f"Write the year in {quote(shown)} as four digits (2027) or two (27).")


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    """Build a date, explaining in plain words when it does not exist."""
    if not 1 <= month <= 12:
        raise DueParseError(
            f"{quote(shown)} is not a real date: there is no month {month}. "
            "Dates are day/month/year."
        )
    if not 1 <= year <= 9999:
        raise DueParseError(f"{quote(shown)} is not a real date.")
    if day < 1:
        raise DueParseError(f"{quote(shown)} is not a real date: there is no day {day}.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DueParseError(
            f"{quote(shown)} is not a real date: {_MONTH_NAMES[month - 1]} {year} has {days} days."
        )
    return date(year, month, day)


def _next_occurrence(day: int, month: int, shown: str, today: date) -> date:
    """A day and month without a year: this year's, or the next one if it has passed."""
    if 1 <= month <= 12 and day > _MAX_DAYS[month - 1]:
        longest = _MAX_DAYS[month - 1]
        limit = f"at most {longest}" if month == 2 else str(longest)
        raise DueParseError(
            f"{quote(shown)} is not a real date: {_MONTH_NAMES[month - 1]} has {limit} days."
        )
    # Validate month and day-0 first, with any year, so the search below always ends.
    _make_date(2000, month, day, shown)
    return _make_date(_year_of_next(month, day, today), month, day, shown)


def _year_of_next(month: int, day: int, today: date) -> int:
    """The first year from today's in which day/month exists and is not before today."""
    for year in range(today.year, today.year + 9):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return year
    # Unreachable for real dates (29 February recurs within 8 years); keeps types honest.
    return today.year + 8


def _month_end(year: int, month: int, shown: str) -> date:
    """The last day of a month."""
    if not 1 <= year <= 9999:
        raise DueParseError(f"{quote(shown)} is too far away.")
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_days(start: date, days: int) -> date:
    """start + days, reported as a user error rather than OverflowError at the calendar's end."""
    try:
        return start + timedelta(days=days)
    except OverflowError:
        raise DueParseError("That date is too far away.") from None


def _add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 Jan -> 28 Feb)."""
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    if year > 9999:
        raise DueParseError("That date is too far away.")
    day = min(start.day, calendar.monthrange(year, month_index + 1)[1])
    return date(year, month_index + 1, day)


def in_range(found: date, today: date, *, allow_past: bool) -> date:
    """Reject dates in the past (today is fine) and dates so far ahead they must be typos."""
    if not allow_past and found < today:
        raise DueParseError(
            f"That date ({describe_date(found)}) is in the past. "
            f"Give today ({describe_date(today)}) or a later date."
        )
    if found.year > today.year + MAX_YEARS_AHEAD:
        raise DueParseError(
            f"That date ({describe_date(found)}) is more than {MAX_YEARS_AHEAD} years away; "
            "check the year."
        )
    return found
