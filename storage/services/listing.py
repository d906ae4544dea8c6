"""Which actions a list shows, a page at a time, in as few queries as possible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from storage.errors import NotFound
from storage.models import OPEN_STATUSES, Action, ActionOwner, ActionStatus, Meeting, Role
from storage.owners import OwnerRef, RoleOwner, UserOwner
from storage.services import meetings
from storage.services.meetings import local_day_bounds

PER_PAGE = 10


@dataclass(frozen=True)
class AllOpen:
    pass


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class ByOwner:
    owner: OwnerRef


@dataclass(frozen=True)
class Overdue:
    pass


@dataclass(frozen=True)
class DueNext:
    pass


@dataclass(frozen=True)
class AtMeeting:
    on: date


@dataclass(frozen=True)
class Closed:
    """Closed and dropped actions: the record of what the meetings accepted."""


@dataclass(frozen=True)
class Everything:
    """Every action, open or not."""


@dataclass(frozen=True)
class AtItem:
    """Actions (open or not) from one agenda item, such as 2.4."""

    item: str


@dataclass(frozen=True)
class NoDate:
    """Open actions with no due date yet."""


@dataclass(frozen=True)
class Recurring:
    """Open recurring actions, each at its next occurrence."""


ListFilter = (
    AllOpen | Mine | ByOwner | Overdue | DueNext | AtMeeting | Closed | Everything | AtItem
    | NoDate | Recurring
)

LIST_WORDS = (
    "mine, overdue, next, closed, all, no date, recurring, item 2.4, meeting 26/11/2026, "
    "or an owner such as DCC or an @mention"
)


@dataclass(frozen=True)
class Page:
    actions: list[Action]
    total: int
    page: int
    per_page: int
    heading: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_actions(
    session: Session,
    *,
    team_id: str,
    which: ListFilter,
    user_id: str,
    now: datetime,
    zone: ZoneInfo,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the actions a filter selects, ordered by ref."""
    query, heading = _query(session, team_id=team_id, which=which, user_id=user_id, now=now,
                            zone=zone)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = session.scalars(
        query.order_by(Action.ref).offset((page - 1) * per_page).limit(per_page)
    )
    return Page(list(rows), total, page, per_page, heading)


def _query(
    session: Session, *, team_id: str, which: ListFilter, user_id: str, now: datetime,
    zone: ZoneInfo,
) -> tuple[Select[tuple[Action]], str]:
    base = select(Action).where(Action.team_id == team_id)
    open_only = base.where(Action.status.in_(OPEN_STATUSES))
    match which:
        case AllOpen():
            return open_only, "Open actions"
        case Mine():
            return owned_by_user(open_only, team_id, user_id), "Your open actions"
        case ByOwner(owner=UserOwner(user_id=other)):
            return owned_by_user(open_only, team_id, other), f"Open actions of <@{other}>"
        case ByOwner(owner=RoleOwner(code=code)):
            code = code.upper()
            _require_role(session, team_id, code)
            # A role from the minutes is named by its title, as written, not its code.
            title = session.scalar(
                select(Role.title).where(Role.team_id == team_id, Role.code == code)
            )
            return open_only.where(_owned_by_role(code)), f"Open actions of {title or code}"
        case Closed():
            closed = base.where(Action.status.in_((ActionStatus.CLOSED, ActionStatus.DROPPED)))
            return closed, "Closed and dropped actions"
        case Everything():
            return base, "All actions"
        case AtItem(item=item):
            return base.where(Action.agenda_item == item), f"Actions from agenda item {item}"
        case Recurring():
            recurs = open_only.where(Action.recurrence_months.is_not(None))
            return recurs, "Recurring actions"
        case NoDate():
            undated = open_only.where(Action.due_date.is_(None), Action.due_meeting_id.is_(None))
            return undated, "Open actions with no date"
        case Overdue():
            return _overdue(base, now, zone), "Overdue actions"
        case DueNext():
            return _due_by_next(session, open_only, team_id, now, zone)
        case AtMeeting(on=day):
            meeting = meetings.meeting_on(session, team_id=team_id, day=day, zone=zone)
            heading = f"Actions from or due at the meeting of {day:%d/%m/%Y}"
            return base.where(
                or_(Action.source_meeting_id == meeting.id, Action.due_meeting_id == meeting.id)
            ), heading
    raise AssertionError(f"unknown filter {which!r}")


def _require_role(session: Session, team_id: str, code: str) -> None:
    """A list of a role nobody has set up is a typo, not an empty list."""
    known = session.scalar(select(Role.id).where(Role.team_id == team_id, Role.code == code))
    if known is None:
        raise NotFound(f"I can't list {code!r}: it is not a role I know. Try {LIST_WORDS}.")


def _owned_by_role(code: str):  # type: ignore[no-untyped-def]
    return Action.id.in_(select(ActionOwner.action_id).where(ActionOwner.role_code == code))


def owned_by_user(
    query: Select[tuple[Action]], team_id: str, user_id: str
) -> Select[tuple[Action]]:
    """``query`` narrowed to actions the person owns, or owns through a role they hold now.

    The owned ids are a union of two lookups, each on its own index (as one ``user_id = ?
    OR role_code IN (...)`` both databases read every owner row of the workspace), joined
    rather than tested with ``IN``: SQLite then starts from those few ids instead of
    walking every action in ref order.
    """
    held = select(Role.code).where(Role.team_id == team_id, Role.holder_user_id == user_id)
    owned = union(
        select(ActionOwner.action_id).where(
            ActionOwner.team_id == team_id, ActionOwner.user_id == user_id),
        select(ActionOwner.action_id).where(
            ActionOwner.team_id == team_id, ActionOwner.role_code.in_(held)),
    ).subquery("owned")
    return query.join(owned, owned.c.action_id == Action.id)


def overdue_condition(now: datetime, zone: ZoneInfo):  # type: ignore[no-untyped-def]
    """Not finished, and its date has passed or its meeting has started."""
    due_meeting = aliased(Meeting)
    today = now.astimezone(zone).date()
    meeting_started = select(due_meeting.id).where(due_meeting.starts_at <= now)
    return and_(
        Action.status.in_((ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)),
        or_(Action.due_date < today, Action.due_meeting_id.in_(meeting_started)),
    )


def _overdue(base: Select[tuple[Action]], now: datetime, zone: ZoneInfo):  # type: ignore[no-untyped-def]
    return base.where(overdue_condition(now, zone))


def _due_by_next(  # type: ignore[no-untyped-def]
    session: Session, open_only: Select[tuple[Action]], team_id: str, now: datetime,
    zone: ZoneInfo,
):
    meeting = meetings.next_meeting(session, team_id=team_id, now=now)
    if meeting is None:
        return open_only.where(False), "Due by the next meeting (no next meeting is set)"
    _, day_after = local_day_bounds(meeting.starts_at.astimezone(zone).date(), zone)
    earlier_meetings = select(Meeting.id).where(
        Meeting.team_id == team_id, Meeting.starts_at < day_after
    )
    day = meeting.starts_at.astimezone(zone).date()
    undated = and_(Action.due_date.is_(None), Action.due_meeting_id.is_(None))
    query = open_only.where(
        or_(Action.due_date <= day, Action.due_meeting_id.in_(earlier_meetings), undated)
    )
    return query, f"Due by the next meeting ({day:%a %-d %b %Y})"
