"""Registers every listener on the app; nothing is registered on import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.directory import SlackDirectory
from bot.home import HomeRefresher
from bot.listeners import buttons, commands, forms, home, imports
from bot.mentions import MentionResolver

if TYPE_CHECKING:
    from bot.app import Deps


def register(app: App, deps: Deps) -> HomeRefresher:
    """Register every listener; the Home refresher they share is returned for the worker."""
    directory = SlackDirectory(app.client)
    refresher = HomeRefresher(app.client, deps, directory)
    commands.register(app, deps, directory, refresher, MentionResolver(app.client))
    forms.register(app, deps, directory, refresher)
    buttons.register(app, deps, directory, refresher)
    home.register(app, refresher)
    imports.register(app, deps, directory, refresher)
    return refresher
