"""Forms: record an action (from /actions or a message), add an update."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot import commands
from bot.directory import SlackDirectory
from bot.ids import BlockId, CallbackId
from bot.listeners.guard import acked_safely
from bot.listeners.submissions import Submission, SubmissionRunner
from bot.open_form import open_form
from bot.parsing import commands as c
from bot.render.forms import NEXT_MEETING, record_action_form
from bot.replays import form_key
from bot.slack_text import plain_text
from storage.db import transaction
from storage.due import DueAtMeetingOn, DueAtNextMeeting, DueOnDate, DueSpec
from storage.owners import OwnerRef, RoleOwner, UserOwner
from storage.services import meetings, roles, workspace

if TYPE_CHECKING:
    from bot.app import Deps
    from bot.home import HomeRefresher


def open_record_form(
    client: WebClient, deps: Deps, trigger_id: str, team_id: str, user_id: str,
    initial_text: str = "",
) -> None:
    def build() -> View:
        now = deps.clock.now()
        with transaction(deps.sessions) as session:
            workspace.get_settings(session, team_id=team_id, now=now)
            listed = roles.list_roles(session, team_id=team_id)
            codes = [r.code for r in listed]
            titles = {r.code: r.title for r in listed if r.title}
            recent, upcoming = meetings.list_meetings(session, team_id=team_id, now=now)
            return record_action_form(
                role_codes=codes, role_titles=titles, upcoming=upcoming, recent=recent,
                zone=deps.timezone, initial_text=initial_text,
            )

    open_form(client, trigger_id, user_id, build)


def register(app: App, deps: Deps, directory: SlackDirectory, home: HomeRefresher) -> None:
    runner = SubmissionRunner(deps, directory, home)

    @app.shortcut(CallbackId.RECORD_FROM_MESSAGE)
    @acked_safely
    def on_record_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        # The form shows plain text: the message's mentions, links and entities spelled out.
        text = plain_text((shortcut.get("message") or {}).get("text", ""),
                          directory.display_name)
        open_record_form(client, deps, shortcut["trigger_id"], shortcut["team"]["id"],
                         shortcut["user"]["id"], text)

    @app.view(CallbackId.RECORD_ACTION)
    @acked_safely
    def on_record_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: WebClient) -> None:
        values = _state_values(view)
        if values is None:
            ack(response_action="errors", errors={BlockId.TEXT: FORM_WITHOUT_FIELDS})
            return
        try:
            command = _form_command(values)
        except _FieldError as exc:
            ack(response_action="errors", errors={exc.block_id: exc.message})
            return
        runner.run(ack, client, Submission(
            body["team"]["id"], body["user"]["id"], command, BlockId.TEXT, command.text,
            form_key(body["team"]["id"], view)))

    @app.view(CallbackId.ADD_UPDATE)
    @acked_safely
    def on_update_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: WebClient) -> None:
        values, ref = _state_values(view), _ref_of(view)
        if values is None or ref is None:
            problem = FORM_WITHOUT_FIELDS if values is None else UNKNOWN_ACTION
            ack(response_action="errors", errors={BlockId.NOTE: problem})
            return
        note = str(_value(values, BlockId.NOTE) or "")
        runner.run(ack, client, Submission(
            body["team"]["id"], body["user"]["id"], c.UpdateAction(ref=ref, note=note),
            BlockId.NOTE, f"Update to A-{ref}: {note}", form_key(body["team"]["id"], view)))

    @app.view(CallbackId.NEED_MORE_TIME)
    @acked_safely
    def on_more_time_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                               client: WebClient) -> None:
        values, ref = _state_values(view), _ref_of(view)
        if values is None or ref is None:
            problem = FORM_WITHOUT_FIELDS if values is None else UNKNOWN_ACTION
            ack(response_action="errors", errors={BlockId.REASON: problem})
            return
        try:
            new_date = _date(values, BlockId.NEW_DATE)
        except _FieldError as exc:
            ack(response_action="errors", errors={exc.block_id: exc.message})
            return
        if new_date is None:
            ack(response_action="errors", errors={BlockId.NEW_DATE: "Choose the new date."})
            return
        reason = str(_value(values, BlockId.REASON) or "")
        runner.run(ack, client, Submission(
            body["team"]["id"], body["user"]["id"],
            commands.RequestMoreTime(ref, new_date, reason), BlockId.REASON,
            f"More time for A-{ref}, until {new_date:%d/%m/%Y}: {reason}",
            form_key(body["team"]["id"], view)))


# Slack always sends a submitted form's fields; without them there is nothing to record.
FORM_WITHOUT_FIELDS = (
    "The form arrived without its fields, so nothing was changed. Close it and try again."
)
UNKNOWN_ACTION = "That action is unknown."


class _FieldError(Exception):
    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id, self.message = block_id, message


def _state_values(view: dict[str, Any]) -> dict[str, Any] | None:
    """The form's input values (``view.state.values``), or None when they are missing."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else None


