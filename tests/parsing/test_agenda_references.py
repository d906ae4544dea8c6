"""Agenda references in every form minutes use, taken out whole so they never break a date."""

import pytest

from bot.parsing.agenda import AgendaReferenceError, agenda_label, take_agenda_reference


@pytest.mark.parametrize(
    ("text", "rest", "reference"),
    [
        ("review X by July 2027 (item 6, objective 8)", "review X by July 2027", "6, objective 8"),
        ("review X [item 5.2] by July 2027", "review X by July 2027", "5.2"),
        ("review X - item 5.2", "review X", "5.2"),
        ("review X – item 5.2 by 30/06/2027", "review X by 30/06/2027", "5.2"),
        ("review X (minute 12/26) by next meeting", "review X by next meeting", "minute 12/26"),
        ("review X (2.4).", "review X.", "2.4"),
        ("review X (agenda item 3b)", "review X", "3b"),
        ("review phase (2) of X", "review phase (2) of X", None),
        ("review the well-being item", "review the well-being item", None),
    ],
)
def test_references(text: str, rest: str, reference: str | None) -> None:
    found_rest, found = take_agenda_reference(text)
    assert found_rest == rest
    assert (found.text if found else None) == reference


def test_two_references_are_refused() -> None:
    with pytest.raises(AgendaReferenceError, match="one agenda reference"):
        take_agenda_reference("x (item 1) [item 2]")


def test_labels() -> None:
    assert agenda_label("5.2") == "item 5.2"
    assert agenda_label("minute 12/26") == "minute 12/26"
