"""What each /actions subcommand does: one transaction, one service call, one reply."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.channels import ensure_member
from bot.directory import SlackDirectory
from bot.papers.formats import PARTS, Paper, PaperFormat, write
from bot.papers.gather import read_log
from bot.parsing import commands as c
from bot.parsing.due import non_working_day_note, understood
from bot.parsing.owners import (
    KnownRole,
    OwnerPhrase,
    UnknownOwner,
    WrittenOwner,
    parse_owners,
    resolve_owner_phrase,
)
from bot.render import actions as render
from bot.render import meetings as render_meetings
from bot.render import reminders as render_reminders
from bot.render import roles as render_roles
from bot.render.common import Reply, context, section
from bot.render.help import render_help
from bot.render.words import due_words
from reminders import planner
from reminders.calendar import is_working_day
from reminders.messages import MoreTimeRequest
from storage.db import read_transaction, transaction
from storage.due import DueOnDate, DueSpec
from storage.errors import InvalidChange, NotFound, PermissionDenied
from storage.models import ActionStatus, Meeting, WorkspaceSettings
from storage.owners import OwnerRef, RoleOwner, UserOwner
from storage.services import actions, listing, meetings, people, roles, workspace
from storage.services.due import NO_NEXT_MEETING, ResolvedDue, resolve_due
from storage.services.people import Actor
from storage.views import ActionView, RoleHolders, action_view, meeting_view

if TYPE_CHECKING:
    from bot.app import Deps


@dataclass
class Request:
    """Who asked, in which workspace, with what the handlers need."""

    team_id: str
    user_id: str
    deps: Deps
    directory: SlackDirectory
    # Whether the requester is in the secretariat's Slack user group: asked of Slack
    # before any transaction opens (see run), never inside one. None: not asked, as
    # the command has no use for it.
    in_secretariat_group: bool | None = None

    @property
    def now(self) -> datetime:
        return self.deps.clock.now()


@dataclass(frozen=True)
class RecordFromForm:
    """An action from the form: like `add`, but the source meeting may be chosen."""

    owners: tuple[OwnerRef, ...]
    text: str
    due: DueSpec | None
    agenda_item: str | None
    source_meeting_id: int | None


# From the "Need more time" form or `/actions more-time`: a new date and a reason.
RequestMoreTime = c.RequestMoreTime


@dataclass(frozen=True)
class CreateRolesThenAdd:
    """From the button under an unknown owner: create these roles, then run the `add`."""

    titles: tuple[str, ...]
    add: str  # the text after `add`, as first typed


@dataclass
class Outcome:
    reply: Reply
    # People whose Home tab shows something this command changed.
    changed_for: set[str] = field(default_factory=set)
    # Messages for other people, by user id.
    notify: list[tuple[str, Reply]] = field(default_factory=list)
    # Builds a file for the requester's direct message (outside any transaction: it may
    # ask Slack for names), and the words that go with it.
    upload: Callable[[], Paper] | None = None
    upload_comment: str = ""


def run(command: c.Command, request: Request) -> Outcome:
    """Carry out a parsed command; service errors propagate to the listener."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise AssertionError(f"no handler for {type(command).__name__}")
    # Every command, button and form comes through here, so this one check covers them
    # all; it comes first so a deactivated person cannot even become the first secretariat.
    if request.directory.is_deactivated(request.user_id):
        raise PermissionDenied(DEACTIVATED)
    # Everything Slack must tell us is asked now, before a transaction opens: a call
    # inside one (or its wait on a 429) would hold the database for everyone else.
    owners = getattr(command, "owners", None)
    if owners is not None:
        actions.check_owner_count(owners)  # before one Slack lookup per owner
    request.directory.check_people(_people_named(command), team_id=request.team_id,
                                   requester_id=request.user_id)
    if not isinstance(command, NEED_NO_ACTOR):
        request.in_secretariat_group = _in_secretariat_group(request)
    channel_note = _team_channel_note(command, request)
    if isinstance(command, READS):
        with read_transaction(request.deps.sessions) as session:
            if workspace.is_set_up(session, team_id=request.team_id):
                return handler(command, request, session)
    with transaction(request.deps.sessions) as session:
        # Held while the handler runs, so its own reads of the settings need no query.
        _settings, became_secretariat = workspace.welcome_with_settings(
            session, team_id=request.team_id, user_id=request.user_id, now=request.now
        )
        outcome = handler(command, request, session)
    if channel_note:
        outcome.reply.blocks.append(section(channel_note))
        outcome.reply.text = f"{outcome.reply.text}\n{channel_note}"
    if became_secretariat:
        outcome.reply.blocks.append(context(FIRST_SECRETARIAT))
        outcome.reply.text += "\n" + FIRST_SECRETARIAT
    return outcome


