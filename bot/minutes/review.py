"""The review of an import as plain data: what the form shows, edits, and what gets recorded."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.minutes.extract import Extraction, Proposal
from bot.parsing.dates import DueParseError
from bot.parsing.due import parse_due
from bot.parsing.owners import (
    KnownRole,
    OwnerParseError,
    OwnerPhrase,
    UnknownOwner,
    parse_owners,
    resolve_owner_phrase,
)
from storage.due import (
    DueAtMeetingInMonth,
    DueAtMeetingOn,
    DueAtNextMeeting,
    DueOnDate,
    DueSpec,
    NoDueDate,
    Recurrence,
)
from storage.owners import OwnerRef, RoleOwner
from storage.services.imports import ImportItem, MinutesMeeting

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# Reasons a proposal needs a look, shown beside it in the review.
UNKNOWN_OWNER = "unknown owner"
UNREADABLE_DATE = "unreadable date"
NO_OWNER = "no owner named"


@dataclass(frozen=True)
class ItemProblem:
    """Why a ticked action cannot be recorded as it stands: which field, and what to do."""

    index: int
    field: str  # "owners", "due" or "text"
    message: str


def review_data(extraction: Extraction, *, source_name: str,
                duplicates: list[str | None]) -> dict[str, Any]:
    """What the review keeps in the database: the meetings and one editable item per action."""
    return {
        "source_name": source_name,
        "meeting": extraction.meeting.as_json() if extraction.meeting else None,
        "next_meeting": extraction.next_meeting.as_json() if extraction.next_meeting else None,
        "problems": list(extraction.problems),
        "brought_forward": len(extraction.brought_forward),
        "items": [_item(proposal, duplicate)
                  for proposal, duplicate in zip(extraction.proposals, duplicates, strict=True)],
    }


def _item(proposal: Proposal, duplicate: str | None) -> dict[str, Any]:
    due = due_words(proposal.due) if proposal.due is not None else (
        proposal.due_text if proposal.due_problem else "")
    if not due and proposal.recurs and proposal.first_due:
        # "Quarterly, the first in July 2027": the first one is due by the end of July.
        year, month = (int(part) for part in proposal.first_due.split("-")[:2])
        due = f"{date(year, month, calendar.monthrange(year, month)[1]):%d/%m/%Y}"
    return {
        "text": proposal.text,
        "owners": ", ".join(proposal.owners),
        "due": due or "",
        "agenda_item": proposal.agenda_item,
        "source": proposal.source,
        "confidence": proposal.confidence,
        "include": True,
        "recurs": proposal.recurs,
        "duplicate": duplicate,
        "flags": [UNREADABLE_DATE] if proposal.due_problem else [],
    }


def due_words(spec: DueSpec | None) -> str:
    """A due date written so `parse_due` reads it back: what the reviewer sees and edits."""
    match spec:
        case DueOnDate(on=on):
            return f"{on:%d/%m/%Y}"
        case DueAtNextMeeting():
            return "next meeting"
        case DueAtMeetingInMonth(year=year, month=month):
            return f"the {_MONTHS[month - 1]} {year} meeting"
        case DueAtMeetingOn(on=on):
            return f"meeting on {on:%d/%m/%Y}"
        case NoDueDate():
            return "no date"
    return ""


def read_owners(text: str, known_roles: Sequence[KnownRole]) -> tuple[OwnerRef, ...]:
    """Owners written in the review, each a person or a role the workspace knows.

    A title matches the roles created from minutes by code or title; any other raises
    OwnerParseError saying how to create it (and the nearest role when it looks like a typo).
    """
    owners: list[OwnerRef] = []
    for written in parse_owners(text, known_roles):
        if not isinstance(written, OwnerPhrase):
            owners.append(written)
            continue
        resolved = resolve_owner_phrase(written.text, known_roles)
        if isinstance(resolved, UnknownOwner):
            nearest = f" Did you mean {resolved.nearest.code}?" if resolved.nearest else ""
            raise OwnerParseError(
                f"I don't know “{resolved.written}” as an owner.{nearest} Create it with "
                f"`/actions role new {resolved.written}`, or name a known role.")
        owners.append(resolved)
    return tuple(dict.fromkeys(owners))


def flags(item: dict[str, Any], known_roles: Sequence[KnownRole], today: date) -> list[str]:
    """What the reviewer should check: unknown owners, unreadable dates, likely duplicates."""
    found = []
    if item.get("duplicate"):
        found.append(f"likely duplicate of {item['duplicate']}")
    owners_text = str(item.get("owners") or "").strip()
    codes = {role.code for role in known_roles}
    if not owners_text:
        found.append(NO_OWNER)
    else:
        try:
            owners = read_owners(owners_text, known_roles)
            if any(isinstance(o, RoleOwner) and o.code not in codes for o in owners):
                found.append(UNKNOWN_OWNER)
        except OwnerParseError:
            found.append(UNKNOWN_OWNER)
    due_text = str(item.get("due") or "").strip()
    if due_text:
        try:
            parse_due(due_text, today)
        except DueParseError:
            found.append(UNREADABLE_DATE)
    return found


def to_record(data: dict[str, Any], today: date, known_roles: Sequence[KnownRole]
              ) -> tuple[list[ImportItem], list[ItemProblem]]:
    """The ticked items read into owners and due dates, or what stops each being recorded."""
    items: list[ImportItem] = []
    problems: list[ItemProblem] = []
    for index, item in enumerate(data["items"]):
        if not item.get("include"):
            continue
        text = str(item.get("text") or "").strip()
        if not text:
            problems.append(ItemProblem(index, "text", "Say what was agreed, or untick it."))
            continue
        owners_text = str(item.get("owners") or "").strip()
        try:
            # A title no role has yet is refused: the secretariat creates it, then records.
            owners = read_owners(owners_text, known_roles)
        except OwnerParseError as exc:
            problems.append(ItemProblem(index, "owners", exc.message))
            continue
        if not owners:
            problems.append(ItemProblem(
                index, "owners", "Name an owner (a role code such as DCC, or an @mention), "
                "or untick this action."))
            continue
        due_text = str(item.get("due") or "").strip()
        try:
            due = parse_due(due_text, today) if due_text else None
        except DueParseError as exc:
            problems.append(ItemProblem(index, "due", exc.message))
            continue
        recurrence = _recurrence(item.get("recurs"))
        if recurrence is not None and recurrence.months and due is None:
            problems.append(ItemProblem(
                index, "due", f"It repeats {item['recurs']}: say when the first one is due, "
                "for example 31/07/2027."))
            continue
        items.append(ImportItem(text=text, owners=owners, due=due,
                                agenda_item=item.get("agenda_item"), recurrence=recurrence))
    return items, problems


_MONTHS_APART = {"monthly": 1, "quarterly": 3, "six-monthly": 6, "annually": 12,
                 "every meeting": 0}


def _recurrence(recurs: str | None) -> Recurrence | None:
    """How often a repeating action comes round, as the log records it."""
    if recurs not in _MONTHS_APART:
        return None
    return Recurrence(months=_MONTHS_APART[recurs])


def minutes_meeting(found: dict[str, Any] | None) -> MinutesMeeting | None:
    """A meeting from the review data, when the minutes gave its date."""
    if not found or not found.get("date"):
        return None
    at = None
    if found.get("time"):
        hours, minutes = (int(part) for part in str(found["time"]).split(":"))
        at = time(hours, minutes)
    return MinutesMeeting(date.fromisoformat(found["date"]), at, found.get("kind"),
                          found.get("title"))
