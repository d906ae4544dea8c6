"""Checks the bot token before the bot starts: a refusal names its cause, an outage is
waited out with backoff, and only then does the bot give up, saying Slack was unreachable."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

log = logging.getLogger("actionlog.startup")

# Six tries, 2 + 4 + 8 + 16 + 30 s apart: about a minute of outage is ridden out.
ATTEMPTS = 6
FIRST_WAIT_SECONDS = 2.0
LONGEST_WAIT_SECONDS = 30.0

REINSTALL = ("reinstall the app to the workspace and copy its Bot User OAuth Token "
             "(OAuth & Permissions) into SLACK_BOT_TOKEN")
# What each refusal of auth.test means, and what puts it right.
REFUSALS = {
    "invalid_auth": f"Slack does not recognise SLACK_BOT_TOKEN (invalid_auth): {REINSTALL}",
    "not_authed": f"Slack received no token (not_authed): set SLACK_BOT_TOKEN; {REINSTALL}",
    "token_revoked": f"SLACK_BOT_TOKEN has been revoked (token_revoked): {REINSTALL}",
    "token_expired": f"SLACK_BOT_TOKEN has expired (token_expired): {REINSTALL}",
    "account_inactive": (
        "SLACK_BOT_TOKEN belongs to an app that was uninstalled or a workspace that was "
        f"deactivated (account_inactive): {REINSTALL}"
    ),
}


class StartupError(Exception):
    """Slack refused the token, or could not be reached; the message says which."""


def verify_token(
    client: WebClient,
    *,
    attempts: int | None = None,
    first_wait: float | None = None,
    longest_wait: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SlackResponse:
    """Call auth.test until Slack answers; StartupError with the cause otherwise.

    Unset, ``attempts`` and the waits are this module's ATTEMPTS, FIRST_WAIT_SECONDS and
    LONGEST_WAIT_SECONDS.
    """
    attempts = attempts or ATTEMPTS
    first_wait = FIRST_WAIT_SECONDS if first_wait is None else first_wait
    longest_wait = LONGEST_WAIT_SECONDS if longest_wait is None else longest_wait
    # No built-in retries: this loop owns the backoff and so knows what happened.
    probe = WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                      retry_handlers=[])
    wait, cause = first_wait, ""
    for attempt in range(1, attempts + 1):
        try:
            return probe.auth_test()
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or "")
            if status < 500 and status != 429:
                raise StartupError(_refusal(error, status)) from None
            cause = f"HTTP {status}" + (f" {error}" if error else "")
        except OSError as exc:  # no route, refused, reset, timed out
            cause = type(exc).__name__
        if attempt < attempts:
            log.warning("Slack not reachable; retrying", extra={"fields": {
                "attempt": attempt, "cause": cause, "retry_in_s": wait}})
            sleep(wait)
            wait = min(wait * 2, longest_wait)
    raise StartupError(
        f"could not reach Slack at SLACK_API_URL after {attempts} tries ({cause}): Slack "
        "may be having an outage or the network is blocked; the token was not the "
        "problem. Try again later"
    )


def _refusal(error: str, status: int) -> str:
    if error in REFUSALS:
        return REFUSALS[error]
    return (f"Slack did not accept SLACK_BOT_TOKEN ({error or f'HTTP {status}'}): "
            f"{REINSTALL}")
