"""Recurrence phrases in `add`, and the month arithmetic of the next occurrence."""

from datetime import date

import pytest

from bot.parsing.commands import AddAction, CommandError, EditAction, parse_command
from bot.parsing.recurrence import take_recurrence
from reminders.calendar import is_working_day
from storage.due import DueAtNextMeeting, DueOnDate, Recurrence
from storage.services.recurrence import add_months

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("phrase, months", [
    ("every quarter", 3), ("quarterly", 3), ("monthly", 1), ("every 3 months", 3),
    ("every meeting", 0), ("annually", 12), ("every month", 1), ("every two months", 2),
    ("every year", 12),
])
def test_each_recurrence_the_issue_names(phrase: str, months: int) -> None:
    command = parse_command(f"add DCC to brief the PCC {phrase}", TODAY)
    assert isinstance(command, AddAction)
    assert command.text == "brief the PCC" and command.recurrence == Recurrence(months)


def test_first_date_until_and_count() -> None:
    command = parse_command(
        "add ACC to brief the PCC every quarter, the first by 31/07/2027, until 31/07/2028",
        TODAY)
    assert command == AddAction(
        owners=command.owners, text="brief the PCC", due=DueOnDate(date(2027, 7, 31)),
        recurrence=Recurrence(3, until=date(2028, 7, 31)))
    text, recurrence, first = take_recurrence("send the bulletin monthly, 6 times", TODAY)
    assert (text, recurrence, first) == ("send the bulletin", Recurrence(1, times=6), None)


def test_the_minutes_form_keeps_its_wording() -> None:
    text, recurrence, first = take_recurrence(
        "provide the PCC with quarterly briefings on officer numbers, the first by 31/07/2027",
        TODAY)
    assert text == "provide the PCC with quarterly briefings on officer numbers"
    assert recurrence == Recurrence(3) and first == DueOnDate(date(2027, 7, 31))


@pytest.mark.parametrize("text", [
    "provide a monthly commentary", "review the annually published report by 30/06/2027",
    "hold every meeting room booking",
])
def test_a_recurrence_word_inside_the_text_is_just_text(text: str) -> None:
    assert take_recurrence(text, TODAY)[1] is None


def test_by_next_meeting_then_every_meeting() -> None:
    command = parse_command("add DCC to report progress by next meeting every meeting", TODAY)
    assert isinstance(command, AddAction)
    assert command.due == DueAtNextMeeting() and command.recurrence == Recurrence(0)


@pytest.mark.parametrize("text", [
    "add DCC to brief quarterly until sometime",
    "add DCC to brief quarterly, the first by never",
    "add DCC to brief quarterly by 30/06/2027, the first by 31/07/2027",
])
def test_unreadable_recurrence_clauses_are_refused(text: str) -> None:
    with pytest.raises(CommandError):
        parse_command(text, TODAY)


@pytest.mark.parametrize("day, months, expected", [
    (date(2027, 7, 30), 3, date(2027, 10, 29)),   # last working day stays last working day
    (date(2026, 12, 31), 1, date(2027, 1, 29)),
    (date(2027, 1, 15), 1, date(2027, 2, 15)),
    (date(2027, 1, 29), 1, date(2027, 2, 26)),  # 29 Jan 2027 was Jan's last working day
    (date(2027, 1, 28), 1, date(2027, 2, 28)),  # an ordinary day clamps to the month
    (date(2027, 3, 31), 12, date(2028, 3, 31)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months, is_working_day) == expected


def test_edit_grammar() -> None:
    assert parse_command("edit A-7 text review the metric", TODAY) == EditAction(
        7, text="review the metric")
    assert parse_command("edit A-7 item 2.5", TODAY) == EditAction(7, agenda_item="2.5")
    assert parse_command("edit A-7 item none", TODAY) == EditAction(7, clear_item=True)
    assert parse_command("edit A-7 source 28/10/2020", TODAY) == EditAction(
        7, source_on=date(2020, 10, 28))
    for text in ("edit A-7", "edit A-7 colour red", "edit A-7 item two", "edit A-7 text"):
        with pytest.raises(CommandError):
            parse_command(text, TODAY)
