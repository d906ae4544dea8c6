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


MINUTES = """Monthly Assurance Meeting – November 2026
Date: Monday 16 November 2026, 10:00
2.1 Calls
ACTION: DCC to review the abandonment rates by 31/12/2030.
2.2 Estates
ACTION: DCC to survey the custody suites by 30/06/2030.
"""


@pytest.fixture
def cli_db(database_url: str, sessions, tmp_path: Path,  # type: ignore[no-untyped-def]
           monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test database with one workspace (and its built-in roles); no Slack tokens."""
    import logging
    from datetime import UTC, datetime

    from storage.db import transaction
    from storage.services import workspace

    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        workspace.get_settings(session, team_id="T0001", now=now)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield tmp_path
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_record_makes_one_action_per_proposal_with_the_meeting_as_source(
        cli_db: Path, sessions, capsys: pytest.CaptureFixture) -> None:  # type: ignore[no-untyped-def]
    from storage.db import transaction
    from storage.models import Action

    minutes = cli_db / "minutes.txt"
    minutes.write_text(MINUTES)
    assert main(["import", str(minutes), "--record", "--as", "USEC"]) == 0
    assert "Recorded 2 action(s) in T0001: A-1, A-2" in capsys.readouterr().out
    with transaction(sessions) as session:
        recorded = session.query(Action).order_by(Action.ref).all()
        assert [a.agenda_item for a in recorded] == ["2.1", "2.2"]
        assert {a.source_meeting_id for a in recorded} != {None}


def test_record_is_all_or_nothing(cli_db: Path, sessions,  # type: ignore[no-untyped-def]
                                  capsys: pytest.CaptureFixture) -> None:
    from storage.db import transaction
    from storage.models import Action

    minutes = cli_db / "minutes.txt"
    minutes.write_text(MINUTES + "ACTION: ABC to write the report by 30/06/2030.\n")  # no such role
    assert main(["import", str(minutes), "--record", "--as", "USEC"]) == 2
    error = capsys.readouterr().err
    assert "Action 3" in error and "ABC" in error and "Nothing was recorded" in error
    with transaction(sessions) as session:
        assert session.query(Action).count() == 0


def test_record_needs_who_is_recording(capsys: pytest.CaptureFixture) -> None:
    assert main(["import", str(CORPUS / "panel_resolved.txt"), "--record"]) == 2
    assert "--as" in capsys.readouterr().err
