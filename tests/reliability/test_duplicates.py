"""The same delivery handled twice has the effect of one: Slack's retries, double clicks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import requests
from sqlalchemy import func, select

from bot.ids import ActionId, CallbackId
from storage.db import transaction
from storage.models import (
    Action,
    ActionEvent,
    ActionStatus,
    Role,
    SecretariatMember,
    WorkspaceSettings,
)
from storage.owners import RoleOwner
from storage.services import actions, roles, workspace
from storage.services.due import ResolvedDue
from storage.services.people import Actor
from tests.reliability.conftest import START, say
from tests.support.harness import TEAM, RunningBot

SEC = Actor("USEC")


def _together(*sends: Callable[[], requests.Response]) -> list[requests.Response]:
    """Fire the requests at the same moment from separate threads."""
    barrier = threading.Barrier(len(sends))
    results: list[Any] = [None] * len(sends)

    def run(index: int, send: Callable[[], requests.Response]) -> None:
        barrier.wait()
        results[index] = send()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert all(r is not None for r in results), "a request did not return"
    return results


def _count(bot: RunningBot, model: Any, *where: Any) -> int:
    with transaction(bot.sessions) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _workspace_with_action(bot: RunningBot) -> None:
    with transaction(bot.sessions) as session:
        workspace.welcome(session, team_id=TEAM, user_id="USEC", now=START - timedelta(days=1))
        roles.set_role_holder(
            session,
            team_id=TEAM,
            actor=SEC,
            code="DCC",
            user_id="UDCC",
            now=START - timedelta(days=1),
        )
        actions.record_action(
            session,
            team_id=TEAM,
            actor=SEC,
            owners=[RoleOwner("DCC")],
            text="review the diary appointments metric",
            due=ResolvedDue(on=date(2027, 6, 30), meeting=None),
            agenda_item=None,
            source_meeting=None,
            now=START - timedelta(hours=1),
        )


def _views_for(bot: RunningBot, user: str) -> list[str]:
    return [
        json.dumps(c.args["view"], sort_keys=True)
        if not isinstance(c.args["view"], str)
        else c.args["view"]
        for c in bot.standin.calls_to("views.publish")
        if c.args.get("user_id") == user
    ]


def test_retried_event_has_the_effect_of_one(fresh_bot: RunningBot) -> None:
    bot = fresh_bot
    _workspace_with_action(bot)
    event = {"type": "app_home_opened", "user": "UDCC", "tab": "home", "channel": "D0DCC"}
    first = bot.slack.event(event, event_id="Ev0HOME1")
    retry = bot.slack.event(event, event_id="Ev0HOME1", retry_num=1, retry_reason="http_timeout")
    assert (first.status_code, retry.status_code) == (200, 200)
    bot.standin.wait_for("views.publish", count=1)
    views = _views_for(bot, "UDCC")
    assert 1 <= len(views) <= 2 and len(set(views)) == 1  # the same Home tab, at most twice
    assert "A-1" in views[0]
    assert _count(bot, ActionEvent) == 1
    assert _count(bot, WorkspaceSettings) == 1
    assert _count(bot, Role) == 7


def test_first_event_and_its_retry_racing_on_a_new_workspace(fresh_bot: RunningBot) -> None:
    """Whatever opening Home sets up for a new workspace, two at once set it up once."""
    bot = fresh_bot
    event = {"type": "app_home_opened", "user": "UOTHER", "tab": "home", "channel": "D0OTH"}
    responses = _together(
        lambda: bot.slack.event(event, event_id="Ev0RACE1"),
        lambda: bot.slack.event(event, event_id="Ev0RACE1", retry_num=1),
    )
    assert [r.status_code for r in responses] == [200, 200]
    bot.standin.wait_for("views.publish", count=1)
    time.sleep(0.3)  # a second publish, had the retry acted, would have come by now
    assert len(_views_for(bot, "UOTHER")) == 1  # the retry is answered without acting
    assert _count(bot, WorkspaceSettings) in (0, 1)
    assert _count(bot, Role) in (0, 7)
    assert _count(bot, SecretariatMember) == 0  # opening Home makes nobody secretariat


def test_double_clicked_mark_complete_changes_the_status_once(fresh_bot: RunningBot) -> None:
    bot = fresh_bot
    _workspace_with_action(bot)

    def click() -> requests.Response:
        return bot.slack.block_action(
            ActionId.MARK_COMPLETE,
            user_id="UDCC",
            value="1",
            block_id="act_1",
            view={"type": "home"},
        )

    responses = _together(click, click)
    assert [r.status_code for r in responses] == [200, 200]
    replies = [
        c.args["text"]
        for c in bot.standin.wait_for("chat.postMessage", count=2)
        if c.args.get("channel") == "UDCC"
    ]
    assert len(replies) == 2
    assert sum("marked complete" in r and ":warning:" not in r for r in replies) == 1, replies
    assert _count(bot, ActionEvent, ActionEvent.kind == "status") == 1
    with transaction(bot.sessions) as session:
        action = session.scalar(select(Action))
        assert action is not None and action.status == ActionStatus.COMPLETE


def _form_state(text: str) -> dict[str, Any]:
    return {
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "owners_roles": {
            "value": {"type": "multi_static_select", "selected_options": [{"value": "DCC"}]}
        },
        "due_date": {"value": {"type": "datepicker", "selected_date": "2027-06-30"}},
    }


def test_form_submitted_twice_at_once_records_one_action(fresh_bot: RunningBot) -> None:
    bot = fresh_bot
    _workspace_with_action(bot)
    state = _form_state("brief the PCC on 101 call handling")

    def submit() -> requests.Response:
        return bot.slack.view_submission(CallbackId.RECORD_ACTION, state, user_id="USEC",
                                         view_id="V0TWICE")

    responses = _together(submit, submit)
    assert [r.status_code for r in responses] == [200, 200]
    # The same view and state twice: one copy acts, the other just closes the form.
    refused = [r for r in responses if r.text and "errors" in r.text]
    assert not refused, [r.text for r in responses]
    assert _count(bot, Action) == 2  # the one from the set-up, and one from the form
    assert _count(bot, ActionEvent, ActionEvent.kind == "created") == 2


def test_slash_command_sent_twice_at_once_records_one_action(fresh_bot: RunningBot) -> None:
    bot = fresh_bot
    _workspace_with_action(bot)
    text = "add DCC to brief the PCC on custody by 30/06/2027"
    responses = _together(
        lambda: bot.slack.slash_command(text, user_id="USEC"),
        lambda: bot.slack.slash_command(text, user_id="USEC"),
    )
    assert [r.status_code for r in responses] == [200, 200]
    replies = [c.args["text"] for c in bot.standin.wait_for("response_url", count=2)]
    assert sum("a moment ago" in r for r in replies) == 1, replies
    assert _count(bot, Action) == 2


def test_same_update_twice_is_kept_twice_but_status_moves_once(fresh_bot: RunningBot) -> None:
    """Two identical progress notes are two entries (people do repeat themselves); the
    second "start" is refused, so history shows one move to in progress."""
    bot = fresh_bot
    _workspace_with_action(bot)
    assert "in progress" in say(bot, "start A-1", "UDCC")
    assert "cannot" in say(bot, "start A-1", "UDCC")
    assert _count(bot, ActionEvent, ActionEvent.kind == "status") == 1
