"""Work out every message due at a moment: owner reminders, the summary, the digest.

Planning reads the database in a fixed number of queries, whatever the number of
actions or owners, and decides nothing about what was already sent: each planned
message has a key, and delivery sends each key once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from reminders.calendar import is_working_day, working_days_before
from reminders.gcpause import paused_gc
from reminders.live import LIVE, live_actions, sql_due_by, sql_touched_since
from reminders.messages import (
    DigestOwner,
    DueDateReminder,
    MeetingSummary,
    OwnerReminder,
    Unreachable,
    WeeklyDigest,
)
from reminders.rag import overdue_at
from storage.models import Action, ActionStatus, WorkspaceSettings
from storage.services import meetings, people, roles
from storage.views import ActionView, MeetingView, OwnerView, meeting_view

UNFINISHED = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
CHASE_REASON = "outside Slack: to chase"


@dataclass(frozen=True)
class Planned:
    """One message to send once: ``key`` names it for ever."""

    key: str
    kind: str  # reminder, unreachable, summary, digest
    recipient: str  # a user id or a channel id
    message: object


@dataclass(frozen=True)
class Schedule:
    """A workspace's timing settings, parsed."""

    lead_days: tuple[int, ...]
    send_time: time
    summary_lead_days: int
    digest_weekday: int
    reminders_on: bool
    summary_on: bool
    digest_on: bool
    digest_when_empty: bool
    channel_id: str | None
    created_at: datetime | None
    own_date_leads: tuple[int, ...] = ()
    overdue_nudge: bool = False

    @classmethod
    def of(cls, settings: WorkspaceSettings) -> Schedule:
        hours, minutes = (int(p) for p in settings.send_time.split(":"))
        leads = sorted(
            {int(n) for n in settings.reminder_lead_days.split(",") if n.strip()}, reverse=True
        )
        return cls(
            lead_days=tuple(leads),
            send_time=time(hours, minutes),
            summary_lead_days=settings.summary_lead_days,
            digest_weekday=settings.digest_weekday,
            reminders_on=settings.reminders_enabled,
            summary_on=settings.summary_enabled,
            digest_on=settings.digest_enabled,
            digest_when_empty=settings.digest_when_empty,
            channel_id=settings.team_channel_id,
            created_at=settings.created_at,
            own_date_leads=tuple(sorted(
                {int(n) for n in (settings.own_date_lead_days or "").split(",") if n.strip()},
                reverse=True)),
            overdue_nudge=bool(settings.overdue_nudge),
        )


