"""The Slack side of reminders: render each message and post it, tagged with its key."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

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

# Errors no retry can fix: the person left, the channel is gone, the bot is not in it.
PERMANENT_ERRORS = frozenset({
    "user_not_found", "channel_not_found", "account_inactive", "user_disabled",
    "is_archived", "not_in_channel", "cannot_dm_bot", "invalid_blocks", "msg_too_long",
    "no_text", "restricted_action", "team_access_not_granted",
})


class SlackMessenger:
    """Implements ``reminders.delivery.Messenger`` with the Web API."""

    def __init__(self, client: WebClient, clock: Clock, zone: ZoneInfo,
                 summary_paper: Callable[[str], Paper | None] | None = None) -> None:
        self._client = client
        self._clock = clock
        self._zone = zone
        # Gives the Word action log to attach to a workspace's summary (None: don't).
        self._summary_paper = summary_paper

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
        reply = self.render(message)
        try:
            response = self._client.chat_postMessage(
                channel=recipient,
                **reply.payload(),
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
                unfurl_links=False,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "error"))
            raise DeliveryError(error, permanent=error in PERMANENT_ERRORS) from None
        except OSError as exc:  # network trouble that outlasted the retries
            raise DeliveryError(type(exc).__name__, permanent=False) from None
        if isinstance(message, MeetingSummary) and self._summary_paper is not None:
            self._attach(team_id, recipient, str(response["channel"]), str(response["ts"]))
        return str(response["ts"])

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
            raise DeliveryError(str(exc.response.get("error")), permanent=False) from None
        for found in history.get("messages", []):
            payload = (found.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return str(found["ts"])
        return None
