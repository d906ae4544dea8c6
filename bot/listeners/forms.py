"""Forms: record an action (from /actions or a message), add an update."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import commands
from bot.directory import PersonProblem, SlackDirectory
from bot.ids import BlockId, CallbackId
from bot.parsing import commands as c
from bot.render.forms import NEXT_MEETING, record_action_form
from storage.db import transaction
from storage.due import DueAtMeetingOn, DueAtNextMeeting, DueOnDate, DueSpec
from storage.errors import ServiceError
from storage.owners import OwnerRef, RoleOwner, UserOwner
from storage.services import meetings, roles, workspace

if TYPE_CHECKING:
    from bot.app import Deps
    from bot.home import HomeRefresher


def open_record_form(
    client: WebClient, deps: Deps, trigger_id: str, team_id: str, initial_text: str = ""
) -> None:
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        workspace.get_settings(session, team_id=team_id, now=now)
        codes = [r.code for r in roles.list_roles(session, team_id=team_id)]
        recent, upcoming = meetings.list_meetings(session, team_id=team_id, now=now)
        view = record_action_form(
            role_codes=codes, upcoming=upcoming, recent=recent, zone=deps.timezone,
            initial_text=initial_text,
        )
    client.views_open(trigger_id=trigger_id, view=view)


def register(app: App, deps: Deps, directory: SlackDirectory, home: HomeRefresher) -> None:
    @app.shortcut(CallbackId.RECORD_FROM_MESSAGE)
    def on_record_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        text = (shortcut.get("message") or {}).get("text", "")
        open_record_form(client, deps, shortcut["trigger_id"], shortcut["team"]["id"], text)

    @app.view(CallbackId.RECORD_ACTION)
    def on_record_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: WebClient) -> None:
        values = view["state"]["values"]
        try:
            command = _form_command(values)
        except _FieldError as exc:
            ack(response_action="errors", errors={exc.block_id: exc.message})
            return
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        request = commands.Request(team_id, user_id, deps, directory)
        try:
            outcome = commands.run(command, request)
        except (ServiceError, PersonProblem) as exc:
            message = exc.message if isinstance(exc, ServiceError) else str(exc)
            ack(response_action="errors", errors={BlockId.TEXT: message[:300]})
            return
        ack()
        client.chat_postMessage(channel=user_id, **outcome.reply.payload())
        home.refresh(team_id, outcome.changed_for)

    @app.view(CallbackId.ADD_UPDATE)
    def on_update_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: WebClient) -> None:
        ref = json.loads(view.get("private_metadata") or "{}").get("ref")
        note = _value(view["state"]["values"], BlockId.NOTE) or ""
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        request = commands.Request(team_id, user_id, deps, directory)
        try:
            outcome = commands.run(c.UpdateAction(ref=int(ref), note=note), request)
        except (ServiceError, TypeError, ValueError) as exc:
            message = exc.message if isinstance(exc, ServiceError) else "That action is unknown."
            ack(response_action="errors", errors={BlockId.NOTE: message[:300]})
            return
        ack()
        client.chat_postMessage(channel=user_id, **outcome.reply.payload())
        home.refresh(team_id, outcome.changed_for)


    @app.view(CallbackId.NEED_MORE_TIME)
    def on_more_time_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                               client: WebClient) -> None:
        values = view["state"]["values"]
        ref = json.loads(view.get("private_metadata") or "{}").get("ref")
        new_date = _value(values, BlockId.NEW_DATE)
        if not new_date:
            ack(response_action="errors", errors={BlockId.NEW_DATE: "Choose the new date."})
            return
        command = commands.RequestMoreTime(int(ref), date.fromisoformat(new_date),
                                           _value(values, BlockId.REASON) or "")
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        try:
            outcome = commands.run(command, commands.Request(team_id, user_id, deps, directory))
        except ServiceError as exc:
            ack(response_action="errors", errors={BlockId.REASON: exc.message[:300]})
            return
        ack()
        client.chat_postMessage(channel=user_id, **outcome.reply.payload())
        for member, reply in outcome.notify:
            client.chat_postMessage(channel=member, **reply.payload())


class _FieldError(Exception):
    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id, self.message = block_id, message


def _value(values: dict[str, Any], block_id: str) -> Any:
    element = values.get(block_id, {}).get("value", {})
    for key in ("value", "selected_date", "selected_users", "selected_options",
                "selected_option"):
        if element.get(key) is not None:
            return element[key]
    return None


def _form_command(values: dict[str, Any]) -> commands.RecordFromForm:
    """Read the form, or raise _FieldError naming the field to fix."""
    text = (_value(values, BlockId.TEXT) or "").strip()
    if not text:
        raise _FieldError(BlockId.TEXT, "Say what was agreed.")
    owners: list[OwnerRef] = [RoleOwner(o["value"]) for o in
                              _value(values, BlockId.OWNERS_ROLES) or []]
    owners += [UserOwner(u) for u in _value(values, BlockId.OWNERS_PEOPLE) or []]
    if not owners:
        raise _FieldError(BlockId.OWNERS_ROLES, "Choose at least one role or person.")
    meeting = _value(values, BlockId.DUE_MEETING)
    due_date = _value(values, BlockId.DUE_DATE)
    if meeting and due_date:
        raise _FieldError(BlockId.DUE_DATE, "Choose a meeting or a date, not both.")
    due: DueSpec | None = None
    if due_date:
        due = DueOnDate(date.fromisoformat(due_date))
    elif meeting and meeting["value"] == NEXT_MEETING:
        due = DueAtNextMeeting()
    elif meeting:
        due = DueAtMeetingOn(date.fromisoformat(meeting["value"]))
    source = _value(values, BlockId.SOURCE_MEETING)
    return commands.RecordFromForm(
        owners=tuple(owners), text=text, due=due,
        agenda_item=_value(values, BlockId.AGENDA_ITEM),
        source_meeting_id=int(source["value"]) if source else None,
    )
