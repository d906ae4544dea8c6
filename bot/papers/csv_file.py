"""The action log as CSV: UTF-8 with a byte order mark, formula-looking cells neutralised."""

from __future__ import annotations

import csv
import io

from bot.papers.log import COLUMNS, NO_ACTIONS, ActionLog
from storage.csv_safety import safe_cell


def render_csv(log: ActionLog) -> bytes:
    """The CSV file's bytes; Excel reads names and dashes right thanks to the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in log.rows:
        writer.writerow([safe_cell(text) for text in row.texts()])
    if not log.rows:
        writer.writerow([NO_ACTIONS])
    return out.getvalue().encode("utf-8-sig")
