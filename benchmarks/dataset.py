"""Preload a workspace in bulk with SQLAlchemy Core: meetings, roles, owners and actions.

Rows go straight into the migrated tables, not through the services, which would take
minutes for 100,000 actions. The shape is what an OPCC accumulates over years: most
meetings past, most actions closed, the rest spread over owners, roles and due dates.
Every owner has at least one open action due at the next meeting, so a reminder round
at the dataset's slot plans exactly one reminder per owner.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert

from benchmarks.databases import after_bulk_load
from reminders.calendar import working_days_before
from storage.models import (
    Action,
    ActionOwner,
    ActionStatus,
    DueKind,
    Meeting,
    MeetingKind,
    RefCounter,
    Role,
    RoleAssignment,
    SecretariatMember,
    WorkspaceSettings,
)

TEAM = "T0001"
SECRETARIAT = "USEC0001"
TEAM_CHANNEL = "C0TEAM"
LONDON = ZoneInfo("Europe/London")
CHUNK = 5_000
# Status of actions beyond the one per owner that guarantees a reminder.
STATUS_WEIGHTS = {
    ActionStatus.NOT_STARTED: 25, ActionStatus.IN_PROGRESS: 20, ActionStatus.COMPLETE: 5,
    ActionStatus.CLOSED: 45, ActionStatus.DROPPED: 5,
}
VERBS = ("review", "share", "brief the PCC on", "report back on", "circulate", "update")
TOPICS = ("the diary appointments metric", "101 call handling", "outcome 16 use",
          "the satisfaction survey", "stop and search data", "the estates strategy",
          "domestic abuse arrests", "the performance framework", "custody waiting times")


@dataclass(frozen=True)
class Shape:
    """How much to load; ``anchor`` is the dataset's "now"."""

    actions: int
    owners: int
    meetings: int
    anchor: datetime
    quiet: bool = False  # reminders, summary and digest off, so a live scheduler sends nothing
    seed: int = 7
    statuses: tuple[tuple[ActionStatus, int], ...] = tuple(STATUS_WEIGHTS.items())


@dataclass(frozen=True)
class Loaded:
    """What a benchmark needs to know about what was loaded."""

    shape: Shape
    owners: list[str]
    roles: dict[str, str]  # code -> holder
    next_meeting_id: int
    next_meeting_at: datetime

    def reminder_slot(self, lead_days: int = 5) -> datetime:
        """09:00 London, ``lead_days`` working days before the next meeting."""
        day = self.next_meeting_at.astimezone(LONDON).date()
        return datetime.combine(working_days_before(day, lead_days), time(9, 0), LONDON)


def owner_ids(count: int) -> list[str]:
    return [f"UOWN{n:06d}" for n in range(count)]


