"""Working days skip weekends and England and Wales bank holidays; RAG follows the rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from reminders.calendar import is_working_day, working_days_before, working_days_until
from reminders.rag import Rag, rag_for
from storage.models import ActionStatus
from storage.views import ActionView, MeetingView

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)  # Monday


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, a Friday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day moved to Monday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 23))


def test_working_days_before_skips_christmas() -> None:
    meeting = date(2026, 12, 30)  # Wednesday
    assert working_days_before(meeting, 1) == date(2026, 12, 29)
    assert working_days_before(meeting, 2) == date(2026, 12, 24)
    assert working_days_before(meeting, 5) == date(2026, 12, 21)
    assert working_days_before(meeting, 0) == meeting


def test_working_days_until() -> None:
    assert working_days_until(date(2026, 11, 23), date(2026, 11, 30)) == 5
    assert working_days_until(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_until(date(2026, 11, 30), date(2026, 11, 23)) == -5


def _action(**changes: object) -> ActionView:
    base = ActionView(
        id=1, ref=1, text="review the metric", agenda_item=None,
        status=ActionStatus.NOT_STARTED, owners=(), due_day=date(2026, 12, 15),
        due_meeting=None, original_due_day=None, source_meeting=None,
        created_at=NOW - timedelta(days=30), created_by="USEC",
        last_update_at=NOW - timedelta(days=1), latest_note=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_rag() -> None:
    assert rag_for(_action(), NOW, LONDON) == Rag.GREEN
    assert rag_for(_action(due_day=date(2026, 11, 20)), NOW, LONDON) == Rag.RED
    assert rag_for(_action(due_day=date(2026, 11, 23)), NOW, LONDON) == Rag.GREEN  # today
    soon_stale = _action(due_day=date(2026, 11, 30), last_update_at=NOW - timedelta(days=14))
    assert rag_for(soon_stale, NOW, LONDON) == Rag.AMBER
    soon_fresh = _action(due_day=date(2026, 11, 30), last_update_at=NOW - timedelta(days=13))
    assert rag_for(soon_fresh, NOW, LONDON) == Rag.GREEN
    later_stale = _action(due_day=date(2026, 12, 1), last_update_at=NOW - timedelta(days=20))
    assert rag_for(later_stale, NOW, LONDON) == Rag.GREEN  # 6 working days away
    assert rag_for(_action(status=ActionStatus.COMPLETE, due_day=date(2026, 1, 1)), NOW,
                   LONDON) == Rag.BLUE
    assert rag_for(_action(status=ActionStatus.CLOSED), NOW, LONDON) == Rag.BLUE
    assert rag_for(_action(status=ActionStatus.DROPPED), NOW, LONDON) is None


def test_meeting_due_is_red_once_the_meeting_starts() -> None:
    meeting = MeetingView(1, "monthly", "Monthly assurance meeting",
                          datetime(2026, 11, 26, 10, tzinfo=UTC), None)
    action = _action(due_meeting=meeting, due_day=date(2026, 11, 26))
    assert rag_for(action, datetime(2026, 11, 26, 9, 59, tzinfo=UTC), LONDON) != Rag.RED
    assert rag_for(action, datetime(2026, 11, 26, 10, tzinfo=UTC), LONDON) == Rag.RED
