"""Buttons on the Home tab and in reminders: add update, mark in progress, mark complete."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import commands
from bot.directory import SlackDirectory
from bot.errors import BUSY_MESSAGE, FAILED_MESSAGE
from bot.ids import ActionId, CallbackId
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
    def on_start(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                 client: WebClient) -> None:
        ack()
        ref = _ref(action)
        if ref is None:
            _unknown(client, body)
            return
        change(body, client, c.StartAction(ref=ref))

    @app.action(ActionId.MARK_COMPLETE)
    def on_complete(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                    client: WebClient) -> None:
        ack()
        ref = _ref(action)
        if ref is None:
            _unknown(client, body)
            return
        change(body, client, c.DoneAction(ref=ref))

    @app.action(ActionId.NEED_MORE_TIME)
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
