"""A scripted console session: a meeting recorded as its minutes were written (issue 12).

External owners, month and week dates, a Panel meeting, an owner created from the reply's
button, no-date actions, and a `close` of several refs, through the real console.
"""

from __future__ import annotations

from pathlib import Path

from tests.console.running import run_console
from tests.console.test_scripted_session import section

SCRIPT = """\
/actions meeting next 26/11/2026 10:00 Monthly
/actions meeting next 15/12/2026 1430 Panel
/actions role new external person Supt Jones contact: force control room
/actions role new external the Panel (PANEL) contact: Democratic Services
/actions add Supt Jones to report on stop and search by next meeting (item 6, objective 8)
/actions add the Panel to review the precept by the December meeting of the Panel
/actions add the Chief Constable to share his briefing note with the PCC w/c 7 December [item 5.2]
/actions add DCC to keep the risk register under review TBC
/actions add ACC to update the estates plan by July 2027 - item 4.1
/actions add Head of Digital Services to fix the portal by Q1 2027
:press 1
:advance 3d
/actions close A-2, A-3 and A-6
/actions list
:quit
"""


def test_a_meeting_recorded_as_its_minutes_were_written(tmp_path: Path) -> None:
    result = run_console(tmp_path, SCRIPT, "--at", "2026-11-16 10:00")
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "⚠️" not in out, out
    assert "Tue 15 Dec 2026, 14:30: The Police and Crime Panel meeting" in out
    assert ("Recorded A-1 (item 6, objective 8): Supt Jones (external) to report on stop "
            "and search") in out
    assert ("Recorded A-2: the Panel (external) to review the precept. Due Tue 15 Dec 2026, "
            "the Police and Crime Panel meeting") in out
    assert "Recorded A-3 (item 5.2): CC (vacant)" in out
    assert "the last working day of the week commencing Mon 7 Dec 2026" in out
    assert "Recorded A-4: DCC (@dana) to keep the risk register under review. No due date yet." \
        in out
    assert "read as Fri 30 Jul 2027, the last working day of July 2027" in out
    assert "Recorded A-5 (item 4.1): ACC (@alex) to update the estates plan" in out

    # The unknown owner is offered as a new role; the button creates it and records A-6.
    assert "I don't know Head of Digital Services as an owner" in out
    after_press = out.split("sam> :press 1", 1)[1].split("sam> ", 1)[0]
    assert "Recorded A-6: Head of Digital Services (vacant) to fix the portal" in after_press
    assert "the last working day of Q1 2027 (January to March)" in after_press

    # Five working days before the 26 Nov meeting the secretariat is told whom to chase.
    round_out = out.split("-- Thu 19 Nov 2026, 09:00 --", 1)[1].split("sam> ", 1)[0]
    chase = section(round_out, "[DM to @sam]")
    assert "To chase" in chase and "Supt Jones (external) (force control room)" in chase
    assert "A-1 report on stop and search" in chase and "no holder" not in chase

    closed = out.split("sam> /actions close A-2, A-3 and A-6", 1)[1].split("sam> ", 1)[0]
    assert "A-2, A-3 and A-6 closed." in closed
    listed = out.split("sam> /actions list", 1)[1].split("sam> ", 1)[0]
    assert "Open actions (3)" in listed
    assert "DCC (@dana) · due no date" in listed
    assert "A-2" not in listed and "A-6" not in listed
