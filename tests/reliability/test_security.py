"""Hostile requests, hostile text and secrets: refused or stored as typed, never leaked.

Every request here goes through the real bot over HTTP (waitress, the WSGI app, Bolt's
signature check) to the Slack stand-in.
"""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from sqlalchemy import func, select

from bot.http import SlackWsgiApp
from bot.ids import ActionId
from bot.log import configure_logging
from bot.standin.signed_client import SLACK_USER_AGENT, sign
from storage.db import transaction
from storage.models import Action, ActionEvent, Meeting
from tests.reliability.conftest import (
    check_layout,
    everything_sent,
    outgoing,
    press,
    say,
    wait_until_settled,
)
from tests.support.databases import record_tables
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, TEAM, RunningBot, bot_settings

# -- signature, replay and malformed requests -------------------------------------------


def _rows(bot: RunningBot) -> int:
    with transaction(bot.sessions) as session:
        return sum(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in record_tables()
        )


def _form(text: str = "add DCC to review the metric by 30/06/2027") -> bytes:
    return urlencode(
        {
            "token": "verification-token",
            "team_id": TEAM,
            "team_domain": "actionlog",
            "channel_id": "C0TEAM",
            "user_id": "USEC",
            "user_name": "usec",
            "command": "/actions",
            "text": text,
            "api_app_id": "A0001",
            "response_url": "",
            "trigger_id": "1.2.3",
        }
    ).encode()


