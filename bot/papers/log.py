"""The action log as a paper sees it: plain rows of words and dates, built in one place.

Every format (Word, Excel, CSV, JSON) writes these rows, so a column reads the same in
each. Names replace Slack ids, times are local, dates are the UK's day/month/year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.directory import FORMER_MEMBER
from bot.papers.plain import Names, plain, uk_dates, uk_day
from bot.render.actions import EVENT_WORDS, change_words
from bot.render.reminders import (
    NOTHING_OUTSTANDING,
    agenda_entry,
    agenda_groups,
    summary_counts,
    summary_groups,
    summary_title,
)
from bot.render.words import KIND_LABELS, STATUS_LABELS, recurrence_words, time_words
from reminders.messages import MeetingSummary
from reminders.rag import Rag, rag_for
from storage.models import MeetingKind
from storage.services.papers import EventRow
from storage.views import ActionView, MeetingView, OwnerView

COLUMNS = (
    "Ref",
    "Meeting",
    "Item",
    "Action",
    "Owner(s)",
    "Original due",
    "Revised due",
    "Status",
    "Latest update",
    "Closed on",
)
HISTORY_COLUMNS = ("Ref", "When", "Who", "What", "Change", "Note")
NO_ACTIONS = "No actions"
NO_NEXT_MEETING = (
    "No next meeting is set, so there is no matters-arising summary yet. "
    "Set one with /actions meeting next."
)

# The RAG colours as governance reports shade them (hex RGB), pale enough for black text.
RAG_FILLS = {
    Rag.RED: "F4A6A6",
    Rag.AMBER: "FFD591",
    Rag.GREEN: "B7E1A1",
    Rag.BLUE: "A9CCF0",
}


@dataclass(frozen=True)
class LogRow:
    """One action as a row of the table."""

    ref: str
    meeting: str
    item: str
    action: str
    owners: str
    original_due: date | None
    revised_due: date | None
    status: str
    rag: Rag | None
    latest_update: str
    latest_update_on: date | None
    closed_on: date | None

    def latest_update_words(self) -> str:
        """``12/11/2026: Draft circulated``, or empty when nobody has written one."""
        if not self.latest_update:
            return ""
        return f"{uk_day(self.latest_update_on)}: {self.latest_update}".lstrip(": ")

    def texts(self) -> tuple[str, ...]:
        """The row as text, one string per column, dates the UK way."""
        return (
            self.ref, self.meeting, self.item, self.action, self.owners,
            uk_day(self.original_due), uk_day(self.revised_due), self.status,
            self.latest_update_words(), uk_day(self.closed_on),
        )


@dataclass(frozen=True)
class HistoryRow:
    """One change to one action."""

    ref: str
    at: datetime  # local time
    who: str
    what: str
    change: str
    note: str


@dataclass(frozen=True)
class SourceGroup:
    """One group of the summary, as agenda item 1 lists it (mostly by source meeting)."""

    heading: str  # "From the Monthly assurance meeting of Thu 22 Oct 2026 (3)"
    entries: tuple[str, ...]  # each entry's lines joined with newlines


@dataclass(frozen=True)
class SummarySection:
    """The matters-arising summary, in the Slack summary's words."""

    title: str
    counts: str
    groups: tuple[SourceGroup, ...]
    note: str = ""  # said instead of groups when there is nothing to list


@dataclass(frozen=True)
class Parts:
    """Which parts a format shows; the others are not built (they cost time at scale)."""

    history: bool = True
    summary: bool = True


NO_SUMMARY = SummarySection("Matters arising", "", ())


@dataclass(frozen=True)
class ActionLog:
    """Everything a paper holds."""

    organisation: str | None
    as_at: datetime  # local time
    scope: str  # "Open actions", "All actions", ...
    rows: tuple[LogRow, ...]
    history: tuple[HistoryRow, ...]
    summary: SummarySection

    @property
    def title(self) -> str:
        return f"Action log as at {uk_day(self.as_at.date())}"


def meeting_cell(meeting: MeetingView | None, zone: ZoneInfo) -> str:
    """``26/11/2026, Monthly assurance`` or ``26/11/2026, Thematic: Covid-19``."""
    if meeting is None:
        return ""
    day = uk_day(meeting.starts_at.astimezone(zone).date())
    label = KIND_LABELS[MeetingKind(meeting.kind)]
    title = meeting.title.strip()
    if title.casefold() in (label.casefold(), f"{label} meeting".casefold(), ""):
        return f"{day}, {label}"
    return f"{day}, {label}: {title}"


