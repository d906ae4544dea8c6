"""Acks never wait behind work already acknowledged; forms to open go first."""

from __future__ import annotations

from bot.standin.triggers import mint_trigger_id
from tests.support.harness import RunningBot

# More than Bolt's own pool of listener threads (10), which used to run the work too.
COMMANDS = 14


def test_acks_come_back_while_earlier_work_is_still_waiting_on_slack(bot: RunningBot) -> None:
    # Every reply is held up by a 429 with Retry-After: 3 before it goes through.
    bot.standin.inject("response_url", "ratelimited", times=COMMANDS, retry_after=3)
    statuses = [bot.slack.slash_command("help", user_id="USEC").status_code
                for _ in range(COMMANDS)]
    assert statuses == [200] * COMMANDS
    # All acks are back before the first 3-second wait is over: none of them queued
    # behind the work of the commands before.
    assert not [c for c in bot.standin.calls_to("response_url") if c.status == 200]
    replies = bot.standin.wait_for("response_url", count=2 * COMMANDS, timeout=60)
    assert len([c for c in replies if c.status == 200]) == COMMANDS


def test_a_form_to_open_is_taken_before_the_commands_queued_ahead_of_it(
    bot: RunningBot,
) -> None:
    """Its trigger expires 3 seconds after the command, so it does not wait its turn."""
    bot.backlog.pause()
    for n in range(5):
        bot.slack.slash_command(f"add DCC to review item {n} by 30/06/2027", user_id="USEC")
    trigger = mint_trigger_id()
    bot.slack.slash_command("", user_id="USEC", trigger_id=trigger)
    bot.backlog.resume()
    [call] = bot.standin.wait_for("views.open")
    assert call.args["trigger_id"] == trigger
    assert call.status == 200  # in time: the trigger was still valid
    assert bot.backlog.wait_idle(30)
    # ... and it was opened before the commands ahead of it were answered (on PostgreSQL
    # a second worker thread may be carrying out one of them meanwhile).
    answered = [c.received_at for c in bot.standin.calls_to("response_url")]
    assert len(answered) == 5
    assert len([at for at in answered if at < call.received_at]) <= 1
