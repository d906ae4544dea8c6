"""Property tests for owner and due phrases as minutes write them (issue 12).

* Any due phrase the parser accepts reads back the same through its rendering.
* No due phrase is silently absorbed into the action text: it becomes the due date, or the
  command is refused.
* Any name of a role, in any case and with or without "the", is that role.
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.parsing.commands import AddAction, CommandError, parse_command
from bot.parsing.dates import MONTH_NAMES, DueParseError
from bot.parsing.due import describe_due, is_vague, parse_due
from bot.parsing.owners import (
    BUILT_IN_ROLES,
    KnownRole,
    OwnerPhrase,
    UnknownOwner,
    parse_owners,
    resolve_owner_phrase,
)
from storage.due import NoDueDate
from storage.owners import RoleOwner

TODAY = date(2026, 11, 23)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

month = st.sampled_from(MONTH_NAMES).flatmap(
    lambda name: st.sampled_from([name, name[:3], name.lower(), name.upper()])
)
year = st.integers(min_value=2027, max_value=2030).map(str)
day = st.dates(min_value=TODAY, max_value=TODAY + timedelta(days=3 * 365))

due_phrases = st.one_of(
    st.builds(lambda m, y: f"{m} {y}", month, year),
    st.builds(lambda lead, m, y: f"{lead} {m} {y}", st.sampled_from(["by", "in", "during"]),
              month, year),
    st.builds(lambda m, y: f"mid-{m} {y}", month, year),
    st.builds(lambda m, y: f"end of {m} {y}", month, year),
    st.builds(lambda m, y: f"the {m} {y} meeting", month, year),
    st.builds(lambda m, y: f"the {m} {y} meeting of the Panel", month, year),
    st.builds(lambda m, y: f"the {m} {y} meeting of the Joint Audit Committee", month, year),
    st.builds(lambda q, y: f"Q{q} {y}", st.integers(1, 4), year),
    st.builds(lambda d: f"w/c {d:%d/%m/%Y}", day),
    st.builds(lambda d: f"week commencing {d.day} {d:%B %Y}", day),
    st.builds(lambda d: f"by {d:%d/%m/%Y}", day),
    st.builds(lambda d: f"{d.day} {d:%b %Y}", day),
    st.builds(lambda y: f"by the end of {y}", year),
    st.sampled_from([
        "TBC", "ongoing", "no date", "year end", "by the end of the year", "by next month",
        "in six weeks", "within a month of the meeting", "in the first quarter",
        "by the end of the quarter", "next meeting", "by the next meeting",
    ]),
)
vague_phrases = st.sampled_from([
    "in the autumn", "asap", "soon", "early 2027", "late July", "spring 2028", "in due course",
    "by Christmas", "shortly", "in the new year",
])
# Action text as minutes write it: it may hold any words, and ends with what is acted on
# (a bare "for" or "the" at the end would make the due phrase its object: "figures for July").
action_text = st.tuples(
    st.lists(st.sampled_from(["review", "the", "diary", "brief", "PCC", "on", "report", "for",
                              "by", "in", "figures", "circulate", "draft", "to", "X"]),
             max_size=7),
    st.sampled_from(["metric", "plan", "figures", "report", "PCC", "Panel", "X"]),
).map(lambda parts: " ".join([*parts[0], parts[1]]))
agenda = st.sampled_from(["", " (item 6, objective 8)", " [item 5.2]", " - item 5.2",
                          " (minute 12/26)", " (2.4)"])


@SETTINGS
@given(due_phrases)
def test_accepted_due_phrases_round_trip_through_their_rendering(phrase: str) -> None:
    try:
        spec = parse_due(phrase, TODAY)
    except DueParseError:
        return  # refused with a message (a past week, say): nothing to round-trip
    assert parse_due(describe_due(spec), TODAY) == spec


@SETTINGS
@given(action_text, due_phrases, agenda)
def test_no_due_phrase_is_absorbed_into_the_action_text(
    text: str, phrase: str, reference: str
) -> None:
    try:
        expected = parse_due(phrase, TODAY)
    except DueParseError:
        return
    command = parse_command(f"add DCC to {text} {phrase}{reference}", TODAY)
    assert isinstance(command, AddAction)
    assert command.due == expected
    assert command.text == text
    assert command.agenda_item == (reference.strip(" -[]()").removeprefix("item ") or None)


@SETTINGS
@given(action_text, vague_phrases)
def test_vague_phrases_are_refused_never_kept_as_text(text: str, phrase: str) -> None:
    assert is_vague(phrase)
    try:
        command = parse_command(f"add DCC to {text} {phrase}", TODAY)
    except CommandError as error:
        assert "I can't tell which day" in error.message
        return
    raise AssertionError(f"accepted {command!r}")


@SETTINGS
@given(action_text, st.sampled_from(["TBC", "ongoing", "no date"]))
def test_no_date_phrases_record_no_due_date(text: str, phrase: str) -> None:
    command = parse_command(f"add DCC to {text} {phrase}", TODAY)
    assert isinstance(command, AddAction)
    assert command.due == NoDueDate()
    assert command.text == text


def _casings(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from([name, name.lower(), name.upper(), name.title()])


built_in_names = st.sampled_from(BUILT_IN_ROLES).flatmap(
    lambda role: st.tuples(
        st.just(role.code),
        st.sampled_from([role.code, role.title, *role.aliases]).flatmap(_casings),
        st.booleans(),
    )
)


@SETTINGS
@given(built_in_names)
def test_every_name_of_a_built_in_role_is_that_role(case: tuple[str, str, bool]) -> None:
    code, name, with_the = case
    written = f"the {name}" if with_the else name
    assert resolve_owner_phrase(written, []) == RoleOwner(code)
    assert parse_owners(f"{written} and <@U1>") == (RoleOwner(code), parse_owners("<@U1>")[0])


title_words = st.lists(
    st.sampled_from(["Director", "Head", "of", "Business", "Services", "Digital", "Estates",
                     "Commissioning", "Manager", "Democratic", "Force", "Panel", "Supt",
                     "Jones", "Policy", "Officer"]),
    min_size=1, max_size=5,
).map(" ".join)


@SETTINGS
@given(title_words, st.booleans(), st.sampled_from([str, str.lower, str.upper]))
def test_a_created_role_is_found_by_its_title_in_any_case(
    title: str, with_the: bool, case: object
) -> None:
    if resolve_owner_phrase(title, []) != UnknownOwner(title, None) and isinstance(
        resolve_owner_phrase(title, []), RoleOwner
    ):
        return  # the title is a built-in role's name
    known = [KnownRole("NEW1", title)]
    written = case(title)  # type: ignore[operator]
    written = f"the {written}" if with_the else written
    assert resolve_owner_phrase(written, known) == RoleOwner("NEW1")
    # The renderer shows the title as written; reading it back names the same role.
    assert parse_owners(title, known) == (RoleOwner("NEW1"),)


@SETTINGS
@given(title_words)
def test_an_unknown_title_is_kept_as_written_never_shouted(title: str) -> None:
    owners = parse_owners(title)
    if isinstance(owners[0], RoleOwner):
        return  # a built-in name or a code written in capitals
    assert all(isinstance(o, OwnerPhrase) for o in owners)
    assert " and ".join(o.text for o in owners if isinstance(o, OwnerPhrase)) == title
