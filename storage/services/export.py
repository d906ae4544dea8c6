"""The whole action log, with history, as plain data, JSON and CSV: `actionlog export`.

Every time is written in ISO 8601 UTC (``2026-11-23T10:00:00Z``) and every date as
``YYYY-MM-DD``, so the export reads the same wherever it is opened.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from storage.csv_safety import safe_cell
from storage.models import (
    Action,
    ActionEvent,
    ActionOwner,
    Meeting,
    RoleAssignment,
    SecretariatMember,
    WorkspaceSettings,
)

FORMAT = "actionlog-export"
VERSION = 1
JSON_NAME = "actionlog-export.json"

# One CSV per table, and its columns in order.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "meetings": (
        "team_id",
        "id",
        "kind",
        "title",
        "starts_at",
        "venue",
        "created_by",
        "created_at",
    ),
    "actions": (
        "team_id",
        "id",
        "ref",
        "label",
        "text",
        "agenda_item",
        "owners",
        "status",
        "source_meeting_id",
        "due_date",
        "due_meeting_id",
        "due_meeting_starts_at",
        "original_due_date",
        "original_due_meeting_id",
        "original_due_meeting_starts_at",
        "created_by",
        "created_at",
        "completed_at",
        "closed_by",
        "closed_at",
        "last_update_at",
        "latest_note",
    ),
    "owners": ("team_id", "action_id", "ref", "position", "user_id", "role_code"),
    "events": (
        "team_id",
        "id",
        "action_id",
        "ref",
        "kind",
        "actor",
        "at",
        "before",
        "after",
        "note",
    ),
    "roles": ("team_id", "id", "role_code", "user_id", "started_at", "ended_at", "assigned_by"),
    "secretariat": ("team_id", "user_id", "added_by", "added_at"),
}


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601: times in UTC with a ``Z``, dates as they are."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def export_log(
    session: Session, *, team_id: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Meetings, actions with owners and full history, and role terms; one team or all.

    ``now`` is recorded as the time of the export (None: not recorded).
    """

    def scoped(query: Select[Any], model: Any) -> Select[Any]:
        return query if team_id is None else query.where(model.team_id == team_id)

    meetings = list(
        session.scalars(
            scoped(select(Meeting), Meeting).order_by(
                Meeting.team_id, Meeting.starts_at, Meeting.id
            )
        )
    )
    starts = {m.id: m.starts_at for m in meetings}
    actions = list(
        session.scalars(scoped(select(Action), Action).order_by(Action.team_id, Action.ref))
    )
    events_by_action: dict[int, list[ActionEvent]] = {}
    for event in session.scalars(
        scoped(select(ActionEvent), ActionEvent).order_by(ActionEvent.action_id, ActionEvent.id)
    ):
        events_by_action.setdefault(event.action_id, []).append(event)
    terms = session.scalars(
        scoped(select(RoleAssignment), RoleAssignment).order_by(
            RoleAssignment.team_id,
            RoleAssignment.role_code,
            RoleAssignment.started_at,
            RoleAssignment.id,
        )
    )
    members = session.scalars(
        scoped(select(SecretariatMember), SecretariatMember).order_by(
            SecretariatMember.team_id, SecretariatMember.id
        )
    )
    teams = session.scalars(scoped(select(WorkspaceSettings.team_id), WorkspaceSettings))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(now),
        "team_id": team_id,
        "workspaces": sorted(set(teams) | {a.team_id for a in actions}),
        "meetings": [_meeting(m) for m in meetings],
        "actions": [_action(a, events_by_action.get(a.id, []), starts) for a in actions],
        "roles": [_term(t) for t in terms],
        "secretariat": [
            {
                "team_id": m.team_id,
                "user_id": m.user_id,
                "added_by": m.added_by,
                "added_at": iso(m.added_at),
            }
            for m in members
        ],
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "team_id": meeting.team_id,
        "id": meeting.id,
        "kind": str(meeting.kind),
        "title": meeting.title,
        "starts_at": iso(meeting.starts_at),
        "venue": meeting.venue,
        "created_by": meeting.created_by,
        "created_at": iso(meeting.created_at),
    }


