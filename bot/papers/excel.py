"""The action log as an Excel workbook: "Action log" with real dates and RAG fills, and
"History" with one row per change."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.papers.log import COLUMNS, HISTORY_COLUMNS, NO_ACTIONS, RAG_FILLS, ActionLog

DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
# Widths fit the longest cell, between these bounds (characters); long text wraps.
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_WIDTH = 12
DATE_COLUMNS = ("Original due", "Revised due", "Closed on")
# Free text that may run long wraps within its fitted width.
WRAPPED_COLUMNS = ("Action", "Latest update")
# Characters Excel refuses in a cell (XML 1.0 cannot hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_xlsx(log: ActionLog) -> bytes:
    """The workbook's bytes."""
    book = Workbook(write_only=True)
    fills = {rag: PatternFill("solid", fgColor=colour) for rag, colour in RAG_FILLS.items()}
    wrap = Alignment(wrap_text=True, vertical="top")
    status = COLUMNS.index("Status")

    table = book.create_sheet("Action log")
    rows: list[list[object]] = [[
        row.ref, row.meeting or None, _text(row.item) or None, _text(row.action), row.owners,
        row.original_due, row.revised_due, row.status,
        _text(row.latest_update_words()) or None, row.closed_on,
    ] for row in log.rows]
    _prepare(table, COLUMNS, rows, DATE_COLUMNS)
    table.append(_header(table, COLUMNS))
    styles = _Styles(table)
    dated = [COLUMNS.index(name) for name in DATE_COLUMNS]
    wrapped = [COLUMNS.index(name) for name in WRAPPED_COLUMNS]
    # Only cells that need a style become WriteOnlyCells: styling every cell of ten
    # thousand rows costs more than writing them.
    for values, row in zip(rows, log.rows, strict=True):
        for position in dated:
            if values[position] is not None:
                values[position] = styles.cell(values[position], number_format=DATE_FORMAT)
        for position in wrapped:
            if values[position]:
                values[position] = styles.cell(values[position], alignment=wrap)
        if row.rag:
            values[status] = styles.cell(values[status], fill=fills[row.rag])
        table.append(values)
    if not log.rows:
        table.append([NO_ACTIONS])

    history = book.create_sheet("History")
    changes: list[list[object]] = [
        # None, not "", for an empty cell: openpyxl writes nothing for it.
        [h.ref, h.at, _text(h.who), h.what, _text(h.change) or None, _text(h.note) or None]
        for h in log.history
    ]
    _prepare(history, HISTORY_COLUMNS, changes, ("When",), date_width=17)
    history.append(_header(history, HISTORY_COLUMNS))
    history_styles = _Styles(history)
    for values in changes:
        values[1] = history_styles.cell(values[1], number_format=TIME_FORMAT)
        history.append(values)
    if not log.history:
        history.append([NO_ACTIONS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


class _Styles:
    """Each style used, made once; cells take a copy of its style ids.

    Assigning a font, fill or number format through openpyxl's descriptors looks the
    style up every time, which for tens of thousands of cells costs more than the rest.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet
        self._made: dict[tuple[tuple[str, object], ...], WriteOnlyCell] = {}

    def cell(self, value: object, **style: object) -> WriteOnlyCell:
        key = tuple(sorted(style.items(), key=lambda item: item[0]))
        model = self._made.get(key)
        if model is None:
            model = self._made[key] = WriteOnlyCell(self._sheet)
            for name, setting in style.items():
                setattr(model, name, setting)
        cell = WriteOnlyCell(self._sheet, value=value)
        cell._style = copy(model._style)
        return cell


def _header(sheet: WriteOnlyWorksheet, names: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _prepare(sheet: WriteOnlyWorksheet, names: Sequence[str], rows: Iterable[Sequence[object]],
             dates: Sequence[str], date_width: int = DATE_WIDTH) -> None:
    """Frozen header, filters and widths: set before any row, as write-only sheets need."""
    widths = [len(name) + 2 for name in names]
    for values in rows:
        for position, value in enumerate(values):
            if isinstance(value, str):
                longest = max((len(line) for line in value.split("\n")), default=0)
                widths[position] = max(widths[position], longest + 2)
    for position, name in enumerate(names):
        width = date_width if name in dates else min(max(widths[position], MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(position + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(len(list(rows)), 1) + 1}"
