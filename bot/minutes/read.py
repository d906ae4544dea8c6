"""Turn a file of minutes (.docx, .pdf, .txt, .md) into blocks of text and table rows."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# Minutes are a few hundred kilobytes; anything this large is not minutes (or is mostly images).
MAX_BYTES = 10 * 1024 * 1024
SUPPORTED = (".docx", ".pdf", ".txt", ".md")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF"
# An encrypted Office file is an OLE container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_MARKDOWN_PREFIX_RE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s*)")
_MARKDOWN_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")


class MinutesReadError(ValueError):
    """A file that cannot be read as minutes; `message` says what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Block:
    """One paragraph or line of the minutes, or one row of a table (its cells in order)."""

    text: str
    cells: tuple[str, ...] = field(default=())
    table: int | None = None
    heading: bool = False

    @property
    def is_row(self) -> bool:
        return self.table is not None


def read_minutes_file(path: Path | str) -> list[Block]:
    """Read minutes from a file on disk."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MinutesReadError(f"I couldn't open {path.name}: {exc.strerror}.") from None
    _check_size(path.name, size)
    return read_minutes(path.name, path.read_bytes())


def read_minutes(name: str, data: bytes) -> list[Block]:
    """Read minutes from a file's name and bytes; raise MinutesReadError with a clear fix."""
    _check_size(name, len(data))
    if not data.strip():
        raise MinutesReadError(f"{name} is empty. Check it is the right file and try again.")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise MinutesReadError(
            f"{name} is not a file type I can read. Save the minutes as Word (.docx), PDF, "
            "plain text (.txt) or Markdown (.md) and try again."
        )
    _check_kind(name, suffix, data)
    if suffix == ".docx":
        blocks = _read_docx(name, data)
    elif suffix == ".pdf":
        blocks = _read_pdf(name, data)
    else:
        blocks = _read_text(name, data, markdown=suffix == ".md")
    if not any(block.text.strip() for block in blocks):
        raise MinutesReadError(
            f"{name} has no text in it. Check it is the right file and that the minutes are "
            "not in a picture or text box."
        )
    return blocks


def _check_size(name: str, size: int) -> None:
    if size > MAX_BYTES:
        raise MinutesReadError(
            f"{name} is {size / 1024 / 1024:.0f} MB; minutes up to {MAX_BYTES // 1024 // 1024} "
            "MB can be imported. Remove pictures and appendices, or import the minutes "
            "section alone."
        )


