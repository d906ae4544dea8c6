"""Due phrases and dates: UK day-first forms, weekdays, spans, meetings and the errors."""

from datetime import date

import pytest

from bot.parsing.dates import (
    DueParseError,
    describe_date,
    looks_like_date,
    parse_date,
    parse_leading_date,
)
from bot.parsing.due import parse_due
from storage.due import (
    DueAtMeetingInMonth,
    DueAtMeetingOn,
    DueAtNextMeeting,
    DueOnDate,
)

TODAY = date(2026, 11, 23)  # a Monday


def due_on(phrase: str, today: date = TODAY) -> date:
    spec = parse_due(phrase, today)
    assert isinstance(spec, DueOnDate), spec
    return spec.on


def due_error(phrase: str, today: date = TODAY) -> str:
    with pytest.raises(DueParseError) as caught:
        parse_due(phrase, today)
    assert caught.value.message == str(caught.value)
    return caught.value.message


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("30/06/2027", date(2027, 6, 30)),
        ("30/06/27", date(2027, 6, 30)),
        ("30-06-2027", date(2027, 6, 30)),
        ("30.06.2027", date(2027, 6, 30)),
        ("2027-06-30", date(2027, 6, 30)),
        ("30 Jun 2027", date(2027, 6, 30)),
        ("30 June 2027", date(2027, 6, 30)),
        ("30th June 2027", date(2027, 6, 30)),
        ("30 of June 2027", date(2027, 6, 30)),
        ("30 June, 2027", date(2027, 6, 30)),
        ("June 30", date(2027, 6, 30)),
        ("June 30th, 2027", date(2027, 6, 30)),
        ("1 Sept 2027", date(2027, 9, 1)),
        ("Thu 26 Nov 2026", date(2026, 11, 26)),
        ("Thursday 26th November", date(2026, 11, 26)),
    ],
)
def test_calendar_dates(phrase: str, expected: date) -> None:
    assert due_on(phrase) == expected


def test_numeric_dates_are_day_first() -> None:
    assert due_on("01/12") == date(2026, 12, 1)
    assert due_on("1/12/2026") == date(2026, 12, 1)
    assert due_on("12/01/2027") == date(2027, 1, 12)


def test_date_without_year_is_this_year_when_still_to_come() -> None:
    assert due_on("30/11") == date(2026, 11, 30)
    assert due_on("26 November") == date(2026, 11, 26)


def test_date_without_year_rolls_into_next_year_once_passed() -> None:
    assert due_on("30 June") == date(2027, 6, 30)
    assert due_on("30th June") == date(2027, 6, 30)
    assert due_on("01/06") == date(2027, 6, 1)
    assert due_on("22/11") == date(2027, 11, 22)


def test_today_is_allowed_but_yesterday_is_past() -> None:
    assert due_on("23/11/2026") == TODAY
    assert due_on("23/11") == TODAY
    assert "in the past" in due_error("22/11/2026")


def test_29_february_without_a_year_finds_the_next_leap_year() -> None:
    assert due_on("29/02") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("today", TODAY),
        ("tomorrow", date(2026, 11, 24)),
        ("friday", date(2026, 11, 27)),
        ("Fri", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("this friday", date(2026, 11, 27)),
        ("monday", date(2026, 11, 30)),  # strictly after today, which is a Monday
        ("next Monday", date(2026, 11, 30)),
        ("thurs", date(2026, 11, 26)),
        ("in 3 days", date(2026, 11, 26)),
        ("in 2 weeks", date(2026, 12, 7)),
        ("in two weeks' time", date(2026, 12, 7)),
        ("in a fortnight", date(2026, 12, 7)),
        ("in 1 month", date(2026, 12, 23)),
        ("in 3 months", date(2027, 2, 23)),
        ("within a month", date(2026, 12, 23)),
        ("within a month of the meeting", date(2026, 12, 23)),
        ("end of month", date(2026, 11, 30)),
        ("end of the month", date(2026, 11, 30)),
        ("end of next month", date(2026, 12, 31)),
        ("end of June", date(2027, 6, 30)),
        ("end of November", date(2026, 11, 30)),
    ],
)
def test_relative_phrases(phrase: str, expected: date) -> None:
    assert due_on(phrase) == expected


def test_in_one_month_clamps_to_month_end() -> None:
    assert due_on("in 1 month", date(2027, 1, 31)) == date(2027, 2, 28)
    assert due_on("in 1 month", date(2028, 1, 31)) == date(2028, 2, 29)
    # The end of a month is its last working day: 31 Jan 2027 is a Sunday.
    assert due_on("end of next month", date(2026, 12, 15)) == date(2027, 1, 29)


@pytest.mark.parametrize(
    "phrase",
    [
        "30/06/2027",
        "  30/06/2027  ",
        "by 30/06/2027",
        "By 30/06/2027.",
        "before 30/06/2027",
        "on 30/06/2027",
        "BY 30 JUN 2027",
    ],
)
def test_tolerates_case_whitespace_prefix_and_full_stop(phrase: str) -> None:
    assert due_on(phrase) == date(2027, 6, 30)


