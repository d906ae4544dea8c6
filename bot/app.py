"""Builds the Bolt app: the Web API client, the error handler and every listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from slack_bolt import App, BoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.orm import Session, sessionmaker

from bot import listeners
from bot.backlog import Backlog
from bot.errors import handle_error
from bot.home import HomeRefresher
from bot.outbox import CapturingWebClient
from bot.settings import Settings
from reminders.clock import Clock

WEB_API_TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 10
SERVER_ERROR_RETRIES = 3


@dataclass(frozen=True)
class Deps:
    """What listeners need besides Slack: the database, the clock, the zone and the
    backlog that runs their work (at once, in the worker: see bot/backlog.py)."""

    sessions: sessionmaker[Session]
    clock: Clock
    timezone: ZoneInfo
    backlog: Backlog = field(default_factory=Backlog)


def make_web_client(settings: Settings, kind: type[WebClient] = WebClient) -> WebClient:
    """A Web API client for the configured base URL (Slack, the stand-in or GovSlack).

    It waits out 429s for as long as Retry-After says and retries 5xx answers and
    dropped connections a few times with backoff.
    """
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    client = kind(
        token=token, base_url=settings.SLACK_API_URL, timeout=WEB_API_TIMEOUT_SECONDS
    )
    client.retry_handlers.extend([
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ])
    return client


class _TokenGivenByClient(logging.Filter):
    """Drops Bolt's "`token` will be unused" warning, which is no news here.

    The token is given through the client (which carries the base URL, timeout and
    retries); Bolt also reads SLACK_BOT_TOKEN from the environment by itself, finds both,
    and warns on every start although they are the same token.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_LOGGER = logging.getLogger("actionlog.bolt")
_BOLT_LOGGER.addFilter(_TokenGivenByClient())


def build_app(settings: Settings, deps: Deps, *,
              client: WebClient | None = None) -> tuple[App, HomeRefresher]:
    """The worker's Bolt app with every listener registered, and its Home refresher.

    The worker replays requests the web part has already checked and acked, so Bolt
    checks no signature, and runs each listener to its end on the worker's own thread
    (``process_before_response``), inside the request's unit of work. The token is
    checked beforehand by ``bot.startup.verify_token``, which says why Slack refused it.
    """
    app = App(
        client=client or make_web_client(settings, CapturingWebClient),
        signing_secret="",
        request_verification_enabled=False,
        token_verification_enabled=False,
        process_before_response=True,
        logger=_BOLT_LOGGER,
    )
    app.error(handle_error)

    @app.use
    def collect_replies(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002
        # Bolt gives each request a plain WebClient of its own; listeners get the app's
        # instead, whose messages wait in the outbox for the commit (bot/outbox.py).
        context["client"] = app.client
        next()

    return app, listeners.register(app, deps)
