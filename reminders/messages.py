"""What reminders send, as plain data: the bot turns each into Block Kit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.views import ActionView, MeetingView, OwnerView


@dataclass(frozen=True)
class OwnerReminder:
    """One owner's direct message before a meeting: all their open actions due by then."""

    user_id: str
    meeting: MeetingView
    working_days_before: int
    actions: tuple[ActionView, ...]  # not started or in progress, due by the meeting


@dataclass(frozen=True)
class DueDateReminder:
    """An owner's reminder about one action with its own due date: before it, or (with
    ``working_days_before`` None) the nudge once it is overdue."""

    user_id: str
    action: ActionView
    working_days_before: int | None


@dataclass(frozen=True)
class Unreachable:
    """An owner who could not be reminded, and about what."""

    owner: OwnerView
    reason: str  # e.g. "the role has no holder", "user_not_found"
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class UnreachableReport:
    """Told to the secretariat: owners nobody could remind, and those outside Slack to chase."""

    meeting: MeetingView
    unreachable: tuple[Unreachable, ...]
    # External owners (force officers, the Panel): no one to message, the secretariat chases.
    to_chase: tuple[Unreachable, ...] = ()


@dataclass(frozen=True)
class MeetingSummary:
    """The "matters arising" status summary: the first agenda item of the meeting."""

    meeting: MeetingView
    complete: tuple[ActionView, ...]  # complete, awaiting closure
    in_progress: tuple[ActionView, ...]
    not_started: tuple[ActionView, ...]
    overdue: tuple[ActionView, ...]  # not finished and past their date (listed only here)
    generated_at: datetime


@dataclass(frozen=True)
class DigestOwner:
    """One owner's part of the weekly digest; ``others``: owners sharing these actions, so
    an action with several owners is listed once, under all of them."""

    owner: OwnerView
    new: tuple[ActionView, ...]
    finished: tuple[ActionView, ...]  # completed or closed this week
    overdue: tuple[ActionView, ...]
    due_before_next: tuple[ActionView, ...]
    others: tuple[OwnerView, ...] = ()


@dataclass(frozen=True)
class WeeklyDigest:
    week_start: date
    week_end: date
    next_meeting: MeetingView | None
    owners: tuple[DigestOwner, ...]

    @property
    def is_empty(self) -> bool:
        return not any(o.new or o.finished or o.overdue or o.due_before_next for o in self.owners)


@dataclass(frozen=True)
class MoreTimeRequest:
    """An owner asks the secretariat for a later date; nothing changes until they agree."""

    action: ActionView
    requested_by: str
    new_date: date
    reason: str


@dataclass(frozen=True)
class DeliveryFailure:
    kind: str  # reminder, summary, digest
    recipient: str  # a user or channel id
    error: str  # Slack's error code, e.g. not_in_channel
    needed: str | None = None  # the scope Slack asked for, with missing_scope
    retried: bool = True  # whether a later round tries it again


@dataclass(frozen=True)
class FailureReport:
    """Told to the secretariat: messages that failed, why, and how to put it right."""

    failures: tuple[DeliveryFailure, ...]
