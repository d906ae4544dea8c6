"""Find the meeting the minutes record, and the next meeting they fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.minutes.lines import Line

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_RE = "|".join([*_MONTHS, "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep",
                      "oct", "nov", "dec"])
_DATE_RE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_RE})\.?"
    r"(?:,?\s+(?P<year>\d{4}))?\b"
    r"|\b(?P<nday>\d{1,2})/(?P<nmonth>\d{1,2})/(?P<nyear>\d{4}|\d{2})\b",
    re.IGNORECASE,
)
_TIME_RE = re.compile(
    r"\b(?P<hour>[012]?\d)(?:[:.](?P<minute>[0-5]\d))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)"
    r"|\b(?P<hour24>[012]?\d)[:.](?P<minute24>[0-5]\d)\b(?!\s*(?:%|m\b|million|per))",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")
_KINDS = (
    ("extraordinary", re.compile(r"\bextraordinary\b", re.IGNORECASE)),
    ("panel", re.compile(r"\bpolice\s+(?:and|&)\s+crime\s+panel\b", re.IGNORECASE)),
    ("thematic", re.compile(r"\bthematic\b", re.IGNORECASE)),
    ("public", re.compile(r"\bpublic\b|\bfacebook live\b|\blive stream", re.IGNORECASE)),
    ("monthly", re.compile(r"\bmonthly\b|\bassurance\s+meeting\b|\bholding\s+to\s+account\b",
                           re.IGNORECASE)),
)
_TITLE_WORDS_RE = re.compile(r"\b(?:meeting|panel|minutes|notes|board|committee)\b", re.I)
_NEXT_RE = re.compile(
    r"^(?:(?:agenda\s+)?(?:item|minute)\s+)?(?:\d{1,3}(?:[./]\d{1,3})*\.?\s*(?:[-–—:]\s*)?)?"
    r"(?:(?:date|confirmation|details|time)\s+(?:and\s+\w+\s+)?"
    r"of\s+(?:the\s+)?)?next\s+meeting\b"
    r"|^the next (?:[\w-]+ ){0,4}meeting (?:will|is|shall)\b"
    # "Next SMT: Monday 3 July 2028", "Next Board meeting:".
    r"|^next\s+(?:(?-i:[A-Z][\w&-]*)\s+){0,3}(?:meeting|mtg)\s*:"
    r"|^next\s+(?-i:[A-Z]{2,6})\s*:",
    re.IGNORECASE,
)
# "Confirmation of next meeting type / date / time / venue:" names fields, not a meeting.
_FORM_WORDS_RE = re.compile(r"(?:(?:type|date|time|venue|and|location|place)[\s/,&:]*)*",
                            re.IGNORECASE)
_TITLE_TAIL_RE = re.compile(
    r"(?:\s*,?\s*(?:will be|is|to be)?\s*(?:held)?\s*(?:on)?\s*(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)?\s*)$",
    re.IGNORECASE,
)
_NUMBER_ONLY_RE = re.compile(r"^\d{1,3}(?:\.\d{1,2})*\.?$")


@dataclass(frozen=True)
class MeetingInfo:
    """A meeting as the minutes give it; any part may be missing."""

    date: date | None
    time: str | None
    kind: str | None
    title: str | None

    def as_json(self) -> dict[str, str | None]:
        return {"date": self.date.isoformat() if self.date else None, "time": self.time,
                "kind": self.kind, "title": self.title}


def find_meeting(lines: list[Line], header_end: int) -> MeetingInfo | None:
    """The meeting recorded: its title from the first lines, date and time from the header."""
    header = [line for line in lines[: max(header_end, 1)] if line.text and line.table is None]
    header = header[:20]
    if not header:
        return None
    title = next((line.text for line in header[:6] if _TITLE_WORDS_RE.search(line.text)),
                 header[0].text)
    title = title.strip(" #*")
    text = " ".join(line.text for line in header[:8])
    kind = _kind(title) or _kind(text)
    year_hint = _YEAR_RE.search(text)
    found_date, found_time = None, None
    for position, line in enumerate(header):
        found_date = _date_in(line.text, int(year_hint.group()) if year_hint else None)
        if found_date:
            nearby = " ".join(item.text for item in header[position: position + 2])
            found_time = _time_in(line.text) or _time_in(nearby)
            break
    if found_date is None and kind is None:
        return None
    return MeetingInfo(found_date, found_time, kind, title)


def find_next_meeting(lines: list[Line], meeting: MeetingInfo | None) -> MeetingInfo | None:
    """The next meeting, from a "next meeting" line and the few lines after it."""
    for position, line in enumerate(lines):
        if line.table is not None or not _NEXT_RE.search(line.text):
            continue
        after = _NEXT_RE.sub("", line.text, count=1).strip(" :-–—/")
        if _FORM_WORDS_RE.fullmatch(after):
            after = ""
        window = ([after] if after else []) + [
            item.text for item in lines[position + 1: position + 6]
            if item.text and not _NUMBER_ONLY_RE.match(item.text)
        ][:4]
        year = meeting.date.year if meeting and meeting.date else None
        for index, text in enumerate(window):
            found = _date_in(text, year, after=meeting.date if meeting else None)
            if found is None:
                continue
            words = " ".join([line.text, *window[: index + 1]])
            kind = _kind(words) or (meeting.kind if meeting else None)
            time = _time_in(text) or (_time_in(window[index + 1]) if index + 1 < len(window)
                                      else None)
            titles = [item for item in window[: index + 1] if not _date_in(item, year)]
            title = titles[0] if titles else _title_from(text)
            return MeetingInfo(found, time, kind, title)
    return None


def _title_from(text: str) -> str | None:
    """The words before the date on a one-line next meeting ("Monthly Assurance Meeting, ...")."""
    match = _DATE_RE.search(text)
    head = text[: match.start()] if match else ""
    head = _TITLE_TAIL_RE.sub("", head).strip(" ,:-–")
    return head or None


def _kind(text: str) -> str | None:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return None


def _date_in(text: str, year_hint: int | None, after: date | None = None) -> date | None:
    """The first full date in text; a missing year is the hint's, or the next after `after`."""
    for match in _DATE_RE.finditer(text):
        try:
            if match["nday"]:
                year = int(match["nyear"])
                year = year + 2000 if year < 100 else year
                return date(year, int(match["nmonth"]), int(match["nday"]))
            month = _month_number(match["month"])
            day = int(match["day"])
            if match["year"]:
                return date(int(match["year"]), month, day)
            if after is not None:
                candidate = date(after.year, month, day)
                return candidate if candidate > after else date(after.year + 1, month, day)
            if year_hint is not None:
                return date(year_hint, month, day)
        except ValueError:
            continue
    return None


def _month_number(name: str) -> int:
    key = name.lower()[:3]
    return next(number for number, month in enumerate(_MONTHS, 1) if month.startswith(key))


def _time_in(text: str) -> str | None:
    match = _TIME_RE.search(text)
    if not match:
        return None
    if match["hour24"] is not None:
        hour, minute = int(match["hour24"]), int(match["minute24"])
    else:
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        half = match["half"].lower().replace(".", "")
        if half == "pm" and hour < 12:
            hour += 12
        if half == "am" and hour == 12:
            hour = 0
    if hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"
