"""Follow the agenda numbering of minutes: `2.1`, `Item 4`, `Minute 12/26`, `41 Apologies`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH_START_RE = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|^(?:am|pm|a\.m|p\.m)\b",
    re.IGNORECASE,
)
_LABELLED_RE = re.compile(
    r"^(?:agenda\s+)?(?P<label>item|minute|min\.?)\s+(?:no\.?\s*)?"
    r"(?P<number>\d{1,3}(?:[./]\d{1,3})*)[.:)]?\s*(?:[-–—:.]\s*)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED_RE = re.compile(
    r"^(?P<number>\d{1,3}(?:\.\d{1,2})*)(?P<dot>[.)])?(?:\s+(?P<rest>.*))?$"
)


@dataclass(frozen=True)
class AgendaMark:
    """An agenda number found at the start of a line, and the heading text after it."""

    number: str
    rest: str
    labelled: bool


def agenda_mark(text: str) -> AgendaMark | None:
    """The agenda number a line starts with, or None when the line is ordinary text."""
    labelled = _LABELLED_RE.match(text)
    if labelled:
        return AgendaMark(labelled["number"].rstrip("."), labelled["rest"].strip(), True)
    numbered = _NUMBERED_RE.match(text)
    if not numbered:
        return None
    rest = (numbered["rest"] or "").strip()
    number = numbered["number"]
    if rest:
        # "21 September 2020", "999 calls ...", "10.00 am" are text, not agenda items.
        if _MONTH_START_RE.match(rest) or not rest[0].isupper() and rest[0] != "<":
            return None
        if "." not in number and not numbered["dot"] and int(number) > 200:
            return None
        if len(rest) > 120 and "." not in number and not numbered["dot"]:
            return None
    return AgendaMark(number, rest, False)


def number_key(number: str) -> tuple[int, ...] | None:
    """A dotted number as a tuple for comparing order; None for `12/26` style."""
    if "/" in number:
        return None
    try:
        return tuple(int(part) for part in number.split("."))
    except ValueError:
        return None


class AgendaTracker:
    """Which agenda item a line sits under; numbered points inside an item do not move it."""

    def __init__(self) -> None:
        self.item: str | None = None
        self._sub_list: int | None = None  # the last number of a list inside the item

    def see(self, mark: AgendaMark) -> bool:
        """Take in a number at a line's start; True when it starts a new agenda item."""
        new, current = number_key(mark.number), number_key(self.item or "")
        if new is None or current is None or mark.labelled:
            self.item, self._sub_list = mark.number, None
            return True
        if self._sub_list is not None and len(new) == 1 and new[0] == self._sub_list + 1:
            self._sub_list = new[0]
            return False
        if new <= current[: len(new)] or (len(new) == 1 and new < current):
            # Counting again from 1 inside item 2.1 is a list of points, not a new item.
            if len(new) == 1 and new[0] <= 1:
                self._sub_list = new[0]
                return False
            if self._sub_list is not None:
                return False
        self.item, self._sub_list = mark.number, None
        return True

    def reset(self) -> None:
        """An unnumbered heading ends the numbered item."""
        self.item, self._sub_list = None, None

    @property
    def top(self) -> str | None:
        """The first part of the current item's number: `2` for `2.1`."""
        if self.item is None:
            return None
        return re.split(r"[./]", self.item)[0]
