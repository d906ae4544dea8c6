"""Recognise an action table by its header row, whatever the columns are called and ordered."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACTION_RE = re.compile(
    r"^(?:agreed\s+)?(?:action|actions|action required|action agreed|action point|description|"
    r"task|what|detail|details|action description|actions? to be taken)$")
_OWNER_RE = re.compile(
    r"^(?:owner|owners|action owner|lead|lead officer|lead\(s\)|responsible|responsible officer|"
    r"who|by whom|assigned to|action by|officer|person responsible)$")
_DUE_RE = re.compile(
    r"^(?:due|due date|date due|deadline|by when|when|target|target date|timescale|timescales|"
    r"completion date|due by|date|by)$")
_REF_RE = re.compile(r"^(?:ref|ref\.|reference|no|no\.|number|#|item|agenda item|minute|"
                     r"minute ref|minute no\.?|item no\.?|action no\.?)$")


@dataclass(frozen=True)
class TableColumns:
    """Which column holds what in an action table; None where the table has no such column."""

    action: int
    owner: int | None
    due: int | None
    ref: int | None

    @staticmethod
    def cell(cells: tuple[str, ...], index: int | None) -> str:
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()


def table_columns(header: tuple[str, ...]) -> TableColumns | None:
    """The columns of an action table, or None when the header is not an action table's."""
    names = [re.sub(r"[\s:*]+", " ", cell.strip().lower()).strip() for cell in header]

    def find(pattern: re.Pattern[str]) -> int | None:
        return next((i for i, name in enumerate(names) if pattern.match(name)), None)

    action = find(_ACTION_RE)
    owner, due = find(_OWNER_RE), find(_DUE_RE)
    if action is None or (owner is None and due is None):
        return None
    return TableColumns(action, owner, due, find(_REF_RE))
