"""Meetings: set the next one, move one, and find "the next meeting" or "the November one"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from storage.errors import InvalidChange, NotFound
from storage.models import (
    OPEN_STATUSES,
    Action,
    DueKind,
    Meeting,
    MeetingKind,
    WorkspaceSettings,
)
from storage.services.people import Actor, require_secretariat
from storage.services.text import check_storable

# What workspaces set up before meeting kinds were a setting counted as "the next meeting".
ASSURANCE_KINDS = (
    MeetingKind.MONTHLY,
    MeetingKind.THEMATIC,
    MeetingKind.EXTRAORDINARY,
    MeetingKind.PUBLIC,
)
MAX_KIND_LENGTH = 20  # the meetings.kind column


def counting_kinds(session: Session, *, team_id: str) -> tuple[str, ...] | None:
    """The meeting kinds that count as "the next meeting"; None: every kind does."""
    chosen = session.scalar(
        select(WorkspaceSettings.next_meeting_kinds).where(WorkspaceSettings.team_id == team_id)
    )
    if not chosen:
        return None
    return tuple(kind for kind in chosen.split(",") if kind)


def counts_as_next(session: Session, *, team_id: str, kind: str) -> bool:
    kinds = counting_kinds(session, team_id=team_id)
    return kinds is None or kind in kinds


def _live(team_id: str):  # type: ignore[no-untyped-def]
    """Meetings of the workspace that have not been cancelled."""
    return and_(Meeting.team_id == team_id, Meeting.cancelled_at.is_(None))


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and the next one starts."""
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start, end


def set_next_meeting(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    starts_at: datetime,
    kind: str,
    title: str,
    venue: str | None,
    now: datetime,
    zone: ZoneInfo,
    held: bool = False,
) -> tuple[Meeting, bool]:
    """Record a meeting, or update the one already on that day; True when it is new.

    ``held``: the meeting has already happened (the one whose actions are being added).
    """
    require_secretariat(session, team_id=team_id, actor=actor, doing="set meetings")
    check_storable(title, what="The meeting title")
    check_storable(venue, what="The venue")
    check_storable(kind, what="The meeting kind")
    if not kind or len(kind) > MAX_KIND_LENGTH:
        raise InvalidChange(f"Name the kind of meeting in at most {MAX_KIND_LENGTH} characters.")
    if held and starts_at > now:
        raise InvalidChange(
            "That meeting is still to come; set it with `/actions meeting next`."
        )
    if not held and starts_at <= now:
        raise InvalidChange(
            "That meeting time has already passed; give a future date and time, or record "
            "a meeting already held with `/actions meeting held <date> <time>`."
        )
    day_start, day_end = local_day_bounds(starts_at.astimezone(zone).date(), zone)
    meeting = session.scalar(
        select(Meeting).where(
            _live(team_id),
            Meeting.starts_at >= day_start,
            Meeting.starts_at < day_end,
        )
    )
    created = meeting is None
    if meeting is None:
        meeting = Meeting(team_id=team_id, created_by=actor.user_id, created_at=now)
        session.add(meeting)
    meeting.kind, meeting.title, meeting.starts_at = kind, title, starts_at
    meeting.venue = venue
    session.flush()
    return meeting, created


def give_waiting_actions_a_meeting(
    session: Session, *, team_id: str, now: datetime
) -> list[Action]:
    """Actions recorded "by the next meeting" before one was set become due at it now."""
    meeting = next_meeting(session, team_id=team_id, now=now)
    if meeting is None:
        return []
    waiting = list(session.scalars(
        select(Action).where(Action.team_id == team_id, Action.awaits_next_meeting.is_(True),
                             Action.status.in_(OPEN_STATUSES))
    ))
    for action in waiting:
        action.awaits_next_meeting = False
        action.due_meeting = meeting
        action.due_meeting_id = meeting.id
        action.due_kind = DueKind.MEETING
        if action.original_due_meeting_id is None and action.original_due_date is None:
            action.original_due_meeting_id = meeting.id
    session.flush()
    return waiting


def open_actions_due_at(session: Session, *, team_id: str, meeting: Meeting) -> list[Action]:
    """The open actions due at a meeting, in ref order."""
    return list(session.scalars(
        select(Action)
        .where(Action.team_id == team_id, Action.due_meeting_id == meeting.id,
               Action.status.in_(OPEN_STATUSES))
        .order_by(Action.ref)
    ))