def _action(
    action: Action, events: list[ActionEvent], starts: Mapping[int, datetime]
) -> dict[str, Any]:
    def meeting_start(meeting_id: int | None) -> str | None:
        return iso(starts.get(meeting_id)) if meeting_id is not None else None

    return {
        "team_id": action.team_id,
        "id": action.id,
        "ref": action.ref,
        "label": f"A-{action.ref}",
        "text": action.text,
        "agenda_item": action.agenda_item,
        "owners": [_owner(o) for o in action.owners],
        "status": str(action.status),
        "source_meeting_id": action.source_meeting_id,
        "due_date": iso(action.due_date),
        "due_meeting_id": action.due_meeting_id,
        "due_meeting_starts_at": meeting_start(action.due_meeting_id),
        "original_due_date": iso(action.original_due_date),
        "original_due_meeting_id": action.original_due_meeting_id,
        "original_due_meeting_starts_at": meeting_start(action.original_due_meeting_id),
        "created_by": action.created_by,
        "created_at": iso(action.created_at),
        "completed_at": iso(action.completed_at),
        "closed_by": action.closed_by,
        "closed_at": iso(action.closed_at),
        "last_update_at": iso(action.last_update_at),
        "latest_note": action.latest_note,
        "history": [_event(e) for e in events],
    }


def _owner(owner: ActionOwner) -> dict[str, Any]:
    return {"position": owner.position, "user_id": owner.user_id, "role_code": owner.role_code}


def _event(event: ActionEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "actor": event.actor,
        "at": iso(event.at),
        "before": event.before,
        "after": event.after,
        "note": event.note,
    }


def _term(term: RoleAssignment) -> dict[str, Any]:
    return {
        "team_id": term.team_id,
        "id": term.id,
        "role_code": term.role_code,
        "user_id": term.user_id,
        "started_at": iso(term.started_at),
        "ended_at": iso(term.ended_at),
        "assigned_by": term.assigned_by,
    }


# -- writers ---------------------------------------------------------------------------


def write_json(data: Mapping[str, Any], path: Path | str) -> Path:
    """The export as one UTF-8 JSON document; returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return target


def csv_rows(data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The export flattened into one list of rows per CSV file."""
    actions = data["actions"]
    return {
        "meetings": list(data["meetings"]),
        "actions": [
            {**a, "owners": "; ".join(o["role_code"] or f"<@{o['user_id']}>" for o in a["owners"])}
            for a in actions
        ],
        "owners": [
            {"team_id": a["team_id"], "action_id": a["id"], "ref": a["ref"], **o}
            for a in actions
            for o in a["owners"]
        ],
        "events": [
            {
                "team_id": a["team_id"],
                "action_id": a["id"],
                "ref": a["ref"],
                **e,
                "before": _json_cell(e["before"]),
                "after": _json_cell(e["after"]),
            }
            for a in actions
            for e in a["history"]
        ],
        "roles": list(data["roles"]),
        "secretariat": list(data.get("secretariat", [])),
    }


def write_csv(data: Mapping[str, Any], directory: Path | str) -> dict[str, Path]:
    """One CSV per table (meetings, actions, owners, events, roles, secretariat)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, rows in csv_rows(data).items():
        path = folder / f"{name}.csv"
        _write_table(path, CSV_COLUMNS[name], rows)
        written[name] = path
    return written


def _write_table(path: Path, columns: Iterable[str], rows: list[dict[str, Any]]) -> None:
    # utf-8-sig so that spreadsheet programs read names and emoji correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            # Names, notes and action text are typed by people: never let a cell run.
            writer.writerow({k: "" if v is None else safe_cell(v) for k, v in row.items()})


def _json_cell(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
