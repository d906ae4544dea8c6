"""Read a due phrase as minutes write it, and write one back that reads the same.

`parse_due` is the one entry point (the slash command, the form and the minutes importer
use it): a calendar date, a period ("July 2027", "Q1 2027", "w/c 7 December"), a meeting
("next meeting", "the December meeting of the Panel"), or no date ("TBC", "ongoing").
A vague phrase ("in the autumn", "asap") is refused with a suggestion, never guessed.
`split_trailing_due` finds the due phrase at the end of an action's text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.parsing.dates import (
    EXAMPLES,
    MAX_YEARS_AHEAD,
    MONTH,
    MONTH_NAMES,
    MONTHS,
    DueParseError,
    NotADate,
    describe_date,
    in_range,
    looks_like_date,
    normalise_phrase,
    quote,
    read_date,
)
from bot.parsing.periods import month_last_working_day, read_period
from reminders.calendar import is_working_day
from storage.due import (
    DueAtMeetingInMonth,
    DueAtMeetingOn,
    DueAtNextMeeting,
    DueOnDate,
    DueSpec,
    NoDueDate,
)
from storage.models import MeetingKind

_LEAD = r"(?:(?:to|for|at|in|until|till) )?(?:the )?"
_MEETING = r"(?:assurance |monthly )?(?:meeting|mtg)"
# Meeting kinds as minutes name them, to the kind the meeting is recorded with.
_KIND_WORDS: dict[str, str] = {
    "panel": MeetingKind.PANEL,
    "police and crime panel": MeetingKind.PANEL,
    "police & crime panel": MeetingKind.PANEL,
    "pcp": MeetingKind.PANEL,
    "thematic": MeetingKind.THEMATIC,
    "extraordinary": MeetingKind.EXTRAORDINARY,
    "public": MeetingKind.PUBLIC,
    "monthly": MeetingKind.MONTHLY,
    "assurance": MeetingKind.MONTHLY,
    "monthly assurance": MeetingKind.MONTHLY,
}
_KIND = "|".join(sorted((re.escape(k) for k in _KIND_WORDS), key=len, reverse=True))

_NO_DATE_RE = re.compile(
    r"(?:date )?(?:tbc|tba|tbd|to be (?:confirmed|agreed|advised|decided|determined))"
    r"|on-?going|no (?:date|deadline|due date)|(?:date )?not (?:yet )?(?:set|agreed)|n/a"
)
_NEXT_MEETING_RE = re.compile(rf"{_LEAD}next {_MEETING}")
_MONTH_MEETING_RE = re.compile(
    rf"{_LEAD}(?:(?P<month>{MONTH})(?: (?P<year>[0-9]{{4}}))?(?: (?P<kind>{_KIND}))? {_MEETING}"
    # "of the Panel", or of any kind the secretariat names ("of the Joint Audit Committee").
    r"(?: of (?:the )?(?P<of_kind>[a-z][a-z &'’-]{1,60}?))?"
    rf"|{_MEETING} in (?P<month2>{MONTH})(?: (?P<year2>[0-9]{{4}}))?)"
)
_MEETING_ON_RE = re.compile(rf"{_LEAD}{_MEETING} (?:on |of )?(?P<when>.+)")
_DATE_MEETING_RE = re.compile(rf"{_LEAD}(?P<when>.+?) {_MEETING}")
# Phrases that name no day; refused with a suggestion rather than guessed.
_VAGUE_RE = re.compile(
    r"(?:(?:in|by|during|over|before) )?(?:the )?(?:"
    r"asap|a\.s\.a\.p|as soon as (?:possible|practicable)|soon|shortly|imminently"
    r"|in due course|due course|when (?:possible|available|ready)|in time|as required"
    r"|(?:early|late|mid|the)[- ]?(?:spring|summer|autumn|fall|winter)(?: [0-9]{4})?"
    r"|(?:spring|summer|autumn|fall|winter)(?: (?:term|time|[0-9]{4}))?"
    rf"|(?:early|late|beginning of|start of) (?:(?:{MONTH})(?: [0-9]{{4}})?|[0-9]{{4}}"
    r"|the year|next year)"
    r"|(?:the )?new year|next year|(?:this|next) (?:financial )?year|christmas|easter"
    r"|end of (?:the )?(?:term|session|summer|spring|autumn|winter)"
    r")"
)

VAGUE_HINT = (
    "Give a month (`by July 2027`), a date (`30/06/2027`), a meeting (`next meeting`, "
    "`the February 2027 meeting`), or `TBC` if no date was agreed."
)


def parse_due(phrase: str, today: date) -> DueSpec:
    """Read a due phrase; the result keeps `phrase` as written. Raises DueParseError."""
    text = normalise_phrase(phrase)
    if not text:
        raise DueParseError(f"Say when it is due, for example {EXAMPLES}.")
    spec = _read(text, phrase, today)
    return replace(spec, written=" ".join(phrase.split()))


def _read(text: str, phrase: str, today: date) -> DueSpec:
    if _NO_DATE_RE.fullmatch(text):
        return NoDueDate()
    meeting = _meeting_due(text, phrase, today)
    if meeting is not None:
        return meeting
    period = read_period(text, today)
    if period is not None:
        on = in_range(period.on, today, allow_past=False)
        return DueOnDate(on, reading=period.reading)
    if is_vague(text):
        raise DueParseError(f"I can't tell which day {quote(phrase)} means. {VAGUE_HINT}")
    return DueOnDate(in_range(read_date(text, phrase, today), today, allow_past=False))


# Due phrases are short ("the meeting on Thu 26 Nov 2026"); a longer tail is action text.
MAX_DUE_WORDS = 12
# Words that may start a trailing due phrase ("... by July 2027", "... in six weeks").
_DUE_LEADS = frozenset({"by", "before", "within", "in", "during", "until", "till"})
# These start a due phrase only when it names a meeting ("... to the September meeting"),
# or for "on", a plain date; "the figures for July" keeps its July.
_MEETING_LEADS = frozenset({"for", "to", "at", "on"})
# A due phrase with no lead word must not take the object of the words before it.
_BINDING_WORDS = frozenset({
    "for", "of", "the", "on", "to", "at", "from", "about", "in", "into", "with", "and", "or",
    "after", "since", "a", "an", "this", "that", "its", "their", "his", "her",
})
_WORD_RE = re.compile(r"<[^<>]*>|\S+")
_STRONG_START_RE = re.compile(r"w/?[cb]\b|w\.[cb]\.|q[1-4]\b|mid-", re.IGNORECASE)


def split_trailing_due(rest: str, today: date) -> tuple[str, DueSpec | None]:
    """Split `<what> <when>` ("review the metric by July 2027") into the text and the due.

    The longest trailing phrase (up to twelve words) that reads as a due date wins; None when
    there is none. A vague time ("in the autumn") or a mistyped date after "by" raises
    DueParseError: it is never left in the text.
    """
    words = list(_WORD_RE.finditer(rest))
    refusal: DueParseError | None = None
    for index in range(max(0, len(words) - MAX_DUE_WORDS), len(words)):
        start = words[index].start()
        head, phrase = rest[:start], rest[start:]
        lead = words[index].group().lower()
        try:
            spec = parse_due(phrase, today)
        except DueParseError as error:
            if is_vague(phrase):
                # "late July" must not become "late" in the text and a due date of July.
                raise
            # Keep "by the force" as text, but never quietly keep a mistyped date in it.
            if refusal is None and lead in ("by", "before") and looks_like_date(phrase):
                refusal = error
            continue
        before = words[index - 1].group().lower() if index else ""
        if _may_lead(lead, spec, before):
            return _without_separator(head), spec
    if refusal is not None:
        raise DueParseError(
            f"{refusal.message}\nIf “by …” is part of the action itself, end with the due "
            "date, for example `… by next meeting`."
        )
    return rest, None


def _may_lead(lead: str, spec: DueSpec, before: str) -> bool:
    """Whether a trailing phrase starting with `lead` is the due date, not part of the text."""
    if lead in _DUE_LEADS:
        return True
    if lead in _MEETING_LEADS:
        plain_date = isinstance(spec, DueOnDate) and spec.reading is None
        return not isinstance(spec, DueOnDate) or (lead == "on" and plain_date)
    if isinstance(spec, NoDueDate) or _STRONG_START_RE.match(lead):
        return True  # "TBC", "w/c 7 December", "Q1 2027" are never the object of a verb
    return before.strip("(") not in _BINDING_WORDS


_SEPARATOR_RE = re.compile(r"(?<![,;:–—-])\s*[,;:–—-]\s*$")


def _without_separator(head: str) -> str:
    """The text before a due phrase, without the one comma or dash that set it apart.

    Only a single separator goes ("review X, by July" -> "review X"); "-- " or ";;" is the
    person's own text and is kept.
    """
    head = head.rstrip()
    return _SEPARATOR_RE.sub("", head) if _SEPARATOR_RE.search(head) else head


def is_vague(phrase: str) -> bool:
    """Whether a phrase is a vague time ("in the autumn", "asap") that names no day."""
    return _VAGUE_RE.fullmatch(normalise_phrase(phrase)) is not None


def _meeting_due(text: str, phrase: str, today: date) -> DueSpec | None:
    """A due phrase naming a meeting, or None when the phrase is not about a meeting."""
    if _NEXT_MEETING_RE.fullmatch(text):
        return DueAtNextMeeting()
    by_month = _MONTH_MEETING_RE.fullmatch(text)
    if by_month:
        month = MONTHS[by_month["month"] or by_month["month2"]]
        year = by_month["year"] or by_month["year2"]
        kind_words = by_month["kind"] or by_month["of_kind"]
        kind = _KIND_WORDS.get(kind_words, kind_words) if kind_words else None
        return _meeting_in_month(month, int(year) if year else None, kind, today)
    on_date = _MEETING_ON_RE.fullmatch(text) or _DATE_MEETING_RE.fullmatch(text)
    if on_date:
        try:
            found = read_date(on_date["when"], phrase, today)
        except NotADate:
            # "within a month of the meeting" ends in "meeting" but is a date phrase.
            return None
        return DueAtMeetingOn(in_range(found, today, allow_past=False))
    return None


def _meeting_in_month(
    month: int, year: int | None, kind: str | None, today: date
) -> DueAtMeetingInMonth:
    """The meeting in a month: this year's unless that month is over, when it is next year's."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    name = f"{MONTH_NAMES[month - 1]} {year}"
    if (year, month) < (today.year, today.month):
        raise DueParseError(f"The {name} meeting is in the past. Give a meeting still to come.")
    if year > today.year + MAX_YEARS_AHEAD:
        raise DueParseError(f"The {name} meeting is years away; check the year.")
    fallback = month_last_working_day(year, month)
    return DueAtMeetingInMonth(year=year, month=month, kind=kind, fallback=fallback)


