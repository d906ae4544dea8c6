"""Reminders for an action's own due date (before it and once overdue, each once), and the
digest listing a shared action once and moving off bank holidays."""

from __future__ import annotations

from datetime import date

from reminders.messages import DueDateReminder, WeeklyDigest
from storage.db import transaction
from storage.services import workspace
from tests.reminders.fakes import FakeMessenger
from tests.reminders.test_rounds import at, messenger, service, world  # noqa: F401
from tests.support.world import SEC, TEAM, World


def _due_reminders(messenger: FakeMessenger) -> list[tuple[str, DueDateReminder, str]]:  # noqa: F811
    return [(r, m, k) for r, m, k in messenger.sent if isinstance(m, DueDateReminder)]


def test_before_the_own_date_and_a_nudge_when_overdue_once_each(
    world: World, messenger: FakeMessenger  # noqa: F811
) -> None:
    runner = service(world, messenger)
    runner.run_due(at(15, 8, 59))  # A-2 is due Fri 18 Dec; 3 working days before is Tue 15
    assert _due_reminders(messenger) == []
    runner.run_due(at(15, 9, 0))
    [(to, message, key)] = _due_reminders(messenger)
    assert to == "UACC" and message.action.ref == 2 and message.working_days_before == 3
    runner.run_due(at(16, 9, 0))
    runner.run_due(at(18, 17, 0))
    assert len(_due_reminders(messenger)) == 1
    runner.run_due(at(21, 9, 0))  # the next working day after Fri 18: the nudge
    runner.run_due(at(22, 9, 0))
    sent = _due_reminders(messenger)
    assert len(sent) == 2 and sent[1][1].working_days_before is None
    assert sent[1][2].endswith(":overdue:UACC")


def test_the_schedule_is_a_secretariat_setting(world: World, messenger: FakeMessenger) -> None:  # noqa: F811
    with transaction(world.sessions) as session:
        for name, value in (("own_date_lead_days", ""), ("overdue_nudge", False)):
            workspace.change_setting(session, team_id=TEAM, actor=SEC, name=name, value=value,
                                     now=at(14, 9))
    runner = service(world, messenger)
    for day in (15, 16, 21, 22):
        runner.run_due(at(day, 9, 0))
    assert _due_reminders(messenger) == []


def test_an_action_recorded_after_its_slot_is_not_reminded_late(
    world: World, messenger: FakeMessenger  # noqa: F811
) -> None:
    world.action("circulate the paper", at(17, 10), on=date(2026, 12, 18))  # A-4, lead passed
    runner = service(world, messenger)
    runner.run_due(at(17, 11, 0))
    assert [m.action.ref for _, m, _ in _due_reminders(messenger)] == [2]


def test_a_shared_action_is_listed_once_in_the_digest(
    world: World, messenger: FakeMessenger  # noqa: F811
) -> None:
    service(world, messenger).run_due(at(14, 9, 0))
    [digest] = [m for m in messenger.to("C0TEAM") if isinstance(m, WeeklyDigest)]
    listed = [a.ref for o in digest.owners for a in o.new]
    assert sorted(listed) == [1, 2, 3]  # A-3 (DCC and @UPAT) once
    [shared] = [o for o in digest.owners if any(a.ref == 3 for a in o.new)]
    assert [o.role or o.user_id for o in (shared.owner, *shared.others)] == ["DCC", "UPAT"]


def test_the_digest_moves_off_a_bank_holiday(world: World, messenger: FakeMessenger) -> None:  # noqa: F811
    runner = service(world, messenger)
    runner.run_due(at(28, 9, 0))  # Mon 28 Dec 2026: the Boxing Day bank holiday
    keys = [k for k in messenger.sent_keys() if k.startswith("digest:")]
    assert "digest:2026-12-28" not in keys
    runner.run_due(at(29, 9, 0))
    assert "digest:2026-12-29" in messenger.sent_keys()
