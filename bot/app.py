"""Builds the Bolt app: the Web API client, the error handler and every listener."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import listeners
from bot.errors import handle_error
from bot.settings import Settings
from reminders.clock import Clock

WEB_API_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Deps:
    """What listeners need besides Slack: the database, the clock and the zone."""

    sessions: sessionmaker[Session]
    clock: Clock
    timezone: ZoneInfo


def make_web_client(settings: Settings) -> WebClient:
    """A Web API client for the configured base URL (Slack, the stand-in or GovSlack)."""
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    return WebClient(token=token, base_url=settings.SLACK_API_URL, timeout=WEB_API_TIMEOUT_SECONDS)


def build_app(settings: Settings, deps: Deps, *, client: WebClient | None = None) -> App:
    """The Bolt app with everything registered; nothing is started here."""
    secret = settings.SLACK_SIGNING_SECRET
    app = App(
        client=client or make_web_client(settings),
        signing_secret=secret.get_secret_value() if secret else None,
        # Socket Mode requests are not signed; HTTP requests always are.
        request_verification_enabled=not settings.socket_mode,
        logger=logging.getLogger("actionlog.bolt"),
    )
    app.error(handle_error)
    listeners.register(app, deps)
    return app
