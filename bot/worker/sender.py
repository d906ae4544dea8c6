"""Sends what committed requests left in the outbox, in order, and marks it sent.

The worker that committed a request sends its messages straight after. Messages whose
sender died on the way are taken over by another worker (or the restarted one): their
claim went stale, or their process is gone. Such a message may have reached Slack just
before its sender died: a direct message is first looked for in the conversation (it
carries its key in its metadata); a response_url post cannot be looked for, so it is sent
again, the one case in which a person can get an answer twice.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import groupby
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.messenger import METADATA_EVENT, SlackMessenger
from bot.replies import send_reply
from bot.worker.home_tabs import HomeTabs
from reminders.clock import Clock
from storage.db import own_transaction
from storage.models import OutboxMessage
from storage.services import outbox

log = logging.getLogger("actionlog.outbox")

SENDER_THREADS = 4
# How long marking messages sent is tried again while the database is unavailable.
MARK_RETRY_SECONDS = 30.0
MARK_RETRY_FIRST_SECONDS = 0.1
# A claim older than this is taken over even if its process may still be alive elsewhere.
CLAIM_LEASE = timedelta(seconds=60)
# Slack takes response_url posts for 30 minutes; an answer older than this goes by DM.
RESPONSE_URL_LIFETIME = timedelta(minutes=25)


class OutboxSender:
    """Sends on a few threads of its own, so a slow Slack (a 429 waited out, a hang)
    holds up other answers but never the worker taking the next request."""

    def __init__(self, sessions: sessionmaker[Session], client: WebClient,
                 messenger: SlackMessenger, home: HomeTabs, clock: Clock,
                 instance: str, threads: int = SENDER_THREADS) -> None:
        self._sessions, self._client, self._messenger = sessions, client, messenger
        self._home, self._clock, self._instance = home, clock, instance
        self._pool = ThreadPoolExecutor(max_workers=threads,
                                        thread_name_prefix="actionlog-send")

    def send_soon(self, messages: list[OutboxMessage]) -> None:
        """Send these messages (this worker's claim, just committed) on the sender's
        threads; they stay claimed in the outbox until sent."""
        if messages:
            try:
                self._pool.submit(self._deliver, messages)
            except RuntimeError:  # stopping: the next worker takes them over
                log.warning("outbox messages left for the next worker")

    def stop(self, timeout: float) -> None:
        """Send what was handed over (waiting at most about ``timeout``), then stop."""
        stopping = threading.Thread(target=self._pool.shutdown, daemon=True)
        stopping.start()
        stopping.join(timeout)

    @property
    def client(self) -> WebClient:
        return self._client

    def take_over(self) -> int:
        """Send messages whose sender died; how many were taken over."""
        now = self._clock.now()
        with own_transaction(self._sessions, flushed=False) as session:
            dead = [name for name in outbox.claimers(session) if _gone(name)]
            rows = outbox.take_over(session, stale_before=now - CLAIM_LEASE, dead=dead,
                                    claimed_by=self._instance, now=now)
        if rows:
            log.warning("outbox messages taken over", extra={"fields": {
                "count": len(rows), "from": sorted({str(r.claimed_by) for r in rows})}})
            self._deliver(rows)
        return len(rows)

    def _deliver(self, rows: list[OutboxMessage]) -> None:
        # Marked sent request by request: a batch taken over holds many requests' answers,
        # and marking them only at its end would send every one sent so far again if this
        # process died in the middle of it.
        for _, group in groupby(rows, key=lambda row: row.request_key):
            sent = []
            for row in group:
                try:
                    self._send_one(row)
                except Exception:  # noqa: BLE001 - one message must not hold up the others
                    log.exception("outbox message not sent", extra={"fields": {
                        "kind": row.kind, "user": row.user_id}})
                sent.append(row.id)  # tried: a failure was logged; trying again won't mend it
            self._mark_sent(sent)

    def _mark_sent(self, ids: list[int]) -> None:
        """Record that these went out. The database may be down for a moment (a restart):
        try again for a while, since otherwise they wait for their claim to go stale
        and are sent a second time."""
        wait = MARK_RETRY_FIRST_SECONDS
        deadline = time.monotonic() + MARK_RETRY_SECONDS
        while True:
            try:
                with own_transaction(self._sessions, flushed=False) as session:
                    outbox.mark_sent(session, ids, self._clock.now())
                return
            except SQLAlchemyError:
                if time.monotonic() + wait > deadline:
                    raise
                time.sleep(wait)
                wait = min(wait * 2, 2.0)

    def _send_one(self, row: OutboxMessage) -> None:
        payload: dict[str, Any] = json.loads(row.payload)
        if row.kind == "home":
            self._home.refresh(row.team_id, str(row.user_id))
        elif row.kind == "respond":
            url = payload.get("response_url")
            if self._clock.now() - row.received_at > RESPONSE_URL_LIFETIME:
                url = None  # Slack no longer takes it: the answer goes by direct message
            if row.attempts > 1:
                log.warning("answer sent again after its sender died", extra={"fields": {
                    "user": row.user_id, "outbox": row.id}})
            send_reply(self._client, url, str(row.user_id), payload["message"])
        else:
            self._post(row, payload)

    def _post(self, row: OutboxMessage, arguments: dict[str, Any]) -> None:
        key = f"outbox:{row.id}"
        channel = str(arguments.get("channel"))
        if row.attempts > 1 and self._already_posted(row, channel, key):
            return
        arguments.setdefault("metadata", {"event_type": METADATA_EVENT,
                                          "event_payload": {"key": key}})
        try:
            self._client.chat_postMessage(**arguments)
        except SlackApiError as exc:
            log.error("message not delivered", extra={"fields": {
                "user": channel, "error": exc.response.get("error")}})

    def _already_posted(self, row: OutboxMessage, channel: str, key: str) -> bool:
        try:
            since = row.claimed_at or row.received_at
            return self._messenger.find_sent(row.team_id, channel, key,
                                             since - CLAIM_LEASE) is not None
        except Exception:  # noqa: BLE001 - can't tell: sending again beats losing it
            return False


def instance_name() -> str:
    """This process in claims: host and pid, so a claim of a dead process is seen."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _gone(instance: str) -> bool:
    """Whether ``instance`` was a process on this host that no longer runs."""
    host, _, pid = instance.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
