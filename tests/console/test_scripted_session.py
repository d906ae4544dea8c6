"""The real console, run as a subprocess with piped stdin, asserting on what it prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.console.running import run_console


def section(output: str, heading: str) -> str:
    """The lines printed under the first ``heading`` (up to the next heading or prompt)."""
    start = output.index(heading)
    rest = output[start + len(heading):]
    end = re.search(r"^(\[|\S+> |-- )", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


SCRIPT = """\
/actions meeting next 26/11/2026 10:00 Thematic: Covid-19
/actions add DCC to review the diary appointments metric by next meeting (item 2.4)
:as dcc
/actions add ACC to brief the PCC on 101 call handling by next meeting
:advance 3d
:home
:press Mark complete A-1
:quit
"""


def test_record_remind_and_mark_complete(tmp_path: Path) -> None:
    result = run_console(tmp_path, SCRIPT, "--db", str(tmp_path / "console.db"),
                         "--at", "2026-11-16 10:00")
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "Next meeting set:\n  • Thu 26 Nov 2026, 10:00: The Thematic meeting on Covid-19" in out
    assert "Recorded A-1 (item 2.4): DCC (@dana)" in out
    assert "Recorded A-2: ACC (@alex)" in section(out, "[only you, @dana]")

    # Five working days before Thursday 26 November is Thursday 19 November, at 09:00.
    reminders = out.split("-- Thu 19 Nov 2026, 09:00 --", 1)[1].split("dana> :home", 1)[0]
    to_dana, to_alex = section(reminders, "[DM to @dana]"), section(reminders, "[DM to @alex]")
    assert "A-1 review the diary appointments metric" in to_dana and "A-2" not in to_dana
    assert "A-2 brief the PCC on 101 call handling" in to_alex and "A-1" not in to_alex
    assert "Mark complete" in to_dana and "[" in to_dana

    before, after = out.split("dana> :press Mark complete A-1", 1)
    assert "Not started" in section(before, "[Home tab of @dana]")
    assert re.search(r"\(pressed \[\d+\] Mark complete on A-1 ", after)
    home = section(after, "[Home tab of @dana]")
    assert "A-1 review the diary appointments metric" in home
    assert "Complete, awaiting closure" in home
    assert (tmp_path / "console.db").exists() and not (tmp_path / "actionlog.db").exists()


def test_press_by_number_and_the_default_database(tmp_path: Path) -> None:
    script = SCRIPT.replace(":press Mark complete A-1", ":press 3")  # Home: update, start, done
    result = run_console(tmp_path, script, "--at", "2026-11-16 10:00")
    assert result.returncode == 0, result.stderr
    after = result.stdout.split("dana> :press 3", 1)[1]
    assert "Complete, awaiting closure" in section(after, "[Home tab of @dana]")
    assert (tmp_path / "actionlog-console.db").exists()

    # A second start keeps the data and does not set the workspace up again.
    again = run_console(tmp_path, "/actions list\n", "--at", "2026-11-20 10:00")
    assert again.returncode == 0, again.stderr
    assert "Setting up" not in again.stdout
    assert "Open actions (2)" in again.stdout


def test_demo_loads_cleanly_and_forms_can_be_filled(tmp_path: Path) -> None:
    script = """\
:demo
/actions
:fill 1 share the briefing note with the PCC
:fill 2 CC
:fill 3 alex
:submit
:quit
"""
    result = run_console(tmp_path, script, "--at", "2026-11-16 10:00")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "⚠️" not in out, out
    assert out.count("Recorded A-") == 7
    assert "Demo loaded." in out and ":at 2026-11-18 09:00" in out
    assert "Recorded A-7: CC (vacant), @alex to share the briefing note with the PCC" in out


@pytest.mark.parametrize("at", ["yesterday", "2026-13-01 10:00"])
def test_a_bad_start_time_is_one_line(tmp_path: Path, at: str) -> None:
    result = run_console(tmp_path, "", "--at", at)
    assert result.returncode == 2
    assert result.stderr.startswith("actionlog: --at:") and "Traceback" not in result.stderr


def test_end_of_input_quits_cleanly(tmp_path: Path) -> None:
    result = run_console(tmp_path, ":time\n:nonsense\n", "--at", "2026-11-16 10:00")
    assert result.returncode == 0 and result.stderr == ""
    assert "The time is Mon 16 Nov 2026, 10:00 (Europe/London)." in result.stdout
    assert "I don't know :nonsense" in result.stdout


def test_runs_without_the_development_extras(tmp_path: Path) -> None:
    """A plain `pip install -e .` has no `requests`; the console must not need it."""
    script = "/actions meeting next 26/11/2026 10:00\n:time\n"
    result = run_console(tmp_path, script, "--at", "2026-11-16 10:00", without=("requests",))
    assert result.returncode == 0, result.stderr
    assert "Next meeting set" in result.stdout and result.stderr == ""


def test_demo_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    result = run_console(tmp_path, ":demo\n:advance 2h\n:demo\n/actions show A-1\n:quit\n",
                         "--at", "2026-11-16 10:00")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("Demo loaded.") == 1 and out.count("Recorded A-") == 6
    assert "already has actions, so nothing was added" in out
    shown = out.split("/actions show A-1", 1)[1]
    assert shown.count("added an update") == 1
