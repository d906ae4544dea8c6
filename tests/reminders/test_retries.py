"""Failed messages: retried on later rounds until the meeting, reported once per cause."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from reminders.clock import ManualClock
from reminders.delivery import Deliverer, DeliveryError, retry_delay
from reminders.messages import FailureReport, OwnerReminder, UnreachableReport
from reminders.planner import Planned
from reminders.service import ReminderService
from storage.db import transaction
from storage.models import Delivery, DeliveryState
from storage.owners import RoleOwner
from tests.reminders.fakes import FakeMessenger
from tests.support.world import LONDON, TEAM, World

START = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # Monday 14 Dec 2026
MEETING = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)


def at(day: int, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=LONDON)


@pytest.fixture
def world(sessions):  # type: ignore[no-untyped-def]
    world = World(sessions, START)
    world.role("DCC", "UDCC", START)
    world.role("ACC", "UACC", START)
    world.meeting_id = world.meeting(MEETING, START)
    world.action("review the diary appointments metric", START, meeting_id=world.meeting_id)
    world.action("brief the PCC on 101 call handling", START, owners=[RoleOwner("ACC")],
                 on=date(2026, 12, 18))
    return world


class Rounds:
    """Runs rounds as the scheduler does: the clock and the round's moment move together."""

    def __init__(self, world: World, messenger: FakeMessenger, name: str = "a") -> None:
        self.clock = ManualClock(START)
        self.service = ReminderService(world.sessions, messenger, self.clock, LONDON, name)

    def run(self, when: datetime):  # type: ignore[no-untyped-def]
        self.clock.set(when)
        return self.service.run_due(when)[TEAM]


def reminders_to(messenger: FakeMessenger, user: str) -> list[OwnerReminder]:
    return [m for m in messenger.to(user) if isinstance(m, OwnerReminder)]


def failure_reports(messenger: FakeMessenger, user: str = "USEC") -> list[FailureReport]:
    return [m for m in messenger.to(user) if isinstance(m, FailureReport)]


@pytest.mark.parametrize("error", ["token_revoked", "invalid_auth", "account_inactive",
                                   "missing_scope", "ratelimited", "internal_error"])
def test_a_failure_that_can_clear_is_sent_on_a_later_round_once(world, error) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail_all = DeliveryError(error, permanent=False)
    first = rounds.run(at(21))
    assert {k for k, _ in first.failed} >= {f"reminder:{world.meeting_id}:5:UDCC"}
    messenger.fail_all = None  # the token was replaced, the scope added, Slack recovered
    rounds.run(at(21, 9, 0, 30))  # too soon: backing off
    assert reminders_to(messenger, "UDCC") == []
    rounds.run(at(21, 9, 1))
    assert len(reminders_to(messenger, "UDCC")) == 1
    assert len(reminders_to(messenger, "UACC")) == 1
    for minute in range(2, 30, 7):
        rounds.run(at(21, 9, minute))
    assert len(reminders_to(messenger, "UDCC")) == 1  # still sent once only


def test_retries_back_off_up_to_an_hour(world) -> None:  # type: ignore[no-untyped-def]
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(7) == retry_delay(50) == timedelta(hours=1)
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail["UDCC"] = DeliveryError("token_revoked", permanent=False)
    moment = at(21)
    while moment < at(21, 21):  # twelve hours of rounds, one a minute
        rounds.run(moment)
        moment += timedelta(minutes=1)
    tries = messenger.attempts.count(f"reminder:{world.meeting_id}:5:UDCC")
    # 0, 1, 3, 7, 15, 31, 63 minutes, then hourly: about 18, not 720.
    assert 12 <= tries <= 20


def test_retries_stop_once_the_meeting_has_passed(world) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail["UDCC"] = DeliveryError("token_revoked", permanent=False)
    rounds.run(at(29))  # the last reminder slot before Wed 30 Dec
    messenger.fail.clear()
    rounds.run(at(30, 11))  # the meeting started at 10:00
    rounds.run(at(31, 11))
    assert reminders_to(messenger, "UDCC") == []


