"""Every listener's ack reaches Slack, whatever fails just after it."""

from __future__ import annotations

import time

import pytest

from tests.support.harness import RunningBot


def _press_then_fail(bot: RunningBot, action_id: str) -> tuple[int, float]:
    bot.standin.inject("views.open", "user_not_found")  # refused at once
    started = time.monotonic()
    response = bot.slack.block_action(action_id, user_id="UDCC", value="1",
                                      view={"id": "V1", "type": "home"})
    return response.status_code, time.monotonic() - started


@pytest.mark.parametrize("action_id", ["action_add_update", "action_need_more_time"])
def test_a_form_that_fails_to_open_right_after_the_ack_is_still_acked(
    bot: RunningBot, action_id: str
) -> None:
    # The race is a few milliseconds wide: try it several times.
    answers = [_press_then_fail(bot, action_id) for _ in range(8)]
    assert [status for status, _ in answers] == [200] * 8
    assert max(seconds for _, seconds in answers) < 2.5
    # ... and the person is told it did not work, instead of nothing happening.
    bot.standin.wait_for("chat.postMessage", count=8)
    told = [c for c in bot.standin.calls_to("chat.postMessage") if c.args["channel"] == "UDCC"]
    assert len(told) == 8 and "could not be opened" in told[0].args["text"]


def test_a_shortcut_whose_form_fails_to_open_is_still_acked(bot: RunningBot) -> None:
    answers = []
    for n in range(8):
        bot.standin.inject("views.open", "user_not_found")
        started = time.monotonic()
        response = bot.slack.message_shortcut(
            "record_as_action", user_id="USEC", message_text=f"DCC to review {n}",
            message_user="UDCC", channel_id="C0TEAM", message_ts=f"1700000000.00000{n}")
        answers.append((response.status_code, time.monotonic() - started))
    assert [status for status, _ in answers] == [200] * 8
    assert max(seconds for _, seconds in answers) < 2.5
