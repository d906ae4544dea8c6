"""The action log as a Word document: A4 landscape, a repeating header row, RAG shading.

The table's rows are written as WordprocessingML in one piece: python-docx's cell by
cell API takes minutes for ten thousand actions, and the XML is the same.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from bot.papers.log import COLUMNS, NO_ACTIONS, RAG_FILLS, ActionLog, LogRow

# Column widths in centimetres, filling A4 landscape between 1.5 cm margins (26.7 cm).
WIDTHS_CM = (1.3, 2.8, 1.1, 5.0, 3.3, 2.2, 2.2, 2.5, 4.1, 2.2)
MARGIN_CM = 1.5
TWIPS_PER_CM = 567
HEADER_FILL = "D9D9D9"
DOCUMENT_PART = "word/document.xml"
MARK_PREFIX = "ACTIONLOG-TABLE-"
STATUS_COLUMN = COLUMNS.index("Status")
# XML 1.0 cannot hold these control characters, which Slack text may carry.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_docx(log: ActionLog) -> bytes:
    """The Word file's bytes."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9)
    # No space under each paragraph: table cells are paragraphs too.
    normal.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    _page_header(section, log)

    document.add_heading("Action log", level=1)
    count = len(log.rows)
    document.add_paragraph(f"{log.scope} · {count} action{'' if count == 1 else 's'} · as at "
                           f"{log.as_at:%d/%m/%Y %H:%M}")
    # The table takes this paragraph's place once the file is written (see _put_table);
    # the marker is new each time, so no text a person typed can be mistaken for it.
    mark = MARK_PREFIX + uuid.uuid4().hex
    document.add_paragraph(mark)

    summary = document.add_section(WD_SECTION.NEW_PAGE)
    summary.orientation = WD_ORIENT.LANDSCAPE
    _summary(document, log)
    out = io.BytesIO()
    document.save(out)
    return _put_table(out.getvalue(), mark, _table_xml(log.rows))


def _put_table(package: bytes, marker: str, table: str) -> bytes:
    """The file with the table's XML in place of the marker paragraph.

    Parsing ten thousand rows into python-docx's tree and serialising them again took
    over a second; the table is plain text already, so it goes straight into the part.
    """
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == DOCUMENT_PART:
                text = data.decode("utf-8")
                mark = text.index(marker)
                start = max(text.rfind("<w:p>", 0, mark), text.rfind("<w:p ", 0, mark))
                end = text.index("</w:p>", mark) + len("</w:p>")
                data = (text[:start] + table + text[end:]).encode("utf-8")
            target.writestr(item, data)
    return result.getvalue()


def _page_header(section, log: ActionLog) -> None:  # type: ignore[no-untyped-def]
    header = section.header
    first = header.paragraphs[0]
    if log.organisation:
        first.add_run(log.organisation).bold = True
        header.add_paragraph(log.title)
    else:
        first.add_run(log.title).bold = True


def _summary(document, log: ActionLog) -> None:  # type: ignore[no-untyped-def]
    summary = log.summary
    document.add_heading(summary.title, level=1)
    if summary.counts:
        document.add_paragraph(summary.counts)
    if summary.note:
        document.add_paragraph(summary.note)
    for group in summary.groups:
        document.add_heading(group.heading, level=2)
        for entry in group.entries:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(4)
            for number, line in enumerate(entry.split("\n")):
                run = paragraph.add_run()
                if number:
                    run.add_break()
                run.add_text(_clean(line.strip()))


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _cell(text: str, width_cm: float | None = None, *, fill: str | None = None,
          bold: bool = False, span: int = 1) -> str:
    """One cell's XML. Body cells carry only their text: the grid gives the widths."""
    properties = ""
    if width_cm is not None or fill or span > 1:
        width = (f'<w:tcW w:w="{round(width_cm * TWIPS_PER_CM)}" w:type="dxa"/>'
                 if width_cm is not None else "")
        grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        properties = f"<w:tcPr>{width}{grid}{shading}</w:tcPr>"
    bold_mark = "<w:rPr><w:b/></w:rPr>" if bold else ""
    if not text:
        return f"<w:tc>{properties}<w:p/></w:tc>"
    runs = "<w:br/>".join(
        f'<w:t xml:space="preserve">{escape(_clean(line))}</w:t>' for line in text.split("\n")
    )
    return f"<w:tc>{properties}<w:p><w:r>{bold_mark}{runs}</w:r></w:p></w:tc>"


def _row(row: LogRow) -> str:
    cells = [_cell(text) for text in row.texts()]
    if row.rag:
        cells[STATUS_COLUMN] = _cell(row.status, fill=RAG_FILLS[row.rag])
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"


def _table_xml(rows: tuple[LogRow, ...]) -> str:
    grid = "".join(f'<w:gridCol w:w="{round(w * TWIPS_PER_CM)}"/>' for w in WIDTHS_CM)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
    borders = "".join(border.format(side) for side in (
        "top", "left", "bottom", "right", "insideH", "insideV"))
    head = "".join(_cell(name, width, fill=HEADER_FILL, bold=True)
                   for name, width in zip(COLUMNS, WIDTHS_CM, strict=True))
    # tblHeader repeats the first row at the top of every page.
    parts = [
        # tblPr's children in the schema's order (Word refuses a file otherwise).
        f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/>"
        f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        f"<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/>"
        f"</w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>",
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>",
    ]
    if rows:
        parts += [_row(row) for row in rows]
    else:
        parts.append(f"<w:tr>{_cell(NO_ACTIONS, sum(WIDTHS_CM), span=len(COLUMNS))}</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)
