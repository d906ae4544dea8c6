"""Reading minutes files: every format, and a clear message for each kind of bad file."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from bot.minutes.read import MAX_BYTES, MinutesReadError, read_minutes, read_minutes_file

CORPUS = Path(__file__).parent / "corpus"


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _error(name: str, data: bytes) -> str:
    with pytest.raises(MinutesReadError) as caught:
        read_minutes(name, data)
    return caught.value.message


def test_word_paragraphs_and_tables_come_in_body_order() -> None:
    def build(document) -> None:
        document.add_heading("Monthly Assurance Meeting", level=1)
        document.add_paragraph("2. Fleet")
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Action", "Owner"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Report costs", "DCC"
        document.add_paragraph("3. AOB")

    blocks = read_minutes("minutes.docx", _docx_bytes(build))
    assert [block.text for block in blocks] == [
        "Monthly Assurance Meeting", "2. Fleet", "Action | Owner", "Report costs | DCC", "3. AOB"]
    assert blocks[0].heading and not blocks[1].heading
    assert blocks[3].cells == ("Report costs", "DCC") and blocks[3].table == 1


def test_pdf_text_is_read() -> None:
    blocks = read_minutes_file(CORPUS / "monthly_jun2027.pdf")
    assert any("ACTION: CC to set out the retail crime plan" in block.text for block in blocks)


def test_markdown_headings_emphasis_and_tables() -> None:
    text = "# Minutes\n**Date:** 1 May 2027\n| Owner | Action |\n|---|---|\n| DCC | Do it |\n"
    blocks = read_minutes("minutes.md", text.encode())
    assert blocks[0].heading and blocks[0].text == "Minutes"
    assert blocks[1].text == "Date: 1 May 2027"
    rows = [block for block in blocks if block.table]
    assert [row.cells for row in rows] == [("Owner", "Action"), ("DCC", "Do it")]


def test_text_in_windows_encoding_is_read() -> None:
    blocks = read_minutes("minutes.txt", "ACTION: DCC to review – the £5m".encode("cp1252"))
    assert blocks[0].text == "ACTION: DCC to review – the £5m"


@pytest.mark.parametrize("data", [b"", b"  \n\n "])
def test_an_empty_file_is_refused(data: bytes) -> None:
    assert "is empty" in _error("minutes.txt", data)


def test_a_word_file_with_no_text_is_refused() -> None:
    message = _error("minutes.docx", _docx_bytes(lambda document: None))
    assert "no text" in message


def test_a_scanned_pdf_is_refused_with_what_to_do() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")  # a picture of a page, no text
    message = _error("scan.pdf", bytes(pdf.output()))
    assert "scan" in message and "Word file" in message


def test_a_password_protected_pdf_is_refused() -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "ACTION: DCC to review")
    assert "password-protected" in _error("locked.pdf", bytes(pdf.output()))


def test_a_password_protected_word_file_is_refused() -> None:
    # Word saves a protected .docx as an OLE container holding the encrypted package.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptionInfo".encode(
        "utf-16-le") + b"\x00" * 100
    message = _error("minutes.docx", data)
    assert "password-protected" in message and "without the password" in message


def test_an_old_word_file_is_refused_with_how_to_convert() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200
    assert "save it as .docx" in _error("minutes.docx", data)


@pytest.mark.parametrize(("name", "data", "words"), [
    ("minutes.docx", b"Monthly Assurance Meeting\nACTION: DCC to review", "not a Word document"),
    ("minutes.pdf", b"Monthly Assurance Meeting", "not a PDF"),
    ("minutes.txt", b"%PDF-1.4 binary", "not plain text"),
    ("minutes.md", b"PK\x03\x04 zipped", "not plain text"),
    ("minutes.txt", b"text\x00with\x00nul", "not plain text"),
])
def test_a_file_that_is_not_what_its_extension_says_is_refused(
        name: str, data: bytes, words: str) -> None:
    assert words in _error(name, data)


def test_a_damaged_word_file_is_refused() -> None:
    assert "damaged" in _error("minutes.docx", b"PK\x03\x04 not really a zip")


def test_an_unsupported_file_type_is_refused_naming_the_ones_that_work() -> None:
    message = _error("minutes.rtf", b"{\\rtf1 minutes}")
    assert ".docx" in message and "PDF" in message and ".txt" in message


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "minutes.pdf"
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: nothing is written or read
    with pytest.raises(MinutesReadError) as caught:
        read_minutes_file(big)
    assert "50 MB" in caught.value.message and str(MAX_BYTES // 1024 // 1024) in \
        caught.value.message


def test_a_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(MinutesReadError) as caught:
        read_minutes_file(tmp_path / "nowhere.txt")
    assert "couldn't open nowhere.txt" in caught.value.message


def test_word_list_numbers_and_bullets_are_put_back_in_front_of_the_text() -> None:
    def build(document) -> None:
        document.add_paragraph("Matters arising", style="List Number")
        document.add_paragraph("Earlier action", style="List Bullet")
        document.add_paragraph("Performance", style="List Number")

    blocks = read_minutes("minutes.docx", _docx_bytes(build))
    assert [block.text for block in blocks] == ["1. Matters arising", "• Earlier action",
                                                "2. Performance"]
