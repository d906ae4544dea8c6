"""`actionlog import`: the listing, the one JSON object, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

CORPUS = Path(__file__).parent / "corpus"


def test_json_is_exactly_one_object_in_the_issues_shape(capsys: pytest.CaptureFixture) -> None:
    assert main(["import", str(CORPUS / "public_monthly_oct2020.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"meeting", "next_meeting", "actions", "brought_forward", "problems"}
    assert data["meeting"]["date"] == "2020-10-28" and data["next_meeting"]["kind"] == "thematic"
    action = data["actions"][2]
    assert set(action) >= {"text", "owners", "owners_as_written", "due", "recurs", "first_due",
                           "agenda_item", "source", "confidence"}
    assert action["owners"] == ["DCC"] and action["agenda_item"] == "2.4"
    assert action["source"].startswith("ACTION: DCC to review diary appointments metric")


def test_meeting_option_sets_the_meeting_date(capsys: pytest.CaptureFixture) -> None:
    path = str(CORPUS / "extraordinary_budget.txt")
    assert main(["import", path, "--json", "--meeting", "09/02/2027"]) == 0
    assert json.loads(capsys.readouterr().out)["meeting"]["date"] == "2027-02-09"


def test_listing_shows_each_action_with_its_source(capsys: pytest.CaptureFixture) -> None:
    assert main(["import", str(CORPUS / "action_table_mar2027.docx")]) == 0
    out = capsys.readouterr().out
    assert "4 action(s) found" in out and "[ACC, CEO] Agree the road safety" in out
    assert "from: 3 | ACC and PCC's CEO |" in out


def test_a_bad_file_gives_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    empty = tmp_path / "minutes.txt"
    empty.write_text("")
    assert main(["import", str(empty)]) == 2
    assert "minutes.txt is empty" in capsys.readouterr().err
    assert main(["import", str(empty), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["problems"] == [
        "minutes.txt is empty. Check it is the right file and try again."]


def test_a_bad_meeting_date_is_refused(capsys: pytest.CaptureFixture) -> None:
    assert main(["import", str(CORPUS / "panel_resolved.txt"), "--meeting", "31/02/2027"]) == 2
    assert "--meeting" in capsys.readouterr().err
