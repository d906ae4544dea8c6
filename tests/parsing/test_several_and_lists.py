"""Issue 12's grammar: several refs at once, the new lists, more time, form wording."""

from datetime import date

import pytest

from bot.parsing.commands import (
    AtItem,
    CloseAction,
    Closed,
    CommandError,
    DoneAction,
    DropAction,
    Everything,
    ListActions,
    NoDate,
    ReopenAction,
    RequestMoreTime,
    Several,
    StartAction,
    action_wording,
    parse_command,
)

TODAY = date(2026, 11, 23)


def parse(text: str):
    return parse_command(text, TODAY)


@pytest.mark.parametrize("text", [
    "close A-2 A-3", "close A-2, A-3", "close A-2 and A-3", "close A-2 & A-3",
    "close a2 #A-3", "close 2, 3", "close 2 and 3", "close 2 3", "close A-2, A-3.",
])
def test_two_refs_are_two_closes_and_never_a_note(text: str) -> None:
    assert parse(text) == Several((CloseAction(2, None), CloseAction(3, None)))


def test_the_issue_examples() -> None:
    assert parse("close A-2, A-3 and A-5") == Several(
        (CloseAction(2, None), CloseAction(3, None), CloseAction(5, None)))
    assert parse("done A-2 A-3 sent") == Several((DoneAction(2, "sent"), DoneAction(3, "sent")))
    assert parse("start A-2 A-3") == Several((StartAction(2), StartAction(3)))
    assert parse("reopen A-2 and A-3") == Several((ReopenAction(2, None), ReopenAction(3, None)))
    assert parse("drop A-2, A-3 superseded by A-9") == Several(
        (DropAction(2, "superseded by A-9"), DropAction(3, "superseded by A-9")))


def test_a_note_that_mentions_a_ref_later_stays_a_note() -> None:
    assert parse("close A-2 superseded by A-9") == CloseAction(2, "superseded by A-9")
    assert parse("done A-7 2 reports sent") == DoneAction(7, "2 reports sent")
    assert parse("close A-7: accepted") == CloseAction(7, "accepted")


def test_a_repeated_ref_counts_once() -> None:
    assert parse("close A-2 and A-2") == CloseAction(2, None)


def test_start_with_a_note_and_drop_without_a_reason_are_refused() -> None:
    for text in ("start A-2 A-3 begun", "drop A-2 A-3", "close A-2 A-0"):
        with pytest.raises(CommandError):
            parse(text)


def test_too_many_refs_are_refused() -> None:
    with pytest.raises(CommandError, match="at most"):
        parse("close " + " ".join(f"A-{n}" for n in range(1, 30)))


@pytest.mark.parametrize("text, which", [
    ("list closed", Closed()), ("list all", Everything()), ("list no date", NoDate()),
    ("list undated", NoDate()), ("list item 2.4", AtItem("2.4")), ("list ALL", Everything()),
])
def test_new_lists(text: str, which: object) -> None:
    assert parse(text) == ListActions(which)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["list item", "list item two", "list @nobody here"])
def test_bad_lists_are_errors(text: str) -> None:
    with pytest.raises(CommandError):
        parse(text)


def test_more_time_command() -> None:
    assert parse("more-time A-7 31/01/2027 waiting for HMICFRS report") == RequestMoreTime(
        7, date(2027, 1, 31), "waiting for HMICFRS report")
    for text in ("more-time A-7", "more-time A-7 31/01/2027", "more-time A-7 soonish please"):
        with pytest.raises(CommandError):
            parse(text)


@pytest.mark.parametrize("typed, stored", [
    ("Brief the PCC on 101", "brief the PCC on 101"),
    ("to Brief the PCC", "brief the PCC"),
    ("PCC briefing to be shared", "PCC briefing to be shared"),
    ("HMICFRS report to be circulated", "HMICFRS report to be circulated"),
    ("review the metric", "review the metric"),
    ("McDonald review to be read", "McDonald review to be read"),
])
def test_form_wording(typed: str, stored: str) -> None:
    assert action_wording(typed) == stored
