"""The real bot in HTTP mode, on loopback, talking to the Slack stand-in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from slack_bolt import App
from sqlalchemy.orm import Session, sessionmaker

from bot.http import SlackWsgiApp, make_server, stop_server
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from bot.worker.loop import Worker
from reminders.clock import ManualClock
from reminders.service import ReminderService
from tests.support.world import team_channel

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token-0001"
TEAM = "T0001"
# Home tabs wait this long for more changes before they are published (1 s in production);
# short here so tests need not wait, long enough that a burst still publishes once.
HOME_WINDOW = 0.05


@dataclass
class RunningBot:
    url: str
    app: App
    standin: SlackStandIn
    slack: SignedSlackClient
    sessions: sessionmaker[Session]
    clock: ManualClock
    reminders: ReminderService
    backlog: Worker  # carries out what was acknowledged; wait_idle() waits for it


def bot_settings(standin: SlackStandIn, database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=database_url,
    )


@contextmanager
def running_bot(
    sessions: sessionmaker[Session], clock: ManualClock, database_url: str
) -> Iterator[RunningBot]:
    """Start the stand-in and the bot's HTTP server; stop both afterwards."""
    with SlackStandIn(team_id=TEAM) as standin:
        team_channel(standin)
        settings = bot_settings(standin, database_url)
        runtime = build_runtime(settings, sessions, clock, home_window=HOME_WINDOW)
        app = runtime.app
        # The worker runs on threads of the test process, on the same database.
        runtime.worker.start()
        server = make_server(
            SlackWsgiApp(runtime.intake, health_check=lambda: True,
                         signing_secret=settings.request_signing_secret),
            host="127.0.0.1", port=0,
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.effective_port}"
        counter = iter(range(1, 1_000_000))
        slack = SignedSlackClient(
            f"{url}/slack/events",
            SIGNING_SECRET,
            team_id=TEAM,
            response_url_factory=lambda: standin.response_url(str(next(counter))),
        )
        try:
            yield RunningBot(url, app, standin, slack, sessions, clock, runtime.reminders,
                             runtime.worker)
        finally:
            slack.close()
            stop_server(server)
            thread.join(timeout=5)
            runtime.worker.stop(timeout=10)


def assert_slack_refused_nothing(standin: SlackStandIn) -> None:
    """Fail if the bot sent anything Slack would refuse (injected faults aside)."""
    refused = [f"{call.method} {call.args!r:.300} -> {call.response}"
               for call in standin.refusals()]
    assert not refused, ("Slack would have refused:\n" + "\n".join(refused)
                         + "\n(a test that provokes one on purpose says so with "
                           "standin.expect_refusal(error))")
