"""Failures a test can make the stand-in answer with, for any method."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.standin.api_spec import ApiError

# Errors Slack returns with HTTP 200.
ERROR_FAULTS = frozenset({"user_not_found", "channel_not_found", "not_in_channel",
                          "token_revoked", "invalid_auth", "account_inactive", "missing_scope",
                          "expired_trigger_id"})
# Plus a 429 with Retry-After, 500 and 503 answers, a request that hangs then fails with a
# 500, and a connection closed without any answer.
FAULTS = ERROR_FAULTS | {"ratelimited", "server_error", "service_unavailable", "hang", "dropped"}


@dataclass
class Fault:
    """A fault waiting to be used `remaining` more times on `method` (or `*`)."""

    method: str
    kind: str
    remaining: int
    retry_after: int = 1


class Dropped(Exception):
    """Close the connection without answering (a `dropped` fault)."""


def fault_error(fault: Fault, needed: Iterable[str], granted: Iterable[str]) -> Exception:
    """The error a fault answers with (`hang` is a 500 once the hang is over).

    `needed` are the method's scopes, named by a `missing_scope` fault as Slack would.
    """
    kind = fault.kind
    if kind == "dropped":
        return Dropped()
    if kind == "ratelimited":
        error = ApiError("ratelimited", 429, retry_after=fault.retry_after)
    elif kind in ("hang", "server_error"):
        error = ApiError("internal_error", 500)
    elif kind == "service_unavailable":
        error = ApiError("service_unavailable", 503)
    elif kind == "missing_scope":
        scopes = list(needed) or ["chat:write"]
        error = ApiError("missing_scope", extra={
            "needed": ",".join(scopes),
            "provided": ",".join(sorted(set(granted) - set(scopes)))})
    else:
        error = ApiError(kind)
    error.injected = True
    return error
