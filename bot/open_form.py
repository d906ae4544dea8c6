"""Open a form (modal) for a person, and tell them if Slack would not open it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web import SlackResponse
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("actionlog.forms")

NOT_OPENED = (
    ":warning: Sorry, the form could not be opened, so nothing was changed. Please try "
    "again; if it keeps failing, tell the secretariat."
)


def open_form(client: WebClient, trigger_id: str, user_id: str,
              build: Callable[[], View | dict]) -> SlackResponse | None:
    """Build the form and open it (Slack's answer); on failure say so by direct message
    and return None.

    Runs after the ack, where an exception would reach nobody: Bolt would log it and,
    racing the ack, could even answer Slack 404. A trigger lasts 3 seconds, so a slow or
    failed ``views.open`` is common enough that the person must hear of it.
    """
    try:
        return client.views_open(trigger_id=trigger_id, view=build())
    except (SlackApiError, OSError, SQLAlchemyError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("form not opened", extra={"fields": {"user": user_id, "error": error}})
    try:
        client.chat_postMessage(channel=user_id, text=NOT_OPENED)
    except (SlackApiError, OSError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.error("could not tell the person the form did not open",
                  extra={"fields": {"user": user_id, "error": error}})
    return None
