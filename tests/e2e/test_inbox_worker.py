"""Stored before the ack, carried out once: the worker's promises, end to end."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from storage.db import read_transaction, transaction
from storage.models import Action, OutboxMessage, OutboxState
from storage.services import outbox
from storage.unit import Unit
from tests.e2e.test_actions_flow import say
from tests.support.harness import RunningBot

ADD = "add DCC to review the diary appointments metric by 30/06/2027"


def _add(n: int) -> str:
    return f"add DCC to review metric number {n} by 30/06/2027"


@pytest.fixture
def ready(bot: RunningBot) -> RunningBot:
    assert "DCC" in say(bot, "role DCC <@UDCC>")
    return bot


def _actions(bot: RunningBot) -> int:
    with read_transaction(bot.sessions) as session:
        return session.scalar(select(func.count()).select_from(Action)) or 0


def _answers(bot: RunningBot, key: str) -> list[str]:
    return [c.args.get("text", "") for c in bot.standin.calls_to("response_url")
            if c.path.endswith(f"/{key}") and c.status == 200]


def test_a_request_whose_commit_fails_runs_again_and_acts_once(
        ready: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    real_commit = Unit.commit
    failures = []

    def commit_fails_once(unit: Unit) -> None:
        if not failures:
            failures.append(1)
            raise OperationalError("COMMIT", {}, Exception("connection lost"))
        real_commit(unit)

    monkeypatch.setattr(Unit, "commit", commit_fails_once)
    url = ready.standin.response_url("once")
    assert ready.slack.slash_command(ADD, user_id="USEC", response_url=url).status_code == 200
    assert ready.backlog.wait_idle(20)
    assert failures == [1]
    assert _actions(ready) == 1
    assert len(_answers(ready, "once")) == 1


def test_messages_left_by_a_dead_worker_are_sent_once(ready: RunningBot) -> None:
    url = ready.standin.response_url("orphan")
    now = ready.clock.now()
    with transaction(ready.sessions) as session:
        # Claimed by a process that is gone (pid 999999999 does not exist).
        outbox.record(session, key="k-orphan", received_at=now, claimed_by="nowhere:1",
                      now=now - timedelta(minutes=5), messages=[outbox.Outgoing(
                          "respond", "T0001", "USEC",
                          {"response_url": url, "message": {"text": "Added A-9"}})])
    deadline = time.monotonic() + 10
    while not _answers(ready, "orphan"):
        assert time.monotonic() < deadline, "the orphaned answer was never sent"
        time.sleep(0.05)
    assert ready.backlog.wait_idle(10)
    assert _answers(ready, "orphan") == ["Added A-9"]
    with read_transaction(ready.sessions) as session:
        row = session.scalars(select(OutboxMessage)
                              .where(OutboxMessage.request_key == "k-orphan")).one()
        assert row.state == OutboxState.SENT and row.attempts == 2


def test_an_answer_queued_past_the_response_url_lifetime_comes_by_message(
        ready: RunningBot) -> None:
    ready.backlog.pause()
    url = ready.standin.response_url("old")
    assert ready.slack.slash_command(ADD, user_id="USEC", response_url=url).status_code == 200
    ready.clock.advance(timedelta(minutes=40))
    ready.backlog.resume()
    assert ready.backlog.wait_idle(20)
    assert _answers(ready, "old") == []
    dms = [c for c in ready.standin.calls_to("chat.postMessage")
           if c.args.get("channel") == "USEC" and "A-1" in c.args.get("text", "")]
    assert len(dms) == 1
    assert _actions(ready) == 1


def test_when_workers_fall_behind_the_ack_says_how_many_are_ahead(ready: RunningBot) -> None:
    ready.backlog.pause()
    for n in range(3):
        assert ready.slack.slash_command(_add(n), user_id="USEC").status_code == 200
    ready.clock.advance(timedelta(seconds=5))
    response = ready.slack.slash_command("list mine", user_id="USEC",
                                         response_url=ready.standin.response_url("late"))
    assert response.status_code == 200
    note = json.loads(response.text)
    assert note["response_type"] == "ephemeral" and "3 ahead of you" in note["text"]
    ready.backlog.resume()
    assert ready.backlog.wait_idle(30)
    assert _actions(ready) == 3  # nothing dropped
    assert len(_answers(ready, "late")) == 1


def test_several_changes_for_one_person_publish_their_home_tab_once(
        ready: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ready.backlog.wait_idle(10)  # the set-up's own Home refreshes are out
    monkeypatch.setattr(ready.backlog._home, "_window", 1.0)  # production's window
    ready.backlog.pause()
    for n in range(4):
        ready.slack.slash_command(_add(n), user_id="USEC")
    published_before = len(ready.standin.calls_to("views.publish"))
    ready.backlog.resume()
    assert ready.backlog.wait_idle(30)
    published = [c.args["user_id"] for c in ready.standin.calls_to("views.publish")
                 [published_before:]]
    # Four adds, each changing the DCC's and the secretariat's tabs, in one window.
    assert sorted(published) == sorted(set(published)) and "UDCC" in published