def cancel_meeting(
    session: Session, *, team_id: str, actor: Actor, meeting: Meeting, now: datetime
) -> tuple[Meeting | None, list[Action]]:
    """Cancel a meeting to come; actions due at it go to the next meeting (or await one).

    Returns the meeting they went to (None: none is set yet) and the actions moved.
    """
    require_secretariat(session, team_id=team_id, actor=actor, doing="cancel meetings")
    if meeting.starts_at <= now:
        raise InvalidChange("That meeting has already taken place, so it cannot be cancelled.")
    meeting.cancelled_at = now
    session.flush()
    moved = open_actions_due_at(session, team_id=team_id, meeting=meeting)
    following = next_meeting(session, team_id=team_id, now=now)
    for action in moved:
        action.due_meeting = following
        action.due_meeting_id = following.id if following else None
        action.due_kind = DueKind.MEETING if following else DueKind.NONE
        action.awaits_next_meeting = following is None
    session.flush()
    return following, moved

def move_meeting(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    meeting: Meeting,
    starts_at: datetime,
    now: datetime,
) -> Meeting:
    """Move a meeting; actions due at it follow, because they point at the meeting."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="move meetings")
    if meeting.cancelled_at is not None:
        raise InvalidChange("That meeting was cancelled; set a new one with `meeting next`.")
    if starts_at <= now:
        raise InvalidChange("A meeting can only be moved to a future date and time.")
    meeting.starts_at = starts_at
    session.flush()
    return meeting


def get_meeting(session: Session, *, team_id: str, meeting_id: int) -> Meeting:
    meeting = session.scalar(
        select(Meeting).where(Meeting.team_id == team_id, Meeting.id == meeting_id)
    )
    if meeting is None:
        raise NotFound("That meeting no longer exists. See `/actions meeting list`.")
    return meeting


def next_meeting(session: Session, *, team_id: str, now: datetime) -> Meeting | None:
    """The next meeting not yet started of a kind that counts as "the next meeting"."""
    query = select(Meeting).where(_live(team_id), Meeting.starts_at > now)
    kinds = counting_kinds(session, team_id=team_id)
    if kinds is not None:
        query = query.where(Meeting.kind.in_(kinds))
    return session.scalar(query.order_by(Meeting.starts_at).limit(1))


def latest_started_meeting(session: Session, *, team_id: str, now: datetime) -> Meeting | None:
    """The most recent meeting that has already started: the usual source of new actions."""
    return session.scalar(
        select(Meeting)
        .where(_live(team_id), Meeting.starts_at <= now)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def meeting_on(session: Session, *, team_id: str, day: date, zone: ZoneInfo) -> Meeting:
    day_start, day_end = local_day_bounds(day, zone)
    meeting = session.scalar(
        select(Meeting)
        .where(
            _live(team_id),
            Meeting.starts_at >= day_start,
            Meeting.starts_at < day_end,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if meeting is None:
        raise NotFound(
            f"There is no meeting on {day:%d/%m/%Y}. See `/actions meeting list` for dates."
        )
    return meeting


def find_meeting_in_month(
    session: Session, *, team_id: str, year: int, month: int, zone: ZoneInfo,
    kind: str | None = None,
) -> Meeting | None:
    """The month's meeting: of ``kind`` if given, else one that counts as "the next
    meeting" if there is one, else any (a Panel-only month has its Panel meeting)."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    start, _ = local_day_bounds(first, zone)
    end, _ = local_day_bounds(following, zone)
    query = (
        select(Meeting)
        .where(_live(team_id), and_(Meeting.starts_at >= start, Meeting.starts_at < end))
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    kinds = (kind,) if kind else counting_kinds(session, team_id=team_id)
    meeting = session.scalar(query.where(Meeting.kind.in_(kinds))) if kinds else None
    if meeting is None and kind is None:
        meeting = session.scalar(query)
    return meeting


def meeting_in_month(
    session: Session, *, team_id: str, year: int, month: int, zone: ZoneInfo,
    kind: str | None = None,
) -> Meeting:
    """The month's meeting (see `find_meeting_in_month`); NotFound when there is none."""
    meeting = find_meeting_in_month(
        session, team_id=team_id, year=year, month=month, zone=zone, kind=kind
    )
    if meeting is None:
        raise NotFound(
            f"No meeting is set for {date(year, month, 1):%B %Y} yet. Set it with "
            "`/actions meeting next <date> <time>`, or give a date instead."
        )
    return meeting


def list_meetings(
    session: Session, *, team_id: str, now: datetime, recent: int = 3, upcoming: int = 6
) -> tuple[list[Meeting], list[Meeting]]:
    """Recent meetings (newest first) and upcoming ones (soonest first)."""
    past = session.scalars(
        select(Meeting)
        .where(_live(team_id), Meeting.starts_at <= now)
        .order_by(Meeting.starts_at.desc())
        .limit(recent)
    )
    future = session.scalars(
        select(Meeting)
        .where(_live(team_id), Meeting.starts_at > now)
        .order_by(Meeting.starts_at)
        .limit(upcoming)
    )
    return list(past), list(future)
