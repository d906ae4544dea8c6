"""Signed but malformed requests and failing buttons: refused cleanly, never a 500.

Each case here once gave a 500, the generic failure, a Bolt 404 or silence.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import func, select

from bot.ids import ActionId
from bot.standin.signed_client import SLACK_USER_AGENT, sign
from storage.db import transaction
from tests.reliability.conftest import direct_messages, next_direct_message, say
from tests.support.databases import record_tables
from tests.support.harness import SIGNING_SECRET, TEAM, RunningBot

DEEP = 100_000


def _rows(bot: RunningBot) -> int:
    with transaction(bot.sessions) as session:
        return sum(session.scalar(select(func.count()).select_from(table)) or 0
                   for table in record_tables())


def _post(bot: RunningBot, body: bytes, content_type: str, stamp: str | None = None
          ) -> requests.Response:
    stamp = stamp or str(int(time.time()))
    headers = {"Content-Type": content_type, "User-Agent": SLACK_USER_AGENT,
               "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": sign(SIGNING_SECRET, stamp, body)}
    return requests.post(f"{bot.url}/slack/events", data=body, headers=headers, timeout=10)


def _command(**fields: str) -> bytes:
    return urlencode({"token": "t", "team_id": TEAM, "channel_id": "C0TEAM",
                      "user_id": "USEC", "user_name": "usec", "command": "/actions",
                      "text": "add DCC to review the metric by 30/06/2027",
                      "api_app_id": "A0001", "response_url": "", "trigger_id": "1.2.3",
                      **fields}).encode()


def _nested_event(depth: int) -> bytes:
    """An event whose text is a list nested ``depth`` deep, written out by hand."""
    head = json.dumps({"type": "event_callback", "team_id": TEAM, "api_app_id": "A0001",
                       "event": {"type": "app_home_opened", "user": "USEC"}})
    # Spliced in as text: json.dumps itself would overflow the stack on such nesting.
    return (head[:-2] + ', "x": ' + "[" * depth + "]" * depth + "}}").encode()


def _nested_payload(depth: int) -> bytes:
    head = json.dumps({"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "USEC"},
                       "actions": []})
    payload = head[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    return urlencode({"payload": payload}).encode()


FORM = "application/x-www-form-urlencoded"
MALFORMED: dict[str, tuple[bytes, str]] = {
    "JSON nested 100,000 deep": (_nested_event(DEEP), "application/json"),
    "JSON nested 200 deep": (_nested_event(200), "application/json"),
    "payload= nested 100,000 deep": (_nested_payload(DEEP), FORM),
    "team id of 40 characters": (_command(team_id="T" * 40), FORM),
    "user id of 40 characters": (_command(user_id="U" * 40), FORM),
    "user id that is not text": (
        urlencode({"payload": json.dumps({"type": "block_actions", "team": {"id": TEAM},
                                          "user": {"id": 12}, "actions": []})}).encode(),
        FORM),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_signed_malformed_request_gets_400_and_changes_nothing(fresh_bot: RunningBot,
                                                               name: str) -> None:
    body, content_type = MALFORMED[name]
    response = _post(fresh_bot, body, content_type)
    assert response.status_code == 400, (response.status_code, response.text[:200])
    time.sleep(0.2)  # anything the request set off would have happened by now
    assert _rows(fresh_bot) == 0
    assert {c.method for c in fresh_bot.standin.calls} <= {"auth.test"}


def test_a_stamp_of_400_digits_gets_401_not_a_traceback(fresh_bot: RunningBot) -> None:
    response = _post(fresh_bot, _command(), FORM, stamp="9" * 400)
    assert response.status_code == 401, response.text[:200]
    assert "Traceback" not in response.text
    assert _rows(fresh_bot) == 0


@pytest.fixture
def with_action(fresh_bot: RunningBot) -> RunningBot:
    say(fresh_bot, "role DCC <@UDCC>")
    assert "Recorded" in say(fresh_bot, "add DCC to review the metric by 30/06/2027")
    return fresh_bot


def _everything(bot: RunningBot) -> list[tuple[object, ...]]:
    with transaction(bot.sessions) as session:
        return [tuple(row) for table in record_tables()
                for row in session.execute(select(table)).all()]


def _plain(value: str) -> dict[str, object]:
    return {"value": {"type": "plain_text_input", "value": value}}


FORMS = {
    "ref of 1e400 in private metadata": (
        "add_update", '{"ref": 1e400}', {"note": _plain("draft circulated")}, "unknown"),
    "ref of -1e400 in private metadata": (
        "need_more_time", '{"ref": -1e400}',
        {"new_date": {"value": {"type": "datepicker", "selected_date": "2027-09-30"}},
         "reason": _plain("audit")}, "unknown"),
    "lone surrogate in the record form": (
        "record_action", "",
        {"text": _plain("share the \ud800 note"),
         "due_date": {"value": {"type": "datepicker", "selected_date": "2027-06-30"}},
         "owners_roles": {"value": {"type": "multi_static_select",
                                    "selected_options": [{"value": "DCC"}]}}},
        "broken character"),
    "lone surrogate in an update": (
        "add_update", json.dumps({"ref": 1}), {"note": _plain("draft \udfff circulated")},
        "broken character"),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_malformed_form_is_refused_in_the_form(with_action: RunningBot, name: str) -> None:
    bot = with_action
    before = _everything(bot)
    callback_id, metadata, values, expected = FORMS[name]
    response = bot.slack.view_submission(callback_id, values, user_id="UDCC",
                                         private_metadata=metadata)
    assert response.status_code == 200, response.text[:200]
    answer = response.json()
    assert answer["response_action"] == "errors", answer
    assert expected in " ".join(answer["errors"].values()).lower(), answer
    assert _everything(bot) == before


@pytest.mark.parametrize("value", ["abc", "9" * 400, "0", "-1", "\u0661"])
def test_a_button_with_a_broken_value_is_answered_and_explained(with_action: RunningBot,
                                                                 value: str) -> None:
    bot = with_action
    before, rows = len(direct_messages(bot, "UDCC")), _everything(bot)
    started = time.perf_counter()
    response = bot.slack.block_action(ActionId.MARK_COMPLETE, user_id="UDCC", value=value,
                                      view={"type": "home"})
    took = time.perf_counter() - started
    assert response.status_code == 200
    assert took < 1.0, f"the button held the request for {took:.2f} s"
    text = next_direct_message(bot, "UDCC", before, "the broken button")
    assert "nothing was changed" in text
    assert _everything(bot) == rows


@pytest.mark.parametrize("action_id", [ActionId.ADD_UPDATE, ActionId.NEED_MORE_TIME])
def test_a_form_that_slack_will_not_open_is_explained(with_action: RunningBot,
                                                      action_id: str) -> None:
    bot = with_action
    bot.standin.inject("views.open", "expired_trigger_id")
    before = len(direct_messages(bot, "UDCC"))
    started = time.perf_counter()
    response = bot.slack.block_action(action_id, user_id="UDCC", value="1",
                                      view={"type": "home"})
    assert response.status_code == 200
    assert time.perf_counter() - started < 1.0
    text = next_direct_message(bot, "UDCC", before, "the failed views.open")
    assert "could not be opened" in text


def test_the_record_form_that_slack_will_not_open_is_explained(with_action: RunningBot
                                                               ) -> None:
    bot = with_action
    bot.standin.inject("views.open", "expired_trigger_id")
    before = len(direct_messages(bot, "USEC"))
    response = bot.slack.slash_command("", user_id="USEC")
    assert response.status_code == 200
    text = next_direct_message(bot, "USEC", before, "the failed views.open")
    assert "could not be opened" in text


# Columns have lengths; SQLite ignores them and PostgreSQL fails the whole transaction, so
# an over-long value must be refused with a message on both, before the database sees it.
OVERLONG = {
    "a channel id of 41 characters": "settings channel <#C" + "A" * 40 + "|team>",
    "a user group id of 41 characters": "secretariat group <!subteam^S" + "A" * 40 + "|sec>",
}


@pytest.mark.parametrize("name", list(OVERLONG))
def test_an_overlong_value_is_refused_with_a_message(with_action: RunningBot, name: str) -> None:
    bot = with_action
    before = _everything(bot)
    reply = say(bot, OVERLONG[name])
    assert "too long" in reply, reply
    assert _everything(bot) == before


def test_an_import_form_that_slack_will_not_open_is_explained(with_action: RunningBot) -> None:
    """The "Import from minutes" shortcut: nothing is read or stored, and the person hears."""
    bot = with_action
    shared = bot.standin.shared_files.add("F0MIN", "minutes.txt", b"ACTION: DCC to review",
                                          user="USEC")
    bot.standin.inject("views.open", "expired_trigger_id")
    before = len(direct_messages(bot, "USEC"))
    response = bot.slack.message_shortcut("import_from_minutes", user_id="USEC",
                                          message_text="Minutes", message_user="USEC",
                                          channel_id="C0TEAM", message_ts="5.1",
                                          message_files=[shared])
    assert response.status_code == 200
    text = next_direct_message(bot, "USEC", before, "the failed views.open")
    assert "could not be opened" in text
    assert not bot.standin.calls_to("files.info")
