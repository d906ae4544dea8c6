"""Reliability fixtures: the real bot over HTTP, fresh per test or shared by a module.

Starting and stopping the bot's HTTP server costs about a second, so the table-driven
tests share one bot per module (``shared_bot``) and start each case from an empty
database, a reset stand-in and the same clock (``fresh_bot``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import Engine

from bot.standin.server import Call, SlackStandIn
from reminders.clock import ManualClock
from storage.db import make_session_factory
from tests.reliability import summary
from tests.support.databases import clear_all_tables
from tests.support.harness import RunningBot, assert_slack_refused_nothing, running_bot

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 23 November 2026, 10:00 London

# The people of the pretend workspace; UGONE has been deactivated in Slack.
PEOPLE = {
    "USEC": "sam.secretariat",
    "UOWNER": "pat.owner",
    "UDCC": "dana.dcc",
    "UFORMER": "fran.former",
    "UOTHER": "olly.other",
    "UACC": "alex.acc",
    "U012AB3CD": "pat.person",
}
DEACTIVATED = "UGONE"


def add_people(standin: SlackStandIn) -> None:
    for user_id, name in PEOPLE.items():
        standin.add_user(user_id, name, real_name=name.replace(".", " ").title())
    standin.add_user(DEACTIVATED, "gone.person", real_name="Gone Person", deleted=True)
    standin.add_user("UBOT2", "some.bot", is_bot=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Operations, faults and what was lost or duplicated, after every reliability run."""
    if summary.LINES:
        terminalreporter.section("reliability summary")
        for line in summary.LINES:
            terminalreporter.write_line(line)


@pytest.fixture
def bot(sessions, clock, database_url) -> Iterator[RunningBot]:  # type: ignore[no-untyped-def]
    """A bot of its own for one test (as in tests/e2e)."""
    with running_bot(sessions, clock, database_url) as running:
        add_people(running.standin)
        yield running
        assert_slack_refused_nothing(running.standin)


@pytest.fixture(scope="module")
def shared_bot(shared_engine: Engine, database_url: str) -> Iterator[RunningBot]:
    clear_all_tables(shared_engine)
    with running_bot(
        make_session_factory(shared_engine), ManualClock(START), database_url
    ) as running:
        add_people(running.standin)
        yield running
        assert_slack_refused_nothing(running.standin)


# The previous test's work is over once Slack has heard nothing from the bot for this long.
QUIET_SECONDS = 0.3
SETTLE_LIMIT_SECONDS = 5.0


def wait_until_settled(standin: SlackStandIn) -> None:
    """Wait until the bot stops calling Slack, for at most a few seconds.

    Replies and Home refreshes run after the ack, on the bot's own threads; a test can
    end before they do. Left running, they would land after the next test's reset and
    look like calls that test caused.
    """
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    seen, quiet_since = len(standin.calls), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        count = len(standin.calls)
        if count != seen:
            seen, quiet_since = count, time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_SECONDS:
            return


@pytest.fixture
def fresh_bot(shared_bot: RunningBot, shared_engine: Engine) -> RunningBot:
    """The module's bot, with an empty database, no recorded calls and the clock reset."""
    shared_bot.backlog.wait_idle(SETTLE_LIMIT_SECONDS)
    wait_until_settled(shared_bot.standin)
    clear_all_tables(shared_engine)
    shared_bot.standin.reset()
    shared_bot.clock.set(START)
    return shared_bot


# -- what the bot sent ------------------------------------------------------------------

OUTGOING = (
    "response_url",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.push",
    "views.update",
    "views.publish",
)


def outgoing(standin: SlackStandIn) -> list[Call]:
    """Every message, private reply, form and Home tab the bot sent."""
    return [call for call in standin.calls if call.method in OUTGOING]


def blocks_of(call: Call) -> list[dict[str, Any]]:
    args = call.args
    view = args.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    blocks = (view or {}).get("blocks") if view else args.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return list(blocks or [])


def check_layout(call: Call) -> None:
    """Each block passes slack_sdk validation and the payload keeps Slack's count limits."""
    blocks = blocks_of(call)
    limit = 100 if call.method.startswith("views.") else 50
    assert len(blocks) <= limit, f"{call.method}: {len(blocks)} blocks"
    for block in blocks:
        Block.parse(block).validate_json()


def everything_sent(call: Call) -> str:
    """All the text of one outgoing call: fallback text and every block, as JSON."""
    return json.dumps(
        {"text": call.args.get("text"), "blocks": blocks_of(call)}, ensure_ascii=False
    )


def say(bot: RunningBot, text: str, user: str = "USEC") -> str:
    """Send `/actions <text>` as a user; return the private reply's text (checked layout)."""
    before = len(bot.standin.calls_to("response_url"))
    response = bot.slack.slash_command(text, user_id=user)
    assert response.status_code == 200
    call = bot.standin.wait_for("response_url", count=before + 1)[before]
    assert call.args["response_type"] == "ephemeral"
    check_layout(call)
    return call.args["text"]


def direct_messages(bot: RunningBot, user: str) -> list[Call]:
    """The bot's direct messages to one person, oldest first."""
    return [c for c in bot.standin.calls_to("chat.postMessage") if c.args.get("channel") == user]


def next_direct_message(bot: RunningBot, user: str, before: int, after_what: str) -> str:
    """Wait for the person's direct message after the first ``before``; its text (checked)."""
    deadline = time.monotonic() + 5
    while len(direct_messages(bot, user)) <= before:
        assert time.monotonic() < deadline, f"no message after {after_what}"
        time.sleep(0.01)
    call = direct_messages(bot, user)[before]
    check_layout(call)
    return call.args["text"]


def press(bot: RunningBot, action_id: str, ref: int, user: str) -> str:
    """Press an owner button on the Home tab; return the bot's direct message to the user."""
    before = len(direct_messages(bot, user))
    response = bot.slack.block_action(
        action_id, user_id=user, value=str(ref), block_id=f"act_{ref}", view={"type": "home"}
    )
    assert response.status_code == 200
    return next_direct_message(bot, user, before, "the button press")
