"""Recording actions and changing them: the status rules, who may do what, the history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.due import Recurrence
from storage.errors import DuplicateAction, InvalidChange, NotFound, PermissionDenied
from storage.models import (
    OPEN_STATUSES,
    Action,
    ActionEvent,
    ActionOwner,
    ActionStatus,
    Meeting,
    RefCounter,
)
from storage.owners import OwnerRef, RoleOwner, UserOwner
from storage.services import recurrence, roles
from storage.services.due import ResolvedDue
from storage.services.people import Actor, is_secretariat, require_secretariat
from storage.services.text import check_storable
from storage.views import RoleHolders

TEXT_LIMIT = 3000
NOTE_LIMIT = 3000
AGENDA_ITEM_LIMIT = 40  # the actions.agenda_item column
AS_WRITTEN_LIMIT = 120  # the actions.due_as_written column
DUPLICATE_WINDOW = timedelta(minutes=1)
# Plenty for a meeting action; each owner costs a Slack lookup and a Home tab to refresh.
MAX_OWNERS = 20

REOPENABLE = (ActionStatus.COMPLETE, ActionStatus.CLOSED, ActionStatus.DROPPED)

# Status changes an owner may make, and where each may start from.
OWNER_TRANSITIONS: dict[str, tuple[ActionStatus, ...]] = {
    ActionStatus.IN_PROGRESS: (ActionStatus.NOT_STARTED,),
    ActionStatus.COMPLETE: (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS),
}


def format_ref(ref: int) -> str:
    return f"A-{ref}"


def check_owner_count(owners: Sequence[OwnerRef]) -> None:
    """Refuse more than MAX_OWNERS different owners, saying how many were named."""
    count = len(_unique(owners))
    if count > MAX_OWNERS:
        raise InvalidChange(
            f"An action can have at most {MAX_OWNERS} owners, and this names {count}. "
            "Name a role, or split it into several actions."
        )


def get_action(session: Session, *, team_id: str, ref: int) -> Action:
    action = session.scalar(select(Action).where(Action.team_id == team_id, Action.ref == ref))
    if action is None:
        raise NotFound(f"There is no action {format_ref(ref)}. See `/actions list`.")
    return action


def record_action(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    owners: Sequence[OwnerRef],
    text: str,
    due: ResolvedDue,
    agenda_item: str | None,
    source_meeting: Meeting | None,
    now: datetime,
    recurrence: Recurrence | None = None,
    holders: RoleHolders | None = None,
) -> Action:
    """Record a new action with the next ref; anyone in the workspace may.

    ``holders``: the workspace's roles as the caller already read them in this
    transaction (``roles.role_holders``), so they are not read again.
    """
    text = text.strip()
    _check_text(text, what="The action's text", limit=TEXT_LIMIT)
    agenda_item = (agenda_item or "").strip() or None
    if agenda_item is not None:
        _check_text(agenda_item, what="The agenda item", limit=AGENDA_ITEM_LIMIT)
    owners = _unique(owners)
    if not owners:
        raise InvalidChange("An action needs at least one owner: a person or a role.")
    check_owner_count(owners)
    _check_roles_known(session, team_id=team_id, owners=owners, holders=holders)
    _check_recurrence(recurrence, due)
    _refuse_duplicate(session, team_id=team_id, text=text, owners=owners, now=now)
    action = Action(
        team_id=team_id,
        ref=_next_ref(session, team_id=team_id),
        text=text,
        agenda_item=agenda_item,
        source_meeting_id=source_meeting.id if source_meeting else None,
        due_date=due.on,
        due_meeting_id=due.meeting.id if due.meeting else None,
        due_kind=due.kind,
        due_as_written=_as_written(due),
        original_due_date=due.on,
        original_due_meeting_id=due.meeting.id if due.meeting else None,
        awaits_next_meeting=due.awaits,
        status=ActionStatus.NOT_STARTED,
        created_by=actor.user_id,
        created_at=now,
        last_update_at=now,
    )
    if recurrence is not None:
        action.recurrence_months = recurrence.months
        action.recurrence_until = recurrence.until
        action.recurrence_left = recurrence.times - 1 if recurrence.times else None
    action.occurrence = 1
    # The meetings are given as objects too, so showing the new action loads neither.
    action.source_meeting = source_meeting
    action.due_meeting = action.original_due_meeting = due.meeting
    action.owners = _owner_rows(team_id, owners)
    session.add(action)
    session.flush()
    _log(session, action, "created", actor, now, before=None, after=snapshot(action))
    return action


MAX_OCCURRENCES = 120


def _check_recurrence(recurrence: Recurrence | None, due: ResolvedDue) -> None:
    if recurrence is None:
        return
    if recurrence.months and due.on is None and due.meeting is None:
        raise InvalidChange(
            "When is the first one due? Give a date or month, like "
            "`quarterly, the first by 31/07/2027`."
        )
    if recurrence.times is not None and not 1 <= recurrence.times <= MAX_OCCURRENCES:
        raise InvalidChange(f"Give between 1 and {MAX_OCCURRENCES} occurrences.")
    first = due.on or (due.meeting.starts_at.date() if due.meeting else None)
    if recurrence.until is not None and first is not None and recurrence.until < first:
        raise InvalidChange("The recurrence ends before the first one is due; check the dates.")


def edit(
    session: Session, *, team_id: str, actor: Actor, action: Action, text: str | None = None,
    agenda_item: str | None = None, clear_item: bool = False,
    source_meeting: Meeting | None = None, now: datetime,
) -> Action:
    """Correct the text, agenda item or source meeting; the history keeps the old value."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="correct actions")
    before = snapshot(action)
    if text is not None:
        text = text.strip()
        _check_text(text, what="The action's text", limit=TEXT_LIMIT)
        action.text = text
    if agenda_item is not None:
        agenda_item = agenda_item.strip()
        _check_text(agenda_item, what="The agenda item", limit=AGENDA_ITEM_LIMIT)
        action.agenda_item = agenda_item
    if clear_item:
        action.agenda_item = None
    if source_meeting is not None:
        action.source_meeting = source_meeting
        action.source_meeting_id = source_meeting.id
    after = snapshot(action)
    if after == before:
        raise InvalidChange(f"{format_ref(action.ref)} already says that; nothing changed.")
    action.last_update_at = now
    _log(session, action, "edited", actor, now, before=before, after=after)
    return action


