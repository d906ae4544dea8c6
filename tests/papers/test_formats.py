"""Each format opened with its own library: every column of a known log, RAG, header, times."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.papers.formats import PaperFormat, write
from bot.papers.gather import gather_log
from bot.papers.log import COLUMNS, RAG_FILLS, ActionLog, due_note
from bot.papers.plain import plain
from bot.render.reminders import render_meeting_summary
from reminders.live import live_actions
from reminders.planner import build_summary
from reminders.rag import Rag
from storage.db import read_transaction, transaction
from storage.errors import InvalidChange, NotFound
from storage.models import ActionStatus
from storage.services import meetings, papers, roles, workspace
from storage.views import meeting_view
from tests.papers.known_log import INJECTION, NOW, SEC, TEAM, build_known_log, names
from tests.support.world import LONDON

# The known log as the table must show it, column by column (see known_log.py).
EXPECTED = [
    ["A-1", "15/10/2026, Monthly assurance", "2.4", "review the diary appointments metric",
     "DCC (Dana Deputy)", "25/11/2026", "10/12/2026", "In progress (Green)",
     "12/11/2026: Draft circulated to chief officers", ""],
    ["A-2", "15/10/2026, Monthly assurance", "", INJECTION, "Alex Assistant; ACC (vacant)",
     "20/11/2026", "", "Not started (Red)", "", ""],
    ["A-3", "15/10/2026, Monthly assurance", "3", "share the briefing note with the PCC",
     "Dana Deputy", "26/11/2026", "", "Closed (Blue)", "20/11/2026: Sent on Friday",
     "21/11/2026"],
    ["A-4", "15/10/2026, Monthly assurance", "", "bring outcome 16 back", "DCC (Dana Deputy)",
     "01/12/2026", "", "Dropped", "22/11/2026: superseded by A-1", "22/11/2026"],
]
RAGS = [Rag.GREEN, Rag.RED, Rag.BLUE, None]


def _log(sessions: sessionmaker[Session], scope: papers.Scope | None = None) -> ActionLog:
    with read_transaction(sessions) as session:
        return gather_log(session, team_id=TEAM, scope=scope or papers.AllActions(),
                          names=names, now=NOW, zone=LONDON)


@pytest.fixture
def known(sessions: sessionmaker[Session]) -> ActionLog:
    build_known_log(sessions)
    return _log(sessions)


def test_rows_hold_every_column_in_words_and_local_days(known: ActionLog) -> None:
    assert [list(r.texts()) for r in known.rows] == EXPECTED
    assert [r.rag for r in known.rows] == RAGS


def test_word_table_header_shading_and_page_setup(known: ActionLog) -> None:
    document = docx.Document(io.BytesIO(write(known, PaperFormat.DOCX).content))
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert round(section.page_width.cm, 1) == 29.7 and round(section.page_height.cm, 1) == 21.0
    header = [p.text for p in section.header.paragraphs]
    assert header == ["OPCC for Testshire", "Action log as at 23/11/2026"]
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == EXPECTED
    # The header row repeats on each page.
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    status = COLUMNS.index("Status")
    fills = [row.cells[status]._tc.xpath("./w:tcPr/w:shd/@w:fill") for row in table.rows[1:]]
    assert fills == [[RAG_FILLS[r]] if r else [] for r in RAGS]
    texts = [p.text for p in document.paragraphs]
    assert not any("ACTIONLOG-TABLE" in t for t in texts)  # the marker became the table
    assert "Matters arising: Thematic meeting on Covid-19 — Thu 26 Nov 2026, 10:00" in texts
    assert "From the Monthly assurance meeting of Thu 15 Oct 2026 (1)" in texts
    [entry] = [t for t in texts if t.startswith("A-2 ")]
    assert entry.startswith(f"A-2 {INJECTION}\nAlex Assistant, ACC (vacant) · due Fri 20 Nov")
    assert len(document.sections) == 2


def test_word_summary_says_what_the_slack_summary_says(
    sessions: sessionmaker[Session], known: ActionLog,
) -> None:
    with read_transaction(sessions) as session:
        holders = roles.role_holders(session, team_id=TEAM)
        upcoming = meeting_view(meetings.next_meeting(session, team_id=TEAM, now=NOW))
        live = live_actions(session, TEAM, holders, LONDON, since=NOW)
    assert upcoming is not None
    reply = render_meeting_summary(build_summary(upcoming, live, NOW, LONDON), NOW, LONDON)
    blocks = [b.to_dict() for b in reply.blocks]
    words = "\n".join(plain(b["text"]["text"], names) for b in blocks if b.get("text"))
    document = docx.Document(io.BytesIO(write(known, PaperFormat.DOCX).content))
    entries = [p.text for p in document.paragraphs if p.text.startswith("A-")]
    assert entries
    for entry in entries:
        for line in entry.split("\n"):
            assert line.strip() in words, line


def test_excel_real_dates_frozen_header_filters_fills_widths_and_history(
    known: ActionLog,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(write(known, PaperFormat.XLSX).content))
    assert book.sheetnames == ["Action log", "History"]
    sheet = book["Action log"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J5"
    first = [c.value for c in sheet[2]]
    assert first[:5] == EXPECTED[0][:5]
    assert first[5] == datetime(2026, 11, 25) and first[6] == datetime(2026, 12, 10)
    assert sheet["F2"].number_format == "DD/MM/YYYY"
    assert [c.value for c in sheet[4]][9] == datetime(2026, 11, 21)
    assert sheet["B2"].value == "15/10/2026, Monthly assurance"
    fills = [sheet.cell(row=r, column=8).fill.fgColor.rgb for r in range(2, 6)]
    assert fills[:3] == [f"00{RAG_FILLS[r]}" for r in RAGS[:3]]
    assert fills[3] in ("00000000", None)
    width = sheet.column_dimensions["D"].width
    assert width >= len("review the diary appointments metric")
    history = book["History"]
    assert [c.value for c in history[1]] == ["Ref", "When", "Who", "What", "Change", "Note"]
    changes = [[c.value for c in row] for row in history.iter_rows(min_row=2)]
    assert len(changes) == 10
    # 23:30 UTC on 12 November is 23:30 in London (GMT); 13:30 UTC in October is 14:30 BST.
    assert changes[1] == ["A-1", datetime(2026, 11, 12, 23, 30), "Dana Deputy",
                          "added an update", None, "Draft circulated to chief officers"]
    assert changes[3][4] == "due 25/11/2026 → 10/12/2026"


def test_local_times_follow_summer_time(sessions: sessionmaker[Session]) -> None:
    build_known_log(sessions)
    log = _log(sessions)
    recorded = [h for h in log.history if h.what == "recorded it"][0]
    assert recorded.at == datetime(2026, 10, 16, 10, 0)  # 09:00 UTC in BST
    assert log.as_at == datetime(2026, 11, 23, 10, 0)


def test_csv_has_a_bom_every_column_and_neutralises_formulas(known: ActionLog) -> None:
    content = write(known, PaperFormat.CSV).content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    expected = [row[:] for row in EXPECTED]
    expected[1][3] = "'" + INJECTION
    assert rows[1:] == expected


def test_json_carries_the_same_rows(known: ActionLog) -> None:
    document = json.loads(write(known, PaperFormat.JSON).content)
    assert document["organisation"] == "OPCC for Testshire"
    assert document["as_at"] == "2026-11-23T10:00"
    first = document["actions"][0]
    assert first["original_due"] == "2026-11-25" and first["revised_due"] == "2026-12-10"
    assert [a["rag"] for a in document["actions"]] == ["green", "red", "blue", None]
    assert len(document["history"]) == 10


def test_scopes_pick_the_right_actions(sessions: sessionmaker[Session]) -> None:
    build_known_log(sessions)
    assert [r.ref for r in _log(sessions, papers.OpenActions()).rows] == ["A-1", "A-2"]
    meeting = _log(sessions, papers.FromMeeting(date(2026, 10, 15)))
    assert [r.ref for r in meeting.rows] == ["A-1", "A-2", "A-3", "A-4"]
    assert "15/10/2026" in meeting.scope
    assert _log(sessions, papers.Since(date(2026, 10, 16))).rows == ()
    assert len(_log(sessions, papers.Since(date(2026, 10, 15))).rows) == 4


def test_bad_scopes_are_refused_with_a_clear_message(sessions: sessionmaker[Session]) -> None:
    build_known_log(sessions)
    with pytest.raises(NotFound, match="There is no meeting on 28/10/2020"):
        _log(sessions, papers.FromMeeting(date(2020, 10, 28)))
    with pytest.raises(InvalidChange, match="24/11/2026 is in the future"):
        _log(sessions, papers.Since(date(2026, 11, 24)))


@pytest.mark.parametrize("fmt", list(PaperFormat))
def test_an_empty_log_is_a_valid_file_saying_no_actions(
    sessions: sessionmaker[Session], fmt: PaperFormat
) -> None:
    with transaction(sessions) as session:
        workspace.welcome(session, team_id=TEAM, user_id=SEC.user_id, now=NOW)
    log = _log(sessions, papers.OpenActions())
    content = write(log, fmt).content
    if fmt == PaperFormat.DOCX:
        document = docx.Document(io.BytesIO(content))
        assert document.tables[0].rows[1].cells[0].text == "No actions"
        assert any("No next meeting is set" in p.text for p in document.paragraphs)
    elif fmt == PaperFormat.XLSX:
        book = openpyxl.load_workbook(io.BytesIO(content))
        assert book["Action log"]["A2"].value == "No actions"
    elif fmt == PaperFormat.CSV:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows == [list(COLUMNS), ["No actions"]]
    else:
        assert json.loads(content)["actions"] == []


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed; "
                    ".ci/run installs it")
def test_libreoffice_renders_the_word_file(known: ActionLog, tmp_path: Path) -> None:
    source = tmp_path / "log.docx"
    source.write_bytes(write(known, PaperFormat.DOCX).content)
    subprocess.run(
        [_soffice(), "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    pdf = tmp_path / "log.pdf"
    assert pdf.stat().st_size > 0
    text = _pdf_text(pdf)
    for words in ("OPCC for Testshire", "Action log as at 23/11/2026", "Owner(s)",
                  "review the diary appointments", "DCC (Dana Deputy)", "Matters arising",
                  "From the Monthly assurance meeting of Thu 15 Oct 2026"):
        assert words in text, words


def _pdf_text(pdf: Path) -> str:
    """The PDF's text: pdftotext where installed, else the text LibreOffice can give back."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                              capture_output=True, text=True, timeout=60)
        return " ".join(done.stdout.split())
    pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF back")


