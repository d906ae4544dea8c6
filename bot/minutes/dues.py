"""Find when an action is due in the minutes' words: a date, a meeting, or a repeat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.parsing.dates import DueParseError, parse_leading_date
from bot.parsing.due import parse_due
from storage.due import DueAtMeetingInMonth, DueAtMeetingOn, DueAtNextMeeting, DueOnDate, DueSpec

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")
_MEETING_WORDS = (r"(?:(?:holding to account|assurance|monthly|thematic|panel|board|public)\s+)?"
                  r"meeting")
# "to the next meeting", "at its September 2027 meeting", "before the June meeting".
_MEETING_DUE_RE = re.compile(
    r"\b(?:by|before|to|at|for|until|in time for|ahead of|in advance of|no later than)\s+"
    rf"(?P<phrase>(?:the|its|their)\s+(?:next|(?:{_MONTHS})(?:\s+\d{{4}})?)\s+{_MEETING_WORDS})\b",
    re.IGNORECASE,
)
_KIND_WORD_RE = re.compile(
    r"\s+(?:holding to account|assurance|monthly|thematic|panel|board|public)\s+meeting$",
    re.IGNORECASE,
)
_SPAN_DUE_RE = re.compile(
    r"\b(?P<phrase>within\s+(?:a|one|two|three|four|six|\d{1,2})\s+(?:day|week|fortnight|month)s?"
    r"(?:\s+of\s+(?:the|this)\s+meeting)?)\b",
    re.IGNORECASE,
)
_BY_RE = re.compile(r"(?:,\s*|\s+|^)(?:by|before|no later than|due)\s+(?:the\s+)?", re.IGNORECASE)
_LABEL_DUE_RE = re.compile(
    r"\s*[(\[]?\s*(?:due(?: date)?|deadline|by when|target(?: date)?)\s*[:\-–]\s*"
    r"(?P<phrase>[^)\]]+?)\s*[)\]]?\s*\.?$",
    re.IGNORECASE,
)
_UNKNOWN_RE = re.compile(r"^(?:tbc|tba|tbd|n/?a|none|-+|ongoing|to be (?:confirmed|agreed))\.?$",
                         re.IGNORECASE)
_RECUR_RE = re.compile(
    r"\b(?P<word>monthly|quarterly|annual(?:ly)?|yearly|six[- ]monthly|bi-?annual(?:ly)?|"
    r"every\s+(?:meeting|month|quarter|year)|each\s+(?:meeting|month|quarter|year)|"
    r"at\s+(?:each|every)\s+meeting)\b",
    re.IGNORECASE,
)
_FIRST_RE = re.compile(
    rf"\b(?:(?:the )?first (?:in|by|on|due|at)|starting(?: in)?|beginning(?: in)?|from)\s+"
    rf"(?P<month>{_MONTHS})(?:\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
_MONTH_NUMBERS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@dataclass(frozen=True)
class FoundDue:
    """A due date found in text, the words it was read from, and the text without them."""

    spec: DueSpec | None
    phrase: str | None
    text: str
    problem: str | None = None


def find_due(text: str, meeting_date: date) -> FoundDue:
    """The due date written in an action's text; a trailing "by <date>" is cut from the text."""
    label = _LABEL_DUE_RE.search(text)
    if label and label.start() > 0:
        found = read_due_cell(label["phrase"], meeting_date)
        return FoundDue(found.spec, found.phrase, text[: label.start()].rstrip(" ,;–-"),
                        found.problem)
    meeting = _MEETING_DUE_RE.search(text)
    if meeting:
        phrase = re.sub(r"^(?:its|their)\s", "the ", meeting["phrase"], flags=re.IGNORECASE)
        # "the February Panel meeting" is read as "the February meeting".
        phrase = _KIND_WORD_RE.sub(" meeting", phrase)
        spec = _parse(phrase, meeting_date)
        if spec is not None:
            return FoundDue(spec, meeting["phrase"], text)
    for by in reversed(list(_BY_RE.finditer(text))):
        rest = text[by.end():]
        try:
            found, remainder = parse_leading_date(rest, meeting_date, allow_past=True)
        except DueParseError:
            continue
        if remainder.strip(" .;,)") == "":
            return FoundDue(DueOnDate(found), rest.rstrip(" ."), text[: by.start()].rstrip(" ,;"))
    span = _SPAN_DUE_RE.search(text)
    if span:
        spec = _parse(span["phrase"], meeting_date)
        if spec is not None:
            return FoundDue(spec, span["phrase"], text)
    return FoundDue(None, None, text)


def read_due_cell(cell: str, meeting_date: date) -> FoundDue:
    """A due written on its own (a table's Due column); say so when it cannot be read."""
    phrase = " ".join(cell.split()).strip(" .")
    if not phrase or _UNKNOWN_RE.match(phrase):
        return FoundDue(None, phrase or None, "")
    spec = _parse(phrase, meeting_date)
    if spec is None:
        # "31 March 2027 (revised)" or "by the September meeting": try the words inside.
        inner = find_due(f"due by {phrase}", meeting_date)
        if inner.spec is None:
            inner = find_due(f"to be done {phrase}", meeting_date)
        if inner.spec is not None:
            return FoundDue(inner.spec, phrase, "")
        return FoundDue(None, phrase, "", problem=f"I couldn't read the date “{phrase}”.")
    return FoundDue(spec, phrase, "")


def _parse(phrase: str, meeting_date: date) -> DueSpec | None:
    try:
        return parse_due(phrase, meeting_date)
    except DueParseError:
        return None


def find_recurrence(text: str, meeting_date: date) -> tuple[str | None, str | None]:
    """How often an action repeats ("quarterly briefings") and when the first is due."""
    match = _RECUR_RE.search(text)
    if not match:
        return None, None
    word = match["word"].lower()
    if word.startswith(("quarter", "each quarter", "every quarter")) or "quarter" in word:
        recurs = "quarterly"
    elif "month" in word and "six" not in word:
        recurs = "monthly"
    elif "meeting" in word:
        recurs = "every meeting"
    elif "six" in word or word.startswith("bi"):
        recurs = "six-monthly"
    else:
        recurs = "annually"
    first = _FIRST_RE.search(text)
    if not first:
        return recurs, None
    month = _MONTH_NUMBERS[first["month"].lower()[:3]]
    year = int(first["year"]) if first["year"] else (
        meeting_date.year if month >= meeting_date.month else meeting_date.year + 1)
    return recurs, f"{year:04d}-{month:02d}"


def due_json(spec: DueSpec | None, next_meeting: date | None) -> dict[str, object]:
    """The `due` object of the import JSON."""
    if isinstance(spec, DueOnDate):
        return {"kind": "date", "date": spec.on.isoformat()}
    if isinstance(spec, DueAtNextMeeting):
        return {"kind": "next_meeting", "date": next_meeting.isoformat() if next_meeting else None}
    if isinstance(spec, DueAtMeetingInMonth):
        same = next_meeting and (next_meeting.year, next_meeting.month) == (spec.year, spec.month)
        return {"kind": "meeting", "date": next_meeting.isoformat() if same else None,
                "month": f"{spec.year:04d}-{spec.month:02d}"}
    if isinstance(spec, DueAtMeetingOn):
        return {"kind": "meeting", "date": spec.on.isoformat()}
    return {"kind": "none", "date": None}
