"""Red, amber, green and blue: how an action stands, as governance reports show it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from reminders.calendar import working_days_until
from storage.models import ActionStatus
from storage.views import ActionView

AMBER_WORKING_DAYS = 5
STALE_AFTER = timedelta(days=14)
_UNFINISHED = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class Rag(StrEnum):
    RED = "red"  # overdue
    AMBER = "amber"  # due within 5 working days and no update for 14 days
    GREEN = "green"  # on track
    BLUE = "blue"  # complete or closed


RAG_EMOJI = {
    Rag.RED: ":red_circle:",
    Rag.AMBER: ":large_orange_circle:",
    Rag.GREEN: ":large_green_circle:",
    Rag.BLUE: ":large_blue_circle:",
}


def rag_for(action: ActionView, now: datetime, zone: ZoneInfo) -> Rag | None:
    """The action's RAG rating at ``now``; None for a dropped action."""
    if action.status == ActionStatus.DROPPED:
        return None
    if action.status in (ActionStatus.COMPLETE, ActionStatus.CLOSED):
        return Rag.BLUE
    if is_overdue(action, now, zone):
        return Rag.RED
    today = now.astimezone(zone).date()
    if action.due_day is not None:
        soon = working_days_until(today, action.due_day) <= AMBER_WORKING_DAYS
        if soon and now - action.last_update_at >= STALE_AFTER:
            return Rag.AMBER
    return Rag.GREEN


def is_overdue(action: ActionView, now: datetime, zone: ZoneInfo) -> bool:
    """Not finished and past its date, or its meeting has started."""
    return overdue_at(now, zone)(action)


def overdue_at(now: datetime, zone: ZoneInfo) -> Callable[[ActionView], bool]:
    """``is_overdue`` at ``now`` for many actions: the local day is worked out once."""
    today = now.astimezone(zone).date()

    def overdue(action: ActionView) -> bool:
        if action.status not in _UNFINISHED:
            return False
        if action.due_meeting is not None:
            return action.due_meeting.starts_at <= now
        return action.due_day is not None and action.due_day < today

    return overdue