# The order ECMA-376 gives these elements' children; Word refuses a file that breaks it.
TBL_PR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook"]
TC_PR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
               "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"]


def _in_schema_order(element, order: list[str]) -> bool:  # type: ignore[no-untyped-def]
    names = [child.tag.rsplit("}", 1)[-1] for child in element]
    positions = [order.index(name) for name in names]
    return positions == sorted(positions)


@pytest.mark.parametrize("empty", [False, True])
def test_word_table_properties_are_in_schema_order(
    sessions: sessionmaker[Session], empty: bool
) -> None:
    if empty:
        with transaction(sessions) as session:
            workspace.welcome(session, team_id=TEAM, user_id=SEC.user_id, now=NOW)
    else:
        build_known_log(sessions)
    log = _log(sessions, papers.OpenActions())
    table = docx.Document(io.BytesIO(write(log, PaperFormat.DOCX).content)).tables[0]._tbl
    assert _in_schema_order(table.tblPr, TBL_PR_ORDER)
    for properties in table.xpath(".//w:tcPr"):
        assert _in_schema_order(properties, TC_PR_ORDER)


def test_recurring_and_waiting_actions_say_so_beside_their_dates(
    sessions: sessionmaker[Session],
) -> None:
    from storage.due import Recurrence
    from storage.owners import RoleOwner
    from storage.services import actions
    from storage.services.due import ResolvedDue

    build_known_log(sessions)
    with transaction(sessions) as session:
        quarterly = actions.record_action(
            session, team_id=TEAM, actor=SEC, owners=[RoleOwner("ACC")],
            text="brief the PCC on 101 call handling", agenda_item=None, source_meeting=None,
            due=ResolvedDue(on=date(2026, 12, 31), meeting=None), now=NOW,
            recurrence=Recurrence(months=3, until=date(2027, 12, 31)))
        actions.change_status(session, team_id=TEAM, actor=SEC, action=quarterly,
                              to=ActionStatus.CLOSED, note="first briefing given", now=NOW)
    rows = _log(sessions, papers.OpenActions()).rows
    [row] = [r for r in rows if r.action.startswith("brief the PCC")]
    # Closing the first occurrence made the next one due: the row shows that one.
    assert row.original_due == date(2027, 3, 31)
    assert row.action == ("brief the PCC on 101 call handling\n"
                          "Recurs quarterly (no. 2, until Fri 31 Dec 2027).")
    # An action waiting for the next meeting to be set says so where a date would be.
    with read_transaction(sessions) as session:
        [view] = [v for v in live_actions(session, TEAM, {}, LONDON, since=NOW)
                  if v.ref == 1]
    waiting = dataclasses.replace(view, due_day=None, due_meeting=None,
                                  original_due_day=None, awaits_next_meeting=True)
    assert due_note(waiting) == "No date until the next meeting is set."
    assert due_note(view) == ""


