"""Replays, Slack's retries and double submissions act once (the request-key ledger)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from bot.ids import ActionId, CallbackId
from storage.db import transaction
from storage.models import Action, ActionEvent
from tests.reliability.conftest import direct_messages, say, wait_until_settled
from tests.support.harness import RunningBot


def _count(bot: RunningBot, model: type, *where: object) -> int:
    with transaction(bot.sessions) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _entries(bot: RunningBot, kind: str) -> int:
    return _count(bot, ActionEvent, ActionEvent.kind == kind)


@pytest.fixture
def ready(fresh_bot: RunningBot) -> RunningBot:
    say(fresh_bot, "role DCC <@UDCC>")
    say(fresh_bot, "add DCC to review the metric by 30/06/2027")
    fresh_bot.backlog.wait_idle(10)
    wait_until_settled(fresh_bot.standin)
    return fresh_bot


class Captured:
    """The exact bytes and timestamp of one request, to send again as an attacker would."""

    def __init__(self) -> None:
        self.body = b""
        self.stamp = int(time.time())

    def keep(self, body: bytes) -> bytes:
        self.body = body
        return body


def _settle(bot: RunningBot) -> None:
    bot.backlog.wait_idle(10)
    wait_until_settled(bot.standin)


def test_a_replayed_update_adds_one_entry(ready: RunningBot) -> None:
    bot, captured = ready, Captured()
    first = bot.slack.slash_command("update A-1 draft circulated", user_id="UDCC",
                                    timestamp=captured.stamp, tamper=captured.keep)
    _settle(bot)
    replay = bot.slack.send(captured.body, "application/x-www-form-urlencoded",
                            timestamp=captured.stamp)
    _settle(bot)
    assert (first.status_code, replay.status_code) == (200, 200)
    assert _entries(bot, "update") == 1


def test_an_add_replayed_a_minute_later_adds_nothing(ready: RunningBot) -> None:
    bot, captured = ready, Captured()
    bot.slack.slash_command("add DCC to brief the PCC by 30/06/2027", user_id="USEC",
                            timestamp=captured.stamp, tamper=captured.keep)
    _settle(bot)
    bot.clock.advance(timedelta(seconds=62))  # past the one-minute duplicate rule
    replay = bot.slack.send(captured.body, "application/x-www-form-urlencoded",
                            timestamp=captured.stamp)
    _settle(bot)
    assert replay.status_code == 200
    assert _count(bot, Action) == 2


def test_a_command_resent_with_retry_num_acts_once(ready: RunningBot) -> None:
    """Slack's resend: the same body, signed again later, marked X-Slack-Retry-Num."""
    bot, captured = ready, Captured()
    bot.slack.slash_command("update A-1 draft circulated", user_id="UDCC",
                            timestamp=captured.stamp, tamper=captured.keep)
    _settle(bot)
    resend = bot.slack.send(captured.body, "application/x-www-form-urlencoded",
                            timestamp=captured.stamp + 2,
                            headers={"X-Slack-Retry-Num": "1",
                                     "X-Slack-Retry-Reason": "http_timeout"})
    _settle(bot)
    assert resend.status_code == 200
    assert _entries(bot, "update") == 1


def test_an_event_retried_with_a_new_stamp_is_handled_once(ready: RunningBot) -> None:
    bot = ready
    event = {"type": "app_home_opened", "user": "UDCC", "tab": "home", "channel": "D0DCC"}
    before = len(bot.standin.calls_to("views.publish"))
    bot.slack.event(event, event_id="Ev0ONCE1")
    _settle(bot)
    time.sleep(1.1)  # the retry's event_time and signature differ from the first's
    bot.slack.event(event, event_id="Ev0ONCE1", retry_num=1)
    _settle(bot)
    assert len(bot.standin.calls_to("views.publish")) == before + 1


def test_a_button_press_delivered_twice_acts_once(ready: RunningBot) -> None:
    bot, captured = ready, Captured()
    bot.slack.block_action(ActionId.MARK_IN_PROGRESS, user_id="UDCC", value="1",
                           view={"type": "home"}, timestamp=captured.stamp,
                           tamper=captured.keep)
    _settle(bot)
    bot.slack.send(captured.body, "application/x-www-form-urlencoded",
                   timestamp=captured.stamp + 1, headers={"X-Slack-Retry-Num": "1"})
    _settle(bot)
    assert _entries(bot, "status") == 1
    assert len(direct_messages(bot, "UDCC")) == 1  # no second "cannot" message either


def _note(text: str) -> dict[str, object]:
    return {"note": {"value": {"type": "plain_text_input", "value": text}}}


def _more_time() -> dict[str, object]:
    return {"new_date": {"value": {"type": "datepicker", "selected_date": "2027-09-30"}},
            "reason": {"value": {"type": "plain_text_input", "value": "audit delayed"}}}


FORMS: dict[str, tuple[str, Callable[[], dict[str, object]], str]] = {
    "add update": (CallbackId.ADD_UPDATE, lambda: _note("draft circulated"), "update"),
    "need more time": (CallbackId.NEED_MORE_TIME, _more_time, "more_time_requested"),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_a_form_submitted_twice_acts_once(ready: RunningBot, name: str) -> None:
    bot = ready
    callback_id, values, kind = FORMS[name]
    say(bot, "secretariat add <@UACC>")
    _settle(bot)
    messages = len(bot.standin.calls_to("chat.postMessage"))
    responses = [bot.slack.view_submission(callback_id, values(), user_id="UDCC",
                                           private_metadata=json.dumps({"ref": 1}),
                                           view_id="V0TWICE")
                 for _ in range(2)]
    _settle(bot)
    assert [r.status_code for r in responses] == [200, 200]
    assert all("errors" not in r.text for r in responses), [r.text for r in responses]
    assert _entries(bot, kind) == 1
    sent = bot.standin.calls_to("chat.postMessage")[messages:]
    confirmations = [c for c in sent if c.args.get("channel") == "UDCC"]
    assert len(confirmations) == 1, [c.args.get("text") for c in sent]


def test_a_refused_form_sent_again_unchanged_acts(ready: RunningBot) -> None:
    """A refusal changes nothing, so sending the same form again must not be swallowed."""
    bot = ready
    say(bot, "close A-1")
    first = bot.slack.view_submission(CallbackId.ADD_UPDATE, _note("late news"), user_id="USEC",
                                      private_metadata=json.dumps({"ref": 1}),
                                      view_id="V0AGAIN")
    assert "errors" in first.text, first.text
    say(bot, "reopen A-1 more to do")
    again = bot.slack.view_submission(CallbackId.ADD_UPDATE, _note("late news"), user_id="USEC",
                                      private_metadata=json.dumps({"ref": 1}),
                                      view_id="V0AGAIN")
    _settle(bot)
    assert "errors" not in again.text, again.text
    assert _entries(bot, "update") == 1


def test_two_different_commands_both_act(ready: RunningBot) -> None:
    """The ledger keys on the whole request: different requests are never confused."""
    bot = ready
    assert "Update added" in say(bot, "update A-1 first", user="UDCC")
    assert "Update added" in say(bot, "update A-1 first", user="UDCC")
    assert _entries(bot, "update") == 2


def test_repeat_answers_do_not_leak_through_a_plain_post(ready: RunningBot) -> None:
    """An unsigned copy of a request is still refused before the ledger is asked."""
    bot, captured = ready, Captured()
    bot.slack.slash_command("update A-1 draft", user_id="UDCC", timestamp=captured.stamp,
                            tamper=captured.keep)
    _settle(bot)
    response = requests.post(f"{bot.url}/slack/events", data=captured.body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401