def role_codes(owners: int) -> list[str]:
    count = max(3, min(50, owners // 10))
    standard = ["PCC", "DPCC", "CEO", "CC", "DCC", "ACC", "CFO"]
    return (standard + [f"R{n:02d}" for n in range(count)])[:count]


def load(engine: Engine, shape: Shape) -> Loaded:
    """Insert the whole workspace; returns what was loaded."""
    rng = random.Random(shape.seed)
    owners = owner_ids(shape.owners)
    roles = dict(zip(role_codes(shape.owners), owners, strict=False))
    meetings, next_index = _meetings(shape)
    next_id = next_index + 1
    with engine.begin() as connection:
        connection.execute(insert(WorkspaceSettings), [_settings(shape)])
        connection.execute(insert(Role), [
            {"team_id": TEAM, "code": code, "holder_user_id": holder, "since": _years_ago(shape)}
            for code, holder in roles.items()
        ])
        connection.execute(insert(RoleAssignment), [
            {"team_id": TEAM, "role_code": code, "user_id": holder, "started_at":
             _years_ago(shape), "ended_at": None, "assigned_by": SECRETARIAT}
            for code, holder in roles.items()
        ])
        connection.execute(insert(SecretariatMember), [{
            "team_id": TEAM, "user_id": SECRETARIAT, "added_by": SECRETARIAT,
            "added_at": _years_ago(shape)}])
        for chunk in _chunks(meetings):
            connection.execute(insert(Meeting), chunk)
        past = [m for m in meetings if m["starts_at"] <= shape.anchor]
        rows = (_action(i, shape, rng, owners, list(roles), meetings, past, next_id)
                for i in range(shape.actions))
        for chunk in _chunks(rows):
            connection.execute(insert(Action), [a for a, _ in chunk])
            connection.execute(insert(ActionOwner), [o for _, os in chunk for o in os])
        connection.execute(insert(RefCounter), [{"team_id": TEAM, "last_ref": shape.actions}])
    after_bulk_load(engine)
    return Loaded(shape, owners, roles, next_id, meetings[next_index]["starts_at"])


def _chunks(rows: Any) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _years_ago(shape: Shape) -> datetime:
    return shape.anchor - timedelta(days=3 * 365)


def _settings(shape: Shape) -> dict[str, Any]:
    on = not shape.quiet
    return {
        "team_id": TEAM, "secretariat_usergroup_id": None, "team_channel_id": TEAM_CHANNEL,
        "reminder_lead_days": "5,1", "send_time": "09:00", "summary_lead_days": 2,
        "digest_weekday": 0, "reminders_enabled": on, "summary_enabled": on,
        "digest_enabled": on, "digest_when_empty": False,
        "created_at": _years_ago(shape), "updated_at": _years_ago(shape),
    }


def _meetings(shape: Shape) -> tuple[list[dict[str, Any]], int]:
    """Meetings every two days back from a fortnight before the next; weekly after it."""
    future = max(1, shape.meetings // 10)
    past = shape.meetings - future
    first_day = (shape.anchor + timedelta(days=8)).astimezone(LONDON).date()
    while first_day.weekday() >= 5:
        first_day += timedelta(days=1)
    days = [first_day - timedelta(days=14 + 2 * n) for n in range(past)][::-1]
    days += [first_day + timedelta(days=7 * n) for n in range(future)]
    rows = [_meeting(n, day, shape) for n, day in enumerate(days)]
    return rows, past


def _meeting(n: int, day: date, shape: Shape) -> dict[str, Any]:
    starts = datetime.combine(day, time(10, 0), LONDON).astimezone(UTC)
    kind = MeetingKind.THEMATIC if n % 5 == 0 else MeetingKind.MONTHLY
    return {"id": n + 1, "team_id": TEAM, "kind": kind, "title": f"Assurance meeting {n + 1}",
            "starts_at": starts, "venue": "Hindlip" if n % 3 else None,
            "created_by": SECRETARIAT, "created_at": min(starts, shape.anchor) - timedelta(days=30)}


def _action(
    i: int, shape: Shape, rng: random.Random, owners: list[str], roles: list[str],
    meetings: list[dict[str, Any]], past: list[dict[str, Any]], next_id: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    anchor = shape.anchor
    created = anchor - timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
    if i < len(owners):  # one open action per owner, due at the next meeting
        status, holders = ActionStatus.NOT_STARTED, [("user", owners[i])]
        due_date, due_meeting = None, next_id
    else:
        status = rng.choices([s for s, _ in shape.statuses],
                             weights=[w for _, w in shape.statuses])[0]
        holders = [_owner(rng, owners, roles)]
        if rng.random() < 0.2:
            second = _owner(rng, owners, roles)
            if second != holders[0]:
                holders.append(second)
        if rng.random() < 0.5:
            due_date, due_meeting = None, rng.choice(meetings)["id"]
        else:
            due_date = (anchor + timedelta(days=rng.randint(-700, 60))).date()
            due_meeting = None
    finished = created + timedelta(days=rng.randint(1, 120))
    finished = min(finished, anchor - timedelta(minutes=rng.randint(1, 60 * 24 * 20)))
    finished = max(finished, created)
    note = f"Draft circulated to the PCC ({i})" if status != ActionStatus.NOT_STARTED else None
    action = {
        "id": i + 1, "team_id": TEAM, "ref": i + 1,
        "text": f"{rng.choice(VERBS)} {rng.choice(TOPICS)} for the panel, item {i + 1}",
        "agenda_item": f"{rng.randint(1, 9)}.{rng.randint(1, 9)}",
        "source_meeting_id": rng.choice(past)["id"] if past and rng.random() < 0.9 else None,
        "due_date": due_date, "due_meeting_id": due_meeting,
        "due_kind": DueKind.MEETING if due_meeting else DueKind.DATE,
        "original_due_date": due_date, "original_due_meeting_id": due_meeting,
        "status": status, "created_by": SECRETARIAT, "created_at": created,
        "closed_by": SECRETARIAT if status in (ActionStatus.CLOSED, ActionStatus.DROPPED)
        else None,
        "closed_at": finished if status in (ActionStatus.CLOSED, ActionStatus.DROPPED) else None,
        "completed_at": finished if status in (ActionStatus.COMPLETE, ActionStatus.CLOSED)
        else None,
        "last_update_at": finished if note else created, "latest_note": note,
    }
    owner_rows = [
        {"team_id": TEAM, "action_id": i + 1, "position": position,
         "user_id": value if kind == "user" else None,
         "role_code": value if kind == "role" else None}
        for position, (kind, value) in enumerate(holders)
    ]
    return action, owner_rows


def _owner(rng: random.Random, owners: list[str], roles: list[str]) -> tuple[str, str]:
    if rng.random() < 0.25:
        return ("role", rng.choice(roles))
    return ("user", rng.choice(owners))