def _people_named(command: Any) -> list[str]:
    """The people a command would record (as owners, role holders or secretariat)."""
    owners = getattr(command, "owners", None)
    if owners is not None:
        return [o.user_id for o in owners if isinstance(o, UserOwner)]
    if isinstance(command, c.SetRole | c.AddSecretariat) and command.user_id:
        return [command.user_id]
    return []


def _in_secretariat_group(request: Request) -> bool:
    """Whether the requester is in the workspace's secretariat user group, if it has one."""
    with read_transaction(request.deps.sessions) as session:
        settings = session.get(WorkspaceSettings, request.team_id)
        group = settings.secretariat_usergroup_id if settings else None
    return request.directory.in_group(group, request.user_id)


# Commands that only read, once the workspace exists (so no first-use setup is needed).
READS = (c.Help, c.ShowAction, c.ListActions, c.MeetingList, c.ListRoles, c.ShowSettings,
         c.Summary, c.ExportLog)
# Commands whose handlers never ask who the requester is (no actor_for): the secretariat
# group is not read for them. actor_for refuses to run if it was not.
NEED_NO_ACTOR = (c.Help, c.ShowAction, c.ListActions, c.MeetingList, c.ListRoles,
                 c.ShowSettings, c.Summary)

DEACTIVATED = (
    "Only active members of this workspace can use Action Log, and your Slack account has "
    "been deactivated, so nothing was changed. If that is a mistake, ask a Slack admin."
)

FIRST_SECRETARIAT = (
    "You are the first person to use Action Log here, so you are now its secretariat: "
    "you can close, reopen, drop and reassign actions, revise due dates, and set meetings "
    "and roles. Add colleagues with `/actions secretariat add @person`."
)


def actor_for(session: Session, request: Request) -> Actor:
    """The requester, with their membership of the secretariat's user group."""
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    if request.in_secretariat_group is None:
        raise AssertionError("the secretariat group was not asked for this command; "
                             "remove it from NEED_NO_ACTOR")
    return Actor(request.user_id, in_secretariat_group=request.in_secretariat_group)


def _view(session: Session, request: Request, action: Any):  # type: ignore[no-untyped-def]
    holders = roles.role_holders(session, team_id=request.team_id)
    return action_view(action, holders, request.deps.timezone)


def _people_affected(session: Session, request: Request, action: Any) -> set[str]:
    return _affected(_view(session, request, action), request)


def _affected(view: ActionView, request: Request) -> set[str]:
    """Whose Home tab shows this action: its owners (role holders too) and the requester."""
    return {o.user_id for o in view.owners if o.user_id} | {request.user_id}


def _known_roles(session: Session, request: Request) -> list[KnownRole]:
    return [KnownRole(r.code, r.title) for r in roles.list_roles(session, team_id=request.team_id)]


def _known_from(holders: RoleHolders) -> list[KnownRole]:
    """The roles as ``_known_roles`` gives them, from a ``role_holders`` already read."""
    return [KnownRole(code, info.title if (info := holders.info.get(code)) else None)
            for code in sorted(holders)]


