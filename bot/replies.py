"""Private replies to a slash command, delivered even when Slack's response_url stumbles."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.outbox import collector
from bot.render.common import Reply

log = logging.getLogger("actionlog.replies")


def reply_privately(client: WebClient, response_url: str | None, user_id: str,
                    reply: Reply) -> None:
    """Answer through response_url (retrying 429s and 5xx); failing that, by direct message.

    While a worker carries out a request, the answer is kept for after its commit.
    """
    found = collector()
    if found is not None:
        found.respond(response_url, user_id, reply.payload())
        return
    send_reply(client, response_url, user_id, reply.payload())


def send_reply(client: WebClient, response_url: str | None, user_id: str,
               payload: dict) -> None:
    """Send an answer now: through response_url when given, else (or if that fails) by DM."""
    if response_url:
        webhook = WebhookClient(
            url=response_url,
            timeout=10,
            retry_handlers=[
                ConnectionErrorRetryHandler(max_retry_count=2),
                RateLimitErrorRetryHandler(max_retry_count=5),
                ServerErrorRetryHandler(max_retry_count=3),
            ],
        )
        try:
            response = webhook.send_dict({"response_type": "ephemeral", **payload})
            if response.status_code == 200:
                return
            reason = str(response.status_code)
        except OSError as exc:
            reason = type(exc).__name__
        log.warning("reply via response_url failed; sending a DM",
                    extra={"fields": {"user": user_id, "error": reason}})
    try:
        client.chat_postMessage(channel=user_id, **payload)
    except SlackApiError as exc:
        # Both routes failed: the log is all that is left; the change itself stands.
        log.error("reply not delivered", extra={"fields": {
            "user": user_id, "error": exc.response.get("error")}})
