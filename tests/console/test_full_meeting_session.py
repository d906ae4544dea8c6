"""A scripted console session for issue 12: a whole meeting as the secretariat records it.

The meeting just held, external owners, month dates, two recurring actions, a Panel
meeting, a `close` of several refs, and the next occurrence of a recurring action.
"""

from __future__ import annotations

from pathlib import Path

from tests.console.running import run_console
from tests.console.test_scripted_session import section

SCRIPT = """\
/actions meeting held 16/11/2026 09:30 Monthly at Hindlip
/actions meeting next 14/12/2026 10:00 Monthly
/actions meeting next 15/12/2026 1430 Panel: Budget scrutiny
/actions role new external person Supt Jones contact: force control room
/actions role new external the Panel (PANEL) contact: Democratic Services
/actions add Supt Jones to report on stop and search by next meeting (item 6, objective 8)
/actions add the Panel to review the precept by the December meeting of the Panel
/actions add ACC to provide the PCC with quarterly briefings on the uplift in officer \
numbers, the first in July 2027
/actions add DCC to send the performance commentary monthly from 31/12/2026 until \
31/03/2027 (item 2.4)
/actions add the Chief Constable to share his briefing note with the PCC by end of January
/actions list recurring
:advance 2d
/actions done A-4 sent
/actions close A-2, A-4 and A-5
/actions show A-4
/actions summary
:quit
"""


def test_a_whole_meeting_recorded_in_the_console(tmp_path: Path) -> None:
    result = run_console(tmp_path, SCRIPT, "--at", "2026-11-16 12:00")
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "⚠️" not in out, out
    assert "Meeting held recorded" in out and "Mon 16 Nov 2026, 09:30" in out
    assert "Tue 15 Dec 2026, 14:30: The Police and Crime Panel meeting: Budget scrutiny" in out
    assert ("Recorded A-1 (item 6, objective 8) from the Monthly assurance meeting: "
            "Supt Jones (external) to report on stop and search") in out
    assert "Recorded A-2 from the Monthly assurance meeting: the Panel (external)" in out
    assert "Due Tue 15 Dec 2026, the Police and Crime Panel meeting" in out

    # Two recurring actions: the minutes' own wording, and monthly with an end date.
    third = out.split("/actions add ACC", 1)[1].split("sam> ", 1)[0]
    assert "quarterly briefings on the uplift in officer numbers" in third
    assert "Fri 30 Jul 2027" in third and "recurs quarterly (no. 1)" in third
    fourth = out.split("/actions add DCC", 1)[1].split("sam> ", 1)[0]
    assert "Thu 31 Dec 2026" in fourth and "recurs monthly (no. 1, until Wed 31 Mar 2027)" in fourth
    fifth = out.split("/actions add the Chief Constable", 1)[1].split("sam> ", 1)[0]
    assert "Recorded A-5" in fifth and "Fri 29 Jan 2027" in fifth
    assert "Recurring actions (2)" in out

    # Closing several refs at once; the monthly one moves on to its next occurrence.
    closed = out.split("sam> /actions close A-2, A-4 and A-5", 1)[1].split("sam> ", 1)[0]
    assert "A-2, A-4 and A-5 closed." in closed
    shown = out.split("sam> /actions show A-4", 1)[1].split("sam> ", 1)[0]
    assert "made the next occurrence due" in shown and "occurrence 1 → 2" in shown
    assert "Fri 29 Jan 2027" in shown and "recurs monthly (no. 2" in shown

    summary = section(out.split("sam> /actions summary", 1)[1], "[only you, @sam]")
    assert "Matters arising" in summary
    assert "From the Monthly assurance meeting of Mon 16 Nov 2026" in summary
    assert "A-1 (item 6, objective 8) report on stop and search" in summary
    assert "Source not recorded" not in summary