def _resolve_owners(
    session: Session, request: Request, owners: Sequence[WrittenOwner], written: str | None,
    known: list[KnownRole] | None = None,
) -> tuple[tuple[OwnerRef, ...], list[UnknownOwner]]:
    """Owners as typed, matched to the workspace's roles; and those that match none."""
    known = _known_roles(session, request) if known is None else known
    if written:
        # Read again with the workspace's titles, so "Police and Crime Panel" stays whole.
        owners = parse_owners(written, known)
    codes = {role.code for role in known}
    found: list[OwnerRef] = []
    unknown: list[UnknownOwner] = []
    for owner in owners:
        if isinstance(owner, UserOwner) or (
            isinstance(owner, RoleOwner) and owner.code in codes
        ):
            found.append(owner)
            continue
        text = owner.text if isinstance(owner, OwnerPhrase) else owner.code
        match = resolve_owner_phrase(text, known)
        if isinstance(match, RoleOwner) and match.code in codes:
            found.append(match)
        elif isinstance(match, UnknownOwner):
            unknown.append(match)
        else:
            # A built-in name whose role this workspace no longer has.
            unknown.append(UnknownOwner(text))
    return tuple(dict.fromkeys(found)), list(dict.fromkeys(unknown))


def _unknown_owners_reply(
    session: Session, request: Request, unknown: list[UnknownOwner], source: str | None
) -> Outcome:
    """Nothing is recorded; the reply offers to create the roles and record the action."""
    can_create = people.is_secretariat(
        session, team_id=request.team_id, actor=actor_for(session, request)
    )
    retry = None
    if source is not None:
        retry = json.dumps({"roles": [o.written for o in unknown], "add": source})
    reply = render_roles.render_unknown_owners(unknown, retry=retry, can_create=can_create)
    return Outcome(reply)


def _role_code(session: Session, request: Request, written: str) -> str:
    """The code of the role a command names by code or title; NotFound if there is none."""
    known = _known_roles(session, request)
    codes = {role.code for role in known}
    if written.upper() in codes:
        return written.upper()
    match = resolve_owner_phrase(written, known)
    if isinstance(match, RoleOwner) and match.code in codes:
        return match.code
    hint = ""
    if isinstance(match, UnknownOwner) and match.nearest is not None:
        hint = f" Did you mean {match.nearest.title or match.nearest.code}?"
    raise NotFound(
        f"I don't know the role “{written}”.{hint} See `/actions roles`, or create it with "
        f"`/actions role new {written}`."
    )


# -- handlers ---------------------------------------------------------------------------


def _help(command: c.Help, request: Request, session: Session) -> Outcome:
    return Outcome(render_help(c.HELP_TEXT))


def _add(command: c.AddAction | RecordFromForm, request: Request, session: Session) -> Outcome:
    # The roles are read once: to match the owners, to check them and to show the action.
    holders = roles.role_holders(session, team_id=request.team_id)
    owners, unknown = _resolve_owners(
        session, request, command.owners, getattr(command, "owners_written", None),
        known=_known_from(holders),
    )
    if unknown:
        return _unknown_owners_reply(session, request, unknown, getattr(command, "source", None))
    zone = request.deps.timezone
    due = resolve_due(session, team_id=request.team_id, spec=command.due, now=request.now,
                      zone=zone)
    action = actions.record_action(
        session,
        team_id=request.team_id,
        actor=actor_for(session, request),
        owners=owners,
        text=command.text,
        due=due,
        agenda_item=command.agenda_item,
        source_meeting=_source_meeting(session, request, command),
        now=request.now,
        recurrence=getattr(command, "recurrence", None),
        holders=holders,
    )
    view = action_view(action, holders, zone)
    reply = render.render_recorded(view)
    _add_due_notes(reply, command.due, due)
    return Outcome(reply, _affected(view, request))


def _add_due_notes(reply: Reply, spec: DueSpec | None, due: ResolvedDue) -> None:
    """Say how a due phrase was read, and when a date falls on a weekend or bank holiday."""
    notes = [due.note] if due.note else []
    if spec is not None and not due.note:
        reading = understood(spec)
        if reading:
            notes.append(reading)
    if isinstance(spec, DueOnDate):
        weekend = non_working_day_note(due.on)
        if weekend:
            notes.append(weekend)
    for note in notes:
        reply.blocks.append(context(note))
        reply.text += "\n" + note


