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
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import func, select

from bot.ids import ActionId
from bot.log import configure_logging
from bot.standin.signed_client import SLACK_USER_AGENT, sign
from storage.db import transaction
from storage.models import Action, ActionEvent, Base
from tests.reliability.conftest import check_layout, everything_sent, outgoing, press, say
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, TEAM, RunningBot, bot_settings

# -- signature, replay and malformed requests -------------------------------------------


def _rows(bot: RunningBot) -> int:
    with transaction(bot.sessions) as session:
        return sum(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
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

# name -> (body, headers, acceptable statuses)
HOSTILE_REQUESTS = {
    "wrong signature": (_form(), _headers(_form(), signature="v0=" + "0" * 64), {401}),
    "signature by another secret": (
        _form(),
        _headers(_form(), signature=sign("not-the-secret", int(time.time()), _form())),
        {401},
    ),
    "timestamp 6 minutes old": (_form(), _headers(_form(), stamp=int(time.time()) - 360), {401}),
    "timestamp 6 minutes in the future": (
        _form(),
        _headers(_form(), stamp=int(time.time()) + 360),
        {401},
    ),
    "body altered after signing": (_form().replace(b"review", b"delete"), _headers(_form()), {401}),
    "signature header missing": (_form(), _without(_headers(_form()), "X-Slack-Signature"), {401}),
    "timestamp header missing": (
        _form(),
        _without(_headers(_form()), "X-Slack-Request-Timestamp"),
        {401},
    ),
    "no Slack headers at all": (
        _form(),
        {"Content-Type": "application/x-www-form-urlencoded"},
        {401},
    ),
    "malformed form data": (b"%%%&&&==;\xff\xfe", _headers(b"%%%&&&==;\xff\xfe"), {400, 401, 404}),
    "malformed JSON in payload=": (BAD_PAYLOAD, _headers(BAD_PAYLOAD), {400}),
    "event body that is not JSON": (
        b"{not json",
        _headers(b"{not json", content_type="application/json"),
        {400},
    ),
    "valid signature, unknown type": (
        _event_json("definitely_not_a_slack_type"),
        _headers(_event_json("definitely_not_a_slack_type"), content_type="application/json"),
        {200, 404},
    ),
    "valid signature, slash command for another app": (
        _form().replace(b"%2Factions", b"%2Fnot-ours"),
        _headers(_form().replace(b"%2Factions", b"%2Fnot-ours")),
        {200, 404},
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE_REQUESTS))
def test_hostile_request_is_refused_and_changes_nothing(fresh_bot: RunningBot, name: str) -> None:
    body, headers, acceptable = HOSTILE_REQUESTS[name]
    # Headers are built at import; sign again now for the cases that must pass the check.
    if name.startswith("valid signature") or name.startswith("malformed"):
        headers = {**headers, **_headers(body, content_type=headers["Content-Type"])}
    response = requests.post(
        f"{fresh_bot.url}/slack/events", data=body, headers=headers, timeout=10
    )
    assert response.status_code in acceptable, (response.status_code, response.text)
    time.sleep(0.2)  # anything the request set off would have happened by now
    assert _rows(fresh_bot) == 0
    assert {c.method for c in fresh_bot.standin.calls} <= {"auth.test"}


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
