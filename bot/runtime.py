"""Everything a running bot is made of, built in one place for `run`, `worker` and `console`.

The web part (``Intake``) only needs the database; the worker part needs Slack too.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from slack_bolt import App
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import Deps, build_app, make_web_client
from bot.directory import SlackDirectory
from bot.intake import Intake
from bot.messenger import SlackMessenger
from bot.outbox import CapturingWebClient
from bot.papers.attach import SummaryAttachment
from bot.settings import Settings
from bot.startup import verify_token
from bot.worker.home_tabs import WINDOW_SECONDS, HomeTabs
from bot.worker.loop import Worker
from bot.worker.runner import RequestRunner
from bot.worker.sender import OutboxSender
from reminders.clock import Clock
from reminders.service import ReminderService
from storage.inbox_db import InboxDatabase, open_inbox

# Requests one worker process carries out at once. Most of a request's time is spent
# waiting on Slack, so a few run side by side; their writes still take turns on SQLite.
WORKER_THREADS = 4


@dataclass
class Runtime:
    app: App  # the worker's Bolt app
    deps: Deps
    messenger: SlackMessenger
    reminders: ReminderService
    intake: Intake  # the web part
    worker: Worker  # not started: the caller starts it where it should run
    inbox: InboxDatabase


def instance_id() -> str:
    """Names this process in claims (deliveries, outbox), so a stuck one can be traced."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def engine_of(sessions: sessionmaker[Session]) -> Engine:
    return sessions.kw["bind"]


def build_intake(sessions: sessionmaker[Session], clock: Clock) -> Intake:
    """The web part alone: stores requests and acks them; needs no Slack token."""
    inbox = open_inbox(engine_of(sessions), sessions)
    return Intake(inbox.sessions, clock)


def worker_threads(settings: Settings) -> int:
    return settings.ACTIONLOG_WORKER_THREADS or WORKER_THREADS


def build_runtime(settings: Settings, sessions: sessionmaker[Session], clock: Clock, *,
                  home_window: float = WINDOW_SECONDS) -> Runtime:
    """Everything the bot runs on; StartupError when Slack refuses the token or is down."""
    client = make_web_client(settings)
    verify_token(client)
    attachment = SummaryAttachment(sessions, SlackDirectory(client).names_for, clock,
                                   settings.timezone)
    messenger = SlackMessenger(client, clock, settings.timezone, summary_paper=attachment)
    deps = Deps(sessions=sessions, clock=clock, timezone=settings.timezone)
    app, refresher = build_app(settings, deps,
                               client=make_web_client(settings, CapturingWebClient))
    me = instance_id()
    service = ReminderService(sessions, messenger, clock, settings.timezone, me,
                              posts_per_minute=settings.ACTIONLOG_POSTS_PER_MINUTE)
    inbox = open_inbox(engine_of(sessions), sessions)
    home = HomeTabs(refresher, window=home_window)
    sender = OutboxSender(sessions, client, messenger, home, clock, me)
    runner = RequestRunner(app, sessions, inbox, sender, clock, me)
    worker = Worker(runner, sender, home, sessions, inbox, clock,
                    threads=worker_threads(settings))
    return Runtime(app, deps, messenger, service, Intake(inbox.sessions, clock), worker, inbox)