def owner_cell(owner: OwnerView, names: Names) -> str:
    """The role as the minutes wrote it, then its holder's name; a person by name alone;
    an owner outside Slack marked as such, with how to reach them if it was recorded."""
    if owner.role is None:
        return names(owner.user_id) if owner.user_id else FORMER_MEMBER
    name = owner.title or owner.role
    if owner.external:
        return f"{name} (external{': ' + owner.contact if owner.contact else ''})"
    holder = names(owner.user_id) if owner.user_id else "vacant"
    return f"{name} ({holder})"


def due_cells(action: ActionView) -> tuple[date | None, date | None]:
    """(Original due, Revised due): the revised date only when it was changed."""
    if action.original_due_day is not None:
        return action.original_due_day, action.due_day
    return action.due_day, None


def due_note(action: ActionView) -> str:
    """What the date columns cannot say: that it recurs (the dates are this occurrence's,
    the next one due), or that it waits for the next meeting to be set."""
    if action.due_day is None and action.awaits_next_meeting:
        return "No date until the next meeting is set."
    recurs = plain(recurrence_words(action), _no_names)
    return recurs[:1].upper() + recurs[1:] + "." if recurs else ""


def _no_names(user_id: str) -> str:
    return user_id


def status_cell(action: ActionView, rag: Rag | None) -> str:
    """``Not started (Green)``: the word as well as the colour, for those who can't see it."""
    label = STATUS_LABELS[action.status]
    return f"{label} ({rag.value.capitalize()})" if rag else label


def build_row(
    action: ActionView, note_on: date | None, names: Names, now: datetime, zone: ZoneInfo
) -> LogRow:
    """One action's row; ``note_on`` is the local day its latest update was written."""
    rag = rag_for(action, now, zone)
    original, revised = due_cells(action)
    return LogRow(
        ref=action.ref_label,
        meeting=meeting_cell(action.source_meeting, zone),
        item=action.agenda_item or "",
        action="\n".join(filter(None, (action.text, due_note(action)))),
        owners="; ".join(owner_cell(o, names) for o in action.owners),
        original_due=original,
        revised_due=revised,
        status=status_cell(action, rag),
        rag=rag,
        latest_update=action.latest_note or "",
        latest_update_on=note_on if action.latest_note else None,
        closed_on=action.closed_at.astimezone(zone).date() if action.closed_at else None,
    )


def history_row(ref: str, event: EventRow, names: Names, zone: ZoneInfo) -> HistoryRow:
    """One change, in the words `/actions show` uses."""
    return HistoryRow(
        ref=ref,
        at=event.at.astimezone(zone).replace(tzinfo=None),
        who=names(event.actor),
        what=EVENT_WORDS.get(event.kind, event.kind.replace("_", " ")),
        change=uk_dates(plain(change_words(event), names)),  # type: ignore[arg-type]
        note=event.note or "",
    )


def summary_section(
    summary: MeetingSummary | None, names: Names, now: datetime, zone: ZoneInfo
) -> SummarySection:
    """The Slack summary's groups and words, without Slack's markup and with names."""
    if summary is None:
        return SummarySection("Matters arising", "", (), NO_NEXT_MEETING)
    title = plain(summary_title(summary, zone), names)
    counts = f"{summary_counts(summary)} · Prepared {time_words(summary.generated_at, zone)}"
    if not any(items for _, items in summary_groups(summary)):
        return SummarySection(title, counts, (), NOTHING_OUTSTANDING)
    overdue = {a.ref for a in summary.overdue}
    groups = tuple(
        SourceGroup(
            plain(f"{label} ({len(items)})", names),
            tuple(plain(agenda_entry(a, a.ref in overdue, now, zone), names) for a in items),
        )
        for label, items in agenda_groups(summary, zone)
    )
    return SummarySection(title, counts, groups)


def build_log(
    *,
    organisation: str | None,
    scope: str,
    actions: Sequence[ActionView],
    events: Mapping[int, Sequence[EventRow]],
    summary: MeetingSummary | None,
    names: Names,
    now: datetime,
    zone: ZoneInfo,
    parts: Parts = Parts(),  # noqa: B008 - frozen, so one shared default is safe
) -> ActionLog:
    """The paper from the storage views: rows, and the history and summary if wanted."""
    rows = []
    history = []
    for action in actions:
        mine = events.get(action.id, ())
        noted = next((e for e in reversed(mine) if e.note), None)
        note_on = noted.at.astimezone(zone).date() if noted else None
        rows.append(build_row(action, note_on, names, now, zone))
        if parts.history:
            history += [history_row(action.ref_label, e, names, zone) for e in mine]
    return ActionLog(
        organisation=organisation,
        as_at=now.astimezone(zone).replace(tzinfo=None),
        scope=scope,
        rows=tuple(rows),
        history=tuple(history),
        summary=summary_section(summary, names, now, zone) if parts.summary else NO_SUMMARY,
    )