def describe_due(spec: DueSpec) -> str:
    """A phrase `parse_due` reads back as the same due date (dates in full, day first)."""
    match spec:
        case DueOnDate(on=on):
            return f"{on:%d/%m/%Y}"
        case DueAtNextMeeting():
            return "next meeting"
        case DueAtMeetingInMonth(year=year, month=month, kind=kind):
            of_kind = f" of the {_kind_name(kind)}" if kind else ""
            return f"the {MONTH_NAMES[month - 1]} {year} meeting{of_kind}"
        case DueAtMeetingOn(on=on):
            return f"the meeting on {on:%d/%m/%Y}"
        case NoDueDate():
            return "no date"
    raise AssertionError(f"unknown due spec {spec!r}")


def _kind_name(kind: str) -> str:
    """The words for a meeting kind that `_KIND_WORDS` reads back as the same kind."""
    return "Panel" if kind == MeetingKind.PANEL else kind


def understood(spec: DueSpec) -> str | None:
    """What the reply says it understood, where the phrase is not a plain date or meeting."""
    match spec:
        case DueOnDate(on=on, reading=reading, written=written) if reading:
            shown = f"“{written}”" if written else "The date"
            return f"{shown} read as {describe_date(on)}, {reading}."
        case NoDueDate(written=written):
            shown = f"“{written}”: " if written else ""
            return (
                f"{shown}recorded with no due date; it comes up at every meeting until one "
                "is set."
            )
    return None


def non_working_day_note(day: date | None) -> str | None:
    """A note when a due date falls on a weekend or bank holiday (accepted all the same)."""
    if day is None or is_working_day(day):
        return None
    what = "a weekend" if day.weekday() >= 5 else "a bank holiday"
    return f"Note: {describe_date(day)} is {what}; the due date is kept as given."
