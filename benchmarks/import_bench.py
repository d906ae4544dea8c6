"""IMPORT: the minutes import scored on the corpus, and timed on a 30-page document."""

from __future__ import annotations

import io
import time
from datetime import date

from benchmarks.import_corpus import CORPUS, TODAY, score_corpus
from benchmarks.report import Row, Section
from bot.minutes.extract import extract_actions
from bot.minutes.read import read_minutes

TARGETS = {"precision": 0.9, "recall": 0.9, "owners right": 0.9, "due right": 0.8}
BUDGET_MS = 1000.0
# A page of minutes holds about 500 words, some 3,000 characters.
PAGE_CHARACTERS = 3_000


def run(pages: int) -> Section:
    """Score the corpus, then time reading and extracting a long document built from it."""
    section = Section("IMPORT minutes")
    score = score_corpus()
    figures = {"precision": score.precision, "recall": score.recall,
               "owners right": score.owners_right, "due right": score.due_right}
    for name, value in figures.items():
        section.rows.append(Row("IMPORT", "–", f"{name} over {len(score.documents)} documents",
                                value, TARGETS[name], "target", limit=1.0,
                                higher_is_better=True, decimals=2))
    section.rows.append(Row("IMPORT", "–", "meeting and next meeting right (share)",
                            score.meetings_right, None, "reported", decimals=2))
    section.rows.append(Row("IMPORT", "–", "time per corpus document (ms)",
                            score.seconds_per_document * 1000, BUDGET_MS, "1 s", "ms",
                            limit=1.0))
    text = long_minutes(pages)
    documents = (("txt", text.encode("utf-8")), ("docx", _as_docx(text)), ("pdf", _as_pdf(text)))
    for name, data in documents:
        best = _best_seconds(f"long.{name}", data)
        section.rows.append(Row("IMPORT", "–", f"{pages}-page .{name}, read and extract (ms)",
                                best * 1000, BUDGET_MS, "target", "ms", limit=1.0))
    found = sum(doc.found for doc in score.documents)
    expected = sum(doc.expected for doc in score.documents)
    section.notes.append(
        f"{len(score.documents)} documents, {expected} expected actions, {found} proposed, "
        f"{sum(doc.matched for doc in score.documents)} matched. Misses: "
        f"{_listing([m for doc in score.documents for m in doc.misses])}. Extras: "
        f"{_listing([m for doc in score.documents for m in doc.extras])}. Wrong fields: "
        f"{_listing([m for doc in score.documents for m in doc.wrong])}.")
    return section


def _listing(items: list[str]) -> str:
    return "; ".join(f"“{item[:80]}”" for item in items) or "none"


def long_minutes(pages: int) -> str:
    """Minutes about `pages` pages long: the corpus's text sets one after another."""
    parts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    text, index = "", 0
    while len(text) < pages * PAGE_CHARACTERS:
        text += parts[index % len(parts)] + "\n\n"
        index += 1
    return text


def _as_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _as_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    # The core fonts are Latin-1; the odd dash or quote becomes "?", which changes nothing timed.
    pdf.multi_cell(0, 5, text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def _best_seconds(name: str, data: bytes, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        extract_actions(read_minutes(name, data), today=TODAY or date.today())
        best = min(best, time.perf_counter() - started)
    return best