def _check_kind(name: str, suffix: str, data: bytes) -> None:
    """Refuse a file whose content is not what its extension says."""
    head = data[:8]
    if head.startswith(_OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise MinutesReadError(
                f"{name} is password-protected, so I can't read it. Save a copy without the "
                "password (File › Info › Protect Document) and import that."
            )
        raise MinutesReadError(
            f"{name} is an old-style Word (.doc) file. Open it in Word, save it as .docx and "
            "import that."
        )
    if suffix == ".docx" and not head.startswith(_ZIP_MAGIC):
        raise MinutesReadError(
            f"{name} is not a Word document, whatever its name says. Open it, save it as "
            ".docx (or as .txt) and try again."
        )
    if suffix == ".pdf" and not head.startswith(_PDF_MAGIC):
        raise MinutesReadError(
            f"{name} is not a PDF, whatever its name says. Export the minutes as PDF again "
            "and try again."
        )
    if suffix in (".txt", ".md") and (
            head.startswith((_ZIP_MAGIC, _PDF_MAGIC)) or b"\x00" in data[:4096]):
            raise MinutesReadError(
                f"{name} is not plain text, whatever its name says. Give it its real "
                "extension (.docx or .pdf) or save the minutes as plain text."
            )


def _read_text(name: str, data: bytes, *, markdown: bool) -> list[Block]:
    text = _decode(data)
    blocks = []
    for line in text.splitlines():
        heading = False
        if markdown:
            prefix = _MARKDOWN_PREFIX_RE.match(line)
            if prefix and prefix.group().strip().startswith("#"):
                heading = True
            line = _MARKDOWN_PREFIX_RE.sub("", line)
            line = _MARKDOWN_EMPHASIS_RE.sub(r"\2", line)
            if line.strip().startswith("|"):
                blocks.append(_markdown_row(line))
                continue
        blocks.append(Block(line, heading=heading))
    return _number_tables(_tab_tables(blocks))


def _tab_tables(blocks: list[Block]) -> list[Block]:
    """A Word table pasted as text arrives as tab-separated lines: read it back as a table."""
    from bot.minutes.tables import table_columns

    out: list[Block] = []
    width = 0
    for block in blocks:
        cells = tuple(cell.strip() for cell in block.text.split("\t"))
        if block.table is None and "\t" in block.text and len(cells) >= 2:
            if width and len(cells) >= width - 1:
                out.append(Block(" | ".join(cells), cells=cells, table=-1))
                continue
            if table_columns(cells) is not None:
                width = len(cells)
                out.append(Block(" | ".join(cells), cells=cells, table=-1))
                continue
        width = 0
        out.append(block)
    return out


def _markdown_row(line: str) -> Block:
    cells = tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
    if all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
        return Block("")  # the |---|---| rule under a header
    return Block(" | ".join(cells), cells=cells, table=-1)


def _number_tables(blocks: list[Block]) -> list[Block]:
    """Give each run of Markdown table rows its own table number."""
    numbered, table, previous_row = [], 0, False
    for block in blocks:
        if block.table == -1:
            if not previous_row:
                table += 1
            numbered.append(Block(block.text, block.cells, table))
            previous_row = True
        else:
            if block.text.strip():
                previous_row = False
            numbered.append(block)
    return numbered


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Word's "Plain Text" export on Windows writes cp1252.
        return data.decode("cp1252", errors="replace")


def _read_docx(name: str, data: bytes) -> list[Block]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise MinutesReadError(
            f"{name} looks damaged or is not a Word document ({type(exc).__name__}). Open it "
            "in Word, save it again as .docx and try again."
        ) from None
    from bot.minutes.word_numbering import WordNumbering

    numbering = WordNumbering(document)
    blocks: list[Block] = []
    tables = 0
    # Body order matters: an action table belongs to the agenda item above it.
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text
            if text.strip():
                text = numbering.prefix(item) + text
            blocks.append(Block(text, heading=_is_heading_style(item)))
        elif isinstance(item, Table):
            tables += 1
            for row in item.rows:
                cells = _row_cells(row)
                blocks.append(Block(" | ".join(cells), cells=cells, table=tables))
    return blocks


def _is_heading_style(paragraph: object) -> bool:
    """Whether a paragraph has a Heading or Title style, read from its style id.

    Looking the style up by name (`paragraph.style`) searches the styles part for every
    paragraph, which makes a 30-page document take a second.
    """
    properties = paragraph._p.pPr  # type: ignore[attr-defined]
    style = properties.pStyle.val if properties is not None and properties.pStyle is not None \
        else ""
    return style.lower().startswith(("heading", "title"))


def _row_cells(row: object) -> tuple[str, ...]:
    """The text of each cell in a row, merged cells once."""
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:  # type: ignore[attr-defined]
        key = id(cell._tc)
        if key in seen:
            continue
        seen.add(key)
        cells.append("\n".join(p.text for p in cell.paragraphs).strip())
    return tuple(cells)


def _read_pdf(name: str, data: bytes) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MinutesReadError(
                f"{name} is password-protected, so I can't read it. Export it again without "
                "a password and import that."
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except MinutesReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise MinutesReadError(
            f"{name} looks damaged ({type(exc).__name__}). Export the minutes as PDF again, or "
            "import the Word file instead."
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise MinutesReadError(
            f"{name} has no text I can read: it looks like a scan. Import the Word file the "
            "minutes were written in, or paste the text instead."
        )
    return [Block(line) for line in text.splitlines()]
