"""Imports from minutes: keep the proposals while they are reviewed, then record them at once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.due import DueSpec, Recurrence
from storage.errors import InvalidChange, NotFound, PermissionDenied, ServiceError
from storage.models import (
    OPEN_STATUSES,
    Action,
    ImportState,
    Meeting,
    MeetingKind,
    PendingImport,
)
from storage.owners import OwnerRef
from storage.services import actions, meetings
from storage.services.due import resolve_due
from storage.services.people import Actor

# Two texts are the same action when this share of the shorter one's words appear in both.
DUPLICATE_OVERLAP = 0.8
_KINDS = {kind.value for kind in MeetingKind}


@dataclass(frozen=True)
class ImportItem:
    """One reviewed action ready to record: owners and due already read by the bot."""

    text: str
    owners: Sequence[OwnerRef]
    due: DueSpec | None
    agenda_item: str | None
    recurrence: Recurrence | None = None


@dataclass(frozen=True)
class MinutesMeeting:
    """The meeting the minutes record, or the next one they fix."""

    day: date
    at: time | None
    kind: str | None
    title: str | None


def start_import(session: Session, *, team_id: str, user_id: str, source_name: str,
                 data: dict[str, Any], now: datetime) -> PendingImport:
    """Keep a set of proposals for review by the person who imported them."""
    pending = PendingImport(team_id=team_id, user_id=user_id, source_name=source_name[:200],
                            state=ImportState.PENDING, data=data, created_at=now)
    session.add(pending)
    session.flush()
    return pending


def get_import(session: Session, *, team_id: str, import_id: int, user_id: str) -> PendingImport:
    """A pending import of this person's; refused once it is recorded or someone else's."""
    pending = session.get(PendingImport, import_id)
    if pending is None or pending.team_id != team_id:
        raise NotFound("That import is no longer here. Start again with `/actions import`.")
    if pending.user_id != user_id:
        raise PermissionDenied("Only the person who started this import can review it.")
    if pending.state == ImportState.RECORDED:
        raise InvalidChange("These actions were already recorded; nothing was recorded twice.")
    if pending.state != ImportState.PENDING:
        raise InvalidChange("This import was cancelled. Start again with `/actions import`.")
    return pending


def save_review(pending: PendingImport, data: dict[str, Any]) -> None:
    """Keep the reviewer's edits (a new object, so the JSON column sees the change)."""
    pending.data = dict(data)


def likely_duplicates(session: Session, *, team_id: str, texts: Sequence[str]) -> list[str | None]:
    """For each text, the ref of an open action that says the same, or None."""
    open_actions = session.execute(
        select(Action.ref, Action.text).where(
            Action.team_id == team_id, Action.status.in_(OPEN_STATUSES))
    ).all()
    known = [(ref, _words(text)) for ref, text in open_actions]
    found: list[str | None] = []
    for text in texts:
        words = _words(text)
        match = next((ref for ref, other in known if _overlap(words, other) >= DUPLICATE_OVERLAP),
                     None)
        found.append(actions.format_ref(match) if match is not None else None)
    return found


def record_import(session: Session, *, team_id: str, actor: Actor, pending: PendingImport,
                  items: Sequence[ImportItem], meeting: MinutesMeeting | None,
                  next_meeting: MinutesMeeting | None, now: datetime,
                  zone: ZoneInfo) -> list[Action]:
    """Record every item, with the minutes' meeting as source, or nothing at all.

    The caller's transaction rolls everything back if any item is refused; the error names
    the item so the reviewer can fix it.
    """
    if pending.state != ImportState.PENDING:
        raise InvalidChange("These actions were already recorded; nothing was recorded twice.")
    if not items:
        raise InvalidChange("No actions are ticked, so there is nothing to record.")
    source = _source_meeting(session, team_id=team_id, actor=actor, meeting=meeting,
                             now=now, zone=zone)
    if next_meeting is not None:
        _ensure_next_meeting(session, team_id=team_id, actor=actor, meeting=next_meeting,
                             now=now, zone=zone)
    recorded = []
    for number, item in enumerate(items, 1):
        try:
            due = resolve_due(session, team_id=team_id, spec=item.due, now=now, zone=zone)
            recorded.append(actions.record_action(
                session, team_id=team_id, actor=actor, owners=item.owners, text=item.text,
                due=due, agenda_item=item.agenda_item, source_meeting=source, now=now,
                recurrence=item.recurrence))
        except ServiceError as exc:
            raise type(exc)(f"Action {number} (“{_short(item.text)}”): {exc.message} "
                            "Nothing was recorded.") from None
    pending.state = ImportState.RECORDED
    pending.recorded_at = now
    return recorded


def _source_meeting(session: Session, *, team_id: str, actor: Actor,
                    meeting: MinutesMeeting | None, now: datetime,
                    zone: ZoneInfo) -> Meeting | None:
    """The meeting the minutes record: the one on that day, added to the log if missing."""
    if meeting is None:
        return None
    try:
        return meetings.meeting_on(session, team_id=team_id, day=meeting.day, zone=zone)
    except NotFound:
        pass
    starts_at = datetime.combine(meeting.day, meeting.at or time(10, 0), zone)
    found = Meeting(team_id=team_id, kind=_kind(meeting.kind),
                    title=(meeting.title or "Meeting")[:200], starts_at=starts_at, venue=None,
                    created_by=actor.user_id, created_at=now)
    session.add(found)
    session.flush()
    return found


def _ensure_next_meeting(session: Session, *, team_id: str, actor: Actor,
                         meeting: MinutesMeeting, now: datetime, zone: ZoneInfo) -> None:
    """Add the next meeting the minutes fix, when the secretariat imports and it is missing."""
    starts_at = datetime.combine(meeting.day, meeting.at or time(10, 0), zone)
    if starts_at <= now:
        return
    try:
        meetings.meeting_on(session, team_id=team_id, day=meeting.day, zone=zone)
        return
    except NotFound:
        pass
    try:
        meetings.set_next_meeting(
            session, team_id=team_id, actor=actor, starts_at=starts_at,
            kind=MeetingKind(_kind(meeting.kind)), title=(meeting.title or "Meeting")[:200],
            venue=None, now=now, zone=zone)
    except PermissionDenied:
        # Only the secretariat sets meetings; "next meeting" then means the one already set.
        return


def _kind(kind: str | None) -> str:
    return kind if kind in _KINDS else MeetingKind.MONTHLY


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


def _overlap(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
