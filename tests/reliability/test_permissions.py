"""Who may do what: every operation against every kind of user, each cell its own test.

The README's rules: anyone may view and add; owners (or the current holder of an owning
role) may add updates, start and mark complete; only the secretariat may close, reopen,
drop, reassign, revise due dates, and set meetings, roles, the secretariat and settings.

Action A-1 is owned by UOWNER directly and by the role DCC, held by UDCC since yesterday
and by UFORMER before that. UGONE owned A-1 too, and has since been deactivated in Slack:
Slack should not deliver their requests, but if one arrives it is refused, whatever it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.ids import ActionId, BlockId, CallbackId
from storage.db import transaction
from storage.models import (
    Action,
    ActionEvent,
    ActionStatus,
    Meeting,
    MeetingKind,
    Role,
    SecretariatMember,
    WorkspaceSettings,
)
from storage.owners import RoleOwner, UserOwner
from storage.services import actions, meetings, roles, workspace
from storage.services.due import ResolvedDue
from storage.services.people import Actor
from tests.reliability.conftest import (
    START,
    direct_messages,
    next_direct_message,
    press,
    say,
)
from tests.support.harness import TEAM, RunningBot
from tests.support.world import LONDON

SEC = Actor("USEC")
MEETING_AT = datetime(2026, 11, 26, 10, 0, tzinfo=LONDON)

USERS = {
    "secretariat": "USEC",
    "direct owner": "UOWNER",
    "role holder": "UDCC",
    "other member": "UOTHER",
    "former role holder": "UFORMER",
    "deactivated": "UGONE",
}
# Everyone still in the workspace; a deactivated person may do nothing at all.
ANYONE = frozenset(USERS) - {"deactivated"}
OWNERS = frozenset({"secretariat", "direct owner", "role holder"})
SECRETARIAT = frozenset({"secretariat"})


def build(bot: RunningBot, status: ActionStatus = ActionStatus.NOT_STARTED) -> None:
    """The workspace every case starts from, built through the services."""
    with transaction(bot.sessions) as session:
        workspace.welcome(session, team_id=TEAM, user_id=SEC.user_id, now=START - timedelta(days=3))
        for when, holder in (
            (START - timedelta(days=2), "UFORMER"),
            (START - timedelta(days=1), "UDCC"),
        ):
            roles.set_role_holder(
                session, team_id=TEAM, actor=SEC, code="DCC", user_id=holder, now=when
            )
        meetings.set_next_meeting(
            session,
            team_id=TEAM,
            actor=SEC,
            starts_at=MEETING_AT,
            kind=MeetingKind.THEMATIC,
            title="Covid-19",
            venue=None,
            now=START - timedelta(days=1),
            zone=LONDON,
        )
        action = actions.record_action(
            session,
            team_id=TEAM,
            actor=SEC,
            owners=[UserOwner("UOWNER"), UserOwner("UGONE"), RoleOwner("DCC")],
            text="review the diary appointments metric",
            due=ResolvedDue(on=date(2027, 6, 30), meeting=None),
            agenda_item="2.4",
            source_meeting=None,
            now=START - timedelta(hours=2),
        )
        moves = {
            ActionStatus.COMPLETE: [ActionStatus.COMPLETE],
            ActionStatus.CLOSED: [ActionStatus.COMPLETE, ActionStatus.CLOSED],
        }.get(status, [])
        for to in moves:
            actions.change_status(
                session,
                team_id=TEAM,
                actor=SEC,
                action=action,
                to=to,
                note="done",
                now=START - timedelta(hours=1),
            )


def state(bot: RunningBot) -> dict[str, Any]:
    """Everything a command could change, in comparable form."""
    with transaction(bot.sessions) as session:
        return {
            "actions": [
                (
                    a.ref,
                    a.status,
                    a.text,
                    a.due_date,
                    a.latest_note,
                    [(o.user_id, o.role_code) for o in a.owners],
                )
                for a in session.scalars(select(Action).order_by(Action.ref))
            ],
            "events": session.query(ActionEvent).count(),
            "meetings": [
                (m.id, m.starts_at, m.kind, m.title)
                for m in session.scalars(select(Meeting).order_by(Meeting.id))
            ],
            "roles": sorted(session.execute(select(Role.code, Role.holder_user_id)).all()),
            "secretariat": sorted(session.scalars(select(SecretariatMember.user_id))),
            "settings": [
                (s.digest_enabled, s.send_time, s.team_channel_id)
                for s in session.scalars(select(WorkspaceSettings))
            ],
        }


def a1(bot: RunningBot) -> Action:
    with transaction(bot.sessions) as session:
        action = actions.get_action(session, team_id=TEAM, ref=1)
        _ = list(action.owners)
        return action


@dataclass(frozen=True)
class Operation:
    allowed: frozenset[str]
    run: Callable[[RunningBot, str], str]  # sends it as the user; returns the reply
    done: Callable[[RunningBot], bool]  # whether it took effect
    status: ActionStatus = ActionStatus.NOT_STARTED  # A-1's status beforehand


def command(text: str) -> Callable[[RunningBot, str], str]:
    return lambda bot, user: say(bot, text, user)


def button(action_id: str) -> Callable[[RunningBot, str], str]:
    return lambda bot, user: press(bot, action_id, 1, user)


def form(
    callback_id: str, values: dict[str, Any], ref: int | None = None
) -> Callable[[RunningBot, str], str]:
    """Submit a form as the user; return the field error, or the direct message sent."""

    def run(bot: RunningBot, user: str) -> str:
        before = len(direct_messages(bot, user))
        state = {block: {"value": value} for block, value in values.items()}
        metadata = json.dumps({"ref": ref}) if ref is not None else ""
        response = bot.slack.view_submission(
            callback_id, state, user_id=user, private_metadata=metadata
        )
        assert response.status_code == 200, response.text
        if response.text not in ("", "null"):
            answer = response.json()
            assert answer["response_action"] == "errors", answer
            return " ".join(answer["errors"].values())
        return next_direct_message(bot, user, before, "the form was submitted")

    return run


def more_time_asked(bot: RunningBot) -> bool:
    with transaction(bot.sessions) as session:
        kinds = session.scalars(select(ActionEvent.kind))
        return "more_time_requested" in set(kinds)


def a1_status(status: ActionStatus) -> Callable[[RunningBot], bool]:
    return lambda bot: a1(bot).status == status


def meeting_days(bot: RunningBot) -> list[date]:
    return [m[1].astimezone(LONDON).date() for m in state(bot)["meetings"]]


OPERATIONS: dict[str, Operation] = {
    "add": Operation(
        ANYONE,
        command("add DCC to brief the PCC on custody by 30/06/2027"),
        lambda bot: len(state(bot)["actions"]) == 2,
    ),
    "update": Operation(
        OWNERS,
        command("update A-1 Draft circulated"),
        lambda bot: a1(bot).latest_note == "Draft circulated",
    ),
    "start": Operation(OWNERS, command("start A-1"), a1_status(ActionStatus.IN_PROGRESS)),
    "done": Operation(
        OWNERS, command("done A-1 Sent to the PCC"), a1_status(ActionStatus.COMPLETE)
    ),
    "close": Operation(
        SECRETARIAT, command("close A-1"), a1_status(ActionStatus.CLOSED), ActionStatus.COMPLETE
    ),
    "reopen": Operation(
        SECRETARIAT, command("reopen A-1"), a1_status(ActionStatus.IN_PROGRESS), ActionStatus.CLOSED
    ),
    "drop": Operation(
        SECRETARIAT, command("drop A-1 superseded by A-9"), a1_status(ActionStatus.DROPPED)
    ),
    "due": Operation(
        SECRETARIAT,
        command("due A-1 15/07/2027"),
        lambda bot: a1(bot).due_date == date(2027, 7, 15),
    ),
    "assign": Operation(
        SECRETARIAT,
        command("assign A-1 ACC"),
        lambda bot: [o.role_code for o in a1(bot).owners] == ["ACC"],
    ),
    "meeting next": Operation(
        SECRETARIAT,
        command("meeting next 10/12/2026 10:00 Extraordinary: Custody"),
        lambda bot: date(2026, 12, 10) in meeting_days(bot),
    ),
    "meeting move": Operation(
        SECRETARIAT,
        command("meeting move 26/11/2026 to 03/12/2026"),
        lambda bot: meeting_days(bot) == [date(2026, 12, 3)],
    ),
    "role": Operation(
        SECRETARIAT,
        command("role ACC <@UOTHER>"),
        lambda bot: ("ACC", "UOTHER") in state(bot)["roles"],
    ),
    "secretariat add": Operation(
        SECRETARIAT,
        command("secretariat add <@UOTHER>"),
        lambda bot: "UOTHER" in state(bot)["secretariat"],
    ),
    "settings change": Operation(
        SECRETARIAT,
        command("settings digest off"),
        lambda bot: state(bot)["settings"][0][0] is False,
    ),
    "button: mark in progress": Operation(
        OWNERS, button(ActionId.MARK_IN_PROGRESS), a1_status(ActionStatus.IN_PROGRESS)
    ),
    "button: mark complete": Operation(
        OWNERS, button(ActionId.MARK_COMPLETE), a1_status(ActionStatus.COMPLETE)
    ),
    "form: record action": Operation(
        ANYONE,
        form(CallbackId.RECORD_ACTION, {
            BlockId.TEXT: {"type": "plain_text_input", "value": "brief the PCC on custody"},
            BlockId.OWNERS_ROLES: {"type": "multi_static_select",
                                   "selected_options": [{"value": "DCC"}]},
            BlockId.DUE_DATE: {"type": "datepicker", "selected_date": "2027-06-30"},
        }),
        lambda bot: len(state(bot)["actions"]) == 2,
    ),
    "form: add update": Operation(
        OWNERS,
        form(CallbackId.ADD_UPDATE,
             {BlockId.NOTE: {"type": "plain_text_input", "value": "Draft circulated"}}, ref=1),
        lambda bot: a1(bot).latest_note == "Draft circulated",
    ),
    "form: need more time": Operation(
        OWNERS,
        form(CallbackId.NEED_MORE_TIME, {
            BlockId.NEW_DATE: {"type": "datepicker", "selected_date": "2027-09-30"},
            BlockId.REASON: {"type": "plain_text_input", "value": "waiting for the audit"},
        }, ref=1),
        more_time_asked,
    ),
}

CELLS = [pytest.param(op, who, id=f"{op} by {who}") for op in OPERATIONS for who in USERS]


@pytest.mark.parametrize(("op", "who"), CELLS)
def test_permission(fresh_bot: RunningBot, op: str, who: str) -> None:
    operation = OPERATIONS[op]
    build(fresh_bot, operation.status)
    before = state(fresh_bot)

    reply = operation.run(fresh_bot, USERS[who])

    after = state(fresh_bot)
    if who == "deactivated":
        # Refused outright, even what any other member may do.
        assert "Only " in reply and "deactivated" in reply, reply
        assert after == before, f"{op} by {who} was refused but changed something"
    elif who in operation.allowed:
        assert operation.done(fresh_bot), f"{op} by {who} did not take effect: {reply}"
        assert "Only " not in reply, reply
    else:
        assert "Only " in reply, f"{op} by {who} was not refused: {reply}"
        assert after == before, f"{op} by {who} was refused but changed something"


def test_deactivated_person_cannot_read_or_take_over_a_new_workspace(
    fresh_bot: RunningBot,
) -> None:
    """The first person to use the bot becomes its secretariat; never a deactivated one."""
    for text in ("list", "show A-1", "role DCC <@UGONE>", "settings digest off"):
        reply = say(fresh_bot, text, "UGONE")
        assert "deactivated" in reply, (text, reply)
    assert state(fresh_bot) == {"actions": [], "events": 0, "meetings": [], "roles": [],
                                "secretariat": [], "settings": []}
