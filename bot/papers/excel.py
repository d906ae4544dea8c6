"""The action log as an Excel workbook: "Action log" with real dates and RAG fills, and
"History" with one row per change."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

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
# Characters Excel refuses in a cell (XML 1.0 cannot hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_xlsx(log: ActionLog) -> bytes:
    """The workbook's bytes."""
    book = Workbook(write_only=True)
    fills = {rag: PatternFill("solid", fgColor=colour) for rag, colour in RAG_FILLS.items()}
    wrap = Alignment(wrap_text=True, vertical="top")
    status = COLUMNS.index("Status")

    table = book.create_sheet("Action log")
    rows: list[list[object]] = []
    for row in log.rows:
        rows.append([
            row.ref, row.meeting, _text(row.item), _text(row.action), row.owners,
            row.original_due, row.revised_due, row.status, _text(row.latest_update_words()),
            row.closed_on,
        ])
    _prepare(table, COLUMNS, rows, DATE_COLUMNS)
    table.append(_header(table, COLUMNS))
    for values, row in zip(rows, log.rows, strict=True):
        cells = []
        for position, value in enumerate(values):
            cell = WriteOnlyCell(table, value=value)
            if COLUMNS[position] in DATE_COLUMNS:
                cell.number_format = DATE_FORMAT
            else:
                cell.alignment = wrap
            if position == status and row.rag:
                cell.fill = fills[row.rag]
            cells.append(cell)
        table.append(cells)
    if not log.rows:
        table.append([NO_ACTIONS])

    history = book.create_sheet("History")
    changes = [[h.ref, h.at, _text(h.who), h.what, _text(h.change), _text(h.note)]
               for h in log.history]
    _prepare(history, HISTORY_COLUMNS, changes, ("When",), date_width=17)
    history.append(_header(history, HISTORY_COLUMNS))
    for values in changes:
        cells = []
        for position, value in enumerate(values):
            cell = WriteOnlyCell(history, value=value)
            if position == 1:
                cell.number_format = TIME_FORMAT
            else:
                cell.alignment = wrap
            cells.append(cell)
        history.append(cells)
    if not log.history:
        history.append([NO_ACTIONS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


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