def end_recurrence(
    session: Session, *, team_id: str, actor: Actor, action: Action, now: datetime
) -> Action:
    """Stop a recurring action recurring: the occurrence now open is the last."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="end a recurrence")
    if action.recurrence_months is None:
        raise InvalidChange(f"{format_ref(action.ref)} does not recur.")
    before = snapshot(action)
    action.recurrence_months = action.recurrence_until = action.recurrence_left = None
    action.last_update_at = now
    _log(session, action, "recurrence_ended", actor, now, before=before, after=snapshot(action))
    return action


def add_update(
    session: Session, *, team_id: str, actor: Actor, action: Action, note: str, now: datetime
) -> Action:
    """A progress note from an owner or the secretariat."""
    _require_owner_or_secretariat(session, team_id=team_id, actor=actor, action=action)
    _require_open(action, doing="add an update to")
    note = note.strip()
    _check_text(note, what="The update", limit=NOTE_LIMIT)
    _set_note(action, note, now)
    _log(session, action, "update", actor, now, before=None, after=None, note=note)
    return action


def change_status(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    action: Action,
    to: ActionStatus,
    note: str | None,
    now: datetime,
    working_day: recurrence.WorkingDay = recurrence.weekday,
) -> Action:
    """Start, complete (owners or secretariat), close or drop (secretariat only).

    Closing an occurrence of a recurring action makes the next one due.
    """
    note = (note or "").strip() or None
    if note is not None:
        _check_text(note, what="The note", limit=NOTE_LIMIT)
    secretariat = is_secretariat(session, team_id=team_id, actor=actor)
    before = snapshot(action)
    if to in OWNER_TRANSITIONS:
        if not secretariat:
            _require_owner_or_secretariat(session, team_id=team_id, actor=actor, action=action)
        if action.status not in OWNER_TRANSITIONS[to]:
            raise InvalidChange(_cannot_move(action, to))
    else:
        require_secretariat(session, team_id=team_id, actor=actor, doing=_VERB[to])
        _check_secretariat_move(action, to, note)
    action.status = to
    if to == ActionStatus.COMPLETE:
        action.completed_at = now
    if to in (ActionStatus.CLOSED, ActionStatus.DROPPED):
        action.closed_by, action.closed_at = actor.user_id, now
    elif before["status"] in (ActionStatus.CLOSED, ActionStatus.DROPPED):
        action.closed_by = action.closed_at = None
    if note is not None:
        _set_note(action, note, now)
    else:
        action.last_update_at = now
    _log(session, action, "status", actor, now, before=before, after=snapshot(action), note=note)
    if to == ActionStatus.CLOSED and action.recurrence_months is not None:
        _next_occurrence(session, action=action, actor=actor, now=now, working_day=working_day)
    return action


def _next_occurrence(
    session: Session, *, action: Action, actor: Actor, now: datetime,
    working_day: recurrence.WorkingDay,
) -> None:
    """A recurring action's occurrence was closed: the next one falls due, unless it ended."""
    due_on, meeting = recurrence.next_due(session, action=action, now=now,
                                          working_day=working_day)
    day = due_on or (meeting.starts_at.date() if meeting else None)
    before = snapshot(action)
    if recurrence.ends_before(action, day):
        action.recurrence_months = action.recurrence_until = action.recurrence_left = None
        _log(session, action, "recurrence_ended", actor, now, before=before,
             after=snapshot(action), note="that was the last occurrence")
        return
    recurrence.start_next(action, due_on, meeting, now)
    _log(session, action, "next_occurrence", actor, now, before=before, after=snapshot(action))


