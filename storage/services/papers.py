"""Which actions go into the exported action log, and their history, in few queries."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, Text, or_, select, type_coerce
from sqlalchemy.orm import Session

from storage.errors import InvalidChange
from storage.models import OPEN_STATUSES, Action, ActionEvent, Meeting
from storage.services import meetings
from storage.services.meetings import local_day_bounds


@dataclass(frozen=True)
class OpenActions:
    """Not yet closed or dropped: the log a meeting works from."""


@dataclass(frozen=True)
class AllActions:
    """Everything ever recorded, closed and dropped included."""


@dataclass(frozen=True)
class FromMeeting:
    """The actions agreed at the meeting held on this local day."""

    day: date


@dataclass(frozen=True)
class Since:
    """Actions agreed at meetings on or after this day (recorded since, with no meeting)."""

    day: date


Scope = OpenActions | AllActions | FromMeeting | Since


@dataclass(frozen=True)
class Choice:
    """Which actions a scope means, as a condition on ``Action``, and the meeting it named."""

    condition: ColumnElement[bool]
    meeting: Meeting | None = None


def choose(
    session: Session, *, team_id: str, scope: Scope, now: datetime, zone: ZoneInfo
) -> Choice:
    """The condition picking ``scope``'s actions; NotFound for a day with no meeting,
    InvalidChange for a ``since`` day after today."""
    mine = Action.team_id == team_id
    match scope:
        case OpenActions():
            return Choice(mine & Action.status.in_(OPEN_STATUSES))
        case FromMeeting(day=day):
            meeting = meetings.meeting_on(session, team_id=team_id, day=day, zone=zone)
            return Choice(mine & (Action.source_meeting_id == meeting.id), meeting)
        case Since(day=day):
            today = now.astimezone(zone).date()
            if day > today:
                raise InvalidChange(
                    f"{day:%d/%m/%Y} is in the future, so nothing has been agreed since then. "
                    f"Give a date on or before today ({today:%d/%m/%Y})."
                )
            start, _ = local_day_bounds(day, zone)
            held_since = select(Meeting.id).where(Meeting.team_id == team_id,
                                                  Meeting.starts_at >= start)
            return Choice(mine & or_(
                Action.source_meeting_id.in_(held_since),
                (Action.source_meeting_id.is_(None)) & (Action.created_at >= start),
            ))
    return Choice(mine)


class EventRow(NamedTuple):
    """One history entry, read as a plain row: the fields papers show."""

    action_id: int
    kind: str
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None


def history_of(
    session: Session, *, team_id: str, action_ids: Iterable[int]
) -> dict[int, list[EventRow]]:
    """Each action's history, oldest first, in one query per thousand actions.

    Read as plain rows, with the before/after JSON decoded only where there is some:
    for tens of thousands of entries the ORM's objects cost several times the query.
    """
    ids = list(action_ids)
    found: dict[int, list[EventRow]] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        rows = session.connection().execute(
            select(ActionEvent.action_id, ActionEvent.kind, ActionEvent.actor,
                   type_coerce(ActionEvent.at, DateTime()),
                   type_coerce(ActionEvent.before, Text()),
                   type_coerce(ActionEvent.after, Text()), ActionEvent.note)
            .where(ActionEvent.team_id == team_id, ActionEvent.action_id.in_(chunk))
            .order_by(ActionEvent.action_id, ActionEvent.id)
        )
        for action_id, kind, actor, at, before, after, note in rows:
            found.setdefault(action_id, []).append(EventRow(
                action_id, kind, actor, at.replace(tzinfo=UTC), _json(before), _json(after),
                note))
    return found


def _json(text: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """A JSON column's value; PostgreSQL's driver may have decoded it already."""
    if text is None or isinstance(text, dict):
        return text
    if text == "null":
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
