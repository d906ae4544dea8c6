"""The real bot, served on loopback, talking to the Slack stand-in: started and stopped here."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.console import workspace
from bot.console.sender import Answer, SignedSender
from bot.console.timing import round_times
from bot.http import SlackWsgiApp, make_server, stop_server
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from bot.standin.server import Call, SlackStandIn
from reminders.clock import ManualClock
from storage import schema
from storage.db import make_engine, make_session_factory, transaction
from storage.models import Action, WorkspaceSettings

# The bot's Web API calls go to the stand-in on loopback; a proxy from the environment
# (which slack_sdk and urllib both honour) would send them elsewhere.
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
QUIET_SECONDS = 0.15  # the bot counts as done once no call has arrived for this long
WAIT_SECONDS = 5.0  # ...or after this long, whatever it is still doing
POLL_SECONDS = 0.02


class ConsoleBot:
    """The running bot and the stand-in, with the console's view of what the bot has done."""

    def __init__(self, standin: SlackStandIn, runtime: Runtime, sender: SignedSender,
                 clock: ManualClock, zone: ZoneInfo) -> None:
        self.standin, self.runtime, self.sender = standin, runtime, sender
        self.clock, self.zone = clock, zone
        self._seen = 0
        self._replies = 0

    def response_url(self, user_id: str) -> str:
        """A fresh response_url whose posts the stand-in records as replies to ``user_id``."""
        self._replies += 1
        return self.standin.response_url(f"{user_id}-{self._replies}")

    def command(self, person: workspace.Person, text: str) -> Answer:
        """Type ``/actions text`` in the team channel as ``person``."""
        channel = workspace.TEAM_CHANNEL
        return self.sender.slash_command(
            text, user_id=person.user_id, user_name=person.handle,
            channel_id=channel.channel_id, channel_name=channel.name,
            response_url=self.response_url(person.user_id),
        )

    def has_actions(self) -> bool:
        """True once any action is recorded in the pretend workspace."""
        with transaction(self.runtime.deps.sessions) as session:
            found = session.scalar(
                select(Action.id).where(Action.team_id == workspace.TEAM_ID).limit(1)
            )
        return found is not None

    def open_home(self, person: workspace.Person) -> Answer:
        """Send the app_home_opened event Slack sends when someone opens the app's Home."""
        return self.sender.event({"type": "app_home_opened", "user": person.user_id,
                                  "tab": "home", "channel": f"D{person.user_id}",
                                  "event_ts": f"{time.time():.6f}"})

    def settle(self, expect_activity: bool = True) -> list[Call]:
        """Wait until the bot has stopped calling Slack; return the calls not yet returned."""
        deadline = time.monotonic() + WAIT_SECONDS
        count = len(self.standin.calls)
        if expect_activity:  # the listener runs after the ack, so its first call may lag
            while count == self._seen and time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
                count = len(self.standin.calls)
        # Work acknowledged but still queued makes no calls yet; wait for it to be done.
        self.runtime.worker.wait_idle(max(0.0, deadline - time.monotonic()))
        count = len(self.standin.calls)
        changed = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - changed < QUIET_SECONDS:
            time.sleep(POLL_SECONDS)
            latest = len(self.standin.calls)
            if latest != count:
                count, changed = latest, time.monotonic()
        return self.collect()

    def collect(self) -> list[Call]:
        """The calls made since the last collect, without waiting."""
        calls = self.standin.calls
        new, self._seen = calls[self._seen:], len(calls)
        return new

    def send_time(self) -> clock_time:
        """The workspace's time of day for reminders, summaries and digests."""
        with transaction(self.runtime.deps.sessions) as session:
            settings = session.get(WorkspaceSettings, workspace.TEAM_ID)
            text = settings.send_time if settings else "09:00"
        hours, minutes = (int(part) for part in text.split(":"))
        return clock_time(hours, minutes)

    def is_new(self) -> bool:
        """True until the workspace has been used (its settings row is made on first use)."""
        with transaction(self.runtime.deps.sessions) as session:
            return session.get(WorkspaceSettings, workspace.TEAM_ID) is None

    def move_clock(self, to: datetime) -> list[tuple[datetime, list[Call]]]:
        """Set the clock, running each reminder round the scheduler would have run on the way."""
        old = self.clock.now()
        if to <= old:
            self.clock.set(to)
            return []
        rounds = []
        for at in round_times(old, to, self.send_time(), self.zone):
            self.clock.set(at)
            # run_due posts synchronously: its calls are all in by the time it returns.
            self.runtime.reminders.run_due(at)
            rounds.append((at, self.collect()))
        return rounds


def database_url(path: Path) -> str:
    """The SQLAlchemy URL of the console's SQLite file, absolute so it is unambiguous."""
    return f"sqlite:///{path.expanduser().resolve()}"


@contextmanager
def start_console(db_path: Path, start: datetime, zone_name: str) -> Iterator[ConsoleBot]:
    """Migrate the console's database, start the stand-in and the bot; stop both afterwards."""
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)
    engine = make_engine(database_url(db_path))
    try:
        schema.upgrade(engine)
        with SlackStandIn(team_id=workspace.TEAM_ID, team_name=workspace.TEAM_NAME) as standin:
            workspace.install(standin)
            yield from _serve(standin, engine, db_path, start, zone_name)
    finally:
        engine.dispose()


# Home tabs follow a change at once here: nobody is making changes in bursts.
CONSOLE_HOME_WINDOW = 0.05


def _serve(standin: SlackStandIn, engine: Engine, db_path: Path, start: datetime,
           zone_name: str) -> Iterator[ConsoleBot]:
    """Build the runtime exactly as `run` does and serve it over HTTP, as the harness does."""
    # Made up per run: nothing outside this process can sign requests to the bot.
    signing_secret = secrets.token_hex(16)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN="xoxb-console-" + secrets.token_hex(8),
        SLACK_SIGNING_SECRET=signing_secret, SLACK_APP_TOKEN=None,
        SLACK_API_URL=standin.api_url, DATABASE_URL=database_url(db_path),
        ACTIONLOG_TIMEZONE=zone_name, PORT=3000,
    )
    clock = ManualClock(start)
    # The worker runs on a thread of this process: the console is one person's try-out.
    runtime = build_runtime(settings, make_session_factory(engine), clock,
                            home_window=CONSOLE_HOME_WINDOW)
    runtime.worker.start()
    wsgi = SlackWsgiApp(runtime.intake, health_check=lambda: True,
                        signing_secret=settings.request_signing_secret)
    server = make_server(wsgi, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, name="console-bot", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"  # type: ignore[union-attr]
    sender = SignedSender(url, signing_secret, workspace.TEAM_ID)
    try:
        yield ConsoleBot(standin, runtime, sender, clock, settings.timezone)
    finally:
        _stop(server, thread)
        runtime.worker.stop(timeout=10)


def _stop(server: BaseWSGIServer | MultiSocketServer, thread: threading.Thread) -> None:
    stop_server(server)
    thread.join(timeout=5)
