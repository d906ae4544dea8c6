"""The import review within Slack's limits: pages of at most 100 blocks, every action reachable."""

from __future__ import annotations

import json

from slack_sdk.models.views import View

from bot.ids import ImportField
from bot.render.imports import PAGE_SIZE, edits_from, page_count, paste_form, review_form


def _data(count: int) -> dict:
    return {"source_name": "minutes.docx", "meeting": {"date": "2027-01-26", "kind": "monthly"},
            "problems": ["Action 3: I couldn't read the date “soonish”."], "brought_forward": 1,
            "items": [{"text": f"review area {n} " + "x" * 2500, "owners": "DCC",
                       "due": "next meeting", "agenda_item": "2.1",
                       "source": "ACTION: DCC to review " + "y" * 2900, "include": True,
                       "flags": ["unknown owner"] if n % 2 else []} for n in range(count)]}


def test_two_hundred_actions_are_paged_within_slacks_limits_and_none_is_left_out() -> None:
    data = _data(200)
    seen: list[str] = []
    for page in range(page_count(data)):
        view = review_form(7, data, page).to_dict()
        View(**view).validate_json()
        assert len(view["blocks"]) <= 100
        assert len(view["private_metadata"]) <= 3000
        seen += [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(
            ImportField.TEXT.value)]
        for block in view["blocks"]:
            for element in block.get("elements", []):
                if isinstance(element.get("text"), str):
                    assert len(element["text"]) <= 3000
    assert seen == [ImportField.TEXT.block(n) for n in range(200)]
    assert page_count(data) == 200 // PAGE_SIZE


def test_the_last_page_says_where_it_is_and_the_submit_counts_ticked_actions() -> None:
    data = _data(23)
    data["items"][0]["include"] = False
    view = review_form(7, data, 2).to_dict()
    shown = json.dumps(view, ensure_ascii=False)
    assert "actions 21–23 of 23" in shown and "Page 3 of 3" in shown
    assert view["submit"]["text"] == "Record 22 actions"
    assert "◀ Previous" in shown and "Next ▶" not in shown


def test_edits_on_a_page_change_only_that_page() -> None:
    data = _data(12)
    values = {ImportField.KEEP.block(10): {"value": {"selected_options": []}},
              ImportField.OWNERS.block(11): {"value": {"value": "ACC"}}}
    edited = edits_from(values, data, 1)
    assert edited["items"][10]["include"] is False and edited["items"][11]["owners"] == "ACC"
    assert edited["items"][0] == data["items"][0]
    assert data["items"][10]["include"] is True  # the stored data is not changed in place


def test_paste_form_is_valid() -> None:
    View(**paste_form().to_dict()).validate_json()
