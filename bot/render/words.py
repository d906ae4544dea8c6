"""How dates, meetings, owners and statuses read in messages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.render.common import inline
from reminders.rag import RAG_EMOJI, Rag
from storage.models import ActionStatus, MeetingKind
from storage.views import ActionView, MeetingView, OwnerView

KIND_LABELS = {
    MeetingKind.MONTHLY: "Monthly assurance",
    MeetingKind.THEMATIC: "Thematic",
    MeetingKind.EXTRAORDINARY: "Extraordinary",
    MeetingKind.PUBLIC: "Public",
    MeetingKind.PANEL: "Police and Crime Panel",
}

STATUS_LABELS = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.COMPLETE: "Complete, awaiting closure",
    ActionStatus.CLOSED: "Closed",
    ActionStatus.DROPPED: "Dropped",
}


def day_words(day: date) -> str:
    """``Thu 26 Nov 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def time_words(when: datetime, zone: ZoneInfo) -> str:
    """``Thu 26 Nov 2026, 10:00``, in the workspace's zone."""
    local = when.astimezone(zone)
    return f"{day_words(local.date())}, {local:%H:%M}"


def kind_label(kind: str) -> str:
    """``Police and Crime Panel`` for a built-in kind; a kind the secretariat named as named."""
    known = {str(k): label for k, label in KIND_LABELS.items()}
    return known.get(kind) or inline(kind[:1].upper() + kind[1:])


def meeting_words(meeting: MeetingView) -> str:
    """``the Thematic meeting on Covid-19`` or ``the Monthly assurance meeting``."""
    kind = meeting.kind
    label = kind_label(kind)
    title = inline(meeting.title)
    if title.casefold() in (f"{label} meeting".casefold(), label.casefold(), ""):
        return f"the {label} meeting"
    if kind == MeetingKind.THEMATIC:
        return f"the Thematic meeting on {title}"
    return f"the {label} meeting: {title}"


def due_words(action: ActionView) -> str:
    """``Thu 26 Nov 2026, the Thematic meeting on Covid-19``, plus the original if revised,
    and for a recurring action that it recurs."""
    if action.due_day is None:
        words = ("no date until the next meeting is set" if action.awaits_next_meeting
                 else "no date")
    else:
        words = day_words(action.due_day)
        if action.due_meeting is not None:
            words += f", {meeting_words(action.due_meeting)}"
        if action.original_due_day is not None:
            words += f" (originally {day_words(action.original_due_day)})"
    recurs = recurrence_words(action)
    return f"{words} · {recurs}" if recurs else words


def recurrence_words(action: ActionView) -> str:
    """``recurs quarterly (no. 2, until Fri 31 Jul 2028)``; empty for a one-off action."""
    if action.recurrence_months is None:
        if action.occurrence > 1:
            return f"occurrence {action.occurrence}, the last"
        return ""
    how = {0: "every meeting", 1: "monthly", 3: "quarterly", 12: "annually"}.get(
        action.recurrence_months, f"every {action.recurrence_months} months")
    details = [f"no. {action.occurrence}"]
    if action.recurrence_until is not None:
        details.append(f"until {day_words(action.recurrence_until)}")
    if action.recurrence_left is not None:
        details.append(f"{action.recurrence_left} more after this")
    return f":repeat: recurs {how} ({', '.join(details)})"


def owner_words(owner: OwnerView) -> str:
    """A person, or a role as the minutes name it with its holder: ``DCC (@dana)``."""
    if owner.role is None:
        return f"<@{owner.user_id}>"
    name = inline(owner.title) if owner.title else owner.role
    if owner.external:
        # Outside Slack: they have no holder to show, and the secretariat chases them.
        return f"{name} (external)"
    holder = f"<@{owner.user_id}>" if owner.user_id else "vacant"
    return f"{name} ({holder})"


def owners_words(action: ActionView) -> str:
    return ", ".join(owner_words(o) for o in action.owners)


def status_words(action: ActionView, rag: Rag | None) -> str:
    emoji = f"{RAG_EMOJI[rag]} " if rag else ""
    return f"{emoji}{STATUS_LABELS[action.status]}"
