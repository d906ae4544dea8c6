"""Delivery from a pool of workers: messages overlap, yet each is still sent once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from reminders.clock import ManualClock
from reminders.delivery import Deliverer, DeliveryError, RoundReport
from reminders.pacing import HEADROOM, Pacer
from reminders.planner import Planned
from storage.db import transaction
from storage.models import Delivery, DeliveryState
from tests.reminders.fakes import FakeMessenger
from tests.support.world import TEAM

NOW = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)


def reminders(count: int) -> list[Planned]:
    return [Planned(f"reminder:1:5:U{n:04d}", "reminder", f"U{n:04d}", f"message {n}")
            for n in range(count)]


class OverlapMessenger(FakeMessenger):
    """Holds each send until another is in flight too (or a second has passed)."""

    def __init__(self) -> None:
        super().__init__()
        self.peak = 0
        self._in_flight = 0
        self._changed = threading.Condition()

    def send(self, team_id: str, recipient: str, message: object, key: str) -> str:
        with self._changed:
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
            self._changed.notify_all()
            self._changed.wait_for(lambda: self.peak >= 2, timeout=1.0)
        try:
            return super().send(team_id, recipient, message, key)
        finally:
            with self._changed:
                self._in_flight -= 1


def test_deliveries_overlap(sessions) -> None:  # type: ignore[no-untyped-def]
    messenger = OverlapMessenger()
    planned = reminders(6)
    report = Deliverer(sessions, messenger, ManualClock(NOW), "a").deliver(TEAM, planned)
    assert messenger.peak >= 2, "every message was sent alone: delivery is sequential"
    assert sorted(report.sent) == sorted(p.key for p in planned)


def test_report_keeps_plan_order(sessions) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    messenger.fail["U0003"] = DeliveryError("user_not_found", permanent=True)
    planned = reminders(20)
    report = Deliverer(sessions, messenger, ManualClock(NOW), "a").deliver(TEAM, planned)
    assert report.sent == [p.key for p in planned if p.recipient != "U0003"]
    assert report.failed == [("reminder:1:5:U0003", "user_not_found")]


def test_concurrent_pools_send_each_message_exactly_once(sessions) -> None:  # type: ignore[no-untyped-def]
    """Three instances, eight workers each, one round of 60 messages between them."""
    messenger = FakeMessenger()
    planned = reminders(60)
    deliverers = [Deliverer(sessions, messenger, ManualClock(NOW), name, workers=8)
                  for name in ("a", "b", "c")]
    reports: list[RoundReport] = []
    barrier = threading.Barrier(len(deliverers))

    def run(deliverer: Deliverer) -> None:
        barrier.wait()
        reports.append(deliverer.deliver(TEAM, planned))

    threads = [threading.Thread(target=run, args=(d,)) for d in deliverers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == 3, "a round did not finish"
    keys = [p.key for p in planned]
    assert sorted(messenger.sent_keys()) == sorted(keys)  # each sent, none twice
    sent_by = [key for report in reports for key in report.sent]
    assert sorted(sent_by) == sorted(keys)  # each instance reports only what it sent
    with transaction(sessions) as session:
        states = session.execute(select(Delivery.key, Delivery.state)).all()
    assert sorted(k for k, _ in states) == sorted(keys)
    assert {s for _, s in states} == {DeliveryState.SENT}


def test_same_message_twice_in_one_plan_is_sent_once(sessions) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    planned = reminders(4) * 3
    report = Deliverer(sessions, messenger, ManualClock(NOW), "a").deliver(TEAM, planned)
    assert sorted(messenger.sent_keys()) == sorted(p.key for p in reminders(4))
    assert len(report.skipped) == 8


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_pacer_allows_a_burst_then_spaces_posts() -> None:
    fake = FakeTime()
    pacer = Pacer(60, burst=4, monotonic=fake.monotonic, sleep=fake.sleep)  # 3 + 1 in hand
    delays = [pacer.wait() for _ in range(5)]
    gap = 1 / HEADROOM  # one a second, a little under
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:] == pytest.approx([gap, 2 * gap])  # reserved slots, in order
    fake.now = 100.0  # a long pause refills the burst, no more
    after_pause = [pacer.wait() for _ in range(4)]
    assert after_pause[:3] == [0.0, 0.0, 0.0] and after_pause[3] > 0


def test_pacer_burst_defaults_to_ten_seconds_worth_less_one_in_hand() -> None:
    assert Pacer(600).burst == 99
    assert Pacer(60, burst=1).burst == 1
    with pytest.raises(ValueError):
        Pacer(0)
