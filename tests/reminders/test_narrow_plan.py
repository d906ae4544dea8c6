"""Reading only the actions due messages can use plans exactly what reading them all does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from benchmarks.dataset import LONDON, TEAM, Shape, load
from reminders.planner import plan_round
from storage.db import make_session_factory, read_transaction

ANCHOR = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def test_narrowed_plan_equals_the_full_scan(engine) -> None:  # type: ignore[no-untyped-def]
    loaded = load(engine, Shape(actions=1_500, owners=60, meetings=40, anchor=ANCHOR))
    sessions = make_session_factory(engine)
    moments = [loaded.reminder_slot(lead) for lead in (5, 2, 1)]  # reminders, summary
    moments += [moments[0] - timedelta(minutes=1)]  # only the digest due
    moments += [loaded.next_meeting_at + timedelta(hours=2)]  # the meeting after
    moments += [ANCHOR - timedelta(days=d) for d in (3, 40, 400)]
    kinds = set()
    for at in moments:
        with read_transaction(sessions) as session:
            narrowed = plan_round(session, team_id=TEAM, at=at, zone=LONDON)
            full = plan_round(session, team_id=TEAM, at=at, zone=LONDON, narrow=False)
        assert narrowed == full, at
        kinds |= {p.kind for p in full}
    assert kinds == {"reminder", "unreachable", "summary", "digest", "due_reminder"}
