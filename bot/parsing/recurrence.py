"""Read how often an action recurs: "quarterly", "every 3 months", "every meeting" and the
clauses minutes add to it: "the first in July", "until 31/07/2028", "4 times"."""

import re
from datetime import date

from bot.parsing.dates import DueParseError, quote
from bot.parsing.due import parse_due
from storage.due import DueOnDate, DueSpec, Recurrence

_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8,
            "ten": 10, "twelve": 12}
_COUNT = r"[0-9]{1,3}|" + "|".join(_NUMBERS)
_WORD_MONTHS = {
    "monthly": 1, "bimonthly": 2, "bi-monthly": 2, "quarterly": 3, "six-monthly": 6,
    "half-yearly": 6, "annually": 12, "yearly": 12,
}
_UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12, "meeting": 0}
_RECUR_RE = re.compile(
    rf"(?<![^\s,(])(?:every\s+(?:(?P<n>{_COUNT})\s+)?(?P<unit>month|quarter|year|meeting)s?"
    rf"|(?P<word>{'|'.join(sorted(_WORD_MONTHS, key=len, reverse=True))}))(?=[\s,.;:)]|$)",
    re.IGNORECASE,
)
# Clauses after the recurrence; each runs to the next one.
_CLAUSE_RE = re.compile(
    r"(?:^|[\s,;]+(?:and\s+)?)(?P<kw>(?:the\s+)?first(?:\s+one)?(?:\s+(?:due\s+by|due|in|on|by))?"
    r"|starting(?:\s+(?:in|on|from))?|beginning(?:\s+(?:in|on))?|from|until|till|up\s+to|for"
    r"|(?P<count>" + _COUNT + r")\s+(?:times|occurrences))(?=\s|$)",
    re.IGNORECASE,
)
_TIMES_RE = re.compile(
    rf"(?P<count>{_COUNT})(?:\s+(?:times|occurrences|months|quarters|years|meetings))?",
    re.IGNORECASE,
)
# "quarterly briefings to the PCC, the first in July": the recurrence stays in the text.
_FIRST_AT_END_RE = re.compile(
    r"[\s,;]+(?:with\s+)?(?:the\s+)?first(?:\s+(?:one|of\s+which))?\s+(?:being\s+)?"
    r"(?:due\s+by\s+|due\s+|in\s+|on\s+|by\s+)?(?P<when>[^,;]+?)[\s.]*$",
    re.IGNORECASE,
)


def describe(recurrence: Recurrence) -> str:
    """``quarterly``, ``every 2 months``, ``every meeting``."""
    words = {0: "every meeting", 1: "monthly", 3: "quarterly", 12: "annually"}
    return words.get(recurrence.months, f"every {recurrence.months} months")


def take_recurrence(text: str, today: date) -> tuple[str, Recurrence | None, DueSpec | None]:
    """Split a recurrence off the end of action text: the text left, the recurrence, and
    the first due date its clauses name (None when they name none)."""
    for match in reversed(list(_RECUR_RE.finditer(text))):
        clauses = _clauses(text[match.end():], today)
        if clauses is None:
            continue
        first, until, times = clauses
        recurrence = Recurrence(_months(match), until, times)
        return text[: match.start()].rstrip(" ,;"), recurrence, first
    ending = _FIRST_AT_END_RE.search(text)
    named = [m for m in _RECUR_RE.finditer(text) if ending and m.end() <= ending.start()]
    if ending and named:
        first = _first(ending["when"], today)
        return text[: ending.start()], Recurrence(_months(named[-1])), first
    return text, None, None


def _months(match: re.Match[str]) -> int:
    if match["word"]:
        return _WORD_MONTHS[match["word"].lower()]
    n = match["n"]
    count = 1 if n is None else int(n) if n.isdigit() else _NUMBERS[n.lower()]
    months = _UNIT_MONTHS[match["unit"].lower()]
    if months == 0 and count != 1:
        raise DueParseError("“Every meeting” is as often as I can remind; say `every meeting`.")
    if months * count == 0 and months:
        raise DueParseError(f"{quote(match.group())} is not a period I can repeat.")
    return months * count


def _clauses(tail: str, today: date) -> tuple[DueSpec | None, date | None, int | None] | None:
    """The clauses after a recurrence, or None when the tail is not made of them."""
    tail = tail.strip().rstrip(".").strip()
    if not tail:
        return None, None, None
    starts = list(_CLAUSE_RE.finditer(tail))
    if not starts or starts[0].start() != 0:
        return None
    first: DueSpec | None = None
    until: date | None = None
    times: int | None = None
    for index, clause in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(tail)
        value = tail[clause.end():end].strip(" ,;")
        keyword = clause["kw"].lower().split()[0]
        if clause["count"]:
            times = _count(clause["count"])
            if value:
                raise DueParseError(f"I didn't understand {quote(value)} after the count.")
        elif keyword in ("until", "till", "up"):
            until = _until(value, today)
        elif keyword == "for":
            if value or index + 1 == len(starts):
                times = _times(value)  # "for 4 quarters"; "for 4 times" is read as "4 times"
        else:
            first = _first(value, today)
    return first, until, times


def _first(value: str, today: date) -> DueSpec:
    value = re.sub(r"^(?:in|on|from)\s+", "", value.strip(), flags=re.IGNORECASE)
    try:
        return parse_due(value, today)
    except DueParseError as error:
        raise DueParseError(f"When is the first one due? {error.message}") from None


def _until(value: str, today: date) -> date:
    spec = parse_due(value, today)
    if not isinstance(spec, DueOnDate):
        raise DueParseError("Give the date the recurrence ends, like `until 31/07/2028`.")
    return spec.on


def _times(value: str) -> int:
    match = _TIMES_RE.fullmatch(value.strip())
    if match is None:
        raise DueParseError(f"I didn't understand {quote(value)}; say `4 times`.")
    return _count(match["count"])


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]