def _headers(
    body: bytes,
    *,
    stamp: int | str | None = None,
    signature: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    stamp = int(time.time()) if stamp is None else stamp
    return {
        "Content-Type": content_type,
        "User-Agent": SLACK_USER_AGENT,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature or sign(SIGNING_SECRET, stamp, body),
    }


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


def _event_json(kind: str = "event_callback") -> bytes:
    return json.dumps(
        {
            "token": "verification-token",
            "team_id": TEAM,
            "api_app_id": "A0001",
            "type": kind,
            "event_id": "Ev1",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": "USEC", "tab": "home"},
        }
    ).encode()


BAD_PAYLOAD = b"payload=" + b"%7B%22type%22%3A%20%22block_actions%22%2C%20%22team"  # cut JSON

Hostile = tuple[bytes, dict[str, str]]


def _signed(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Hostile:
    """A body correctly signed now, so only what is wrong with the body itself is tested."""
    return body, _headers(body, content_type=content_type)


def _signed_json(value: object) -> Hostile:
    return _signed(json.dumps(value).encode(), "application/json")


def _signed_payload(value: object) -> Hostile:
    """Interactivity's shape: a form with one field, `payload`, holding JSON."""
    return _signed(urlencode({"payload": json.dumps(value)}).encode())


def _event_with(**fields: object) -> dict[str, object]:
    return {**json.loads(_event_json()), **fields}


def _stamped(offset: int) -> Hostile:
    """Signed correctly, but stamped `offset` seconds from now."""
    return _form(), _headers(_form(), stamp=int(time.time()) + offset)


# name -> (how to build the body and headers, acceptable statuses). Each case is built
# when its test runs, not at import: a timestamp taken at collection goes stale while
# the earlier tests run.
HOSTILE_REQUESTS: dict[str, tuple[Callable[[], Hostile], set[int]]] = {
    "wrong signature": (
        lambda: (_form(), _headers(_form(), signature="v0=" + "0" * 64)),
        {401},
    ),
    "signature by another secret": (
        lambda: (_form(), _headers(_form(), signature=sign("not-the-secret", _now(), _form()))),
        {401},
    ),
    "signature with non-ASCII characters": (
        lambda: (_form(), _headers(_form(), signature="v0=\u00e9" * 16)),
        {401},
    ),
    "timestamp 6 minutes old": (lambda: _stamped(-360), {401}),
    "timestamp 6 minutes in the future": (lambda: _stamped(360), {401}),
    "timestamp a year in the future": (lambda: _stamped(365 * 86400), {401}),
    "timestamp that is not a number": (
        lambda: (_form(), _headers(_form(), stamp="soon")),
        {401},
    ),
    "timestamp with a fraction": (
        lambda: (_form(), _headers(_form(), stamp=f"{_now()}.5")),
        {401},
    ),
    "body altered after signing": (
        lambda: (_form().replace(b"review", b"delete"), _headers(_form())),
        {401},
    ),
    "signature header missing": (
        lambda: (_form(), _without(_headers(_form()), "X-Slack-Signature")),
        {401},
    ),
    "timestamp header missing": (
        lambda: (_form(), _without(_headers(_form()), "X-Slack-Request-Timestamp")),
        {401},
    ),
    "no Slack headers at all": (
        lambda: (_form(), {"Content-Type": "application/x-www-form-urlencoded"}),
        {401},
    ),
    "malformed form data": (lambda: _signed(b"%%%&&&==;\xff\xfe"), {400, 401, 404}),
    "malformed JSON in payload=": (lambda: _signed(BAD_PAYLOAD), {400}),
    "event body that is not JSON": (lambda: _signed(b"{not json", "application/json"), {400}),
    "JSON body that is a list": (lambda: _signed_json([{"type": "event_callback"}]), {400}),
    "JSON body that is a string": (lambda: _signed_json("event_callback"), {400}),
    "JSON body that is a number": (lambda: _signed_json(42), {400}),
    "JSON body that is null": (lambda: _signed_json(None), {400}),
    "payload= that is a list": (lambda: _signed_payload([{"type": "block_actions"}]), {400}),
    "payload= that is a string": (lambda: _signed_payload("block_actions"), {400}),
    "event_callback whose event is a list": (
        lambda: _signed_json(_event_with(event=[{"type": "app_home_opened"}])),
        {400},
    ),
    "event_callback whose event is a string": (
        lambda: _signed_json(_event_with(event="app_home_opened")),
        {400},
    ),
    "block_actions whose actions are not objects": (
        lambda: _signed_payload(
            {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "USEC"},
             "actions": ["mark_complete"]}
        ),
        {400},
    ),
    "view_submission whose view is a list": (
        lambda: _signed_payload(
            {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "USEC"},
             "view": [{"callback_id": "record_action"}]}
        ),
        {400},
    ),
    "valid signature, unknown type": (
        lambda: _signed(_event_json("definitely_not_a_slack_type"), "application/json"),
        {200, 404},
    ),
    "valid signature, slash command for another app": (
        lambda: _signed(_form().replace(b"%2Factions", b"%2Fnot-ours")),
        {200, 404},
    ),
}


def _now() -> int:
    return int(time.time())


@pytest.mark.parametrize("name", list(HOSTILE_REQUESTS))
def test_hostile_request_is_refused_and_changes_nothing(fresh_bot: RunningBot, name: str) -> None:
    build, acceptable = HOSTILE_REQUESTS[name]
    body, headers = build()
    response = requests.post(
        f"{fresh_bot.url}/slack/events", data=body, headers=headers, timeout=10
    )
    assert response.status_code in acceptable, (response.status_code, response.text)
    time.sleep(0.2)  # anything the request set off would have happened by now
    assert _rows(fresh_bot) == 0
    assert {c.method for c in fresh_bot.standin.calls} <= {"auth.test"}