_VERB = {
    ActionStatus.CLOSED: "close actions",
    ActionStatus.DROPPED: "drop actions",
}


def _check_secretariat_move(action: Action, to: ActionStatus, note: str | None) -> None:
    if to == ActionStatus.CLOSED and action.status not in OPEN_STATUSES:
        raise InvalidChange(_cannot_move(action, to))
    if to == ActionStatus.DROPPED:
        if action.status not in OPEN_STATUSES:
            raise InvalidChange(_cannot_move(action, to))
        if note is None:
            raise InvalidChange("Say why it is dropped, e.g. `superseded by A-9`.")


def reopen(
    session: Session, *, team_id: str, actor: Actor, action: Action, note: str | None,
    now: datetime,
) -> Action:
    """Reopen a closed, dropped or completed action; it goes back to in progress."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="reopen actions")
    if action.status not in REOPENABLE:
        raise InvalidChange(f"{format_ref(action.ref)} is already open.")
    before = snapshot(action)
    action.status = ActionStatus.IN_PROGRESS
    action.closed_by = action.closed_at = action.completed_at = None
    note = (note or "").strip() or None
    if note:
        _check_text(note, what="The note", limit=NOTE_LIMIT)
        _set_note(action, note, now)
    else:
        action.last_update_at = now
    _log(session, action, "status", actor, now, before=before, after=snapshot(action), note=note)
    return action


def revise_due(
    session: Session, *, team_id: str, actor: Actor, action: Action, due: ResolvedDue,
    now: datetime,
) -> Action:
    """Set a new due date; the original stays on the record."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="revise due dates")
    _require_open(action, doing="revise the due date of")
    before = snapshot(action)
    action.due_date = due.on
    action.due_meeting_id = due.meeting.id if due.meeting else None
    action.due_meeting = due.meeting
    action.due_kind = due.kind
    action.due_as_written = _as_written(due)
    action.awaits_next_meeting = due.awaits
    action.last_update_at = now
    _log(session, action, "due_revised", actor, now, before=before, after=snapshot(action))
    return action


