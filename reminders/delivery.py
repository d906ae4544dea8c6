"""Send each planned message exactly once, across crashes, restarts and instances.

The database holds the truth. Before sending, an instance claims the message by
inserting a row keyed by the message's key; the unique key means only one instance
(or hand-run round) can. After sending it marks the row sent. A row left "claimed" by a
process that died is reconciled: Slack's history is asked whether the message (which
carries its key in metadata) arrived, and it is sent only if it did not.

A message that failed for a reason that can clear (the token, a scope, the bot's
membership of a channel, rate limits, Slack's servers) stays on record as failed and is
tried again on a later round that still plans it, after a backoff that grows to at most
an hour: the planner stops planning it once the meeting it was for has passed. One that
cannot clear (the person left) is not tried again. Either way it is sent at most once.

A round's messages go out from a small pool of worker threads, paced under the
workspace's posting ceiling: each worker claims, sends and finishes one message at a
time, so the claim row still decides who sends what.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reminders.clock import Clock
from reminders.messages import (
    DeliveryFailure,
    FailureReport,
    OwnerReminder,
    Unreachable,
    UnreachableReport,
)
from reminders.pacing import WORKSPACE_POSTS_PER_MINUTE, Pacer
from reminders.planner import Planned
from storage.db import transaction
from storage.models import Delivery, DeliveryState
from storage.services.people import secretariat_user_ids
from storage.views import MeetingView, OwnerView

log = logging.getLogger("actionlog.reminders")

# A claim older than this belongs to a process that stopped mid-send.
STALE_CLAIM = timedelta(minutes=10)

# A failed message is tried again after 1, 2, 4 ... minutes, never more than an hour
# apart: quick after a token is fixed, yet a broken workspace is not hammered.
RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=1)

# Enough senders to keep up with the workspace ceiling while each waits on Slack's round
# trip and two small transactions; few enough not to crowd the database's connection pool.
DELIVERY_WORKERS = 8


class DeliveryError(Exception):
    """Slack refused a message; ``permanent`` when retrying cannot help.

    ``ambiguous`` when Slack may have posted it all the same (a 5xx or a dropped
    connection): before it is sent again, Slack's history is checked for it. ``needed``
    names the scope Slack asked for with ``missing_scope``.
    """

    def __init__(self, error: str, *, permanent: bool, ambiguous: bool = False,
                 needed: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent
        self.ambiguous = ambiguous
        self.needed = needed


class Messenger(Protocol):
    """How reminders reach Slack; the bot implements it, tests fake it."""

    def send(self, team_id: str, recipient: str, message: object, key: str) -> str:
        """Render and post the message tagged with ``key``; return its ts."""
        ...

    def find_sent(self, team_id: str, recipient: str, key: str, since: datetime) -> str | None:
        """The ts of a message tagged ``key`` posted since ``since``, if any."""
        ...


@dataclass
class RoundReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Failures nobody could be told about (the reports to the secretariat failed too).
    unreported: list[tuple[str, str]] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """How long after its last attempt a message that failed may be tried again."""
    return min(RETRY_FIRST * 2 ** max(0, min(attempts - 1, 10)), RETRY_LONGEST)


class Deliverer:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        messenger: Messenger,
        clock: Clock,
        instance_id: str,
        stale_after: timedelta = STALE_CLAIM,
        *,
        workers: int = DELIVERY_WORKERS,
        pacer: Pacer | None = None,
    ) -> None:
        self._sessions = sessions
        self._messenger = messenger
        self._clock = clock
        self._instance = instance_id
        self._stale_after = stale_after
        self._workers = max(1, workers)
        # Kept across rounds: Slack's bucket does not refill because a round ended.
        self._pacer = pacer or Pacer(WORKSPACE_POSTS_PER_MINUTE)

    def deliver(self, team_id: str, planned: Sequence[Planned]) -> RoundReport:
        """Send what has not been sent; reminders first, then what the secretariat must hear."""
        report = RoundReport()
        direct = [p for p in planned if p.kind != "unreachable"]
        self._in_pool(direct, lambda item, part: self._deliver_one(team_id, item, part),
                      report)
        # Only now are this round's permanent failures on record for the reports to list.
        unreachable = [p for p in planned if p.kind == "unreachable"]
        told = RoundReport()
        self._in_pool(
            unreachable,
            lambda item, part: self._deliver_unreachable(team_id, item, planned, part),
            told,
        )
        self._merge(report, told)
        self._report_failures(team_id, report)
        if told.failed and not (told.sent or told.skipped):
            # Owners nobody could remind, and no secretariat member could be told.
            self._nobody_told(team_id, report, told.failed)
        return report

    def _in_pool(
        self,
        items: Sequence[Planned],
        work: Callable[[Planned, RoundReport], None],
        report: RoundReport,
    ) -> None:
        """Run ``work`` on every item from the worker pool; the report keeps plan order."""
        parts = [RoundReport() for _ in items]
        if len(items) <= 1 or self._workers == 1:
            for item, part in zip(items, parts, strict=True):
                work(item, part)
        else:
            with ThreadPoolExecutor(max_workers=min(self._workers, len(items)),
                                    thread_name_prefix="delivery") as pool:
                futures = [pool.submit(work, item, part)
                           for item, part in zip(items, parts, strict=True)]
                try:
                    for future in futures:
                        future.result()
                except BaseException:
                    # As the sequential loop did: stop at the first unexpected error
                    # (the database is gone, say) rather than try every message.
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        for part in parts:
            self._merge(report, part)

    @staticmethod
    def _merge(report: RoundReport, part: RoundReport) -> None:
        report.sent += part.sent
        report.skipped += part.skipped
        report.failed += part.failed
        report.unreported += part.unreported

    # -- one message --------------------------------------------------------------------

    def _deliver_one(self, team_id: str, item: Planned, report: RoundReport) -> None:
        started = time.perf_counter()
        claimed_at = self._claim(team_id, item)
        if claimed_at is None:
            report.skipped.append(item.key)
            return
        try:
            self._pacer.wait()
            ts = self._messenger.send(team_id, item.recipient, item.message, item.key)
        except DeliveryError as exc:
            self._finish(team_id, item.key, DeliveryState.FAILED, error=exc.error,
                         permanent=exc.permanent, ambiguous=exc.ambiguous, needed=exc.needed)
            report.failed.append((item.key, exc.error))
            outcome = "failed"
        else:
            self._finish(team_id, item.key, DeliveryState.SENT, ts=ts)
            report.sent.append(item.key)
            outcome = "sent"
        log.info("delivery", extra={"fields": {
            "what": item.kind, "team": team_id, "recipient": item.recipient, "key": item.key,
            "outcome": outcome, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }})

    def _claim(self, team_id: str, item: Planned) -> datetime | None:
        """Insert the claim row; None when someone else has (or had) this message."""
        now = self._clock.now()
        try:
            with transaction(self._sessions) as session:
                session.add(Delivery(
                    team_id=team_id, key=item.key, kind=item.kind, recipient=item.recipient,
                    state=DeliveryState.CLAIMED, claimed_by=self._instance, claimed_at=now,
                    attempts=1, detail=_detail(item),
                ))
        except IntegrityError:
            return self._take_over_if_abandoned(team_id, item)
        return now

    def _take_over_if_abandoned(self, team_id: str, item: Planned) -> datetime | None:
        """Take over a claim left by a dead process, or a failure whose retry is due.

        Either way Slack may already hold the message (the process died after posting;
        Slack posted but its answer was lost), so its history is asked first.
        """
        now = self._clock.now()
        with transaction(self._sessions) as session:
            row = session.scalar(select(Delivery).where(
                Delivery.team_id == team_id, Delivery.key == item.key))
            if row is None:
                return None
            detail = row.detail or {}
            if row.state == DeliveryState.CLAIMED:
                if not self._abandoned(row.claimed_by, now - row.claimed_at):
                    return None  # another instance is sending it right now
                check_slack = True
            elif row.state == DeliveryState.FAILED and not detail.get("permanent"):
                if now - row.claimed_at < retry_delay(row.attempts):
                    return None  # backing off
                check_slack = bool(detail.get("ambiguous"))
            else:
                return None  # sent, or failed for good
            state, last_claim = row.state, row.claimed_at
        if check_slack:
            try:
                ts = self._messenger.find_sent(team_id, item.recipient, item.key, last_claim)
            except DeliveryError as exc:
                log.warning("cannot reconcile", extra={"fields": {"key": item.key,
                                                                   "error": exc.error}})
                if exc.permanent:  # e.g. the person left meanwhile: no round can send it
                    self._finish(team_id, item.key, DeliveryState.FAILED, error=exc.error,
                                 permanent=True)
                return None
            if ts is not None:
                self._finish(team_id, item.key, DeliveryState.SENT, ts=ts)
                return None
        with transaction(self._sessions) as session:
            taken = session.execute(
                update(Delivery)
                .where(Delivery.team_id == team_id, Delivery.key == item.key,
                       Delivery.state == state, Delivery.claimed_at == last_claim)
                .values(state=DeliveryState.CLAIMED, claimed_by=self._instance,
                        claimed_at=now, attempts=Delivery.attempts + 1)
            ).rowcount
        return now if taken == 1 else None

    def _abandoned(self, claimed_by: str, age: timedelta) -> bool:
        """Old claims are abandoned; so are claims of a dead process on this machine."""
        if age >= self._stale_after:
            return True
        host, _, pid = claimed_by.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def _finish(self, team_id: str, key: str, state: DeliveryState, *, ts: str | None = None,
                error: str | None = None, permanent: bool = False, ambiguous: bool = False,
                needed: str | None = None) -> None:
        with transaction(self._sessions) as session:
            row = session.scalar(select(Delivery).where(
                Delivery.team_id == team_id, Delivery.key == key))
            assert row is not None
            row.state = state
            row.message_ts = ts
            row.error = error
            if state == DeliveryState.SENT:
                row.sent_at = self._clock.now()
            row.detail = {**(row.detail or {}), "permanent": permanent,
                          "ambiguous": ambiguous, "needed": needed}

    # -- what the secretariat hears -----------------------------------------------------

    def _deliver_unreachable(
        self, team_id: str, item: Planned, planned: Sequence[Planned], report: RoundReport
    ) -> None:
        meeting, vacancies, to_chase = item.message  # type: ignore[misc]
        lead = item.key.split(":")[2]
        failed = self._failed_reminders(team_id, meeting, lead, planned)
        everyone = tuple(vacancies) + failed
        if not everyone and not to_chase:
            return  # nothing to report; a later round will look again
        message = UnreachableReport(meeting, everyone, tuple(to_chase))
        self._deliver_one(team_id, Planned(item.key, "unreachable", item.recipient, message),
                          report)

    def _failed_reminders(
        self, team_id: str, meeting: MeetingView, lead: str, planned: Sequence[Planned]
    ) -> tuple[Unreachable, ...]:
        """Reminders to this meeting's slot that Slack refused for good (e.g. the person left)."""
        reminders = {p.key: p.message for p in planned if p.kind == "reminder"}
        with transaction(self._sessions) as session:
            rows = session.scalars(select(Delivery).where(
                Delivery.team_id == team_id,
                Delivery.key.like(f"reminder:{meeting.id}:{lead}:%"),
                Delivery.state == DeliveryState.FAILED,
            )).all()
        found = []
        for row in rows:
            reminder = reminders.get(row.key)
            if isinstance(reminder, OwnerReminder) and (row.detail or {}).get("permanent"):
                found.append(Unreachable(OwnerView(role=None, user_id=row.recipient),
                                         row.error or "could not be messaged",
                                         reminder.actions))
        return tuple(found)

    def _report_failures(self, team_id: str, report: RoundReport) -> None:
        """Tell the secretariat about messages that failed, once for each way they failed.

        The report is keyed by what failed and how, so a second failure in the same
        minute is reported too, while a message that fails the same way on every retry
        is reported once. A report that reaches nobody is logged as an error.
        """
        transient = [k for k, _ in report.failed if not k.startswith(REPORT_PREFIXES)]
        if not transient:
            return
        with transaction(self._sessions) as session:
            members = secretariat_user_ids(session, team_id=team_id)
            rows = session.scalars(select(Delivery).where(
                Delivery.team_id == team_id, Delivery.key.in_(transient)
            )).all()
        fresh = [
            row for row in rows
            if not ((row.detail or {}).get("permanent") and row.kind == "reminder")
            and (row.detail or {}).get("reported") != row.error
        ]
        if not fresh:
            return
        failures = tuple(
            DeliveryFailure(row.kind, row.recipient, row.error or "unknown error",
                            needed=(row.detail or {}).get("needed"),
                            retried=not (row.detail or {}).get("permanent"))
            for row in sorted(fresh, key=lambda r: r.key)
        )
        what = "\n".join(f"{row.key}={row.error}" for row in sorted(fresh, key=lambda r: r.key))
        digest = hashlib.sha256(what.encode()).hexdigest()[:16]
        told = RoundReport()
        for member in members:
            item = Planned(f"failure:{digest}:{member}", "failure", member,
                           FailureReport(failures))
            self._deliver_one(team_id, item, told)
        if told.sent or told.skipped:
            self._mark_reported(team_id, {row.key: row.error for row in fresh})
        else:
            self._nobody_told(team_id, report, [(row.key, row.error or "") for row in fresh])

    def _mark_reported(self, team_id: str, errors: dict[str, str | None]) -> None:
        with transaction(self._sessions) as session:
            for row in session.scalars(select(Delivery).where(
                    Delivery.team_id == team_id, Delivery.key.in_(list(errors)))):
                row.detail = {**(row.detail or {}), "reported": errors[row.key]}

    @staticmethod
    def _nobody_told(team_id: str, report: RoundReport,
                     failures: Sequence[tuple[str, str]]) -> None:
        """Failures no secretariat member could be told about: the log must say so."""
        if not failures:
            return
        report.unreported += failures
        log.error("failures reached nobody", extra={"fields": {
            "team": team_id, "failures": [f"{key}: {error}" for key, error in failures],
            "outcome": "unreported",
        }})


# Messages to the secretariat about other messages: not themselves reported.
REPORT_PREFIXES = ("failure:", "unreachable:")


def _detail(item: Planned) -> dict[str, object]:
    if isinstance(item.message, OwnerReminder):
        return {"refs": [a.ref for a in item.message.actions]}
    return {}
