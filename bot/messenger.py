"""The Slack side of reminders: render each message and post it, tagged with its key."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.papers.formats import Paper
from bot.render import reminders as render
from bot.render.common import Reply
from bot.uploads import upload_to_channel
from reminders.clock import Clock
from reminders.delivery import DeliveryError
from reminders.messages import (
    DueDateReminder,
    FailureReport,
    MeetingSummary,
    MoreTimeRequest,
    OwnerReminder,
    UnreachableReport,
    WeeklyDigest,
)

log = logging.getLogger("actionlog.messenger")

METADATA_EVENT = "actionlog_delivery"
HISTORY_PAGE = 200
RATE_LIMIT_RETRIES = 10
# After a 5xx or a dropped connection Slack may have posted all the same: look, and post
# again only if it did not, this many times (waiting a little longer each time).
AMBIGUOUS_RETRIES = 2
AMBIGUOUS_WAIT_SECONDS = 1.0

# Errors no retry can fix, whoever the message is for: it is archived, or it is ours.
PERMANENT_ERRORS = frozenset({
    "is_archived", "invalid_blocks", "msg_too_long", "no_text", "restricted_action",
    "team_access_not_granted",
})
# Errors that mean this person cannot be messaged any more (they left); for a channel,
# channel_not_found means the bot cannot see it yet, which inviting it clears.
PERSON_GONE_ERRORS = frozenset({
    "user_not_found", "user_disabled", "cannot_dm_bot", "channel_not_found",
})


def is_permanent(error: str, recipient: str) -> bool:
    """Whether no later attempt can deliver it (``account_inactive`` is the bot's own
    token or workspace, which can be fixed, not the owner leaving)."""
    if error in PERMANENT_ERRORS:
        return True
    return error in PERSON_GONE_ERRORS and recipient[:1] in ("U", "W")


def delivery_client(client: WebClient) -> WebClient:
    """A client for keyed posts: it waits out 429s (Slack posted nothing) but never
    repeats a post after a 5xx or a dropped connection on its own, since Slack may have
    posted it; ``SlackMessenger.send`` looks before it posts again."""
    return WebClient(
        token=client.token, base_url=client.base_url, timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)],
    )


class SlackMessenger:
    """Implements ``reminders.delivery.Messenger`` with the Web API."""

    def __init__(self, client: WebClient, clock: Clock, zone: ZoneInfo,
                 summary_paper: Callable[[str], Paper | None] | None = None, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self._poster = delivery_client(client)
        self._clock = clock
        self._zone = zone
        # Gives the Word action log to attach to a workspace's summary (None: don't).
        self._summary_paper = summary_paper
        self._sleep = sleep

    def render(self, message: object) -> Reply:
        now, zone = self._clock.now(), self._zone
        renderers: dict[type, Callable[[Any], Reply]] = {
            OwnerReminder: lambda m: render.render_owner_reminder(m, now, zone),
            DueDateReminder: lambda m: render.render_due_date_reminder(m, now, zone),
            UnreachableReport: lambda m: render.render_unreachable_report(m, now, zone),
            MeetingSummary: lambda m: render.render_meeting_summary(m, now, zone),
            WeeklyDigest: lambda m: render.render_weekly_digest(m, now, zone),
            MoreTimeRequest: lambda m: render.render_more_time_request(m, now, zone),
            FailureReport: render.render_failure_report,
        }
        return renderers[type(message)](message)

    def send(self, team_id: str, recipient: str, message: object, key: str) -> str:
        payload = self.render(message).payload()
        since = self._clock.now()
        for attempt in range(AMBIGUOUS_RETRIES + 1):
            if attempt:
                self._sleep(AMBIGUOUS_WAIT_SECONDS * attempt)
                found = self.find_sent(team_id, recipient, key, since)
                if found is not None:
                    return found  # Slack had posted it; its answer was what got lost
            try:
                response = self._poster.chat_postMessage(
                    channel=recipient,
                    **payload,
                    metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
                    unfurl_links=False,
                )
            except SlackApiError as exc:
                if exc.response.status_code < 500:
                    raise refusal(exc, recipient) from None
                unclear = DeliveryError(str(exc.response.get("error") or
                                            f"HTTP {exc.response.status_code}"),
                                        permanent=False, ambiguous=True)
            except OSError as exc:  # the connection dropped or timed out: posted or not?
                unclear = DeliveryError(type(exc).__name__, permanent=False, ambiguous=True)
            else:
                if isinstance(message, MeetingSummary) and self._summary_paper is not None:
                    self._attach(team_id, recipient, str(response["channel"]),
                                 str(response["ts"]))
                return str(response["ts"])
        raise unclear

    def _attach(self, team_id: str, recipient: str, channel: str, ts: str) -> None:
        """The Word action log, in the summary's thread; a failure leaves the summary sent."""
        try:
            paper = self._summary_paper(team_id) if self._summary_paper else None
            if paper is not None:
                upload_to_channel(self._client, channel, paper,
                                  "The action log for the meeting papers.", thread_ts=ts)
        except (SlackApiError, SlackRequestError, OSError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
            log.warning("summary sent, but its action log could not be attached",
                        extra={"fields": {"recipient": recipient, "error": error}})

    def find_sent(self, team_id: str, recipient: str, key: str, since: datetime) -> str | None:
        try:
            channel = recipient
            if recipient[:1] in ("U", "W"):
                channel = self._client.conversations_open(users=recipient)["channel"]["id"]
            history = self._client.conversations_history(
                channel=channel, oldest=f"{since.timestamp() - 1:.6f}",
                include_all_metadata=True, limit=HISTORY_PAGE,
            )
        except SlackApiError as exc:
            if exc.response.status_code < 500:  # e.g. the person left: an answer, not doubt
                raise refusal(exc, recipient) from None
            raise DeliveryError(str(exc.response.get("error")), permanent=False,
                                ambiguous=True) from None
        except OSError as exc:
            raise DeliveryError(type(exc).__name__, permanent=False, ambiguous=True) from None
        for found in history.get("messages", []):
            payload = (found.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return str(found["ts"])
        return None


def refusal(exc: SlackApiError, recipient: str) -> DeliveryError:
    """Slack's answer as a DeliveryError, with the scope it wanted for missing_scope."""
    error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
    needed = exc.response.get("needed") if error == "missing_scope" else None
    return DeliveryError(error, permanent=is_permanent(error, recipient),
                         needed=str(needed) if needed else None)
