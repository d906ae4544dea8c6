"""The /actions slash command: ack, parse, run, reply privately, refresh Home tabs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot import commands
from bot.directory import PersonProblem, SlackDirectory
from bot.errors import BUSY_MESSAGE, FAILED_MESSAGE
from bot.ids import Command
from bot.listeners.forms import open_record_form
from bot.listeners.guard import acked_safely
from bot.listeners.imports import open_paste_form
from bot.mentions import AmbiguousName, MentionResolver
from bot.parsing import commands as c
from bot.render.common import Reply, section
from bot.render.help import render_error
from bot.replies import reply_privately
from bot.uploads import upload_to_dm
from storage.errors import ServiceError

if TYPE_CHECKING:
    from bot.app import Deps
    from bot.home import HomeRefresher

log = logging.getLogger("actionlog.commands")

# The usage line shown when a subcommand is refused.
USAGE_KEY: dict[type, str] = {
    c.AddAction: "add",
    c.UpdateAction: "update",
    c.StartAction: "start",
    c.DoneAction: "done",
    c.CloseAction: "close",
    c.ReopenAction: "reopen",
    c.DropAction: "drop",
    c.ReviseDue: "due",
    c.AssignAction: "assign",
    c.ShowAction: "show",
    c.ListActions: "list",
    c.SetNextMeeting: "meeting",
    c.MeetingList: "meeting",
    c.MoveMeeting: "meeting",
    c.CancelMeeting: "meeting",
    c.SetRole: "role",
    c.ListRoles: "roles",
    c.AddSecretariat: "secretariat",
    c.SetSecretariatGroup: "secretariat",
    c.ShowSettings: "settings",
    c.ChangeSetting: "settings",
    c.Summary: "summary",
    c.RequestMoreTime: "more-time",
    c.ExportLog: "export",
    c.EndRecurrence: "stop",
    c.EditAction: "edit",
}


def _usage_key(parsed: c.Command) -> str:
    """Several refs at once share the usage line of the change they make."""
    kind = type(parsed.commands[0]) if isinstance(parsed, c.Several) else type(parsed)
    return USAGE_KEY.get(kind, "")


def register(app: App, deps: Deps, directory: SlackDirectory, home: HomeRefresher,
             mentions: MentionResolver) -> None:
    @app.command(Command.ACTIONS)
    @acked_safely
    def on_actions(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        # Ack at once; the work runs on the backlog so acks never wait behind it.
        ack()

        def answer(reply: Reply) -> None:
            reply_privately(client, command.get("response_url"), command["user_id"], reply)

        today = deps.clock.now().astimezone(deps.timezone).date()
        try:
            parsed: c.Command | c.CommandError = c.parse_command(command.get("text", ""),
                                                                today)
        except c.CommandError as exc:
            parsed = exc
        if isinstance(parsed, c.OpenImport):
            open_paste_form(client, command["trigger_id"], command["user_id"])
            return
        if isinstance(parsed, c.OpenForm):
            # The form opens here, not on the backlog: its trigger expires in 3 seconds.
            open_record_form(client, deps, command["trigger_id"], command["team_id"],
                             command["user_id"])
            return
        queued = deps.backlog.submit(
            "/actions",
            lambda: _handle(_with_mentions(parsed, command, today, mentions), command, answer,
                            deps, directory, home, client),
            on_failure=lambda _exc: answer(_notice(FAILED_MESSAGE)),
        )
        if not queued:
            answer(_notice(BUSY_MESSAGE))


def _with_mentions(parsed: c.Command | c.CommandError, command: dict[str, Any], today: date,
                   mentions: MentionResolver) -> c.Command | c.CommandError:
    """Parsed again once plain @names and #channels are made mentions, if there were any."""
    text = command.get("text", "")
    try:
        resolved = mentions.resolve(text)
    except AmbiguousName as exc:
        return c.CommandError(str(exc), "")
    except (SlackApiError, OSError) as exc:
        # The directory cannot be read: the text is parsed as it came, and a plain name
        # where a mention is needed is refused with the parser's own message.
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
        log.warning("cannot look names up", extra={"fields": {"error": error}})
        return parsed
    if resolved == text:
        return parsed
    try:
        return c.parse_command(resolved, today)
    except c.CommandError as exc:
        return exc


def _handle(parsed: c.Command | c.CommandError, command: dict[str, Any],
            answer: Callable[[Reply], None], deps: Deps, directory: SlackDirectory,
            home: HomeRefresher, client: WebClient) -> None:
    """Run one parsed /actions command, answer privately, tell others, refresh Home tabs."""
    if isinstance(parsed, c.CommandError):
        answer(render_error(parsed.message, parsed.usage))
        return
    request = commands.Request(command["team_id"], command["user_id"], deps, directory)
    try:
        outcome = commands.run(parsed, request)
    except (ServiceError, PersonProblem) as exc:
        usage = c.USAGE.get(_usage_key(parsed))
        answer(render_error(_message(exc), usage))
        return
    if outcome.upload is not None:
        try:
            upload_to_dm(client, command["user_id"], outcome.upload(), outcome.upload_comment)
        except (SlackApiError, SlackRequestError) as exc:
            error = (str(exc.response.get("error", "error")) if isinstance(exc, SlackApiError)
                     else "the upload was not accepted")
            answer(_notice(UPLOAD_FAILED.format(error=error)))
            return
    answer(outcome.reply)
    for member, reply in outcome.notify:
        client.chat_postMessage(channel=member, **reply.payload())
    home.refresh(command["team_id"], outcome.changed_for)


UPLOAD_FAILED = (
    ":warning: The action log is ready, but Slack refused the file ({error}), so it could "
    "not be sent to you. Nothing was changed; please try again in a minute."
)


def _notice(text: str) -> Reply:
    return Reply(text=text, blocks=[section(text)])


def _message(exc: Exception) -> str:
    return exc.message if isinstance(exc, ServiceError) else str(exc)

