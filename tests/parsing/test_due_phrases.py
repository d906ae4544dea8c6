"""Due dates as minutes write them (issue 12): every phrase with the date the reply states."""

from datetime import date

import pytest

from bot.parsing.dates import DueParseError
from bot.parsing.due import describe_due, is_vague, non_working_day_note, parse_due, understood
from storage.due import DueAtMeetingInMonth, DueOnDate, NoDueDate
from storage.models import MeetingKind

TODAY = date(2026, 11, 23)  # a Monday


def read(phrase: str, today: date = TODAY) -> DueOnDate:
    spec = parse_due(phrase, today)
    assert isinstance(spec, DueOnDate), spec
    return spec


@pytest.mark.parametrize(
    ("phrase", "expected", "said"),
    [
        # months: the last working day, and the reply says so
        ("July 2027", date(2027, 7, 30),
         "“July 2027” read as Fri 30 Jul 2027, the last working day of July 2027."),
        ("by July 2027", date(2027, 7, 30), "the last working day of July 2027"),
        ("in July", date(2027, 7, 30), "the last working day of July 2027"),
        ("mid-July", date(2027, 7, 15), "the middle of July 2027, taken as Thu 15 Jul 2027"),
        ("end of July", date(2027, 7, 30), "the last working day of July 2027"),
        ("by the end of January 2027", date(2027, 1, 29), "last working day of January 2027"),
        # quarters: calendar quarters
        ("Q1 2027", date(2027, 3, 31), "the last working day of Q1 2027 (January to March)"),
        ("in the first quarter", date(2027, 3, 31), "Q1 2027 (January to March)"),
        ("by the end of the quarter", date(2026, 12, 31), "Q4 2026 (October to December)"),
        # weeks: by the last working day of the week
        ("w/c 7 December", date(2026, 12, 11), "week commencing Mon 7 Dec 2026"),
        ("week commencing 7/12", date(2026, 12, 11), "week commencing Mon 7 Dec 2026"),
        # years
        ("by the end of the year", date(2026, 12, 31), "the last working day of 2026"),
        ("by the end of 2027", date(2027, 12, 31), "the last working day of 2027"),
        ("year end", date(2026, 12, 31), "the last working day of 2026"),
        # relative
        ("by next month", date(2026, 12, 31), "the last working day of December 2026"),
    ],
)
def test_period_phrases_and_what_the_reply_says(phrase: str, expected: date, said: str) -> None:
    spec = read(phrase)
    assert spec.on == expected
    assert said in (understood(spec) or "")
    assert spec.written == phrase


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("within a month of the meeting", date(2026, 12, 23)),
        ("in six weeks", date(2027, 1, 4)),
        ("in a month's time", date(2026, 12, 23)),
    ],
)
def test_relative_phrases(phrase: str, expected: date) -> None:
    assert read(phrase).on == expected


def test_a_month_alone_skips_weekends_and_bank_holidays() -> None:
    # 31 Jul 2027 is a Saturday; 31 Dec 2027 a Friday; the end of May 2027 is a bank holiday.
    assert read("July 2027").on == date(2027, 7, 30)
    assert read("May 2027").on == date(2027, 5, 28)
    assert read("end of August 2027").on == date(2027, 8, 31)
    # Mid-month on a Sunday (15 Aug 2027) is taken as the Friday before.
    assert read("mid-August 2027").on == date(2027, 8, 13)


def test_week_commencing_a_day_that_is_not_monday_says_so() -> None:
    spec = read("w/c 9 December")
    assert spec.on == date(2026, 12, 11)
    assert "is not a Monday" in (understood(spec) or "")


def test_month_meeting_phrases() -> None:
    assert parse_due("the February 2027 meeting", TODAY) == DueAtMeetingInMonth(2027, 2)
    panel = parse_due("the December meeting of the Panel", TODAY)
    assert panel == DueAtMeetingInMonth(2026, 12, MeetingKind.PANEL)
    assert isinstance(panel, DueAtMeetingInMonth) and panel.fallback == date(2026, 12, 31)
    assert parse_due("to the December Panel meeting", TODAY) == panel
    assert parse_due("the September meeting", TODAY) == DueAtMeetingInMonth(2027, 9)
    # Any kind the secretariat names: matched to a meeting of that kind if one is recorded.
    assert parse_due("the December meeting of the Joint Audit Committee", TODAY) == (
        DueAtMeetingInMonth(2026, 12, "joint audit committee"))


@pytest.mark.parametrize(
    "phrase", ["TBC", "tbc", "ongoing", "On-going", "no date", "(TBC)", "to be confirmed"]
)
def test_no_date_phrases(phrase: str) -> None:
    spec = parse_due(phrase, TODAY)
    assert spec == NoDueDate()
    assert "no due date" in (understood(spec) or "")
    assert describe_due(spec) == "no date"


@pytest.mark.parametrize(
    "phrase",
    ["in the autumn", "asap", "as soon as possible", "soon", "early 2027", "late July",
     "spring 2027", "in due course", "the new year", "by Christmas"],
)
def test_vague_phrases_are_refused_with_a_suggestion(phrase: str) -> None:
    assert is_vague(phrase)
    with pytest.raises(DueParseError) as caught:
        parse_due(phrase, TODAY)
    assert "I can't tell which day" in caught.value.message
    assert "`TBC`" in caught.value.message and "`by July 2027`" in caught.value.message


def test_past_periods_are_refused() -> None:
    with pytest.raises(DueParseError, match="in the past"):
        parse_due("July 2025", TODAY)
    with pytest.raises(DueParseError, match="in the past"):
        parse_due("Q1 2026", TODAY)


def test_weekend_and_bank_holiday_notes() -> None:
    assert non_working_day_note(date(2027, 7, 31)) == (
        "Note: Sat 31 Jul 2027 is a weekend; the due date is kept as given."
    )
    assert "a bank holiday" in (non_working_day_note(date(2026, 12, 25)) or "")
    assert non_working_day_note(date(2027, 7, 30)) is None
    assert non_working_day_note(None) is None


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("review X, by July 2027", "review X"),
        ("review X – TBC", "review X"),
        ("check '; DROP TABLE actions; -- by 30/06/2027", "check '; DROP TABLE actions; --"),
        ("review X;; by 30/06/2027", "review X;;"),
    ],
)
def test_only_one_separating_mark_goes_with_the_due_phrase(text: str, kept: str) -> None:
    from bot.parsing.due import split_trailing_due

    rest, spec = split_trailing_due(text, TODAY)
    assert rest == kept and spec is not None
