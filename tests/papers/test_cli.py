"""`actionlog export`: the papers from the command line, names looked up in the stand-in."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.papers.log import COLUMNS
from bot.standin.server import SlackStandIn
from storage.csv_safety import safe_cell
from storage.services import export
from tests.papers.known_log import NAMES, build_known_log


@pytest.fixture
def cli(database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStandIn]:
    """The CLI's environment: the test database and a stand-in that knows the people."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    with SlackStandIn() as standin:
        for user_id, name in NAMES.items():
            standin.add_user(user_id, name.split()[0].lower(), real_name=name)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", standin.api_url)
        yield standin
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_cli_writes_each_format(sessions: sessionmaker[Session], cli: SlackStandIn,
                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_known_log(sessions)
    assert main(["export", "--format", "docx", "--all", "--out", "log.docx"]) == 0
    assert "wrote log.docx (all actions: 4 actions)" in capsys.readouterr().out
    table = docx.Document(str(tmp_path / "log.docx")).tables[0]
    assert [c.text for c in table.rows[1].cells][4] == "DCC (Dana Deputy)"
    assert main(["export", "--format", "xlsx", "--out", str(tmp_path)]) == 0
    [book] = tmp_path.glob("action-log-*.xlsx")
    sheet = openpyxl.load_workbook(book)["Action log"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["A-1", "A-2", None]
    assert main(["export", "--format", "csv", "--meeting", "15/10/2026", "--out", "m.csv"]) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "m.csv").read_text("utf-8-sig"))))
    assert rows[0] == list(COLUMNS) and len(rows) == 5
    assert main(["export", "--format", "json", "--since", "15/10/2026", "--out", "s.json"]) == 0
    assert '"ref": "A-4"' in (tmp_path / "s.json").read_text("utf-8")


def test_cli_bad_input_is_one_clear_line(sessions: sessionmaker[Session], cli: SlackStandIn,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    build_known_log(sessions)
    assert main(["export", "--meeting", "28/10/2020"]) == 2
    assert "There is no meeting on 28/10/2020" in capsys.readouterr().err
    assert main(["export", "--since", "01/04/2099"]) == 2
    assert "01/04/2099 is in the future" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--since", "2027-04-01"])
    assert "write it day first" in capsys.readouterr().err
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    assert main(["export"]) == 2
    assert "SLACK_BOT_TOKEN is missing: the papers show people's names" in \
        capsys.readouterr().err


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+44 1905", "'+44 1905"), ("-1+1", "'-1+1"),
    ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (5, 5), (-5, -5),
    ("", ""),
])
def test_one_csv_safety_rule(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_data_protection_csv_neutralises_formulas_too(tmp_path: Path) -> None:
    data = {"meetings": [], "roles": [], "secretariat": [], "actions": [{
        "team_id": "T1", "id": 1, "ref": 1, "label": "A-1", "text": "=1+2", "owners": [],
        "history": [],
    }]}
    export.write_csv(data, tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "actions.csv").read_text("utf-8-sig"))))
    assert rows[0]["text"] == "'=1+2"
