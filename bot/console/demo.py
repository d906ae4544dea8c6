"""Demo data in the style of the published minutes: the next meetings and their actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from reminders.calendar import is_working_day, working_days_before

WEDNESDAY = 2
DEFAULT_LEAD_DAYS = 5


@dataclass(frozen=True)
class Demo:
    """The commands to type (as whom), and the first meeting they set up."""

    steps: list[tuple[str, str]]  # (person alias, /actions text)
    next_meeting: date
    first_reminder: date


def _wednesday_after(day: date) -> date:
    return day + timedelta(days=(WEDNESDAY - day.weekday()) % 7 or 7)


def _in_a_later_month(previous: date) -> date:
    """Four weeks on, or five if that is still the same month: "the <Month> meeting" is unique."""
    following = previous + timedelta(weeks=4)
    return following if following.month != previous.month else following + timedelta(weeks=1)


def _working_day_before(day: date) -> date:
    return working_days_before(day, 1) if not is_working_day(day) else day


def demo_steps(today: date) -> Demo:
    """Three meetings from next week on and six actions owned by roles and people."""
    first = _wednesday_after(today + timedelta(days=7))
    second = _in_a_later_month(first)
    third = _in_a_later_month(second)
    briefing_due = _working_day_before(first - timedelta(days=5))
    steps = [
        ("sam", f"meeting next {first:%d/%m/%Y} 10:00 Monthly at Allsop meeting room"),
        ("sam", f"meeting next {second:%d/%m/%Y} 10:00 Thematic: Covid-19 at Hindlip"),
        ("sam", f"meeting next {third:%d/%m/%Y} 14:00 Monthly at Hindlip"),
        ("sam", "add DCC to review diary appointments metric for inclusion within the "
                "performance management framework by next meeting (item 2.4)"),
        ("sam", "add DCC and CEO to discuss commissioning as part of their regular catch up "
                f"meetings by the {second:%B} meeting (item 3.1)"),
        ("sam", "add CC to share his briefing note for the meeting with the PCC by "
                f"{briefing_due:%d/%m/%Y} (item 2.1)"),
        ("sam", "add ACC to provide the PCC with quarterly briefings on the uplift in officer "
                f"numbers by {third:%d/%m/%Y} (item 4.2)"),
        ("sam", "add CC to bring the internal processes for outcome 16 back to the meeting "
                f"by the {third:%B} meeting (item 5.1)"),
        ("sam", "add <@UACC> and DCC to brief the PCC on 101 call handling by next meeting "
                "(item 6.2)"),
        ("dana", "update A-1 Draft metric shared with the performance board"),
    ]
    return Demo(steps, first, working_days_before(first, DEFAULT_LEAD_DAYS))