def reassign(
    session: Session, *, team_id: str, actor: Actor, action: Action,
    owners: Sequence[OwnerRef], now: datetime,
) -> Action:
    """Give an action to different owners."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="reassign actions")
    _require_open(action, doing="reassign")
    owners = _unique(owners)
    if not owners:
        raise InvalidChange("Name at least one new owner: a person or a role.")
    check_owner_count(owners)
    _check_roles_known(session, team_id=team_id, owners=owners)
    before = snapshot(action)
    action.owners.clear()
    session.flush()
    action.owners.extend(_owner_rows(team_id, owners))
    action.last_update_at = now
    session.flush()
    _log(session, action, "reassigned", actor, now, before=before, after=snapshot(action))
    return action


def request_more_time(
    session: Session, *, team_id: str, actor: Actor, action: Action, new_date: date,
    reason: str, now: datetime, today: date,
) -> Action:
    """An owner asks for a later date: recorded in the history, the due date unchanged."""
    _require_owner_or_secretariat(session, team_id=team_id, actor=actor, action=action)
    _require_open(action, doing="ask for more time on")
    reason = reason.strip()
    _check_text(reason, what="The reason", limit=NOTE_LIMIT)
    if new_date <= today:
        raise InvalidChange("Ask for a date after today.")
    _log(session, action, "more_time_requested", actor, now, before=None,
         after={"requested_due": new_date.isoformat()}, note=reason)
    return action


def history(session: Session, *, team_id: str, action: Action) -> list[ActionEvent]:
    return list(
        session.scalars(
            select(ActionEvent)
            .where(ActionEvent.team_id == team_id, ActionEvent.action_id == action.id)
            .order_by(ActionEvent.id)
        )
    )


def owned_by(
    action: Action, user_id: str, holders: dict[str, str | None]
) -> bool:
    """True when the user owns the action directly or holds one of its roles now."""
    for owner in action.owners:
        if owner.user_id == user_id:
            return True
        if owner.role_code and holders.get(owner.role_code) == user_id:
            return True
    return False


def snapshot(action: Action) -> dict[str, Any]:
    """The fields the history records before and after a change."""
    shot = {
        "status": str(action.status),
        "text": action.text,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "due_meeting_id": action.due_meeting_id,
        "due_kind": str(action.due_kind),
        "owners": [owner_label(o) for o in action.owners],
        "agenda_item": action.agenda_item,
    }
    if action.recurrence_months is not None or action.occurrence > 1:
        shot["occurrence"] = action.occurrence
        shot["recurrence_months"] = action.recurrence_months
    if action.source_meeting_id is not None:
        shot["source_meeting_id"] = action.source_meeting_id
    return shot


def _as_written(due: ResolvedDue) -> str | None:
    """The due phrase as typed, clipped to its column (it is shown, never parsed again)."""
    return due.as_written[:AS_WRITTEN_LIMIT] if due.as_written else None


def owner_label(owner: ActionOwner) -> str:
    return owner.role_code if owner.role_code else f"<@{owner.user_id}>"


# -- helpers ---------------------------------------------------------------------------


def _next_ref(session: Session, *, team_id: str) -> int:
    """Take the next ref atomically; the counter only grows, so refs are never reused."""
    taken = session.execute(
        update(RefCounter)
        .where(RefCounter.team_id == team_id)
        .values(last_ref=RefCounter.last_ref + 1)
        .returning(RefCounter.last_ref)
    ).scalar()
    if taken is not None:
        return taken
    # The workspace's first action. Two at once (two workers) would both insert: the
    # second's insert waits for the first's commit and then does nothing, and the second
    # takes the next ref from the row the first made.
    dialect = session.get_bind().dialect.name
    first = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RefCounter)
    inserted = session.execute(
        first.values(team_id=team_id, last_ref=1)
        .on_conflict_do_nothing(index_elements=[RefCounter.team_id])
        .returning(RefCounter.last_ref)
    ).scalar()
    if inserted is not None:
        return 1
    return _next_ref(session, team_id=team_id)


def _owner_rows(team_id: str, owners: Sequence[OwnerRef]) -> list[ActionOwner]:
    rows = []
    for position, owner in enumerate(owners):
        match owner:
            case UserOwner(user_id=user_id):
                rows.append(ActionOwner(team_id=team_id, position=position, user_id=user_id))
            case RoleOwner(code=code):
                rows.append(
                    ActionOwner(
                        team_id=team_id, position=position, role_code=roles.normalise_code(code)
                    )
                )
    return rows


def _unique(owners: Sequence[OwnerRef]) -> list[OwnerRef]:
    seen: list[OwnerRef] = []
    for owner in owners:
        if isinstance(owner, RoleOwner):
            owner = RoleOwner(roles.normalise_code(owner.code))
        if owner not in seen:
            seen.append(owner)
    return seen


def _check_roles_known(session: Session, *, team_id: str, owners: Sequence[OwnerRef],
                       holders: RoleHolders | None = None) -> None:
    known = roles.role_holders(session, team_id=team_id) if holders is None else holders
    unknown = [o.code for o in owners if isinstance(o, RoleOwner) and o.code not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none yet"
        raise NotFound(
            f"I don't know the role {unknown[0]}. Known roles: {listed}. The secretariat can "
            f"add it with `/actions role {unknown[0]} @person`."
        )


def _check_text(text: str, *, what: str, limit: int) -> None:
    check_storable(text, what=what)
    if not text:
        raise InvalidChange(f"{what} is empty.")
    if len(text) > limit:
        raise InvalidChange(
            f"{what} is {len(text):,} characters; Slack shows at most {limit:,}. Shorten it."
        )


def _refuse_duplicate(
    session: Session, *, team_id: str, text: str, owners: Sequence[OwnerRef], now: datetime
) -> None:
    """Refuse the same text for the same owners recorded within the last minute.

    Only the recent actions that share the first owner are read, and only their id, ref
    and text; owners are compared for a text that matches. Loading every recent action
    with its owners was most of an `add` when many were recorded in a minute.
    """
    first = owners[0]
    has_first = (ActionOwner.role_code == first.code if isinstance(first, RoleOwner)
                 else ActionOwner.user_id == first.user_id)
    # A join from the owner's index: written as ``id IN (...)``, SQLite read every action.
    recent = session.execute(
        select(Action.id, Action.ref, Action.text)
        .join(ActionOwner, ActionOwner.action_id == Action.id)
        .where(ActionOwner.team_id == team_id, has_first, Action.team_id == team_id,
               Action.created_at >= now - DUPLICATE_WINDOW)
        .order_by(Action.id)
    ).all()
    wanted = sorted(_owner_key(o) for o in owners)
    folded = text.casefold()
    for action_id, ref, recent_text in recent:
        if recent_text.casefold() != folded:
            continue
        theirs = session.scalars(select(ActionOwner).where(ActionOwner.action_id == action_id))
        if sorted(owner_label(o) for o in theirs) == wanted:
            raise DuplicateAction(
                f"{format_ref(ref)} with the same owners and text was recorded a moment "
                "ago, so I did not record it again."
            )


def _owner_key(owner: OwnerRef) -> str:
    return owner.code if isinstance(owner, RoleOwner) else f"<@{owner.user_id}>"


def _require_open(action: Action, *, doing: str) -> None:
    if action.status not in OPEN_STATUSES:
        raise InvalidChange(
            f"{format_ref(action.ref)} is {STATUS_WORDS[action.status]}; you cannot {doing} it. "
            f"The secretariat can reopen it with `/actions reopen {format_ref(action.ref)}`."
        )


def _require_owner_or_secretariat(
    session: Session, *, team_id: str, actor: Actor, action: Action
) -> None:
    holders = roles.role_holders(session, team_id=team_id)
    if owned_by(action, actor.user_id, holders):
        return
    if is_secretariat(session, team_id=team_id, actor=actor):
        return
    owners = ", ".join(
        f"{o.role_code} (<@{holders[o.role_code]}>)" if o.role_code and holders.get(o.role_code)
        else owner_label(o)
        for o in action.owners
    )
    raise PermissionDenied(
        f"Only the owners of {format_ref(action.ref)} ({owners}) or the secretariat can "
        "change it."
    )


def _set_note(action: Action, note: str, now: datetime) -> None:
    action.latest_note = note
    action.last_update_at = now


def _cannot_move(action: Action, to: ActionStatus) -> str:
    return (
        f"{format_ref(action.ref)} is {STATUS_WORDS[action.status]}, so it cannot be "
        f"marked {STATUS_WORDS[to]}."
    )


STATUS_WORDS = {
    ActionStatus.NOT_STARTED: "not started",
    ActionStatus.IN_PROGRESS: "in progress",
    ActionStatus.COMPLETE: "complete (awaiting closure)",
    ActionStatus.CLOSED: "closed",
    ActionStatus.DROPPED: "dropped",
}


def _log(
    session: Session,
    action: Action,
    kind: str,
    actor: Actor,
    now: datetime,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str | None = None,
) -> None:
    session.add(
        ActionEvent(
            team_id=action.team_id,
            action_id=action.id,
            kind=kind,
            actor=actor.user_id,
            at=now,
            before=before,
            after=after,
            note=note,
        )
    )
    session.flush()