@pytest.mark.parametrize("phrase", ["next meeting", "the next meeting", "Next Meeting."])
def test_next_meeting(phrase: str) -> None:
    assert parse_due(phrase, TODAY) == DueAtNextMeeting()


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("the November meeting", DueAtMeetingInMonth(2026, 11)),
        ("November meeting", DueAtMeetingInMonth(2026, 11)),
        ("by the December meeting", DueAtMeetingInMonth(2026, 12)),
        ("the March meeting", DueAtMeetingInMonth(2027, 3)),
        ("the Nov 2027 meeting", DueAtMeetingInMonth(2027, 11)),
        ("the meeting in June", DueAtMeetingInMonth(2027, 6)),
    ],
)
def test_meeting_in_month(phrase: str, expected: DueAtMeetingInMonth) -> None:
    assert parse_due(phrase, TODAY) == expected


def test_november_meeting_asked_in_december_is_next_years() -> None:
    assert parse_due("the November meeting", date(2026, 12, 1)) == DueAtMeetingInMonth(2027, 11)


def test_named_meeting_in_the_past_is_an_error() -> None:
    assert "in the past" in due_error("the November 2025 meeting")


@pytest.mark.parametrize(
    "phrase", ["the meeting on 26/11/2026", "meeting 26/11", "the 26/11/2026 meeting"]
)
def test_meeting_on_a_date(phrase: str) -> None:
    assert parse_due(phrase, TODAY) == DueAtMeetingOn(date(2026, 11, 26))


def test_meeting_on_a_past_date_is_an_error() -> None:
    assert "(Mon 1 Jun 2026) is in the past" in due_error("the meeting on 01/06/2026")


def test_past_date_message_names_the_date() -> None:
    message = due_error("01/06/2026")
    assert message.startswith("That date (Mon 1 Jun 2026) is in the past")


@pytest.mark.parametrize(
    ("phrase", "fragment"),
    [
        ("31/02/2027", "February 2027 has 28 days"),
        ("29/02/2027", "February 2027 has 28 days"),
        ("31 April 2027", "April 2027 has 30 days"),
        ("31/04", "April has 30 days"),
        ("30/02", "February has at most 29 days"),
        ("00/05/2027", "no day 0"),
        ("13/13/2026", "no month 13"),
        ("2027-13-01", "no month 13"),
    ],
)
def test_invalid_calendar_dates(phrase: str, fragment: str) -> None:
    message = due_error(phrase)
    assert "is not a real date" in message
    assert fragment in message


@pytest.mark.parametrize("phrase", ["12/13/2026", "06/30/2027", "6/30"])
def test_us_style_dates_are_explained(phrase: str) -> None:
    message = due_error(phrase)
    assert "day/month/year" in message
    assert "Did you mean" in message


def test_us_style_date_suggests_the_uk_order() -> None:
    assert "`30/06/2027`" in due_error("06/30/2027")


@pytest.mark.parametrize("phrase", ["12", "3rd", "2027"])
def test_bare_numbers_are_ambiguous(phrase: str) -> None:
    assert "day/month/year" in due_error(phrase)


@pytest.mark.parametrize("phrase", ["frobnicate", "the big meeting", "next weekend"])
def test_unrecognised_phrases_list_the_accepted_forms(phrase: str) -> None:
    message = due_error(phrase)
    for example in ("`30/06/2027`", "`30 Jun 2027`", "`friday`", "`in 2 weeks`"):
        assert example in message
    assert "`next meeting`" in message
    assert "`the November meeting`" in message


def test_empty_phrase_is_an_error() -> None:
    assert "`30/06/2027`" in due_error("   ")


def test_weekday_must_agree_with_the_date() -> None:
    assert "is a Thursday, not a Friday" in due_error("Fri 26 Nov 2026")


def test_two_and_four_digit_years_only() -> None:
    assert "four digits" in due_error("30/06/202")


def test_dates_years_away_are_treated_as_typos() -> None:
    assert "years away" in due_error("30/06/2207")
    assert "years away" in due_error("in 999 years")


def test_error_echo_is_shortened() -> None:
    message = due_error("x" * 500)
    assert len(message) < 300


def test_describe_date() -> None:
    assert describe_date(date(2026, 11, 26)) == "Thu 26 Nov 2026"
    assert describe_date(date(2026, 6, 1)) == "Mon 1 Jun 2026"


def test_describe_date_round_trips_through_parse_due() -> None:
    assert due_on(describe_date(date(2027, 3, 4))) == date(2027, 3, 4)


def test_parse_date_rejects_meeting_phrases() -> None:
    with pytest.raises(DueParseError):
        parse_date("next meeting", TODAY)


def test_parse_date_can_allow_past_dates() -> None:
    assert parse_date("01/06/2026", TODAY, allow_past=True) == date(2026, 6, 1)
    with pytest.raises(DueParseError, match="in the past"):
        parse_date("01/06/2026", TODAY)


def test_parse_leading_date_takes_the_longest_date() -> None:
    assert parse_leading_date("26 Nov 2026 10:00 Thematic", TODAY) == (
        date(2026, 11, 26),
        "10:00 Thematic",
    )
    assert parse_leading_date("26/11/2026", TODAY) == (date(2026, 11, 26), "")


def test_parse_leading_date_does_not_fall_back_from_a_bad_date() -> None:
    with pytest.raises(DueParseError, match="February 2027 has 28 days"):
        parse_leading_date("31 Feb 2027 10:00", TODAY)


def test_looks_like_date() -> None:
    assert looks_like_date("31/02/2027")
    assert looks_like_date("the Novembr meeting")
    assert looks_like_date("Fridya 3")
    assert looks_like_date("June")
    assert not looks_like_date("the force")
    assert not looks_like_date("phone")
