"""Block Kit as the console prints it: readable text, numbered buttons, mentions by name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.console.text import Names, mrkdwn, render_blocks, render_message
from bot.render.common import context, divider, header, section
from bot.render.home import render_home
from storage.models import ActionStatus
from storage.views import ActionView, OwnerView

NAMES = Names(users={"UDCC": "dana", "USEC": "sam"}, channels={"C0TEAM": "opcc-team"})


def test_mentions_read_as_names() -> None:
    text = "<@UDCC> and <@USEC|sam.policy> in <#C0TEAM> or <#C0TEAM|opcc-team>"
    assert mrkdwn(text, NAMES) == "@dana and @sam in #opcc-team or #opcc-team"


def test_unknown_mentions_fall_back_to_their_label_or_id() -> None:
    assert mrkdwn("<@UOTHER|olly> <@UNEW> <#C999|general>", NAMES) == "@olly @UNEW #general"
    assert mrkdwn("<!here> <!subteam^S1|@policy>", NAMES) == "@here @policy"


def test_links_keep_their_address() -> None:
    assert mrkdwn("<https://example.org|the minutes>") == "the minutes (https://example.org)"
    assert mrkdwn("<https://example.org>") == "https://example.org"
    assert mrkdwn("<mailto:a@b.org|mail us>") == "mail us (mailto:a@b.org)"


def test_angle_brackets_that_are_not_links_stay() -> None:
    assert mrkdwn("Usage: `/actions add <owners> to <what>`") == (
        "Usage: `/actions add <owners> to <what>`")


def test_entities_are_undone_once() -> None:
    # The bot escapes what people type; "&amp;lt;" is someone who typed "&lt;" literally.
    assert mrkdwn("a &lt;b&gt; &amp; c &amp;lt;") == "a <b> & c &lt;"


def test_emphasis_markers_and_known_emoji() -> None:
    assert mrkdwn(":white_check_mark: Recorded *A-1* _Latest:_ x") == "✅ Recorded A-1 Latest: x"
    plain = ":unknown_emoji: 2*3*4 snake_case_name"
    assert mrkdwn(plain) == plain


def _dicts(*blocks: object) -> list[dict]:
    return [b.to_dict() for b in blocks]  # type: ignore[attr-defined]


def test_blocks_become_lines_with_numbered_buttons() -> None:
    buttons = ActionsBlock(block_id="act_1", elements=[
        ButtonElement(text="Add update", action_id="action_add_update", value="1"),
        ButtonElement(text="Mark complete", action_id="action_mark_complete", value="1"),
    ])
    rendered = render_blocks(_dicts(
        header("Your open actions (1)"), section("*A-1* review the metric\nDCC (<@UDCC>)"),
        buttons, divider(), context("Due <#C0TEAM>"),
    ), NAMES)
    assert rendered.lines == [
        "== Your open actions (1) ==", "A-1 review the metric\nDCC (@dana)",
        "  [1] Add update  [2] Mark complete", "-" * 40, "  Due #opcc-team",
    ]
    [first, second] = rendered.buttons
    assert (second.label, second.action_id, second.value, second.block_id) == (
        "Mark complete", "action_mark_complete", "1", "act_1")
    assert first.about == "A-1 review the metric"


def test_numbering_continues_from_first() -> None:
    blocks = _dicts(section("*A-2* x"), ActionsBlock(elements=[
        ButtonElement(text="Go", action_id="go", value="2")]))
    rendered = render_blocks(blocks, NAMES, first=4)
    assert rendered.lines[-1] == "  [4] Go"
    assert rendered.first == 4 and len(rendered.buttons) == 1


def test_message_without_blocks_uses_its_text() -> None:
    rendered = render_message({"text": "Hello <@UDCC>\nsecond line"}, NAMES)
    assert rendered.lines == ["Hello @dana", "second line"]


def test_home_tab_renders_with_its_buttons() -> None:
    now = datetime(2026, 11, 16, 10, tzinfo=UTC)
    action = ActionView(
        id=1, ref=1, text="review the metric", agenda_item="2.4",
        status=ActionStatus.NOT_STARTED, owners=(OwnerView(role="DCC", user_id="UDCC"),),
        due_day=date(2026, 11, 26), due_meeting=None, original_due_day=None,
        source_meeting=None, created_at=now, created_by="USEC", last_update_at=now,
        latest_note=None,
    )
    view = render_home(mine=[action], next_meeting=None, team=None, now=now,
                       zone=ZoneInfo("Europe/London"))
    rendered = render_blocks(view.to_dict()["blocks"], NAMES)
    text = "\n".join(rendered.lines)
    assert "A-1 review the metric" in text and "DCC (@dana)" in text
    assert [b.label for b in rendered.buttons] == [
        "Add update", "Mark in progress", "Mark complete", "Need more time"]
    assert {b.block_id for b in rendered.buttons} == {"act_1"}
    assert all(b.about == "A-1 review the metric" for b in rendered.buttons)
