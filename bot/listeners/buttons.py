"""Buttons on the Home tab, in reminders and replies: update, progress, complete, create role."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import commands
from bot.directory import SlackDirectory
from bot.errors import BUSY_MESSAGE, FAILED_MESSAGE
from bot.ids import ActionId, CallbackId
from bot.listeners.guard import acked_safely
from bot.open_form import open_form
from bot.parsing import commands as c
from bot.render.forms import note_form
from storage.errors import ServiceError

if TYPE_CHECKING:
    from bot.app import Deps
    from bot.home import HomeRefresher

log = logging.getLogger("actionlog.buttons")


def register(app: App, deps: Deps, directory: SlackDirectory, home: HomeRefresher) -> None:
    def change(body: dict[str, Any], client: WebClient, command: c.Command) -> None:
        """Run the button's change on the backlog, after the ack (see bot/backlog.py)."""
        user_id = body["user"]["id"]

        def tell(text: str) -> None:
            client.chat_postMessage(channel=user_id, text=text)

        queued = deps.backlog.submit(
            f"button {type(command).__name__}", lambda: run_change(body, client, command),
            on_failure=lambda _exc: tell(FAILED_MESSAGE),
        )
        if not queued:
            tell(BUSY_MESSAGE)

    def run_change(body: dict[str, Any], client: WebClient, command: c.Command) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        request = commands.Request(team_id, user_id, deps, directory)
        try:
            outcome = commands.run(command, request)
        except ServiceError as exc:
            client.chat_postMessage(channel=user_id, text=f":warning: {exc.message}")
            return
        client.chat_postMessage(channel=user_id, **outcome.reply.payload())
        home.refresh(team_id, outcome.changed_for)

    @app.action(ActionId.MARK_IN_PROGRESS)
    @acked_safely
    def on_start(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                 client: WebClient) -> None:
        ack()
        ref = _ref(action)
        if ref is None:
            _unknown(client, body)
            return
        change(body, client, c.StartAction(ref=ref))

    @app.action(ActionId.MARK_COMPLETE)
    @acked_safely
    def on_complete(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                    client: WebClient) -> None:
        ack()
        ref = _ref(action)
        if ref is None:
            _unknown(client, body)
            return
        change(body, client, c.DoneAction(ref=ref))

    @app.action(ActionId.CREATE_ROLES_AND_ADD)
    def on_create_roles(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                        client: WebClient) -> None:
        ack()
        command = _create_roles_command(action.get("value", ""))
        if command is None:
            client.chat_postMessage(channel=body["user"]["id"], text=STALE_BUTTON)
            return
        change(body, client, command)

    @app.action(ActionId.NEED_MORE_TIME)
    @acked_safely
    def on_need_more_time(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                          client: WebClient) -> None:
        ack()
        ref = _ref(action)
        if ref is None:
            _unknown(client, body)
            return
        open_form(client, str(body.get("trigger_id") or ""), body["user"]["id"],
                  lambda: note_form(ref, callback_id=CallbackId.NEED_MORE_TIME,
                                    title=f"More time for A-{ref}",
                                    label="Why is more time needed?", with_date=True))

    @app.action(ActionId.ADD_UPDATE)
    @acked_safely
    def on_add_update(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                      client: WebClient) -> None:
        ack()
        ref = _ref(action)
        if ref is None:
            _unknown(client, body)
            return
        open_form(client, str(body.get("trigger_id") or ""), body["user"]["id"],
                  lambda: note_form(ref, callback_id=CallbackId.ADD_UPDATE,
                                    title=f"Update A-{ref}", label="Progress so far",
                                    with_date=False))


UNKNOWN_BUTTON = ":warning: That button names no action I know, so nothing was changed."


def _ref(action: dict[str, Any]) -> int | None:
    """The action reference a button carries, or None when it is not one."""
    value = str(action.get("value") or "")
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    ref = int(value)
    return ref if 1 <= ref <= c.MAX_REF else None


def _unknown(client: WebClient, body: dict[str, Any]) -> None:
    """Tell the presser their button was not understood; never raise after the ack."""
    try:
        client.chat_postMessage(channel=body["user"]["id"], text=UNKNOWN_BUTTON)
    except (SlackApiError, OSError):
        log.warning("could not tell the person their button was not understood")


STALE_BUTTON = (
    ":warning: That button no longer works. Nothing was changed; send the `add` again."
)


def _create_roles_command(value: str) -> commands.CreateRolesThenAdd | None:
    """The button's value: the titles to create and the `add` to run; None if malformed."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    titles, add = data.get("roles"), data.get("add")
    if not (isinstance(titles, list) and titles and isinstance(add, str) and add.strip()):
        return None
    if not all(isinstance(t, str) and t.strip() for t in titles):
        return None
    return commands.CreateRolesThenAdd(tuple(titles), add)
