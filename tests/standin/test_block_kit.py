"""Block Kit is refused where Slack refuses it, in messages, modals and Home tabs."""

from __future__ import annotations

from typing import Any

import pytest

from bot.standin.api_spec import ApiError
from bot.standin.block_kit import check_message, check_view

TITLE = {"type": "plain_text", "text": "Record action"}


def text(value: str = "x") -> dict[str, Any]:
    return {"type": "plain_text", "text": value}


def button(label: str = "Go", action_id: str = "go") -> dict[str, Any]:
    return {"type": "button", "text": text(label), "action_id": action_id}


def section(value: str = "x") -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": value}}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def an_input() -> dict[str, Any]:
    return {"type": "input", "label": text("What"),
            "element": {"type": "plain_text_input", "action_id": "what"}}


def refusal(blocks: list[Any]) -> str:
    with pytest.raises(ApiError) as failure:
        check_message({"text": "fallback", "blocks": blocks})
    assert failure.value.error == "invalid_blocks"
    return failure.value.messages[0]


def view_refusal(view: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as failure:
        check_view(view, None)
    assert failure.value.error == "invalid_arguments"
    return failure.value.messages[0]


def test_a_valid_message_passes() -> None:
    check_message({"text": "t", "blocks": [section(), actions(button()), {"type": "divider"},
                                           {"type": "context", "elements": [text("small")]}]})


def test_unknown_block_and_element_types() -> None:
    assert "unknown block type 'sektion'" in refusal([{"type": "sektion", "text": text()}])
    assert "/blocks/0/elements/1/type" in refusal([actions(button(), {"type": "bouton"})])


def test_a_section_needs_text_or_fields() -> None:
    assert "text or fields" in refusal([{"type": "section"}])
    check_message({"blocks": [{"type": "section", "fields": [text("a")]}]})


def test_button_text_is_at_most_75_characters() -> None:
    check_message({"blocks": [actions(button("b" * 75))]})
    assert "/blocks/0/elements/0/text/text" in refusal([actions(button("b" * 76))])
    accessory = {**section(), "accessory": button("b" * 76)}
    assert "/blocks/0/accessory/text/text" in refusal([accessory])


def test_action_id_and_block_id_are_at_most_255_characters() -> None:
    check_message({"blocks": [{**actions(button(action_id="a" * 255)), "block_id": "b" * 255}]})
    assert "action_id" in refusal([actions(button(action_id="a" * 256))])
    assert "block_id" in refusal([{**section(), "block_id": "b" * 256}])


def test_an_actions_block_holds_at_most_25_elements() -> None:
    check_message({"blocks": [actions(*[button(action_id=f"a{n}") for n in range(25)])]})
    message = refusal([actions(*[button(action_id=f"a{n}") for n in range(26)])])
    assert "no more than 25 items" in message


def test_at_most_50_blocks_in_a_message_and_100_in_a_view() -> None:
    check_message({"blocks": [section()] * 50})
    assert "no more than 50" in refusal([section()] * 51)
    check_view({"type": "home", "blocks": [section()] * 100}, "home")
    assert "no more than 100" in view_refusal({"type": "home", "blocks": [section()] * 101})
    modal = {"type": "modal", "title": TITLE, "blocks": [section()] * 101}
    assert "no more than 100" in view_refusal(modal)


def test_a_modal_with_inputs_needs_a_submit_button() -> None:
    modal = {"type": "modal", "title": TITLE, "blocks": [an_input()]}
    assert "submit" in view_refusal(modal)
    check_view({**modal, "submit": text("Save")}, "modal")
    check_view({"type": "modal", "title": TITLE, "blocks": [section()]}, "modal")  # no inputs


def test_private_metadata_is_at_most_3000_characters() -> None:
    modal = {"type": "modal", "title": TITLE, "blocks": [section()]}
    check_view({**modal, "private_metadata": "m" * 3000}, "modal")
    assert "private_metadata" in view_refusal({**modal, "private_metadata": "m" * 3001})


def test_blocks_in_views_are_checked_too() -> None:
    home = {"type": "home", "blocks": [actions(button("b" * 76))]}
    assert "/view/blocks/0/elements/0/text/text" in view_refusal(home)


def test_blocks_missing_required_fields_are_refused_not_crashed_on() -> None:
    assert "invalid rich_text block" in refusal([{"type": "rich_text"}])
    assert "'text'" in refusal([actions({"type": "button", "action_id": "x"})])
    assert "/blocks/0/elements/0" in refusal([{"type": "context", "elements": [{"type": "image"}]}])


@pytest.mark.parametrize(("metadata", "error"), [
    ("not json", "invalid_metadata_format"),
    ({"event_payload": {"key": "k"}}, "invalid_metadata_schema"),
    ({"event_type": "reminder", "event_payload": "k"}, "invalid_metadata_schema"),
])
def test_message_metadata_needs_event_type_and_payload(metadata: Any, error: str) -> None:
    check_message({"text": "t", "metadata": {"event_type": "reminder",
                                             "event_payload": {"key": "k"}}})
    with pytest.raises(ApiError) as failure:
        check_message({"text": "t", "metadata": metadata})
    assert failure.value.error == error
