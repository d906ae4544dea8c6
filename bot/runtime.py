"""Everything a running bot is made of, built in one place for `run` and `console`."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from slack_bolt import App
from sqlalchemy.orm import Session, sessionmaker

from bot.app import Deps, build_app, make_web_client
from bot.directory import SlackDirectory
from bot.messenger import SlackMessenger
from bot.papers.attach import SummaryAttachment
from bot.replays import RequestLedger
from bot.settings import Settings
from bot.startup import verify_token
from reminders.clock import Clock
from reminders.service import ReminderService


@dataclass
class Runtime:
    app: App
    deps: Deps
    messenger: SlackMessenger
    reminders: ReminderService
    replays: RequestLedger


def instance_id() -> str:
    """Names this process in delivery claims, so a stuck claim can be traced."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def build_runtime(settings: Settings, sessions: sessionmaker[Session], clock: Clock) -> Runtime:
    """Everything the bot runs on; StartupError when Slack refuses the token or is down."""
    client = make_web_client(settings)
    verify_token(client)
    attachment = SummaryAttachment(sessions, SlackDirectory(client).names_for, clock,
                                   settings.timezone)
    messenger = SlackMessenger(client, clock, settings.timezone, summary_paper=attachment)
    deps = Deps(sessions=sessions, clock=clock, timezone=settings.timezone)
    app = build_app(settings, deps, client=client)
    service = ReminderService(sessions, messenger, clock, settings.timezone, instance_id(),
                              posts_per_minute=settings.ACTIONLOG_POSTS_PER_MINUTE)
    return Runtime(app, deps, messenger, service, RequestLedger(sessions, clock))
