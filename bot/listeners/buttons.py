"""Buttons on the Home tab and in reminders: add update, mark in progress, mark complete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import commands
from bot.directory import SlackDirectory
from bot.errors import BUSY_MESSAGE, FAILED_MESSAGE
from bot.ids import ActionId, CallbackId
from bot.parsing import commands as c
from bot.render.forms import note_form
from storage.errors import ServiceError

if TYPE_CHECKING:
    from bot.app import Deps
    from bot.home import HomeRefresher


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
        change(body, client, c.StartAction(ref=int(action["value"])))

    @app.action(ActionId.MARK_COMPLETE)
    def on_complete(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                    client: WebClient) -> None:
        ack()
        change(body, client, c.DoneAction(ref=int(action["value"])))

    @app.action(ActionId.NEED_MORE_TIME)
    def on_need_more_time(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                          client: WebClient) -> None:
        ack()
        ref = int(action["value"])
        client.views_open(
            trigger_id=body["trigger_id"],
            view=note_form(ref, callback_id=CallbackId.NEED_MORE_TIME,
                           title=f"More time for A-{ref}", label="Why is more time needed?",
                           with_date=True),
        )

    @app.action(ActionId.ADD_UPDATE)
    def on_add_update(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                      client: WebClient) -> None:
        ack()
        ref = int(action["value"])
        client.views_open(
            trigger_id=body["trigger_id"],
            view=note_form(ref, callback_id=CallbackId.ADD_UPDATE, title=f"Update A-{ref}",
                           label="Progress so far", with_date=False),
        )
