"""The actions a round looks at, read as plain rows straight into views.

A round reads the open actions of the workspace (and those closed in the last week, for
the digest): tens of thousands in a big one. Loading them as ORM objects and then copying
them into views cost ten times the database's own time (identity map, instance state,
one more query per 500 actions for their owners), so this reads three plain queries and
builds the same ``ActionView``s that ``storage.views.action_view`` would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, and_, or_, select, type_coerce
from sqlalchemy.orm import Session

from storage.models import Action, ActionOwner, ActionStatus, Meeting
from storage.views import ActionView, MeetingView, OwnerView, owner_view

LIVE = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE)
_STATUS = {status.value: status for status in ActionStatus}  # a dict beats Enum(value)


def live_actions(
    session: Session,
    team_id: str,
    holders: dict[str, str | None],
    zone: ZoneInfo,
    since: datetime,
    only: ColumnElement[bool] | None = None,
) -> list[ActionView]:
    """Open actions, plus those closed since ``since``, in ref order; ``only`` narrows them."""
    live = (Action.team_id == team_id) & or_(Action.status.in_(LIVE), Action.closed_at >= since)
    if only is not None:
        live = live & only
    meetings = _meetings(session, team_id, zone)
    owners = _owners(session, live, holders)
    actions = session.connection().execute(
        select(
            Action.id, Action.ref, Action.text, Action.agenda_item, Action.status,
            Action.due_date, Action.due_meeting_id, Action.original_due_date,
            Action.original_due_meeting_id, Action.source_meeting_id, _naive(Action.created_at),
            Action.created_by, _naive(Action.last_update_at), Action.latest_note,
            _naive(Action.completed_at), _naive(Action.closed_at), Action.awaits_next_meeting,
            Action.recurrence_months, Action.recurrence_until, Action.recurrence_left,
            Action.occurrence,
        ).where(live).order_by(Action.ref)
    )
    views = []
    for (id_, ref, text, agenda_item, status, due_date, due_meeting_id, original_due_date,
         original_due_meeting_id, source_meeting_id, created_at, created_by, last_update_at,
         latest_note, completed_at, closed_at, awaits, recurrence_months, recurrence_until,
         recurrence_left, occurrence) in actions:
        due_meeting, due_day = meetings.get(due_meeting_id, (None, due_date))
        revised = (due_date, due_meeting_id) != (original_due_date, original_due_meeting_id)
        views.append(ActionView(
            id=id_,
            ref=ref,
            text=text,
            agenda_item=agenda_item,
            status=_STATUS[status],
            owners=owners.get(id_, ()),
            due_day=due_day,
            due_meeting=due_meeting,
            original_due_day=meetings.get(original_due_meeting_id, (None, original_due_date))[1]
            if revised else None,
            source_meeting=meetings.get(source_meeting_id, (None, None))[0],
            created_at=created_at.replace(tzinfo=UTC),
            created_by=created_by,
            last_update_at=last_update_at.replace(tzinfo=UTC),
            latest_note=latest_note,
            completed_at=completed_at and completed_at.replace(tzinfo=UTC),
            closed_at=closed_at and closed_at.replace(tzinfo=UTC),
            awaits_next_meeting=bool(awaits),
            recurrence_months=recurrence_months,
            recurrence_until=recurrence_until,
            recurrence_left=recurrence_left,
            occurrence=occurrence,
        ))
    return views


def sql_due_by(team_id: str, starts_by: datetime, day_by: date) -> ColumnElement[bool]:
    """Due on or before ``day_by``, at a meeting that starts by ``starts_by``, or undated."""
    meetings_by = select(Meeting.id).where(Meeting.team_id == team_id,
                                           Meeting.starts_at <= starts_by)
    undated = and_(Action.due_date.is_(None), Action.due_meeting_id.is_(None))
    return or_(Action.due_date <= day_by, Action.due_meeting_id.in_(meetings_by), undated)


def sql_touched_since(when: datetime) -> ColumnElement[bool]:
    """Created, completed or closed at or after ``when``."""
    return or_(Action.created_at >= when, Action.completed_at >= when, Action.closed_at >= when)


def _naive(column: ColumnElement[datetime]) -> ColumnElement[datetime]:
    """A ``UTCDateTime`` column read as the naive UTC it is stored as.

    Its type's per-value conversion, called through ``TypeDecorator``'s layers, cost about
    as much as the rest of reading the row; the loop above adds the zone itself.
    """
    return type_coerce(column, DateTime())


def _meetings(
    session: Session, team_id: str, zone: ZoneInfo
) -> dict[int, tuple[MeetingView, date]]:
    """Each meeting's view and local day, by id: an action due at a meeting is due that day.

    All of them: a workspace holds a few hundred, far fewer than the live actions that
    point at them, and each view and day is worked out once and shared.
    """
    rows = session.execute(
        select(Meeting.id, Meeting.kind, Meeting.title, Meeting.starts_at, Meeting.venue)
        .where(Meeting.team_id == team_id)
    )
    return {row[0]: (MeetingView(*row), row[3].astimezone(zone).date()) for row in rows}


def _owners(
    session: Session, live: ColumnElement[bool], holders: dict[str, str | None]
) -> dict[int, tuple[OwnerView, ...]]:
    """Each live action's owners in their recorded order, roles resolved to holders."""
    rows = session.connection().execute(
        select(ActionOwner.action_id, ActionOwner.user_id, ActionOwner.role_code)
        .join(Action, Action.id == ActionOwner.action_id)
        .where(live)
        .order_by(ActionOwner.action_id, ActionOwner.position, ActionOwner.id)
    )
    resolved: dict[tuple[str | None, str | None], OwnerView] = {}  # views are shared
    grouped: dict[int, tuple[OwnerView, ...]] = {}
    for action_id, group in groupby(rows, key=itemgetter(0)):
        views = []
        for _, user_id, role in group:
            view = resolved.get((user_id, role))
            if view is None:
                view = resolved[(user_id, role)] = owner_view(role, user_id, holders)
            views.append(view)
        grouped[action_id] = tuple(views)
    return grouped