def _call_wsgi(wsgi: SlackWsgiApp, body: bytes, headers: dict[str, str]) -> int:
    """One request straight into the WSGI app, no server; returns the status code."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": headers.get("Content-Type", ""),
        "wsgi.input": io.BytesIO(body),
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    }
    statuses: list[str] = []
    wsgi(environ, lambda status, _headers: statuses.append(status))
    return int(statuses[0].split()[0])


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [(0, 200), (-360, 401), (360, 401), (-3600, 401), (3600, 401), ("soon", 401)],
)
def test_the_bot_itself_refuses_stale_and_post_dated_stamps(stamp: int | str,
                                                            expected: int) -> None:
    """Our own check, not Bolt's: here Bolt's verification is off, as in Socket Mode."""
    heard: list[str] = []
    bolt = App(signing_secret=SIGNING_SECRET, request_verification_enabled=False,
               authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id=TEAM,
                                                     bot_token=BOT_TOKEN))

    @bolt.command("/actions")
    def _record(ack: Any, command: dict[str, Any]) -> None:
        ack()
        heard.append(command["text"])

    wsgi = SlackWsgiApp(bolt, health_check=lambda: True, signing_secret=SIGNING_SECRET)
    sent_at = int(time.time()) + stamp if isinstance(stamp, int) else stamp
    assert _call_wsgi(wsgi, _form(), _headers(_form(), stamp=sent_at)) == expected
    assert heard == ([] if expected == 401 else ["add DCC to review the metric by 30/06/2027"])


def test_stale_signature_replayed_later_is_refused(fresh_bot: RunningBot) -> None:
    """A request captured and replayed with its original headers six minutes on."""
    body = _form()
    then = int(time.time()) - 360
    headers = _headers(body, stamp=then)
    response = requests.post(
        f"{fresh_bot.url}/slack/events", data=body, headers=headers, timeout=10
    )
    assert response.status_code == 401
    assert _rows(fresh_bot) == 0


@pytest.mark.parametrize("size", [1024 * 1024 + 1, 5 * 1024 * 1024])
def test_huge_bodies_are_refused_with_413(fresh_bot: RunningBot, size: int) -> None:
    body = b"text=" + b"x" * size
    response = requests.post(
        f"{fresh_bot.url}/slack/events", data=body, headers=_headers(body), timeout=20
    )
    assert response.status_code == 413
    assert _rows(fresh_bot) == 0
    assert {c.method for c in fresh_bot.standin.calls} <= {"auth.test"}


def test_lying_content_length_is_refused(fresh_bot: RunningBot) -> None:
    """A Content-Length far beyond the limit is refused before any body is read."""
    port = int(fresh_bot.url.rsplit(":", 1)[1])
    head = _headers(b"x")
    lines = [
        b"POST /slack/events HTTP/1.1",
        b"Host: 127.0.0.1",
        b"Content-Length: 999999999",
        *(f"{k}: {v}".encode() for k, v in head.items()),
        b"Connection: close",
        b"",
        b"x",
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"\r\n".join(lines))
        answer = conn.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert _rows(fresh_bot) == 0


# -- hostile text ------------------------------------------------------------------------

HOSTILE_TEXTS = {
    "sql": "check '; DROP TABLE actions; -- and \" OR 1=1 --",
    "channel": "<!channel> read this now",
    "here": "tell <!here> about it",
    "everyone": "and <!everyone> too",
    "fake mention": "get sign-off from <@U0FAKE|boss> today",
    "fake group": "ask <!subteam^S0FAKE|@chiefs> first",
    "link": "see <https://evil.example|click here> for the form",
    "bell": "ring \x07 the bell",
    "control": "tab\there and escape \x1b[31m red",
    "newlines": "first line\nsecond line\n\nthird after a gap",
    "rtl": "review \u202eslip\u202c and \u200fright-to-left\u200e marks",
    "emoji": "🚓 brief on 👮‍♀️ custody 🇬🇧 issues",
    "mrkdwn": "*bold* _it_ ~strike~ `code` ```block``` > quote",
    "entities": "keep &amp; and &lt;b&gt; exactly & < >",
    "exactly 3000": "x" * 2990 + " at limit",
}
FORBIDDEN = ("<!channel", "<!here", "<!everyone", "<@U0FAKE", "<!subteam^S0FAKE", "<https://evil")


def _slack_escape(text: str) -> str:
    """Slack escapes &, < and > in the text of a slash command."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture
def ready(fresh_bot: RunningBot) -> RunningBot:
    say(fresh_bot, "role DCC <@UDCC>")
    say(fresh_bot, "settings channel <#C0TEAM|opcc-team>")
    say(fresh_bot, "meeting next 26/11/2026 10:00 Thematic: Covid-19")
    return fresh_bot


def _stored_texts(bot: RunningBot) -> list[str]:
    with transaction(bot.sessions) as session:
        return list(session.scalars(select(Action.text).order_by(Action.ref)))


def _assert_nothing_dangerous_sent(bot: RunningBot) -> None:
    calls = outgoing(bot.standin)
    assert calls
    for call in calls:
        check_layout(call)
        sent = everything_sent(call)
        for bad in FORBIDDEN:
            assert bad not in sent, f"{call.method} sent {bad!r}: {sent[:300]}"


# Typed text arrives with &, < and > escaped; a mention picked from Slack's list arrives
# raw (<!channel>). Slack never sends a raw "&amp;", so that case is only sent as typed.
CASES = [
    pytest.param(name, escaped, id=f"{name}-{'as typed' if escaped else 'as a mention'}")
    for name in HOSTILE_TEXTS
    for escaped in (True, False)
    if escaped or name != "entities"
]


@pytest.mark.parametrize(("name", "escaped"), CASES)
def test_hostile_text_is_stored_exactly_and_shown_harmlessly(
    ready: RunningBot, name: str, escaped: bool
) -> None:
    text = HOSTILE_TEXTS[name]
    sent = _slack_escape(text) if escaped else text
    reply = say(ready, f"add DCC to {sent} by next meeting")
    assert "Recorded" in reply, reply
    assert _stored_texts(ready) == [text]
    say(ready, "update A-1 " + sent, "UDCC")
    say(ready, "show A-1")
    say(ready, "list")
    ready.slack.event({"type": "app_home_opened", "user": "UDCC", "tab": "home"})
    ready.standin.wait_for("views.publish", count=1)
    press(ready, ActionId.MARK_IN_PROGRESS, 1, "UDCC")
    # The reminder DM, the matters-arising summary and the owner's Home tab.
    ready.reminders.run_due(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert ready.standin.calls_to("chat.postMessage")
    with transaction(ready.sessions) as session:
        note = session.scalar(select(ActionEvent.note).where(ActionEvent.kind == "update"))
    assert note == text
    _assert_nothing_dangerous_sent(ready)


@pytest.mark.parametrize(
    "text",
    [
        "secretariat add <!here>",
        "secretariat group <!channel>",
        "settings channel <!channel>",
        "meeting next 26/12/2026 10:00 <!channel> and <@U0FAKE|boss>",
        "add DCC to x by <!channel>",
        "update A-1 <!here> <https://evil.example|click>",
    ],
)
def test_hostile_words_in_other_commands_never_ping(ready: RunningBot, text: str) -> None:
    say(ready, text)
    say(ready, "meeting list")
    _assert_nothing_dangerous_sent(ready)


# -- forms that arrive without their fields, or with fields no form of ours sends ---------

_TEXT_FIELD = {"text": {"value": {"type": "plain_text_input", "value": "brief the PCC"}}}
_ROLE_FIELD = {"owners_roles": {"value": {"type": "multi_static_select",
                                          "selected_options": [{"value": "DCC"}]}}}

# name -> (callback id, the view's fields other than its callback id)
BROKEN_FORMS: dict[str, tuple[str, dict[str, object]]] = {
    "record form without state": ("record_action", {}),
    "record form whose state has no values": ("record_action", {"state": {}}),
    "record form whose state is a list": ("record_action", {"state": [{"values": {}}]}),
    "record form whose values are a string": ("record_action", {"state": {"values": "text"}}),
    "record form whose fields are strings": (
        "record_action", {"state": {"values": {"text": "brief", "owners_roles": "DCC"}}}
    ),
    "record form with a date that is no date": (
        "record_action",
        {"state": {"values": {**_TEXT_FIELD, **_ROLE_FIELD, "due_date": {"value": {
            "type": "datepicker", "selected_date": "31/02/2027"}}}}},
    ),
    "record form with a meeting id out of range": (
        "record_action",
        {"state": {"values": {**_TEXT_FIELD, **_ROLE_FIELD, "source_meeting": {"value": {
            "type": "static_select", "selected_option": {"value": "99999999999999"}}}}}},
    ),
    "update form without state": ("add_update", {"private_metadata": json.dumps({"ref": 1})}),
    "update form for no action": (
        "add_update",
        {"private_metadata": "not json", "state": {"values": {"note": {"value": {
            "type": "plain_text_input", "value": "Draft circulated"}}}}},
    ),
    "more-time form without state": (
        "need_more_time", {"private_metadata": json.dumps({"ref": 1})}
    ),
    "more-time form with a date that is no date": (
        "need_more_time",
        {"private_metadata": json.dumps({"ref": 1}), "state": {"values": {"new_date": {
            "value": {"type": "datepicker", "selected_date": "soon"}}}}},
    ),
}


@pytest.mark.parametrize("name", list(BROKEN_FORMS))
def test_broken_form_is_answered_with_an_error_and_changes_nothing(
    ready: RunningBot, name: str
) -> None:
    say(ready, "add DCC to review the metric by next meeting")
    wait_until_settled(ready.standin)  # the Home tabs that change refreshes
    callback_id, view = BROKEN_FORMS[name]
    payload = {
        "type": "view_submission", "token": "verification-token", "api_app_id": "A0001",
        "team": {"id": TEAM, "domain": "actionlog"}, "user": {"id": "USEC", "team_id": TEAM},
        "trigger_id": "1.2.3", "response_urls": [],
        "view": {"id": "V1", "team_id": TEAM, "type": "modal", "callback_id": callback_id,
                 "private_metadata": "", **view},
    }
    rows, sent = _rows(ready), len(outgoing(ready.standin))
    body, headers = _signed_payload(payload)
    response = requests.post(f"{ready.url}/slack/events", data=body, headers=headers, timeout=10)
    assert response.status_code == 200, (response.status_code, response.text)
    answer = response.json()
    assert answer["response_action"] == "errors" and all(answer["errors"].values()), answer
    time.sleep(0.2)  # anything the request set off would have happened by now
    assert _rows(ready) == rows
    assert len(outgoing(ready.standin)) == sent


# Words echoed back in a refusal ("I don't know `…`", "I can't find …"). A mention picked
# from Slack's list arrives raw, and typed text arrives escaped; either way the echo must
# not ping anyone.
ECHOED = ["<!channel>", "<!here>", "<@U0FAKE|boss>"]
REFUSED_COMMANDS = [
    "{m}",
    "{m} A-1",
    "show {m}",
    "close {m}",
    "add {m} to review the metric by next meeting",
    "add DCC to review the metric by {m} 2027",
    "due A-1 {m}",
    "assign A-1 {m}",
    "role DCC {m}",
    "settings {m}",
    "list {m}",
    "list page {m}",
    "meeting next {m}",
    "meeting move 26/11/2026 to 03/12/2026 {m}",
]


ECHO_CASES = [
    pytest.param(command, mention, escaped,
                 id=f"{command}-{mention}-{'as typed' if escaped else 'as a mention'}")
    for command in REFUSED_COMMANDS
    for mention in ECHOED
    for escaped in (True, False)
    # `list @person` is no refusal: it lists that person's actions, naming them.
    if not (command == "list {m}" and mention.startswith("<@"))
]


@pytest.mark.parametrize(("command", "mention", "escaped"), ECHO_CASES)
def test_words_echoed_in_refusals_never_ping(
    ready: RunningBot, command: str, mention: str, escaped: bool
) -> None:
    say(ready, "add DCC to review the metric by next meeting")
    sent = _slack_escape(mention) if escaped else mention
    reply = say(ready, command.format(m=sent))
    assert "Recorded" not in reply, reply
    assert _stored_texts(ready) == ["review the metric"]
    _assert_nothing_dangerous_sent(ready)


# -- the NUL character, which PostgreSQL cannot store -------------------------------------

NUL_COMMANDS = {
    "add": ("add DCC to review the\x00 metric by next meeting", "USEC"),
    "update": ("update A-1 draft\x00 circulated", "UDCC"),
    "done with a note": ("done A-1 sent\x00 to the PCC", "UDCC"),
    "drop with a reason": ("drop A-1 superseded\x00 by A-9", "USEC"),
    "meeting title": ("meeting next 10/12/2026 10:00 Extraordinary: Cus\x00tody", "USEC"),
    "meeting venue": ("meeting next 10/12/2026 10:00 Monthly at Hind\x00lip", "USEC"),
}


def _everything_stored(bot: RunningBot) -> list[tuple[object, ...]]:
    with transaction(bot.sessions) as session:
        return [
            tuple(row)
            for table in record_tables()
            for row in session.execute(select(table)).all()
        ]


@pytest.mark.parametrize("name", list(NUL_COMMANDS))
def test_nul_in_a_command_is_refused_and_changes_nothing(ready: RunningBot, name: str) -> None:
    say(ready, "add DCC to review the metric by next meeting")
    before = _everything_stored(ready)
    text, user = NUL_COMMANDS[name]
    reply = say(ready, text, user)
    assert "NUL character (U+0000)" in reply and "remove it" in reply, reply
    assert _everything_stored(ready) == before


def _plain(value: str) -> dict[str, object]:
    return {"value": {"type": "plain_text_input", "value": value}}


NUL_FORMS = {
    "record form text": ("record_action", None, {
        "text": _plain("share the \x00briefing note"), **_ROLE_FIELD}),
    "record form agenda item": ("record_action", None, {
        "text": _plain("share the briefing note"), "agenda_item": _plain("2.\x004"),
        **_ROLE_FIELD}),
    "update form note": ("add_update", 1, {"note": _plain("draft\x00 circulated")}),
    "more-time form reason": ("need_more_time", 1, {
        "new_date": {"value": {"type": "datepicker", "selected_date": "2027-09-30"}},
        "reason": _plain("waiting\x00 for the audit")}),
}


@pytest.mark.parametrize("name", list(NUL_FORMS))
def test_nul_in_a_form_is_refused_and_changes_nothing(ready: RunningBot, name: str) -> None:
    say(ready, "add DCC to review the metric by next meeting")
    before = _everything_stored(ready)
    callback_id, ref, values = NUL_FORMS[name]
    metadata = json.dumps({"ref": ref}) if ref else ""
    response = ready.slack.view_submission(
        callback_id, values, user_id="USEC", private_metadata=metadata
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["response_action"] == "errors", answer
    assert "NUL character (U+0000)" in " ".join(answer["errors"].values()), answer
    assert _everything_stored(ready) == before


def test_other_control_characters_are_still_stored_as_typed(ready: RunningBot) -> None:
    """Only NUL is refused: tab, bell, escape and direction marks are kept exactly."""
    text = "tab\there, bell \x07, escape \x1b[31m and \u202eRTL\u202c, \x01\x1f\x7f"
    reply = say(ready, f"add DCC to {_slack_escape(text)} by next meeting")
    assert "Recorded" in reply, reply
    assert _stored_texts(ready) == [text]
    say(ready, "meeting next 10/12/2026 10:00 Extraordinary: bell \x07 and \u200f mark")
    with transaction(ready.sessions) as session:
        titles = set(session.scalars(select(Meeting.title)))
    assert "bell \x07 and \u200f mark" in titles


def test_ten_thousand_characters_are_refused_politely(ready: RunningBot) -> None:
    reply = say(ready, "add DCC to " + "y" * 10_000 + " by 30/06/2027")
    assert "10,0" in reply and "3,000" in reply
    assert _stored_texts(ready) == []
    reply = say(ready, "add DCC to " + "z" * 3001)
    assert "3,001" in reply and "3,000" in reply
    assert _stored_texts(ready) == []


def test_sql_fragments_in_every_field_are_just_text(ready: RunningBot) -> None:
    say(ready, "add DCC to ' OR '1'='1 by next meeting (item 1.1)")
    say(ready, "update A-1 '); DELETE FROM action_events; --", "UDCC")
    say(ready, "list DCC' OR '1'='1")
    say(ready, "show A-1 OR 1=1")
    with transaction(ready.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 1
        assert session.scalar(select(func.count()).select_from(ActionEvent)) == 2


# -- secrets never in logs or messages ---------------------------------------------------

TOKEN_SHAPES = re.compile(r"xox[abprse]-|xapp-")


@pytest.fixture
def captured_logs(fresh_bot: RunningBot) -> Iterator[io.StringIO]:
    """The bot's own logging (JSON lines, scrubbed), at DEBUG, into a buffer."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    settings = bot_settings(fresh_bot.standin, "sqlite://")
    configure_logging(settings.secrets(), level=logging.DEBUG)
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    try:
        yield buffer
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def _assert_no_secrets(text: str) -> None:
    assert BOT_TOKEN not in text
    assert SIGNING_SECRET not in text
    assert not TOKEN_SHAPES.search(text), TOKEN_SHAPES.search(text)


def test_no_secret_in_logs_or_messages(fresh_bot: RunningBot, captured_logs: io.StringIO) -> None:
    bot = fresh_bot
    say(bot, "role DCC <@UDCC>")
    say(bot, f"add DCC to rotate {BOT_TOKEN} and {SIGNING_SECRET} by next meeting")
    say(bot, "meeting next 26/11/2026 10:00 Thematic: Covid-19")
    say(bot, "add DCC to review the metric by next meeting")
    say(bot, "list")
    say(bot, "show A-2")
    say(bot, "close A-2", "UOTHER")  # refused
    say(bot, "frobnicate")
    press(bot, ActionId.MARK_COMPLETE, 2, "UDCC")
    requests.post(
        f"{bot.url}/slack/events",
        data=_form(),
        headers=_headers(_form(), signature="v0=" + "1" * 64),
        timeout=5,
    )
    # Error paths: Slack failing the Home tab, and failing a reply outright.
    bot.standin.inject("views.publish", "user_not_found", times=5)
    bot.slack.event({"type": "app_home_opened", "user": "UDCC", "tab": "home"})
    bot.standin.wait_for("views.publish", count=1)
    say(bot, "start A-2", "UDCC")
    bot.standin.inject("chat.postMessage", "channel_not_found", times=5)
    bot.slack.block_action(
        ActionId.MARK_IN_PROGRESS, user_id="UDCC", value="2", view={"type": "home"}
    )
    bot.reminders.run_due(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    deadline = time.monotonic() + 5
    while "listener failed" not in captured_logs.getvalue():
        assert time.monotonic() < deadline, "the error path was not logged"
        time.sleep(0.02)
    time.sleep(0.2)

    logged = captured_logs.getvalue()
    assert '"level": "error"' in logged and '"level": "debug"' in logged
    _assert_no_secrets(logged)
    for call in outgoing(bot.standin):
        # The action text itself holds the token-shaped words; nothing else may.
        sent = everything_sent(call).replace(BOT_TOKEN, "").replace(SIGNING_SECRET, "")
        _assert_no_secrets(sent)
