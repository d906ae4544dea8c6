"""Listeners that never raise once they have acked.

If a listener raises a few milliseconds after its ack (``views.open`` refused at once,
say), Bolt's runner replaces the ack it had recorded with nothing, and Slack is answered
404 "unhandled request" after 3 seconds, as if no listener existed. So every listener is
wrapped: a failure after the ack is logged and told to the person, and the ack stands.
A failure before the ack still goes to the app's error handler, which answers it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.errors import FAILED_MESSAGE
from bot.render.common import simple
from bot.replies import reply_privately

log = logging.getLogger("actionlog.errors")


def acked_safely(listener: Callable[..., None]) -> Callable[..., None]:
    """Wrap a listener so nothing it raises after ``ack()`` reaches Bolt."""

    @functools.wraps(listener)  # Bolt reads the wrapped listener's argument names
    def guarded(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as exc:
            ack = kwargs.get("ack")
            if ack is None or getattr(ack, "response", None) is None:
                raise  # not acked yet: the app's error handler answers Slack
            log.error("listener failed after its ack", exc_info=exc, extra={"fields": {
                "what": listener.__name__, "outcome": "error"}})
            _tell(kwargs)

    return guarded


def _tell(kwargs: dict[str, Any]) -> None:
    """Tell the person it did not work: privately in the channel, else by DM."""
    client: WebClient | None = kwargs.get("client")
    body = kwargs.get("body") or kwargs.get("command") or kwargs.get("shortcut") or {}
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    if client is None or not user:
        return
    try:
        reply_privately(client, body.get("response_url"), user, simple(FAILED_MESSAGE))
    except Exception:  # noqa: BLE001 - already logged; the ack must stand
        log.warning("could not tell the user about the failure")
