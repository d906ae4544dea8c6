"""Says who would get what in a reminder round, without sending anything."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reminders.messages import MeetingSummary, OwnerReminder, WeeklyDigest
from reminders.planner import Planned
from storage.db import transaction
from storage.models import Delivery


def describe_plan(plans: dict[str, list[Planned]], sessions: sessionmaker[Session]) -> str:
    lines = []
    for team, planned in plans.items():
        with transaction(sessions) as session:
            done = set(session.scalars(select(Delivery.key).where(
                Delivery.team_id == team, Delivery.key.in_([p.key for p in planned]))))
        for item in planned:
            status = "already sent" if item.key in done else "would send"
            lines.append(f"{team}  {status:<12}  {item.kind:<11}  to {item.recipient}: "
                         f"{_what(item.message)}")
    return "\n".join(lines) if lines else "nothing is due"


def _what(message: object) -> str:
    if isinstance(message, OwnerReminder):
        refs = ", ".join(a.ref_label for a in message.actions)
        return f"{len(message.actions)} open actions ({refs})"
    if isinstance(message, MeetingSummary):
        groups = (message.complete, message.in_progress, message.not_started, message.overdue)
        return f"status summary of {sum(len(g) for g in groups)} actions"
    if isinstance(message, WeeklyDigest):
        return f"weekly digest covering {len(message.owners)} owners"
    return "who could not be reached"