def test_a_failure_that_cannot_clear_is_not_retried(world) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail["UACC"] = DeliveryError("user_not_found", permanent=True)
    rounds.run(at(21))
    rounds.run(at(21, 12))
    assert messenger.attempts.count(f"reminder:{world.meeting_id}:5:UACC") == 1
    [report] = [m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]
    assert report.unreachable[0].owner.user_id == "UACC"


def test_a_failure_is_reported_once_however_often_it_is_retried(world) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail["UDCC"] = DeliveryError("missing_scope", permanent=False,
                                           needed="chat:write")
    for minute in range(0, 40):
        rounds.run(at(21, 9, minute))
    [report] = failure_reports(messenger)
    [failure] = report.failures
    assert (failure.recipient, failure.error, failure.needed) == ("UDCC", "missing_scope",
                                                                   "chat:write")
    assert failure.retried
    # A new cause is news: the secretariat hears about it.
    messenger.fail["UDCC"] = DeliveryError("ratelimited", permanent=False)
    rounds.run(at(21, 11))
    assert len(failure_reports(messenger)) == 2


def test_a_second_failure_in_the_same_minute_is_reported_too(sessions) -> None:  # type: ignore[no-untyped-def]
    """The digest fails with missing_scope, then the summary with channel_not_found."""
    world = World(sessions, START)
    messenger = FakeMessenger()
    clock = ManualClock(at(21))
    deliverer = Deliverer(sessions, messenger, clock, "a")
    messenger.fail_keys["digest:"] = DeliveryError("missing_scope", permanent=False,
                                                   needed="chat:write.public")
    deliverer.deliver(TEAM, [Planned("digest:2026-12-21", "digest", "C0TEAM", object())])
    clock.set(at(21, 9, 0, 20))
    messenger.fail_keys["summary:"] = DeliveryError("channel_not_found", permanent=False)
    deliverer.deliver(TEAM, [Planned("summary:1:C0TEAM", "summary", "C0TEAM", object())])
    reports = failure_reports(messenger)
    assert [[f.error for f in r.failures] for r in reports] == [["missing_scope"],
                                                                 ["channel_not_found"]]
    assert world is not None


def test_failures_that_reach_nobody_are_logged_as_errors(world, caplog) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail_all = DeliveryError("token_revoked", permanent=False)
    with caplog.at_level(logging.ERROR, logger="actionlog.reminders"):
        report = rounds.run(at(21))
    unreported = dict(report.unreported)
    assert unreported[f"reminder:{world.meeting_id}:5:UDCC"] == "token_revoked"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].getMessage() == "failures reached nobody"
    # Once the token works again, the reminders go out and the secretariat hears nothing
    # stale: the report was never delivered, and there is nothing left to report.
    messenger.fail_all = None
    rounds.run(at(21, 9, 2))
    assert len(reminders_to(messenger, "UDCC")) == 1


def test_owners_nobody_could_remind_and_nobody_was_told_about_are_logged(world, caplog) -> None:  # type: ignore[no-untyped-def]
    world.role("ACC", None, START)  # vacant: the secretariat must hear, but cannot
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail["USEC"] = DeliveryError("token_revoked", permanent=False)
    with caplog.at_level(logging.ERROR, logger="actionlog.reminders"):
        report = rounds.run(at(21))
    assert any(k.startswith("unreachable:") for k, _ in report.unreported)


def test_every_retry_is_recorded_on_the_delivery(world) -> None:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    rounds = Rounds(world, messenger)
    messenger.fail["UDCC"] = DeliveryError("invalid_auth", permanent=False)
    rounds.run(at(21))
    rounds.run(at(21, 9, 1))
    messenger.fail.clear()
    rounds.run(at(21, 9, 3))
    with transaction(world.sessions) as session:
        row = session.scalar(select(Delivery).where(
            Delivery.key == f"reminder:{world.meeting_id}:5:UDCC"))
        assert row is not None
        assert (row.state, row.attempts) == (DeliveryState.SENT, 3)