def test_owners_read_as_the_minutes_wrote_them(sessions: sessionmaker[Session]) -> None:
    from storage.owners import RoleOwner
    from storage.services import actions
    from storage.services.due import ResolvedDue

    build_known_log(sessions)
    with transaction(sessions) as session:
        director = roles.create_role(
            session, team_id=TEAM, actor=SEC, title="Director of Business Services",
            code=None, external=False, contact=None, is_person=False, now=NOW)
        roles.set_role_holder(session, team_id=TEAM, actor=SEC, code=director.code,
                              user_id="UALEX", now=NOW)
        council = roles.create_role(
            session, team_id=TEAM, actor=SEC, title="County Council Chief Executive",
            code=None, external=True, contact="ceo@county.example", is_person=False, now=NOW)
        actions.record_action(
            session, team_id=TEAM, actor=SEC, text="agree the estates plan",
            owners=[RoleOwner(director.code), RoleOwner(council.code)], agenda_item=None,
            due=ResolvedDue(on=date(2026, 12, 15), meeting=None), source_meeting=None,
            now=NOW)
    [row] = [r for r in _log(sessions).rows if r.action == "agree the estates plan"]
    assert row.owners == ("Director of Business Services (Alex Assistant); "
                          "County Council Chief Executive (external: ceo@county.example)")
