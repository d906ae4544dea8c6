"""A messenger that records what it would send, and can fail on demand."""

from __future__ import annotations

import threading
from datetime import datetime

from reminders.delivery import DeliveryError


class FakeMessenger:
    def __init__(self) -> None:
        self.sent: list[tuple[str, object, str]] = []  # (recipient, message, key)
        self.fail: dict[str, DeliveryError] = {}  # recipient -> error to raise
        self.fail_keys: dict[str, DeliveryError] = {}  # key prefix -> error to raise
        self.fail_all: DeliveryError | None = None  # e.g. the bot's token was revoked
        self.attempts: list[str] = []  # every key sending was tried for, in order
        self.delivered_before_crash: set[str] = set()  # keys Slack has but we did not record
        self._lock = threading.Lock()

    def send(self, team_id: str, recipient: str, message: object, key: str) -> str:
        with self._lock:
            self.attempts.append(key)
        if self.fail_all is not None:
            raise self.fail_all
        if recipient in self.fail:
            raise self.fail[recipient]
        for prefix, error in self.fail_keys.items():
            if key.startswith(prefix):
                raise error
        with self._lock:
            self.sent.append((recipient, message, key))
            return f"{len(self.sent)}.000"

    def find_sent(self, team_id: str, recipient: str, key: str, since: datetime) -> str | None:
        if key in self.delivered_before_crash:
            return "0.001"
        return None

    def to(self, recipient: str) -> list[object]:
        return [m for r, m, _ in self.sent if r == recipient]

    def sent_keys(self) -> list[str]:
        return [k for _, _, k in self.sent]
