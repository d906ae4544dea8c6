"""Planning and delivering rounds: timing, grouping, catch-up and exactly-once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from reminders.clock import ManualClock
from reminders.delivery import DeliveryError
from reminders.messages import MeetingSummary, OwnerReminder, UnreachableReport, WeeklyDigest
from reminders.service import ReminderService
from storage.db import transaction
from storage.models import ActionStatus, Delivery, DeliveryState
from storage.owners import RoleOwner, UserOwner
from storage.services import roles
from storage.services.people import Actor
from tests.reminders.fakes import FakeMessenger
from tests.support.world import LONDON, TEAM, World

START = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # Monday 14 Dec 2026
MEETING = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)  # Wednesday 30 Dec, after Christmas


def at(day: int, hour: int = 9, minute: int = 0, month: int = 12) -> datetime:
    """A London wall-clock time in December 2026 (GMT, so equal to UTC)."""
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def world(sessions):  # type: ignore[no-untyped-def]
    world = World(sessions, START)
    world.role("DCC", "UDCC", START)
    world.role("ACC", "UACC", START)
    world.meeting_id = world.meeting(MEETING, START)
    world.action("review the diary appointments metric", START, meeting_id=world.meeting_id)
    world.action("brief the PCC on 101 call handling", START, owners=[RoleOwner("ACC")],
                 on=date(2026, 12, 18))
    world.action("share the briefing note", START,
                 owners=[RoleOwner("DCC"), UserOwner("UPAT")], on=date(2027, 3, 1))
    return world


@pytest.fixture
def messenger() -> FakeMessenger:
    return FakeMessenger()


def service(world: World, messenger: FakeMessenger, name: str = "a") -> ReminderService:
    return ReminderService(world.sessions, messenger, ManualClock(START), LONDON, name)


def test_nothing_before_the_first_slot(world: World, messenger: FakeMessenger) -> None:
    service(world, messenger).run_due(at(21, 8, 59))
    assert [k for k in messenger.sent_keys() if k.startswith("reminder")] == []


def test_reminders_at_minus_five_and_minus_one_working_days(world, messenger) -> None:  # type: ignore[no-untyped-def]
    runner = service(world, messenger)
    runner.run_due(at(21, 9, 0))  # Mon 21 Dec: 5 working days before Wed 30 Dec
    dcc = messenger.to("UDCC")
    assert len(dcc) == 1 and isinstance(dcc[0], OwnerReminder)
    assert [a.ref for a in dcc[0].actions] == [1]  # A-3 is due after the meeting
    # The ACC also gets A-2's own-date nudge, in either order: the pool sends in parallel.
    [acc] = [m for m in messenger.to("UACC") if isinstance(m, OwnerReminder)]
    assert [a.ref for a in acc.actions] == [2] and acc.working_days_before == 5
    runner.run_due(at(21, 9, 1))
    runner.run_due(at(24, 9, 0))  # the summary day, not a reminder day
    assert len(messenger.to("UDCC")) == 1
    runner.run_due(at(29, 9, 0))  # Tue 29 Dec: 1 working day before (Christmas skipped)
    assert len(messenger.to("UDCC")) == 2
    assert messenger.to("UDCC")[1].working_days_before == 1


def test_catching_up_after_days_down_sends_one_message(world, messenger) -> None:  # type: ignore[no-untyped-def]
    service(world, messenger).run_due(at(29, 15, 0))  # down from before the -5 slot
    assert len(messenger.to("UDCC")) == 1
    assert messenger.to("UDCC")[0].working_days_before == 1


def test_owners_with_only_complete_actions_get_nothing(world, messenger) -> None:  # type: ignore[no-untyped-def]
    world.set_status(2, ActionStatus.COMPLETE, START)
    service(world, messenger).run_due(at(21))
    assert messenger.to("UACC") == []
    assert len(messenger.to("UDCC")) == 1


def test_vacant_role_is_reported_to_the_secretariat(world, messenger) -> None:  # type: ignore[no-untyped-def]
    world.role("ACC", None, START)
    service(world, messenger).run_due(at(21))
    [report] = [m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]
    assert report.unreachable[0].owner.role == "ACC"
    assert [a.ref for a in report.unreachable[0].actions] == [2]


def test_owner_who_left_is_reported_and_not_retried(world, messenger) -> None:  # type: ignore[no-untyped-def]
    messenger.fail["UACC"] = DeliveryError("user_not_found", permanent=True)
    runner = service(world, messenger)
    runner.run_due(at(21))
    [report] = [m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]
    assert report.unreachable[0].owner.user_id == "UACC"
    assert report.unreachable[0].reason == "user_not_found"
    runner.run_due(at(21, 9, 5))
    assert len([m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]) == 1


def test_summary_two_working_days_before(world, messenger) -> None:  # type: ignore[no-untyped-def]
    world.set_status(2, ActionStatus.COMPLETE, START)
    service(world, messenger).run_due(at(24, 9, 0))  # Thu 24 Dec
    [channel] = [m for m in messenger.to("C0TEAM") if isinstance(m, MeetingSummary)]
    assert [a.ref for a in channel.complete] == [2]
    assert [a.ref for a in channel.not_started] == [1]
    assert any(isinstance(m, MeetingSummary) for m in messenger.to("USEC"))


def test_weekly_digest_on_monday(world, messenger) -> None:  # type: ignore[no-untyped-def]
    runner = service(world, messenger)
    runner.run_due(at(14, 8, 59))
    assert messenger.to("C0TEAM") == []
    runner.run_due(at(14, 9, 0))  # the workspace started at 08:00 this Monday
    [first] = [m for m in messenger.to("C0TEAM") if isinstance(m, WeeklyDigest)]
    assert first.week_start == date(2026, 12, 7)
    assert {a.ref for o in first.owners for a in o.new} == {1, 2, 3}
    runner.run_due(at(21, 9, 0))
    digests = [m for m in messenger.to("C0TEAM") if isinstance(m, WeeklyDigest)]
    assert len(digests) == 2
    second = digests[1]
    assert {a.ref for o in second.owners for a in o.new} == set()
    assert {a.ref for o in second.owners for a in o.overdue} == {2}  # due Fri 18 Dec
    runner.run_due(at(22, 9, 0))
    assert len([m for m in messenger.to("C0TEAM") if isinstance(m, WeeklyDigest)]) == 2


def test_empty_digest_is_not_posted_unless_asked(sessions, messenger) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, START)
    runner = service(world, messenger)
    runner.run_due(at(21, 9, 0))
    assert messenger.to("C0TEAM") == []


def test_two_instances_send_each_message_once(world, messenger) -> None:  # type: ignore[no-untyped-def]
    runners = [service(world, messenger, name) for name in ("a", "b", "c")]
    barrier = threading.Barrier(len(runners))

    def run(runner: ReminderService) -> None:
        barrier.wait()
        runner.run_due(at(21, 9, 0))

    threads = [threading.Thread(target=run, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    meeting = world.meeting_id
    # A-2 was due Fri 18 Dec: its overdue nudge is due too, and also sent once.
    keys = sorted(messenger.sent_keys())
    nudges = [k for k in keys if k.startswith("due:")]
    assert len(nudges) == 1 and nudges[0].endswith(":1:2026-12-18:overdue:UACC")
    assert [k for k in keys if not k.startswith("due:")] == [
        "digest:2026-12-21", f"reminder:{meeting}:5:UACC", f"reminder:{meeting}:5:UDCC"]


def test_killed_mid_send_is_reconciled_not_duplicated(world, messenger) -> None:  # type: ignore[no-untyped-def]
    """A claim left by a dead process: resent only if Slack never got the message."""
    clock = ManualClock(at(21))
    runner = ReminderService(world.sessions, messenger, clock, LONDON, "restarted")
    plan = runner.plan(at(21))[TEAM]
    reminders = [p for p in plan if p.kind == "reminder"]
    with transaction(world.sessions) as session:
        for item in reminders:  # both claimed by a process that then died
            session.add(Delivery(team_id=TEAM, key=item.key, kind=item.kind,
                                 recipient=item.recipient, state=DeliveryState.CLAIMED,
                                 claimed_by="dead", claimed_at=at(21), attempts=1))
    messenger.delivered_before_crash.add(reminders[0].key)  # Slack had received this one
    clock.set(at(21, 9, 5))
    runner.run_due(at(21, 9, 5))  # a fresh claim is not stale yet: nothing happens
    assert not [k for k in messenger.sent_keys() if k.startswith("reminder")]
    clock.set(at(21, 9, 20))
    runner.run_due(at(21, 9, 20))
    resent = [k for k in messenger.sent_keys() if k.startswith("reminder")]
    assert resent == [reminders[1].key]
    with transaction(world.sessions) as session:
        states = session.scalars(select(Delivery.state).where(
            Delivery.key.in_([r.key for r in reminders]))).all()
    assert set(states) == {DeliveryState.SENT}


def test_transient_failure_is_reported_to_the_secretariat(world, messenger) -> None:  # type: ignore[no-untyped-def]
    messenger.fail["UDCC"] = DeliveryError("ratelimited", permanent=False)
    service(world, messenger).run_due(at(21))
    reports = [m for m in messenger.to("USEC") if type(m).__name__ == "FailureReport"]
    assert reports and reports[0].failures[0].recipient == "UDCC"


def test_clock_changes_neither_skip_nor_double(sessions, messenger) -> None:  # type: ignore[no-untyped-def]
    """Rounds every 30 minutes across both 2027 clock changes: each slot once."""
    begin = datetime(2027, 3, 22, 0, tzinfo=UTC)
    world = World(sessions, begin)
    world.role("DCC", "UDCC", begin)
    spring = world.meeting(datetime(2027, 3, 30, 9, tzinfo=UTC), begin, "Spring")
    world.action("spring thing", begin, meeting_id=spring)
    runner = service(world, messenger)
    moment = begin
    while moment < datetime(2027, 3, 30, 8, tzinfo=UTC):
        runner.run_due(moment)
        moment += timedelta(minutes=30)
    assert len(messenger.to("UDCC")) == 2  # -5 (Tue 23 Mar) and -1 (Mon 29 Mar, after BST)
    autumn_start = datetime(2027, 10, 25, 0, tzinfo=UTC)
    autumn = world.meeting(datetime(2027, 11, 2, 10, tzinfo=UTC), autumn_start, "Autumn")
    world.action("autumn thing", autumn_start, meeting_id=autumn)
    moment = autumn_start
    while moment < datetime(2027, 11, 2, 9, tzinfo=UTC):
        runner.run_due(moment)
        moment += timedelta(minutes=30)
    autumn_reminders = [m for m in messenger.to("UDCC") if m.meeting.id == autumn]
    assert [m.working_days_before for m in autumn_reminders] == [5, 1]


def test_external_owners_are_listed_to_chase_not_as_vacant(world, messenger) -> None:  # type: ignore[no-untyped-def]
    with transaction(world.sessions) as session:
        roles.create_role(
            session, team_id=TEAM, actor=Actor("USEC"), title="Supt Jones", code=None,
            external=True, contact="via the force control room", is_person=True, now=START,
        )
    world.action("report on the stop and search audit", START,
                 owners=[RoleOwner("SJ")], meeting_id=world.meeting_id)
    world.role("ACC", None, START)  # a vacant role is still reported as before
    runner = service(world, messenger)
    runner.run_due(at(21))
    [report] = [m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]
    assert [u.owner.role for u in report.unreachable] == ["ACC"]  # no "no holder" for SJ
    [chase] = report.to_chase
    assert (chase.owner.role, chase.owner.title, chase.owner.external) == ("SJ", "Supt Jones", True)
    assert chase.owner.contact == "via the force control room"
    assert [a.ref for a in chase.actions] == [4]
    # The next round (one working day before) lists them to chase again, once.
    runner.run_due(at(29))
    reports = [m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]
    assert len(reports) == 2 and reports[1].to_chase[0].owner.title == "Supt Jones"


def test_only_external_owners_still_send_the_chase_list(world, messenger) -> None:  # type: ignore[no-untyped-def]
    with transaction(world.sessions) as session:
        roles.create_role(
            session, team_id=TEAM, actor=Actor("USEC"), title="the Panel", code="PANEL",
            external=True, contact=None, is_person=False, now=START,
        )
    world.action("agree the precept", START, owners=[RoleOwner("PANEL")],
                 meeting_id=world.meeting_id)
    service(world, messenger).run_due(at(21))
    [report] = [m for m in messenger.to("USEC") if isinstance(m, UnreachableReport)]
    assert report.unreachable == () and report.to_chase[0].owner.title == "the Panel"
