"""A reply reaches the person even when Slack's response_url is rate-limited or failing."""

from __future__ import annotations

from tests.support.harness import RunningBot


def test_reply_survives_a_429_and_a_500(bot: RunningBot) -> None:
    bot.standin.inject("response_url", "ratelimited", times=1, retry_after=1)
    bot.standin.inject("response_url", "server_error", times=1)
    bot.slack.slash_command("help", user_id="USEC")
    calls = bot.standin.wait_for("response_url", count=3, timeout=15)
    assert [c.status for c in calls] == [429, 500, 200]
    assert "/actions" in calls[-1].args["text"]


def test_reply_falls_back_to_a_direct_message(bot: RunningBot) -> None:
    bot.standin.inject("response_url", "server_error", times=10)
    bot.slack.slash_command("help", user_id="USEC")
    [dm] = bot.standin.wait_for("chat.postMessage", timeout=20)
    assert dm.args["channel"] == "USEC" and "/actions" in dm.args["text"]