def at_local(day: date, when: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as an aware datetime (DST folds resolve to the first)."""
    return datetime.combine(day, when, zone)


def plan_round(
    session: Session, *, team_id: str, at: datetime, zone: ZoneInfo, narrow: bool = True
) -> list[Planned]:
    """Everything due at ``at`` in one workspace, reminders first.

    Only the actions the due messages can use are read (``narrow``); ``narrow=False``
    reads every live action, as a check that narrowing changes no message.
    """
    settings = session.get(WorkspaceSettings, team_id)
    if settings is None:
        return []
    schedule = Schedule.of(settings)
    upcoming = meeting_view(meetings.next_meeting(session, team_id=team_id, now=at))
    due = _Due.at(schedule, upcoming, at, zone)
    own = _own_dates_due(schedule, at, zone)
    if not due.anything and not own:
        return []
    holders = roles.role_holders(session, team_id=team_id)
    if not due.anything:
        return _own_date_reminders(session, team_id, holders, schedule, at, zone, narrow)
    secretariat = people.secretariat_user_ids(session, team_id=team_id)
    with paused_gc():
        live = live_actions(session, team_id, holders, zone, since=at - timedelta(days=8),
                            only=due.needed(team_id, upcoming, zone) if narrow else None)
        planned: list[Planned] = []
        if upcoming is not None and due.reminder is not None:
            planned += _owner_reminders(upcoming, live, due.reminder, at, zone, secretariat)
        if upcoming is not None and due.summary:
            planned += _summaries(upcoming, live, schedule, at, zone, secretariat)
        if due.digest is not None:
            planned += _digest(upcoming, live, schedule, due.digest, zone)
    if own:
        planned += _own_date_reminders(session, team_id, holders, schedule, at, zone, narrow)
    return planned


# Own-date reminders look this far back for actions still to nudge, and ahead for those
# whose "before" reminder may be due (20 working days is at most 28 days plus holidays).
_NUDGE_WINDOW = timedelta(days=14)
_LEAD_WINDOW = timedelta(days=40)


def _own_dates_due(schedule: Schedule, at: datetime, zone: ZoneInfo) -> bool:
    """Whether own-date reminders can be due: switched on, and the day's send time passed."""
    if not schedule.reminders_on or not (schedule.own_date_leads or schedule.overdue_nudge):
        return False
    return at.astimezone(zone).time() >= schedule.send_time


def _own_date_reminders(
    session: Session, team_id: str, holders: dict[str, str | None], schedule: Schedule,
    at: datetime, zone: ZoneInfo, narrow: bool,
) -> list[Planned]:
    """Reminders before an action's own due date, and one nudge once it is overdue.

    Each action gets the latest of its slots that has passed, once per owner: a round
    after days down sends one message, not one per missed slot.
    """
    today = at.astimezone(zone).date()
    only = None
    if narrow:
        only = (Action.status.in_(UNFINISHED) & Action.due_meeting_id.is_(None)
                & Action.due_date.between(today - _NUDGE_WINDOW, today + _LEAD_WINDOW))
    with paused_gc():
        live = live_actions(session, team_id, holders, zone, since=at, only=only)
    planned: list[Planned] = []
    for action in live:
        if action.status not in UNFINISHED or action.due_meeting is not None:
            continue
        due_on = action.due_day
        if due_on is None or not today - _NUDGE_WINDOW <= due_on <= today + _LEAD_WINDOW:
            continue
        slot = _own_date_slot(action, due_on, schedule, at, zone)
        if slot is None:
            continue
        label = "overdue" if slot is _OVERDUE else f"before{slot}"
        lead = None if slot is _OVERDUE else int(slot)
        for user in sorted({o.user_id for o in action.owners if o.user_id}):
            planned.append(Planned(
                key=f"due:{action.id}:{action.occurrence}:{due_on.isoformat()}:{label}:{user}",
                kind="due_reminder", recipient=user,
                message=DueDateReminder(user, action, lead),
            ))
    return planned


_OVERDUE = "overdue"


def _own_date_slot(
    action: ActionView, due_on: date, schedule: Schedule, at: datetime, zone: ZoneInfo
) -> int | str | None:
    """The lead (working days before) of the latest passed slot, _OVERDUE, or None."""
    slots: list[tuple[datetime, int | str]] = [
        (at_local(working_days_before(due_on, n), schedule.send_time, zone), n)
        for n in schedule.own_date_leads
    ]
    if schedule.overdue_nudge:
        slots.append((at_local(_working_day_from(due_on + timedelta(days=1)),
                               schedule.send_time, zone), _OVERDUE))
    # Slots from before the action was recorded are not reminders anyone missed.
    passed = [(when, what) for when, what in slots if action.created_at <= when <= at]
    if not passed:
        return None
    return max(passed, key=lambda slot: slot[0])[1]


@dataclass(frozen=True)
class _Due:
    """Which messages are due at a moment, worked out before reading any action."""

    reminder: int | None  # the lead (working days before the meeting) of the reminders due
    summary: bool
    digest: datetime | None  # the slot of the digest due

    @classmethod
    def at(cls, schedule: Schedule, upcoming: MeetingView | None, at: datetime,
           zone: ZoneInfo) -> _Due:
        reminder, summary, digest = None, False, None
        if upcoming is not None and schedule.reminders_on:
            slot = latest_due_slot(reminder_slots(upcoming, schedule, zone), at)
            reminder = slot[0] if slot else None
        if upcoming is not None and schedule.summary_on:
            summary = summary_slot(upcoming, schedule, zone) <= at
        if schedule.digest_on and schedule.channel_id:
            digest = latest_digest_slot(schedule, at, zone)
        return cls(reminder, summary, digest)

    @property
    def anything(self) -> bool:
        return self.reminder is not None or self.summary or self.digest is not None

    def needed(self, team_id: str, upcoming: MeetingView | None,
               zone: ZoneInfo) -> ColumnElement[bool]:
        """A superset of the actions these messages use; the planner still picks exactly.

        Unfinished actions due by the next meeting (reminders, the summary, the digest's
        "due" and "overdue"), complete ones too for the summary, and for the digest any
        action created, completed or closed since its week began. Most of a big
        workspace's live actions are due later or were finished long ago.
        """
        statuses = UNFINISHED + ((ActionStatus.COMPLETE,) if self.summary else ())
        if upcoming is not None:
            starts_by = upcoming.starts_at
        else:
            assert self.digest is not None  # nothing else is due without a meeting
            starts_by = self.digest
        due = Action.status.in_(statuses) & sql_due_by(
            team_id, starts_by, starts_by.astimezone(zone).date())
        if self.digest is None:
            return due
        return due | sql_touched_since(self.digest - timedelta(days=7))


def latest_due_slot(
    slots: Iterable[tuple[int, datetime]], at: datetime
) -> tuple[int, datetime] | None:
    """The most recent slot at or before ``at``: catching up sends one message, not several."""
    due = [slot for slot in slots if slot[1] <= at]
    return max(due, key=lambda slot: slot[1]) if due else None


def reminder_slots(
    meeting: MeetingView, schedule: Schedule, zone: ZoneInfo
) -> list[tuple[int, datetime]]:
    day = meeting.starts_at.astimezone(zone).date()
    return [
        (n, at_local(working_days_before(day, n), schedule.send_time, zone))
        for n in schedule.lead_days
    ]


def due_by(action: ActionView, meeting: MeetingView, zone: ZoneInfo) -> bool:
    """Due at or before the meeting (by date, or at this or an earlier meeting), or undated."""
    return due_by_meeting(meeting, zone)(action)


def due_by_meeting(meeting: MeetingView, zone: ZoneInfo) -> Callable[[ActionView], bool]:
    """``due_by`` the meeting for many actions: its local day is worked out once."""
    starts_at = meeting.starts_at
    meeting_day = starts_at.astimezone(zone).date()

    def due(action: ActionView) -> bool:
        if action.due_meeting is not None:
            return action.due_meeting.starts_at <= starts_at
        # No date ("TBC", "ongoing"): raised at every meeting until it has one.
        return action.due_day is None or action.due_day <= meeting_day

    return due


def summary_slot(meeting: MeetingView, schedule: Schedule, zone: ZoneInfo) -> datetime:
    day = meeting.starts_at.astimezone(zone).date()
    return at_local(working_days_before(day, schedule.summary_lead_days), schedule.send_time,
                    zone)


def _owner_reminders(
    meeting: MeetingView,
    live: list[ActionView],
    lead: int,
    at: datetime,
    zone: ZoneInfo,
    secretariat: list[str],
) -> list[Planned]:
    by_person: dict[str, list[ActionView]] = defaultdict(list)
    vacant: dict[str, list[ActionView]] = defaultdict(list)
    to_chase: dict[OwnerView, list[ActionView]] = defaultdict(list)  # owners outside Slack
    due = due_by_meeting(meeting, zone)
    for action in live:
        if action.status not in UNFINISHED or not due(action):
            continue
        for person in {o.user_id for o in action.owners if o.user_id}:
            by_person[person].append(action)
        for owner in action.owners:
            if owner.external and owner.role:
                to_chase[owner].append(action)
            elif owner.user_id is None and owner.role:
                vacant[owner.role].append(action)
    overdue = overdue_at(at, zone)
    planned = [
        Planned(
            key=f"reminder:{meeting.id}:{lead}:{user}",
            kind="reminder",
            recipient=user,
            message=OwnerReminder(user, meeting, lead, _overdue_first(acts, overdue)),
        )
        for user, acts in sorted(by_person.items())
    ]
    # Planned even when every role has a holder: a reminder Slack refuses (the person
    # left) is added to this report at delivery, and an empty report is not sent.
    unreachable = tuple(
        Unreachable(OwnerView(role=code, user_id=None), "the role has no holder", tuple(acts))
        for code, acts in sorted(vacant.items())
    )
    chase = tuple(
        Unreachable(owner, CHASE_REASON, tuple(acts))
        for owner, acts in sorted(to_chase.items(), key=lambda item: item[0].role or "")
    )
    planned += [
        Planned(key=f"unreachable:{meeting.id}:{lead}:{member}", kind="unreachable",
                recipient=member, message=(meeting, unreachable, chase))
        for member in secretariat
    ]
    return planned


def _overdue_first(
    actions: list[ActionView], overdue: Callable[[ActionView], bool]
) -> tuple[ActionView, ...]:
    return tuple(sorted(actions, key=lambda a: (not overdue(a), a.ref)))


def _summaries(
    meeting: MeetingView,
    live: list[ActionView],
    schedule: Schedule,
    at: datetime,
    zone: ZoneInfo,
    secretariat: list[str],
) -> list[Planned]:
    if summary_slot(meeting, schedule, zone) > at:
        return []
    summary = build_summary(meeting, live, at, zone)
    recipients = ([schedule.channel_id] if schedule.channel_id else []) + secretariat
    return [
        Planned(
            key=f"summary:{meeting.id}:{recipient}",
            kind="summary",
            recipient=recipient,
            message=summary,
        )
        for recipient in recipients
    ]


def build_summary(
    meeting: MeetingView, live: list[ActionView], at: datetime, zone: ZoneInfo
) -> MeetingSummary:
    """Every action due at this meeting and every earlier one still open, grouped."""
    groups: dict[str, list[ActionView]] = defaultdict(list)
    due, overdue = due_by_meeting(meeting, zone), overdue_at(at, zone)
    for action in live:
        if action.status not in LIVE or not due(action):
            continue
        if action.status == ActionStatus.COMPLETE:
            groups["complete"].append(action)
        elif overdue(action):
            groups["overdue"].append(action)
        elif action.status == ActionStatus.IN_PROGRESS:
            groups["in_progress"].append(action)
        else:
            groups["not_started"].append(action)
    return MeetingSummary(
        meeting=meeting,
        complete=tuple(groups["complete"]),
        in_progress=tuple(groups["in_progress"]),
        not_started=tuple(groups["not_started"]),
        overdue=tuple(groups["overdue"]),
        generated_at=at,
    )


def latest_digest_slot(schedule: Schedule, at: datetime, zone: ZoneInfo) -> datetime | None:
    """The latest digest time at or before ``at``: the digest weekday, or the next working
    day when that is a bank holiday."""
    local = at.astimezone(zone).date()
    back = (local.weekday() - schedule.digest_weekday) % 7
    slot = at_local(_working_day_from(local - timedelta(days=back)), schedule.send_time, zone)
    if slot > at:
        slot = at_local(_working_day_from(local - timedelta(days=back + 7)),
                        schedule.send_time, zone)
    if schedule.created_at is not None and slot < schedule.created_at:
        return None  # no digest for weeks before the workspace started using the bot
    return slot


def _working_day_from(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _digest(
    next_meeting: MeetingView | None,
    live: list[ActionView],
    schedule: Schedule,
    slot: datetime,
    zone: ZoneInfo,
) -> list[Planned]:
    digest = build_digest(next_meeting, live, slot, zone)
    if digest.is_empty and not schedule.digest_when_empty:
        return []
    assert schedule.channel_id is not None
    key = f"digest:{slot.astimezone(zone).date().isoformat()}"
    return [Planned(key=key, kind="digest", recipient=schedule.channel_id, message=digest)]


def build_digest(
    next_meeting: MeetingView | None, live: list[ActionView], slot: datetime, zone: ZoneInfo
) -> WeeklyDigest:
    """The week up to ``slot``, by owner."""
    week_start = slot - timedelta(days=7)
    # Keyed by all of an action's owners: an action with two owners is listed once.
    parts: dict[tuple[OwnerView, ...], dict[str, list[ActionView]]] = defaultdict(
        lambda: defaultdict(list))
    overdue = overdue_at(slot, zone)
    due = due_by_meeting(next_meeting, zone) if next_meeting is not None else None
    for action in live:
        # Where the action goes is the same for each owner: work it out once.
        where = []
        if week_start <= action.created_at < slot:
            where.append("new")
        finished_at = _finished_at(action)
        if finished_at is not None and week_start <= finished_at < slot:
            where.append("finished")
        if overdue(action):
            where.append("overdue")
        elif action.status in UNFINISHED and due is not None and due(action):
            where.append("due")
        if not where or not action.owners:
            continue  # an owner with nothing anywhere is left out below anyway
        part = parts[action.owners]
        for name in where:
            part[name].append(action)
    owners = tuple(
        DigestOwner(
            group[0], tuple(p["new"]), tuple(p["finished"]), tuple(p["overdue"]),
            tuple(p["due"]), others=group[1:],
        )
        for group, p in sorted(
            parts.items(),
            key=lambda item: [(o.role or "~", o.user_id or "") for o in item[0]],
        )
        if any(p.values())
    )
    local_end = slot.astimezone(zone).date()
    return WeeklyDigest(
        local_end - timedelta(days=7), local_end - timedelta(days=1), next_meeting, owners
    )


def _finished_at(action: ActionView) -> datetime | None:
    if action.status == ActionStatus.CLOSED:
        return action.closed_at
    if action.status == ActionStatus.COMPLETE:
        return action.completed_at
    return None
