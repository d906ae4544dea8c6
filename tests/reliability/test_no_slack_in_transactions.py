"""No Slack call (and so no 429 sleep) while a database transaction is open.

On SQLite an open write transaction holds the whole database's write lock, on PostgreSQL
the rows it touched; a Slack call inside one makes everyone else's writes wait on Slack.
The guard below watches every transaction on the engine and every Web API call, per
thread, and records any call made while its thread has a transaction open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, event

from bot.ids import ActionId, CallbackId
from tests.reliability import summary
from tests.reliability.conftest import (
    direct_messages,
    next_direct_message,
    press,
    say,
    wait_until_settled,
)
from tests.support.harness import RunningBot
from tests.support.world import LONDON


@dataclass
class Guard:
    """Per-thread count of open transactions, and the calls made inside one."""

    local: threading.local = field(default_factory=threading.local)
    violations: list[str] = field(default_factory=list)

    def begin(self, _conn: Any) -> None:
        self.local.open = getattr(self.local, "open", 0) + 1

    def end(self, _conn: Any) -> None:
        self.local.open = max(0, getattr(self.local, "open", 0) - 1)

    def inside(self) -> bool:
        return getattr(self.local, "open", 0) > 0


@pytest.fixture
def guard(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Guard]:
    watch = Guard()
    listeners = [("begin", watch.begin), ("commit", watch.end), ("rollback", watch.end)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    real_api_call = WebClient.api_call

    def guarded(client: WebClient, api_method: str, *args: Any, **kwargs: Any) -> Any:
        if watch.inside():
            watch.violations.append(f"{api_method} in {threading.current_thread().name}")
        return real_api_call(client, api_method, *args, **kwargs)

    monkeypatch.setattr(WebClient, "api_call", guarded)
    yield watch
    for name, listener in listeners:
        event.remove(engine, name, listener)


def test_the_guard_sees_a_call_inside_a_transaction(guard: Guard, bot: RunningBot) -> None:
    """The guard itself can fail: a call made inside a transaction is caught."""
    from storage.db import transaction
    from storage.services import workspace

    with transaction(bot.sessions) as session:
        workspace.is_set_up(session, team_id="T0001")
        bot.app.client.auth_test()
    assert guard.violations and guard.violations[0].startswith("auth.test")


def _submit(bot: RunningBot, callback_id: str, values: dict[str, Any], user: str,
            metadata: str = "") -> None:
    response = bot.slack.view_submission(callback_id, values, user_id=user,
                                         private_metadata=metadata)
    assert response.status_code == 200, response.text


def test_no_slack_call_inside_a_transaction(guard: Guard, bot: RunningBot) -> None:
    """Every kind of request the bot handles, and a reminder round, under the guard."""
    bot.standin.add_usergroup("S0SEC", ["UOTHER"])
    for text in ("role DCC <@UDCC>", "settings channel <#C0TEAM|opcc-team>",
                 "meeting next 26/11/2026 10:00 Thematic: Covid-19 at Hindlip",
                 "secretariat add <@UACC>", "secretariat group <!subteam^S0SEC|sec>",
                 "add DCC, <@U012AB3CD> to review the metric by next meeting",
                 "add <@UOWNER> to share the note by 30/06/2027",
                 "assign A-2 <@UDCC>, <@U012AB3CD>", "update A-1 draft circulated",
                 "due A-1 31/12/2026", "list", "list mine", "show A-1", "summary",
                 "role ACC <@UACC>", "roles", "settings", "settings summary attach on",
                 "export", "export all xlsx", "export meeting 26/11/2026 csv"):
        say(bot, text)
    say(bot, "close A-2", user="UOTHER")  # secretariat through the group
    assert "marked in progress" in press(bot, ActionId.MARK_IN_PROGRESS, 1, "UDCC")
    before = len(direct_messages(bot, "UDCC"))
    _submit(bot, CallbackId.ADD_UPDATE, {"note": {"value": {
        "type": "plain_text_input", "value": "progress"}}}, "UDCC", '{"ref": 1}')
    next_direct_message(bot, "UDCC", before, "the update form")
    _submit(bot, CallbackId.RECORD_ACTION, {
        "text": {"value": {"type": "plain_text_input", "value": "brief the PCC"}},
        "owners_people": {"value": {"type": "multi_users_select",
                                    "selected_users": ["UACC"]}},
        "due_date": {"value": {"type": "datepicker", "selected_date": "2027-01-15"}},
    }, "USEC")
    bot.slack.event({"type": "app_home_opened", "user": "UDCC", "tab": "home"})
    bot.backlog.wait_idle(10)
    wait_until_settled(bot.standin)
    bot.clock.set(datetime(2026, 11, 19, 9, 0, tzinfo=LONDON))
    bot.reminders.run_due()
    bot.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=LONDON))  # the summary, with its file
    bot.reminders.run_due()
    wait_until_settled(bot.standin)
    assert bot.standin.calls_to("users.info"), "the owners were never looked up"
    assert len(bot.standin.files.shared("DUSEC")) >= 3, "the exports were not all uploaded"
    assert bot.standin.files.shared("C0TEAM"), "the summary's action log was not attached"
    assert bot.standin.calls_to("usergroups.users.list"), "the group was never asked"
    calls = len(bot.standin.calls)
    assert guard.violations == [], "\n".join(guard.violations)
    summary.report(f"Slack calls inside a database transaction: {len(guard.violations)} of "
                   f"{calls} Web API calls (every kind of request and a reminder round)")


def test_a_rate_limited_lookup_does_not_hold_up_other_writes(bot: RunningBot) -> None:
    """One person's owner check waits out a 429; someone else's change goes through."""
    say(bot, "role DCC <@UDCC>")
    say(bot, "add DCC to review the metric by 30/06/2027")
    bot.standin.inject("users.info", "ratelimited", retry_after=4)
    assert bot.slack.slash_command("add <@UOWNER> to share it by 30/06/2027",
                                   user_id="USEC").status_code == 200
    time.sleep(0.5)  # the owner check is now waiting out its Retry-After
    started = time.perf_counter()
    assert bot.slack.slash_command("update A-1 draft circulated",
                                   user_id="UDCC").status_code == 200
    _wait_for_reply(bot, "Update added")
    took = time.perf_counter() - started
    _wait_for_reply(bot, "Recorded *A-2*")
    summary.report(f"A 429 (Retry-After 4 s) on one person's owner check: another person's "
                   f"update answered in {took:.2f} s")
    assert took < 2.0, f"the other person's update waited {took:.1f} s"


def _wait_for_reply(bot: RunningBot, containing: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if any(containing in str(c.args.get("text")) for c in bot.standin.calls_to("response_url")):
            return
        time.sleep(0.02)
    raise AssertionError(f"no reply containing {containing!r}")
