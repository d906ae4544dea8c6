"""Issue 12's meeting grammar: any kind, the meeting held, cancel, which kinds count."""

from datetime import date, time

import pytest

from bot.parsing.commands import (
    CancelMeeting,
    ChangeSetting,
    CommandError,
    SetNextMeeting,
    parse_command,
)

TODAY = date(2026, 11, 23)


def parse(text: str):
    return parse_command(text, TODAY)


def test_panel_and_named_kinds() -> None:
    assert parse("meeting next 10/12/2026 14:00 Panel: Budget") == SetNextMeeting(
        date(2026, 12, 10), time(14, 0), "panel", "Budget")
    assert parse("meeting next 03/12/2026 10:00 Board: Finance and audit at HQ") == (
        SetNextMeeting(date(2026, 12, 3), time(10, 0), "board", "Finance and audit", "HQ"))
    assert parse("meeting next 03/12/2026 Audit committee:") == SetNextMeeting(
        date(2026, 12, 3), time(10, 0), "audit committee", "Audit committee meeting")


def test_a_title_without_a_kind_is_still_monthly() -> None:
    command = parse("meeting next 03/12/2026 10:00 Covid-19 update")
    assert isinstance(command, SetNextMeeting)
    assert (command.kind, command.title) == ("monthly", "Covid-19 update")


def test_meeting_held_takes_a_past_date() -> None:
    assert parse("meeting held 28/10/2026 14:00 Monthly") == SetNextMeeting(
        date(2026, 10, 28), time(14, 0), "monthly", "Monthly assurance meeting", None, True)
    with pytest.raises(CommandError, match="still to come"):
        parse("meeting held 28/12/2026 14:00")


def test_cancel() -> None:
    assert parse("meeting cancel 26/11/2026") == CancelMeeting(date(2026, 11, 26))
    for text in ("meeting cancel", "meeting cancel 26/11/2026 please"):
        with pytest.raises(CommandError):
            parse(text)


@pytest.mark.parametrize("text, value", [
    ("settings next-meeting all", ""),
    ("settings next-meeting monthly, thematic", "monthly,thematic"),
    ("settings next-meeting Monthly assurance and Police and Crime Panel", "monthly,panel"),
    ("settings next-meeting board", "board"),
])
def test_which_kinds_count(text: str, value: str) -> None:
    assert parse(text) == ChangeSetting("next_meeting_kinds", value)


def test_own_date_settings() -> None:
    assert parse("settings own-date 5,1") == ChangeSetting("own_date_lead_days", "5,1")
    assert parse("settings own-date off") == ChangeSetting("own_date_lead_days", "")
    assert parse("settings overdue-nudge off") == ChangeSetting("overdue_nudge", False)
    with pytest.raises(CommandError):
        parse("settings own-date soon")
