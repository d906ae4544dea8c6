"""Acks never wait behind work already acknowledged; an overloaded bot says so."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.standin.triggers import mint_trigger_id
from storage.db import transaction
from storage.models import Action
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


def test_a_full_backlog_tells_the_person_and_changes_nothing(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.backlog, "_limit", 0)
    response = bot.slack.slash_command("add DCC to review the metric by 30/06/2027",
                                       user_id="USEC")
    assert response.status_code == 200
    [reply] = bot.standin.wait_for("response_url", count=1)
    assert "busy" in reply.args["text"] and "nothing was changed" in reply.args["text"]
    with transaction(bot.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 0


def test_the_form_opens_at_once_even_when_the_backlog_is_full(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its trigger expires 3 seconds after the command, so it never waits in the queue."""
    monkeypatch.setattr(bot.backlog, "_limit", 0)
    trigger = mint_trigger_id()
    bot.slack.slash_command("", user_id="USEC", trigger_id=trigger)
    [call] = bot.standin.wait_for("views.open")
    assert call.args["trigger_id"] == trigger
    assert call.status == 200  # in time: the trigger was still valid
    assert bot.standin.calls_to("response_url") == []