def _create_roles_and_add(
    command: CreateRolesThenAdd, request: Request, session: Session
) -> Outcome:
    """The button under an unknown owner: create each role, then record the action."""
    actor = actor_for(session, request)
    known = _known_roles(session, request)
    for title in command.titles:
        if isinstance(resolve_owner_phrase(title, known), RoleOwner):
            continue  # created meanwhile (the button pressed twice): use it
        role = roles.create_role(
            session, team_id=request.team_id, actor=actor, title=title, code=None,
            external=False, contact=None, is_person=False, now=request.now,
        )
        known.append(KnownRole(role.code, role.title))
    today = request.now.astimezone(request.deps.timezone).date()
    try:
        add = c.parse_command(f"add {command.add}", today)
    except c.CommandError as error:
        raise InvalidChange(f"The roles were created, but: {error.message}") from None
    if not isinstance(add, c.AddAction):
        raise InvalidChange("The roles were created; send the action again to record it.")
    return _add(add, request, session)


def _source_meeting(
    session: Session, request: Request, command: c.AddAction | RecordFromForm
) -> Meeting | None:
    chosen = getattr(command, "source_meeting_id", None)
    if chosen is not None:
        return meetings.get_meeting(session, team_id=request.team_id, meeting_id=chosen)
    return meetings.latest_started_meeting(session, team_id=request.team_id, now=request.now)


def _status_change(to: ActionStatus, verb: str) -> Callable[..., Outcome]:
    def handle(command: Any, request: Request, session: Session) -> Outcome:
        action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
        note = getattr(command, "note", None) or getattr(command, "reason", None)
        occurrence = action.occurrence
        actions.change_status(session, team_id=request.team_id, actor=actor_for(session, request),
                              action=action, to=to, note=note, now=request.now,
                              working_day=is_working_day)
        what = f"{_ref(action)} {verb}."
        if action.occurrence > occurrence:
            what = (f"{_ref(action)} occurrence {occurrence} {verb}; the next one is now due "
                    f"({due_words(_view(session, request, action))}).")
        return _changed(session, request, action, what)

    return handle


def _several(command: c.Several, request: Request, session: Session) -> Outcome:
    """The same change to several actions in one transaction: all of them or none."""
    outcomes = [HANDLERS[type(each)](each, request, session) for each in command.commands]
    refs = [actions.format_ref(each.ref) for each in command.commands]
    verb = _SEVERAL_VERBS[type(command.commands[0])]
    what = f":white_check_mark: {_and_list(refs)} {verb}."
    blocks: list[Any] = [section(what)]
    lines = [line for o in outcomes for b in o.reply.blocks[1:] for line in _context_texts(b)]
    blocks += [context(line) for line in lines]
    changed = set().union(*(o.changed_for for o in outcomes))
    return Outcome(Reply(text=what, blocks=blocks), changed)


_SEVERAL_VERBS: dict[type, str] = {
    c.StartAction: "marked in progress",
    c.DoneAction: "marked complete; they await closure by the secretariat",
    c.CloseAction: "closed",
    c.ReopenAction: "reopened",
    c.DropAction: "dropped",
}


