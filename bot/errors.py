"""The app's one error handler: log it, tell the person, never claim success."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("actionlog.errors")

FAILED_MESSAGE = (
    ":warning: Sorry, that did not work and nothing was changed. Please try again in a "
    "minute; if it keeps failing, tell the secretariat."
)
BUSY_MESSAGE = (
    ":warning: Sorry, the action log is very busy and could not take that just now; nothing was "
    "changed. Please try again in a minute."
)


def handle_error(error: Exception, body: dict[str, Any], respond: Any) -> None:
    """Log the failure with its context and answer the person privately if we can."""
    log.error(
        "listener failed",
        exc_info=error,
        extra={"fields": {"what": body.get("command") or body.get("type"), "outcome": "error"}},
    )
    if body.get("response_url") or body.get("response_urls"):
        try:
            respond(text=FAILED_MESSAGE, response_type="ephemeral", replace_original=False)
        except Exception:  # noqa: BLE001 - the failure is already logged; don't mask it
            log.warning("could not tell the user about the failure")
