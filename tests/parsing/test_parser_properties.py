"""Property tests: the parsers answer any text with a result or their own error, never a crash."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.parsing.commands import AddAction, Command, CommandError, parse_command
from bot.parsing.dates import (
    DueParseError,
    describe_date,
)
from bot.parsing.due import parse_due
from bot.parsing.owners import RoleOwner, UserOwner
from storage.due import (
    DueAtMeetingInMonth,
    DueAtMeetingOn,
    DueOnDate,
    DueSpec,
)

TODAY = date(2026, 11, 23)

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Pieces of near-valid commands, so generated text reaches deep into the grammar.
FRAGMENTS = [
    "add",
    "update",
    "start",
    "done",
    "close",
    "reopen",
    "drop",
    "due",
    "assign",
    "show",
    "list",
    "meeting",
    "next",
    "meeting next",
    "meeting list",
    "role",
    "roles",
    "summary",
    "help",
    "DCC",
    "the ACC",
    "PCC's CEO",
    "and",
    "&",
    "&amp;",
    ",",
    "to",
    "by",
    "in",
    "within",
    "at",
    "@",
    "A-7",
    "#A-7",
    "a7",
    "7",
    "0",
    "page",
    "2",
    "mine",
    "overdue",
    "<@U1>",
    "<@U012AB3CD|jo>",
    "<@",
    ">",
    "<",
    "<!subteam^S1>",
    "(item 2.4)",
    "(item",
    ")",
    "31/02",
    "31/02/2027",
    "30/06/2027",
    "12/13/2026",
    "01/12",
    "30 Jun 2027",
    "June 30",
    "friday",
    "next friday",
    "in 2 weeks",
    "in 99 years",
    "within a month",
    "end of month",
    "today",
    "tomorrow",
    "next meeting",
    "the November meeting",
    "the meeting on 26/11",
    "10:00",
    "2.30pm",
    "25:00",
    "10",
    "Thematic:",
    "Covid-19",
    "Monthly",
    "Public",
    "none",
    "vacant",
    "review the metric",
    ".",
    ":",
    "Thu 26 Nov 2026",
    "29/02",
    "9999-12-31",
    "\n",
    "\t",
    "\u00a0",
    "İ",
    "ſ",
    "K",
]

fragment_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=12).map(
    " ".join
)
any_text = st.text() | fragment_text
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def assert_command_or_error(text: str, today: date) -> Command | None:
    try:
        return parse_command(text, today)
    except CommandError as error:
        assert isinstance(error.message, str) and error.message.strip()
        assert isinstance(error.usage, str) and error.usage.strip()
        return None


def assert_due_or_error(text: str, today: date) -> DueSpec | None:
    try:
        return parse_due(text, today)
    except DueParseError as error:
        assert error.message.strip()
        return None


@PROPERTY_SETTINGS
@given(text=any_text)
def test_parse_command_never_raises_anything_else(text: str) -> None:
    assert_command_or_error(text, TODAY)


@PROPERTY_SETTINGS
@given(text=fragment_text, today=todays)
def test_parse_command_never_raises_anything_else_on_any_day(text: str, today: date) -> None:
    assert_command_or_error(text, today)


@PROPERTY_SETTINGS
@given(text=any_text, today=todays)
def test_parse_due_never_raises_anything_else(text: str, today: date) -> None:
    due = assert_due_or_error(text, today)
    # Whatever is accepted is never in the past.
    if isinstance(due, DueOnDate | DueAtMeetingOn):
        assert due.on >= today
    if isinstance(due, DueAtMeetingInMonth):
        assert (due.year, due.month) >= (today.year, today.month)


@PROPERTY_SETTINGS
@given(offset=st.integers(min_value=0, max_value=5 * 366))
def test_written_dates_round_trip(offset: int) -> None:
    day = TODAY + timedelta(days=offset)
    for written in (
        day.strftime("%d/%m/%Y"),
        day.isoformat(),
        f"{day.day}/{day.month}/{day.year}",
        describe_date(day),
    ):
        assert parse_due(written, TODAY) == DueOnDate(day), written


ROLE_CODES = st.from_regex(r"[A-Z][A-Z0-9_]{1,11}", fullmatch=True).filter(
    lambda code: code.lower() not in {"to", "and", "the"}
)
USER_IDS = st.from_regex(r"U[A-Z0-9]{1,10}", fullmatch=True)
owners_strategy = st.lists(
    st.one_of(ROLE_CODES.map(RoleOwner), USER_IDS.map(UserOwner)), min_size=1, max_size=4
)
# Words that cannot form a due clause, an item or a stray "to" before the action.
SAFE_WORDS = st.sampled_from(
    ["review", "the", "diary", "metric", "brief", "PCC", "on", "call", "handling", "to", "for"]
)


def write_owner(owner: RoleOwner | UserOwner) -> str:
    return owner.code if isinstance(owner, RoleOwner) else f"<@{owner.user_id}>"


@PROPERTY_SETTINGS
@given(
    owners=owners_strategy,
    words=st.lists(SAFE_WORDS, min_size=1, max_size=10),
    separator=st.sampled_from([" and ", ", ", " & "]),
    offset=st.integers(min_value=0, max_value=700),
)
def test_add_round_trips(
    owners: list[RoleOwner | UserOwner], words: list[str], separator: str, offset: int
) -> None:
    due = TODAY + timedelta(days=offset)
    text = " ".join(words)
    line = f"add {separator.join(map(write_owner, owners))} to {text} by {due:%d/%m/%Y} (item 2.4)"
    assert parse_command(line, TODAY) == AddAction(
        owners=tuple(dict.fromkeys(owners)),
        text=text,
        due=DueOnDate(due),
        agenda_item="2.4",
    )