def _ref_of(view: dict[str, Any]) -> int | None:
    """The action reference the form was opened for, kept in its private metadata."""
    try:
        ref = int(json.loads(view.get("private_metadata") or "{}")["ref"])
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        # OverflowError: {"ref": 1e400} reads as infinity, which int() refuses.
        return None
    return ref if 1 <= ref <= c.MAX_REF else None


def _value(values: dict[str, Any], block_id: str) -> Any:
    block = values.get(block_id)
    element = block.get("value") if isinstance(block, dict) else None
    if not isinstance(element, dict):
        return None
    for key in ("value", "selected_date", "selected_users", "selected_options",
                "selected_option"):
        if element.get(key) is not None:
            return element[key]
    return None


def _option(values: dict[str, Any], block_id: str) -> str | None:
    """The value of the option chosen in a select, or None."""
    chosen = _value(values, block_id)
    return str(chosen["value"]) if isinstance(chosen, dict) and "value" in chosen else None


def _options(values: dict[str, Any], block_id: str) -> list[str]:
    """The values of the options (or users) chosen in a multi-select."""
    chosen = _value(values, block_id)
    if not isinstance(chosen, list):
        return []
    return [str(o["value"]) if isinstance(o, dict) else str(o) for o in chosen
            if not isinstance(o, dict) or "value" in o]


def _date(values: dict[str, Any], block_id: str) -> date | None:
    """The date chosen in a date picker, or None; _FieldError when it is no date."""
    chosen = _value(values, block_id)
    if chosen is None:
        return None
    try:
        return date.fromisoformat(str(chosen))
    except ValueError:
        raise _FieldError(block_id, "Choose a date from the calendar.") from None


def _form_command(values: dict[str, Any]) -> commands.RecordFromForm:
    """Read the form, or raise _FieldError naming the field to fix."""
    text = c.action_wording(str(_value(values, BlockId.TEXT) or ""))
    if not text:
        raise _FieldError(BlockId.TEXT, "Say what was agreed.")
    owners: list[OwnerRef] = [RoleOwner(code) for code in _options(values, BlockId.OWNERS_ROLES)]
    owners += [UserOwner(user) for user in _options(values, BlockId.OWNERS_PEOPLE)]
    if not owners:
        raise _FieldError(BlockId.OWNERS_ROLES, "Choose at least one role or person.")
    meeting = _option(values, BlockId.DUE_MEETING)
    due_date = _date(values, BlockId.DUE_DATE)
    if meeting and due_date:
        raise _FieldError(BlockId.DUE_DATE, "Choose a meeting or a date, not both.")
    due: DueSpec | None = None
    if due_date:
        due = DueOnDate(due_date)
    elif meeting == NEXT_MEETING:
        due = DueAtNextMeeting()
    elif meeting:
        due = DueAtMeetingOn(_meeting_day(meeting))
    agenda_item = _value(values, BlockId.AGENDA_ITEM)
    return commands.RecordFromForm(
        owners=tuple(owners), text=text, due=due,
        agenda_item=str(agenda_item) if agenda_item is not None else None,
        source_meeting_id=_meeting_id(_option(values, BlockId.SOURCE_MEETING)),
    )


def _meeting_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _FieldError(BlockId.DUE_MEETING, "Choose a meeting from the list.") from None


def _meeting_id(value: str | None) -> int | None:
    if value is None:
        return None
    # Ids are 32-bit columns; a larger number could only be a forged form.
    if not value.isdigit() or not 1 <= int(value) <= c.MAX_REF:
        raise _FieldError(BlockId.SOURCE_MEETING, "Choose a meeting from the list.")
    return int(value)
