"""`actionlog import`: read minutes from a file and show (or record) the actions in them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.minutes.dues import due_json
from bot.minutes.extract import Extraction, extract_actions
from bot.minutes.read import MinutesReadError, read_minutes_file
from bot.minutes.report import extraction_json


def import_minutes(path: Path, *, today: date, meeting_date: date | None) -> Extraction:
    """Read and extract one file; MinutesReadError says what was wrong with it."""
    return extract_actions(read_minutes_file(path), today=today, meeting_date=meeting_date)


def print_json(extraction: Extraction | None, out: TextIO, problem: str | None = None) -> None:
    """Exactly one JSON object; an unreadable file gives an empty one with the problem."""
    data: dict[str, Any] = extraction_json(extraction) if extraction else {
        "meeting": None, "next_meeting": None, "actions": [], "brought_forward": [],
        "problems": [],
    }
    if problem:
        data["problems"].append(problem)
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def print_text(extraction: Extraction, out: TextIO) -> None:
    """A plain listing for a person to read: meeting, each action with its source, problems."""
    meeting, following = extraction.meeting, extraction.next_meeting
    out.write(f"Meeting: {_describe(meeting)}\n")
    out.write(f"Next meeting: {_describe(following)}\n")
    next_date = following.date if following else None
    out.write(f"\n{len(extraction.proposals)} action(s) found:\n")
    for number, proposal in enumerate(extraction.proposals, 1):
        due = due_json(proposal.due, next_date)
        when = {"none": "no due date", "next_meeting": "next meeting"}.get(
            str(due["kind"]), str(due.get("date") or due.get("month") or due["kind"]))
        owners = ", ".join(proposal.owners) or "no owner named"
        item = f"item {proposal.agenda_item}, " if proposal.agenda_item else ""
        out.write(f"\n{number}. [{owners}] {proposal.text}\n")
        extras = [when] + ([f"repeats {proposal.recurs}"] if proposal.recurs else [])
        out.write(f"   {item}{'; '.join(extras)}; confidence {proposal.confidence:.2f}\n")
        out.write(f"   from: {proposal.source}\n")
    if extraction.brought_forward:
        out.write(f"\nBrought forward (not new actions): {len(extraction.brought_forward)}\n")
        for item in extraction.brought_forward:
            out.write(f"  - {item}\n")
    for problem in extraction.problems:
        out.write(f"\nProblem: {problem}\n")


def _describe(meeting: Any) -> str:
    if meeting is None:
        return "not given"
    parts = [meeting.title or "", meeting.kind or "",
             meeting.date.strftime("%d/%m/%Y") if meeting.date else "date not found",
             meeting.time or ""]
    return ", ".join(part for part in parts if part)


__all__ = ["MinutesReadError", "import_minutes", "print_json", "print_text"]


def record_all(extraction: Extraction, *, engine: Any, team_id: str | None, user_id: str,
               source_name: str, zone: Any, now: Any, out: TextIO) -> int:
    """`--record`: record every action found, all or none, as the review in Slack would."""
    from sqlalchemy import select

    from bot.minutes.review import minutes_meeting, review_data, to_record
    from bot.parsing.owners import KnownRole
    from storage.db import make_session_factory, transaction
    from storage.errors import ServiceError
    from storage.models import WorkspaceSettings
    from storage.services import imports, roles
    from storage.services.actions import format_ref
    from storage.services.people import Actor

    if not extraction.proposals:
        raise ImportRefused("no actions were found, so nothing was recorded")
    today = now.astimezone(zone).date()
    sessions = make_session_factory(engine)
    try:
        with transaction(sessions) as session:
            teams = list(session.scalars(select(WorkspaceSettings.team_id)))
            team = team_id or (teams[0] if len(teams) == 1 else None)
            if team is None or team not in teams:
                raise ImportRefused(
                    f"say which workspace with --team (the database holds: "
                    f"{', '.join(teams) or 'none'})")
            data = review_data(extraction, source_name=source_name,
                               duplicates=[None] * len(extraction.proposals))
            known = [KnownRole(role.code, role.title)
                     for role in roles.list_roles(session, team_id=team)]
            items, problems = to_record(data, today, known)
            if problems:
                lines = [f"action {p.index + 1} ({p.field}): {p.message}" for p in problems]
                raise ImportRefused("nothing was recorded; fix these in the minutes, or import "
                                    "from Slack to edit them: " + "; ".join(lines))
            pending = imports.start_import(session, team_id=team, user_id=user_id,
                                           source_name=source_name, data=data, now=now)
            recorded = imports.record_import(
                session, team_id=team, actor=Actor(user_id), pending=pending, items=items,
                meeting=minutes_meeting(data["meeting"]),
                next_meeting=minutes_meeting(data["next_meeting"]), now=now, zone=zone)
            refs = [format_ref(action.ref) for action in recorded]
    except ServiceError as exc:
        raise ImportRefused(exc.message) from None
    out.write(f"Recorded {len(refs)} action(s) in {team}: {', '.join(refs)}\n")
    return 0


class ImportRefused(Exception):
    """The actions could not be recorded; nothing was."""