def _and_list(words: list[str]) -> str:
    """``A-2, A-3 and A-5``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _context_texts(block: Any) -> list[str]:
    return [element.text for element in getattr(block, "elements", []) or []
            if hasattr(element, "text")]


def _changed(session: Session, request: Request, action: Any, what: str) -> Outcome:
    view = _view(session, request, action)
    reply = render.render_changed(view, what, request.now, request.deps.timezone)
    return Outcome(reply, _affected(view, request))


def _ref(action: Any) -> str:
    return actions.format_ref(action.ref)


def _edit(command: c.EditAction, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    source = None
    if command.source_on is not None:
        source = meetings.meeting_on(session, team_id=request.team_id, day=command.source_on,
                                     zone=request.deps.timezone)
    actions.edit(session, team_id=request.team_id, actor=actor_for(session, request),
                 action=action, text=command.text, agenda_item=command.agenda_item,
                 clear_item=command.clear_item, source_meeting=source, now=request.now)
    what = "text" if command.text else "source meeting" if source else "agenda item"
    return _changed(session, request, action,
                    f"{_ref(action)} corrected ({what}); `show {_ref(action)}` has the old value.")


def _end_recurrence(command: c.EndRecurrence, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    actions.end_recurrence(session, team_id=request.team_id, actor=actor_for(session, request),
                           action=action, now=request.now)
    return _changed(session, request, action,
                    f"{_ref(action)} no longer recurs; the occurrence now open is the last.")


def _update(command: c.UpdateAction, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    actions.add_update(session, team_id=request.team_id, actor=actor_for(session, request),
                       action=action, note=command.note, now=request.now)
    return _changed(session, request, action, f"Update added to {_ref(action)}.")


def _reopen(command: c.ReopenAction, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    actions.reopen(session, team_id=request.team_id, actor=actor_for(session, request),
                   action=action, note=command.note, now=request.now)
    return _changed(session, request, action, f"{_ref(action)} reopened.")


def _revise_due(command: c.ReviseDue, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    due = resolve_due(session, team_id=request.team_id, spec=command.due, now=request.now,
                      zone=request.deps.timezone)
    actions.revise_due(session, team_id=request.team_id, actor=actor_for(session, request),
                       action=action, due=due, now=request.now)
    outcome = _changed(session, request, action, f"Due date of {_ref(action)} revised.")
    _add_due_notes(outcome.reply, command.due, due)
    return outcome


def _assign(command: c.AssignAction, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    before = _people_affected(session, request, action)
    owners, unknown = _resolve_owners(session, request, command.owners, command.owners_written)
    if unknown:
        return _unknown_owners_reply(session, request, unknown, None)
    actions.reassign(session, team_id=request.team_id, actor=actor_for(session, request),
                     action=action, owners=owners, now=request.now)
    outcome = _changed(session, request, action, f"{_ref(action)} reassigned.")
    outcome.changed_for |= before
    return outcome


def _show(command: c.ShowAction, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    events = actions.history(session, team_id=request.team_id, action=action)
    view = _view(session, request, action)
    return Outcome(render.render_show(view, events, request.now, request.deps.timezone))


def _list(command: c.ListActions, request: Request, session: Session) -> Outcome:
    zone = request.deps.timezone
    if isinstance(command.filter, listing.ByOwner) and isinstance(
        command.filter.owner, OwnerPhrase
    ):
        # A role named by its title ("list Director of Business Services").
        code = _role_code(session, request, command.filter.owner.text)
        command = c.ListActions(listing.ByOwner(RoleOwner(code)), command.page)
    page = listing.list_actions(
        session, team_id=request.team_id, which=command.filter, user_id=request.user_id,
        now=request.now, zone=zone, page=command.page,
    )
    holders = roles.role_holders(session, team_id=request.team_id)
    views = [action_view(a, holders, zone) for a in page.actions]
    next_command = None
    if page.page < page.pages:
        next_command = f"/actions {_list_words(command.filter)} page {page.page + 1}"
    reply = render.render_list(
        page.heading, views, page=page.page, pages=page.pages, total=page.total,
        now=request.now, zone=zone, next_page_command=next_command,
    )
    return Outcome(reply)


def _list_words(which: listing.ListFilter) -> str:
    """The words that ask for this list again, for the "next page" hint."""
    match which:
        case listing.Mine():
            return "list mine"
        case listing.ByOwner(owner=UserOwner(user_id=user_id)):
            return f"list <@{user_id}>"
        case listing.ByOwner(owner=owner):
            return f"list {owner.code}"
        case listing.Overdue():
            return "list overdue"
        case listing.DueNext():
            return "list next"
        case listing.AtMeeting(on=day):
            return f"list meeting {day:%d/%m/%Y}"
        case listing.Closed():
            return "list closed"
        case listing.Everything():
            return "list all"
        case listing.AtItem(item=item):
            return f"list item {item}"
        case listing.NoDate():
            return "list no date"
        case listing.Recurring():
            return "list recurring"
    return "list"


def _set_meeting(command: c.SetNextMeeting, request: Request, session: Session) -> Outcome:
    zone, team_id = request.deps.timezone, request.team_id
    starts_at = datetime.combine(command.starts_on, command.starts_time, zone)
    meeting, created = meetings.set_next_meeting(
        session, team_id=team_id, actor=actor_for(session, request),
        starts_at=starts_at, kind=command.kind, title=command.title, venue=command.venue,
        now=request.now, zone=zone, held=command.held,
    )
    dated = meetings.give_waiting_actions_a_meeting(session, team_id=team_id, now=request.now)
    following = meetings.next_meeting(session, team_id=team_id, now=request.now)
    reply = render_meetings.render_meeting_set(
        meeting, created, zone, held=command.held,
        counts=meetings.counts_as_next(session, team_id=team_id, kind=meeting.kind),
        is_next=following is not None and following.id == meeting.id,
        now_dated=[_ref(a) for a in dated],
    )
    changed = {u for a in dated for u in _people_affected(session, request, a)}
    return Outcome(reply, changed)


def _move_meeting(command: c.MoveMeeting, request: Request, session: Session) -> Outcome:
    zone = request.deps.timezone
    meeting = meetings.meeting_on(session, team_id=request.team_id, day=command.from_day,
                                  zone=zone)
    keep = meeting.starts_at.astimezone(zone).time()
    old_start = meeting.starts_at
    starts_at = datetime.combine(command.to_day, command.to_time or keep, zone)
    due_at = meetings.open_actions_due_at(session, team_id=request.team_id, meeting=meeting)
    meetings.move_meeting(session, team_id=request.team_id, actor=actor_for(session, request),
                          meeting=meeting, starts_at=starts_at, now=request.now)
    notify = _tell_owners(session, request, due_at, meeting, old_start, meeting.starts_at,
                          cancelled=False)
    reply = render_meetings.render_meeting_moved(meeting, zone, [_ref(a) for a in due_at])
    return Outcome(reply, {user for user, _ in notify}, notify)


def _cancel_meeting(command: c.CancelMeeting, request: Request, session: Session) -> Outcome:
    zone = request.deps.timezone
    meeting = meetings.meeting_on(session, team_id=request.team_id, day=command.on, zone=zone)
    due_at = meetings.open_actions_due_at(session, team_id=request.team_id, meeting=meeting)
    following, _ = meetings.cancel_meeting(
        session, team_id=request.team_id, actor=actor_for(session, request), meeting=meeting,
        now=request.now,
    )
    notify = _tell_owners(session, request, due_at, meeting, meeting.starts_at,
                          following.starts_at if following else None, cancelled=True)
    reply = render_meetings.render_meeting_cancelled(meeting, following, zone,
                                                     [_ref(a) for a in due_at])
    return Outcome(reply, {user for user, _ in notify}, notify)


def _tell_owners(
    session: Session, request: Request, moved: list[Any], meeting: Meeting,
    old_start: datetime, new_start: datetime | None, *, cancelled: bool,
) -> list[tuple[str, Reply]]:
    """One message to each owner of the open actions that moved, listing all of theirs."""
    by_owner: dict[str, list[str]] = {}
    for action in moved:
        for owner in _view(session, request, action).owners:
            if owner.user_id:
                by_owner.setdefault(owner.user_id, []).append(_ref(action))
    return [
        (user, render_meetings.render_owner_told_of_move(
            list(dict.fromkeys(refs)), meeting, old_start, new_start, request.deps.timezone,
            cancelled))
        for user, refs in sorted(by_owner.items())
    ]


def _list_meetings(command: c.MeetingList, request: Request, session: Session) -> Outcome:
    past, future = meetings.list_meetings(session, team_id=request.team_id, now=request.now)
    return Outcome(render_meetings.render_meetings(past, future, request.deps.timezone))


def _set_role(command: c.SetRole, request: Request, session: Session) -> Outcome:
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    code = _role_to_hold(session, request, command)
    role, previous = roles.set_role_holder(
        session, team_id=request.team_id, actor=actor_for(session, request), code=code,
        user_id=command.user_id, now=request.now,
    )
    changed = {u for u in (previous, command.user_id) if u}
    return Outcome(render_roles.render_role_set(role, command.user_id, previous), changed)


def _role_to_hold(session: Session, request: Request, command: c.SetRole) -> str:
    """The role a `role … @person` names: known by code or title, or a new bare code."""
    known = _known_roles(session, request)
    if command.code in {role.code for role in known}:
        return command.code
    written = command.written or command.code
    match = resolve_owner_phrase(written, known)
    if isinstance(match, RoleOwner) and match.code in {role.code for role in known}:
        return match.code
    if command.code.isupper() and " " not in command.code:
        return command.code  # `role XYZ @person` creates the code, as it always has
    return _role_code(session, request, written)


def _list_roles(command: c.ListRoles, request: Request, session: Session) -> Outcome:
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    return Outcome(render_roles.render_roles(roles.list_roles(session, team_id=request.team_id)))


def _create_role(command: c.CreateRole, request: Request, session: Session) -> Outcome:
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    match = resolve_owner_phrase(command.title, _known_roles(session, request))
    if isinstance(match, RoleOwner):
        raise InvalidChange(
            f"“{command.title}” is already the role {match.code}. See `/actions roles`."
        )
    role = roles.create_role(
        session, team_id=request.team_id, actor=actor_for(session, request),
        title=command.title, code=command.code, external=command.external,
        contact=command.contact, is_person=command.is_person, now=request.now,
    )
    return Outcome(render_roles.render_role_created(role))


def _mark_external(command: c.MarkExternal, request: Request, session: Session) -> Outcome:
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    role = roles.set_external(
        session, team_id=request.team_id, actor=actor_for(session, request),
        code=_role_code(session, request, command.written or command.code),
        external=command.external, contact=command.contact, now=request.now,
    )
    return Outcome(render_roles.render_role_external(role))


def _add_secretariat(command: c.AddSecretariat, request: Request, session: Session) -> Outcome:
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    added = people.add_secretariat_member(
        session, team_id=request.team_id, actor=actor_for(session, request),
        user_id=command.user_id, now=request.now,
    )
    members = people.secretariat_user_ids(session, team_id=request.team_id)
    return Outcome(render_meetings.render_secretariat(members, command.user_id, added))


def _secretariat_group(
    command: c.SetSecretariatGroup, request: Request, session: Session
) -> Outcome:
    workspace.get_settings(session, team_id=request.team_id, now=request.now)
    people.set_secretariat_group(
        session, team_id=request.team_id, actor=actor_for(session, request),
        group_id=command.group_id, now=request.now,
    )
    text = (
        f"Members of <!subteam^{command.group_id}> are now secretariat too."
        if command.group_id else "The secretariat is now only its named members."
    )
    return Outcome(Reply(text=text, blocks=[section(text)]))


def _show_settings(command: c.ShowSettings, request: Request, session: Session) -> Outcome:
    settings = workspace.get_settings(session, team_id=request.team_id, now=request.now)
    return Outcome(render_meetings.render_settings(settings))


def _change_setting(command: c.ChangeSetting, request: Request, session: Session) -> Outcome:
    settings = workspace.change_setting(
        session, team_id=request.team_id, actor=actor_for(session, request), name=command.name,
        value=command.value, now=request.now,
    )
    return Outcome(render_meetings.render_settings(settings, changed=True))


def _team_channel_note(command: c.Command, request: Request) -> str | None:
    """For a new team channel, make sure the bot can post there; what to say about it.

    The summary and digest fail with not_in_channel until the bot is a member. Asked
    before the transaction, like every Slack call (joining a channel whose setting is
    then refused does no harm).
    """
    if not (isinstance(command, c.ChangeSetting) and command.name == "team_channel_id"
            and isinstance(command.value, str)):
        return None
    return ensure_member(request.directory.client, command.value).note


def _summary(command: c.Summary, request: Request, session: Session) -> Outcome:
    """The pre-meeting status summary, on demand, for the next meeting."""
    meeting = meetings.next_meeting(session, team_id=request.team_id, now=request.now)
    if meeting is None:
        raise NotFound(NO_NEXT_MEETING)
    zone = request.deps.timezone
    holders = roles.role_holders(session, team_id=request.team_id)
    live = planner.live_actions(session, request.team_id, holders, zone, since=request.now)
    view = meeting_view(meeting)
    assert view is not None
    summary = planner.build_summary(view, live, request.now, zone)
    return Outcome(render_reminders.render_meeting_summary(summary, request.now, zone))


def _export(command: c.ExportLog, request: Request, session: Session) -> Outcome:
    """The action log as a file, for the secretariat's direct message.

    The records are read here; the file is built, with names from Slack, by the listener
    once the transaction has closed.
    """
    people.require_secretariat(session, team_id=request.team_id,
                               actor=actor_for(session, request),
                               doing="export the action log for the meeting papers")
    fmt = PaperFormat(command.format)
    records = read_log(session, team_id=request.team_id, scope=command.scope,
                       now=request.now, zone=request.deps.timezone, parts=PARTS[fmt])
    count = len(records.actions)
    title = f"Action log as at {request.now.astimezone(request.deps.timezone):%d/%m/%Y}"
    actions_words = f"{count} action{'' if count == 1 else 's'}" if count else "no actions"
    text = (f":page_facing_up: {title}: {records.scope.lower()}, {actions_words}. "
            "The file is in your direct messages with me.")
    comment = f"{title}: {records.scope.lower()}, {actions_words}."
    directory = request.directory
    return Outcome(Reply(text=text, blocks=[section(text)]),
                   upload=lambda: write(records.build(directory.names_for(records.people())),
                                        fmt),
                   upload_comment=comment)


def _more_time(command: RequestMoreTime, request: Request, session: Session) -> Outcome:
    action = actions.get_action(session, team_id=request.team_id, ref=command.ref)
    today = request.now.astimezone(request.deps.timezone).date()
    actions.request_more_time(
        session, team_id=request.team_id, actor=actor_for(session, request), action=action,
        new_date=command.new_date, reason=command.reason, now=request.now, today=today,
    )
    view = _view(session, request, action)
    message = MoreTimeRequest(view, request.user_id, command.new_date, command.reason)
    to_secretariat = render_reminders.render_more_time_request(
        message, request.now, request.deps.timezone
    )
    members = people.secretariat_user_ids(session, team_id=request.team_id)
    text = (
        f"Your request for more time on {view.ref_label} was sent to the secretariat. "
        "The due date stays as it is until they change it."
    )
    return Outcome(Reply(text=text, blocks=[section(text)]),
                   notify=[(m, to_secretariat) for m in members])


HANDLERS: dict[type, Callable[..., Outcome]] = {
    c.Help: _help,
    c.AddAction: _add,
    RecordFromForm: _add,
    c.UpdateAction: _update,
    c.StartAction: _status_change(ActionStatus.IN_PROGRESS, "marked in progress"),
    c.DoneAction: _status_change(
        ActionStatus.COMPLETE, "marked complete; it awaits closure by the secretariat"
    ),
    c.CloseAction: _status_change(ActionStatus.CLOSED, "closed"),
    c.DropAction: _status_change(ActionStatus.DROPPED, "dropped"),
    c.ReopenAction: _reopen,
    c.Several: _several,
    c.EndRecurrence: _end_recurrence,
    c.EditAction: _edit,
    c.ReviseDue: _revise_due,
    c.AssignAction: _assign,
    c.ShowAction: _show,
    c.ListActions: _list,
    c.SetNextMeeting: _set_meeting,
    c.MeetingList: _list_meetings,
    c.MoveMeeting: _move_meeting,
    c.CancelMeeting: _cancel_meeting,
    c.SetRole: _set_role,
    c.CreateRole: _create_role,
    c.MarkExternal: _mark_external,
    CreateRolesThenAdd: _create_roles_and_add,
    c.ListRoles: _list_roles,
    c.AddSecretariat: _add_secretariat,
    c.SetSecretariatGroup: _secretariat_group,
    c.ShowSettings: _show_settings,
    c.ChangeSetting: _change_setting,
    c.Summary: _summary,
    c.ExportLog: _export,
    RequestMoreTime: _more_time,
}
