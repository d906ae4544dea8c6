"""Turn read blocks into clean lines and sentences: tags dropped, wrapped lines joined."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.minutes.read import Block

_PARAGRAPH_TAG_RE = re.compile(r"</?p\s*>|<br\s*/?>|</?li\s*>", re.IGNORECASE)
_OTHER_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_BULLET_RE = re.compile(r"^\s*(?:[-*•●▪◦–]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\(\d{1,2}\))\s+")
_TERMINAL = (".", "!", "?", ":", ";")
# A line that starts a new thing and so never continues the line above.
_STARTER_RE = re.compile(
    r"^\s*(?:\d{1,3}(?:\.\d{1,2})*[.)]?(?:\s|$)|[-*•●▪◦]\s|\(?[a-z]\)\s|"
    r"(?:actions?|resolved|agreed|minute|item)\b)",
    re.IGNORECASE,
)
_PAGE_RE = re.compile(r"(?:page\s+)?\d{1,3}\s+of\s+\d{1,3}|page\s+\d{1,3}|-\s*\d{1,3}\s*-",
                      re.IGNORECASE)
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Cllr.",
                  "approx.", "vs.", "cf.")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")


@dataclass(frozen=True)
class Line:
    """One line of minutes text, or one table row; `index` counts lines from the top."""

    text: str
    index: int
    cells: tuple[str, ...] = ()
    table: int | None = None
    heading: bool = False
    bullet: bool = False


def to_lines(blocks: list[Block]) -> list[Line]:
    """Clean lines in reading order, with hard-wrapped lines joined back into paragraphs.

    Only action tables stay tables. Minutes often lay the whole agenda out in a table
    (number | discussion | action); such a table's cells are read as the text they hold.
    """
    from bot.minutes.tables import table_columns

    action_tables: dict[int, bool] = {}
    raw: list[Line] = []
    for block in blocks:
        if block.is_row:
            assert block.table is not None
            if block.table not in action_tables:
                action_tables[block.table] = table_columns(block.cells) is not None
            if action_tables[block.table]:
                raw.append(Line(block.text, 0, block.cells, block.table, block.heading))
                continue
            for cell in block.cells:
                raw.extend(Line(piece, 0) for piece in _pieces(cell) if piece)
            continue
        for piece in _pieces(block.text):
            raw.append(Line(piece, 0, heading=block.heading))
    joined = _join_wrapped(_without_page_furniture(raw))
    return [
        Line(line.text, index, line.cells, line.table, line.heading, line.bullet)
        for index, line in enumerate(joined)
    ]


def _without_page_furniture(lines: list[Line]) -> list[Line]:
    """Drop what a PDF repeats on every page: "Page 3 of 12" and running headers or footers.

    Left in, they land mid-sentence when wrapped lines are joined back together.
    """
    counts: dict[str, int] = {}
    for line in lines:
        if line.table is None:
            counts[line.text.strip()] = counts.get(line.text.strip(), 0) + 1

    def furniture(line: Line) -> bool:
        text = line.text.strip()
        if line.table is not None or not text:
            return False
        if _PAGE_RE.fullmatch(text):
            return True
        return counts[text] >= 3 and len(text.split()) >= 3 and len(text) <= 80 and \
            not text.endswith((".", ":")) and _STARTER_RE.match(text) is None

    return [line for line in lines if not furniture(line)]


def _pieces(text: str) -> list[str]:
    """Split a block at HTML paragraph tags and tab-separated cells (tables pasted as text)."""
    text = _PARAGRAPH_TAG_RE.sub("\n", text)
    text = html.unescape(_OTHER_TAG_RE.sub("", text))
    pieces = []
    for part in re.split(r"[\t\n]", text):
        cleaned = " ".join(part.replace("\xa0", " ").split())
        pieces.append(cleaned)
    # Keep one empty piece for an empty block: blank lines separate paragraphs.
    kept = [piece for piece in pieces if piece]
    return kept or [""]


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """Join lines a PDF or e-mail wrapped mid-sentence back into one line."""
    widths = sorted(len(line.text) for line in lines if line.text and line.table is None)
    if not widths:
        return lines
    wrap_width = widths[int(len(widths) * 0.9)] if len(widths) > 10 else widths[-1]
    hard_wrapped = wrap_width <= 120
    out: list[Line] = []
    for line in lines:
        bullet = bool(_BULLET_RE.match(line.text))
        text = _BULLET_RE.sub("", line.text) if bullet else line.text
        current = Line(text, 0, line.cells, line.table, line.heading, bullet)
        if out and _continues(out[-1], line, wrap_width if hard_wrapped else None):
            previous = out[-1]
            out[-1] = Line(f"{previous.text} {text.strip()}", 0, heading=previous.heading,
                           bullet=previous.bullet)
        else:
            out.append(current)
    return out


def _continues(previous: Line, line: Line, wrap_width: int | None) -> bool:
    """Whether `line` carries on the sentence in `previous`."""
    if previous.table is not None or line.table is not None or previous.heading or line.heading:
        return False
    before, text = previous.text.rstrip(), line.text.strip()
    if not before or not text or before.endswith(_TERMINAL) or _STARTER_RE.match(text):
        return False
    if text[0].islower():
        return True
    # A capitalised word continues a line only when that line ran to the wrap width.
    return wrap_width is not None and len(before) >= 0.75 * wrap_width and len(before) > 40


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations such as "e.g." whole."""
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\x00"))
    parts = _SENTENCE_END_RE.split(protected)
    return [part.replace("\x00", ".").strip() for part in parts if part.strip()]
