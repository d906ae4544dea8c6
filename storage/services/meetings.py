"""Meetings: set the next one, move one, and find "the next meeting" or "the November one"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from storage.errors import InvalidChange, NotFound
from storage.models import Meeting, MeetingKind
from storage.services.people import Actor, require_secretariat
from storage.services.text import check_storable

# The Police and Crime Panel is a different body: its meetings are not "the next meeting".
ASSURANCE_KINDS = (
    MeetingKind.MONTHLY,
    MeetingKind.THEMATIC,
    MeetingKind.EXTRAORDINARY,
    MeetingKind.PUBLIC,
)


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
    kind: MeetingKind,
    title: str,
    venue: str | None,
    now: datetime,
    zone: ZoneInfo,
) -> tuple[Meeting, bool]:
    """Record a meeting, or update the one already on that day; True when it is new."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="set meetings")
    check_storable(title, what="The meeting title")
    check_storable(venue, what="The venue")
    if starts_at <= now:
        raise InvalidChange("That meeting time has already passed; give a future date and time.")
    day_start, day_end = local_day_bounds(starts_at.astimezone(zone).date(), zone)
    meeting = session.scalar(
        select(Meeting).where(
            Meeting.team_id == team_id,
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
    """The next assurance meeting that has not started yet."""
    return session.scalar(
        select(Meeting)
        .where(
            Meeting.team_id == team_id,
            Meeting.starts_at > now,
            Meeting.kind.in_(ASSURANCE_KINDS),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def latest_started_meeting(session: Session, *, team_id: str, now: datetime) -> Meeting | None:
    """The most recent meeting that has already started: the usual source of new actions."""
    return session.scalar(
        select(Meeting)
        .where(Meeting.team_id == team_id, Meeting.starts_at <= now)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def meeting_on(session: Session, *, team_id: str, day: date, zone: ZoneInfo) -> Meeting:
    day_start, day_end = local_day_bounds(day, zone)
    meeting = session.scalar(
        select(Meeting)
        .where(
            Meeting.team_id == team_id,
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


def meeting_in_month(
    session: Session, *, team_id: str, year: int, month: int, zone: ZoneInfo
) -> Meeting:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    start, _ = local_day_bounds(first, zone)
    end, _ = local_day_bounds(following, zone)
    meeting = session.scalar(
        select(Meeting)
        .where(
            Meeting.team_id == team_id,
            and_(Meeting.starts_at >= start, Meeting.starts_at < end),
            Meeting.kind.in_(ASSURANCE_KINDS),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if meeting is None:
        raise NotFound(
            f"No meeting is set for {first:%B %Y} yet. Set it with "
            "`/actions meeting next <date> <time>`, or give a date instead."
        )
    return meeting


def list_meetings(
    session: Session, *, team_id: str, now: datetime, recent: int = 3, upcoming: int = 6
) -> tuple[list[Meeting], list[Meeting]]:
    """Recent meetings (newest first) and upcoming ones (soonest first)."""
    past = session.scalars(
        select(Meeting)
        .where(Meeting.team_id == team_id, Meeting.starts_at <= now)
        .order_by(Meeting.starts_at.desc())
        .limit(recent)
    )
    future = session.scalars(
        select(Meeting)
        .where(Meeting.team_id == team_id, Meeting.starts_at > now)
        .order_by(Meeting.starts_at)
        .limit(upcoming)
    )
    return list(past), list(future)
