"""The formats a paper comes in: file name, media type and writer for each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.papers.csv_file import render_csv
from bot.papers.excel import render_xlsx
from bot.papers.json_file import render_json
from bot.papers.log import ActionLog, Parts
from bot.papers.word import render_docx
from reminders.gcpause import paused_gc


class PaperFormat(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


WRITERS: dict[PaperFormat, Callable[[ActionLog], bytes]] = {
    PaperFormat.DOCX: render_docx,
    PaperFormat.XLSX: render_xlsx,
    PaperFormat.CSV: render_csv,
    PaperFormat.JSON: render_json,
}

# What each format shows besides the table: Word the summary, Excel and JSON the history.
PARTS = {
    PaperFormat.DOCX: Parts(history=False, summary=True),
    PaperFormat.XLSX: Parts(history=True, summary=False),
    PaperFormat.CSV: Parts(history=False, summary=False),
    PaperFormat.JSON: Parts(history=True, summary=False),
}

# What Slack shows while a file is being described (its alt text and the upload's title).
DESCRIPTIONS = {
    PaperFormat.DOCX: "Word document",
    PaperFormat.XLSX: "Excel workbook",
    PaperFormat.CSV: "CSV file",
    PaperFormat.JSON: "JSON file",
}


@dataclass(frozen=True)
class Paper:
    """A finished file."""

    filename: str
    title: str
    content: bytes


def write(log: ActionLog, fmt: PaperFormat) -> Paper:
    """The log as a file in ``fmt``."""
    stamp = f"{log.as_at:%Y-%m-%d}"
    # Writers make hundreds of thousands of small objects and no cycles worth collecting.
    with paused_gc():
        content = WRITERS[fmt](log)
    return Paper(
        filename=f"action-log-{stamp}.{fmt.value}",
        title=f"{log.title} ({log.scope.lower()}, {DESCRIPTIONS[fmt]})",
        content=content,
    )
