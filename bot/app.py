"""Builds the Bolt app: the Web API client, the error handler and every listener."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from slack_bolt import App
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
from bot.settings import Settings
from reminders.clock import Clock

WEB_API_TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 10
SERVER_ERROR_RETRIES = 3
# Bolt runs every listener, and its ack, on this pool. More threads than the HTTP server
# has (16), because a listener may go on after its request is answered (a form waiting
# for its result, a Home tab being published), and a new request must never wait for a
# thread to ack.
LISTENER_THREADS = 32


@dataclass(frozen=True)
class Deps:
    """What listeners need besides Slack: the database, the clock, the zone and the
    backlog that runs their work after the ack."""

    sessions: sessionmaker[Session]
    clock: Clock
    timezone: ZoneInfo
    backlog: Backlog = field(default_factory=Backlog)


def make_web_client(settings: Settings) -> WebClient:
    """A Web API client for the configured base URL (Slack, the stand-in or GovSlack).

    It waits out 429s for as long as Retry-After says and retries 5xx answers and
    dropped connections a few times with backoff.
    """
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    client = WebClient(
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


def build_app(settings: Settings, deps: Deps, *, client: WebClient | None = None) -> App:
    """The Bolt app with everything registered; nothing is started here.

    The token is checked beforehand by ``bot.startup.verify_token``, which says why
    Slack refused it, so Bolt does not check it again.
    """
    secret = settings.SLACK_SIGNING_SECRET
    app = App(
        client=client or make_web_client(settings),
        signing_secret=secret.get_secret_value() if secret else None,
        # Socket Mode requests are not signed; HTTP requests always are.
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        logger=_BOLT_LOGGER,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                             thread_name_prefix="actionlog-listener"),
    )
    app.error(handle_error)
    listeners.register(app, deps)
    return app
