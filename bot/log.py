"""Structured logging: one JSON line per record, with secrets scrubbed.

Code anywhere logs with ``logger.info("request", extra={"fields": {...}})``; this module
turns the fields into keys of the line. ``reminders`` uses the same convention without
importing this module.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

# Slack tokens have recognisable prefixes; scrub them even if we were never told them.
TOKEN_PATTERN = re.compile(r"\b(xox[abprse]|xapp)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"


class Redactor:
    """Replaces known secrets and anything shaped like a Slack token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)


class JsonLineFormatter(logging.Formatter):
    """Formats a record as one JSON object on one line."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return self._redact(json.dumps(line, default=str, ensure_ascii=False))


def configure_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    """Send every log record to stderr as a scrubbed JSON line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter(Redactor(secrets)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The HTTP server's own access chatter would duplicate our request lines.
    logging.getLogger("waitress.queue").setLevel(logging.WARNING)
