"""Anonymise a person who has left: `actionlog forget-user`.

The record of what was owned, and when, stays: the person's Slack id is replaced by a
placeholder everywhere it appears (owners, role terms, who recorded or closed what, the
history's actors and before/after values, and ``<@id>`` mentions in any text), or their
ownership passes to a role. Each affected action gets an ``anonymised`` event saying so.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Table, Text, cast, func, or_, select, update
from sqlalchemy.orm import Session

from storage.errors import InvalidChange, NotFound
from storage.models import (
    Action,
    ActionEvent,
    ActionOwner,
    Base,
    InboxRequest,
    OutboxMessage,
    Role,
    RoleAssignment,
    SecretariatMember,
    WorkspaceSettings,
)
from storage.services import inbox, outbox, roles

SYSTEM_ACTOR = "system"
PLACEHOLDER_PREFIX = "UFORGOTTEN-"
ANONYMISED = "anonymised"
# Slack user ids: U... or, on Enterprise Grid, W...; nothing shorter could be told apart.
_USER_ID_RE = re.compile(r"[UW][A-Z0-9]{2,20}")


@dataclass
class ForgetReport:
    """What forgetting one person changed in one workspace."""

    team_id: str
    placeholder: str
    refs: list[int] = field(default_factory=list)  # actions given an `anonymised` event
    ownerships: int = 0  # owner rows moved to the placeholder or the role
    owner_role: str | None = None
    roles_vacated: list[str] = field(default_factory=list)
    secretariat_removed: bool = False
    values: Counter[str] = field(default_factory=Counter)  # "table.column" -> rewritten

    @property
    def changed(self) -> bool:
        return bool(
            self.refs
            or self.ownerships
            or self.roles_vacated
            or self.secretariat_removed
            or self.values
        )


def placeholder_for(user_id: str) -> str:
    """The stand-in id for a forgotten person: the same every time, so reruns agree.

    This is pseudonymisation, not anonymisation: anyone holding a list of the workspace's
    user ids could hash each and find the match. It only keeps two forgotten people apart
    in the record; the id itself is never stored or shown.
    """
    digest = hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:10].upper()
    return f"{PLACEHOLDER_PREFIX}{digest}"


def check_user_id(user_id: str) -> str:
    """The id, if it is shaped like a Slack user id; a looser one could match ordinary text."""
    user_id = user_id.strip()
    # The placeholders' own prefix is refused so that forgetting never rewrites them.
    if not _USER_ID_RE.fullmatch(user_id) or PLACEHOLDER_PREFIX.startswith(user_id + "-"):
        raise InvalidChange(
            f"{user_id!r} is not a Slack user id; they look like U012AB3CD (in Slack: the "
            "person's profile, ⋮, Copy member ID)."
        )
    return user_id


def teams(session: Session) -> list[str]:
    """Every workspace with anything recorded."""
    found: set[str] = set()
    for table in _tables():
        found.update(session.scalars(select(table.c.team_id).distinct()))
    return sorted(found)


def occurrences(session: Session, *, team_id: str, user_id: str) -> Counter[str]:
    """Where the id still appears in the workspace's records, as "table.column" counts."""
    pattern = _id_pattern(user_id)
    found: Counter[str] = Counter()
    for table, row in _candidate_rows(session, team_id, user_id):
        for column in _text_columns(table):
            if _contains(row[column.name], pattern):
                found[f"{table.name}.{column.name}"] += 1
    return found


def forget_user(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    actor: str,
    now: datetime,
    placeholder: str | None = None,
    role: str | None = None,
) -> ForgetReport:
    """Replace a person's id by a placeholder (their ownerships by ``role`` if given)."""
    user_id = check_user_id(user_id)
    placeholder = placeholder or placeholder_for(user_id)
    report = ForgetReport(team_id=team_id, placeholder=placeholder)
    session.flush()
    if role is not None:
        report.owner_role = _known_role(session, team_id=team_id, code=role)
    touched: set[int] = set()
    report.secretariat_removed = _leave_secretariat(session, team_id=team_id, user_id=user_id)
    report.roles_vacated = _vacate_roles(
        session, team_id=team_id, user_id=user_id, actor=actor, now=now
    )
    if report.owner_role is not None:
        report.ownerships = _owners_to_role(
            session, team_id=team_id, user_id=user_id, code=report.owner_role, touched=touched
        )
    else:
        report.ownerships = (
            session.scalar(
                select(func.count())
                .select_from(ActionOwner)
                .where(ActionOwner.team_id == team_id, ActionOwner.user_id == user_id)
            )
            or 0
        )
    session.flush()
    _drop_finished_requests(session, team_id=team_id, user_id=user_id)
    report.values = _rewrite_everywhere(
        session, team_id=team_id, user_id=user_id, placeholder=placeholder, touched=touched
    )
    # The rows rewritten above were changed behind the ORM's back.
    session.expire_all()
    for action_id, ref in sorted(_refs(session, team_id, touched).items(), key=lambda x: x[1]):
        session.add(
            ActionEvent(
                team_id=team_id,
                action_id=action_id,
                kind=ANONYMISED,
                actor=actor,
                at=now,
                before=None,
                after=_event_after(session, action_id, placeholder, report),
                note=_event_note(placeholder, report.owner_role),
            )
        )
        report.refs.append(ref)
    session.flush()
    return report


# -- the special cases ------------------------------------------------------------------


def _known_role(session: Session, *, team_id: str, code: str) -> str:
    found = roles.get_role(session, team_id=team_id, code=code)
    if found is None:
        known = ", ".join(r.code for r in roles.list_roles(session, team_id=team_id))
        raise NotFound(
            f"There is no role {roles.normalise_code(code)}. Known roles: {known or 'none yet'}."
        )
    return found.code


def _leave_secretariat(session: Session, *, team_id: str, user_id: str) -> bool:
    """Take them out of the secretariat, but never leave a workspace without one.

    With nobody in the secretariat, the next person to use the bot would become it.
    """
    member = session.scalar(
        select(SecretariatMember).where(
            SecretariatMember.team_id == team_id, SecretariatMember.user_id == user_id
        )
    )
    if member is None:
        return False
    others = (
        session.scalar(
            select(func.count())
            .select_from(SecretariatMember)
            .where(SecretariatMember.team_id == team_id, SecretariatMember.user_id != user_id)
        )
        or 0
    )
    settings = session.get(WorkspaceSettings, team_id)
    if not others and not (settings and settings.secretariat_usergroup_id):
        raise InvalidChange(
            "They are the only member of the secretariat, and with nobody in it the next "
            "person to use Action Log would become it. Add someone first with "
            "`/actions secretariat add @person`, then run this again."
        )
    session.delete(member)
    return True


def _vacate_roles(
    session: Session, *, team_id: str, user_id: str, actor: str, now: datetime
) -> list[str]:
    """Roles they still hold become vacant; their term ends now, as when anyone leaves."""
    held = list(
        session.scalars(
            select(Role)
            .where(Role.team_id == team_id, Role.holder_user_id == user_id)
            .order_by(Role.code)
        )
    )
    for role in held:
        role.holder_user_id, role.since = None, now
        for term in session.scalars(
            select(RoleAssignment).where(
                RoleAssignment.team_id == team_id,
                RoleAssignment.role_code == role.code,
                RoleAssignment.ended_at.is_(None),
            )
        ):
            term.ended_at = now
        session.add(
            RoleAssignment(
                team_id=team_id,
                role_code=role.code,
                user_id=None,
                started_at=now,
                assigned_by=actor,
            )
        )
    return [r.code for r in held]


def _owners_to_role(
    session: Session, *, team_id: str, user_id: str, code: str, touched: set[int]
) -> int:
    rows = list(
        session.scalars(
            select(ActionOwner).where(
                ActionOwner.team_id == team_id, ActionOwner.user_id == user_id
            )
        )
    )
    for row in rows:
        touched.add(row.action_id)
        already = session.scalar(
            select(ActionOwner.id).where(
                ActionOwner.action_id == row.action_id, ActionOwner.role_code == code
            )
        )
        if already is not None:
            session.delete(row)  # the role owns it already; one entry is enough
        else:
            row.user_id, row.role_code = None, code
    return len(rows)


# -- the id, everywhere -----------------------------------------------------------------


def _tables() -> list[Table]:
    """The record's tables. The inbox and outbox are not rewritten: what they hold of a
    person once done is deleted instead (``_drop_finished_requests``)."""
    bookkeeping = {InboxRequest.__table__, OutboxMessage.__table__}
    return [t for t in Base.metadata.sorted_tables
            if "team_id" in t.c and t not in bookkeeping]


def _drop_finished_requests(session: Session, *, team_id: str, user_id: str) -> None:
    """Requests and messages done with that came from or name the person. The worker
    deletes them within hours anyway; forgetting someone should not wait for that. (On
    SQLite the inbox is a file of its own: the command line clears it there.)"""
    if session.get_bind().dialect.name != "sqlite":
        inbox.forget_user(session, team_id=team_id, user_id=user_id)
    outbox.forget_user(session, team_id=team_id, user_id=user_id)


def _text_columns(table: Table) -> list[Any]:
    return [
        c
        for c in table.c
        if c.name != "team_id" and not c.primary_key and isinstance(c.type, String | Text | JSON)
    ]


def _candidate_rows(session: Session, team_id: str, user_id: str) -> list[tuple[Table, Any]]:
    """Rows whose text or JSON mentions the id somewhere; the regex then decides."""
    found = []
    for table in _tables():
        columns = _text_columns(table)
        if not columns:
            continue
        likes = [
            (cast(c, Text) if isinstance(c.type, JSON) else c).contains(user_id, autoescape=True)
            for c in columns
        ]
        query = select(table).where(table.c.team_id == team_id, or_(*likes))
        found.extend((table, row._mapping) for row in session.execute(query))
    return found


def _rewrite_everywhere(
    session: Session, *, team_id: str, user_id: str, placeholder: str, touched: set[int]
) -> Counter[str]:
    """Rewrite every value that names the id, with Core UPDATEs.

    ``action_events`` is append-only: an ORM guard refuses updates, and rightly. Data
    protection law is the one sanctioned exception: a person who has left may have their
    identity removed from the history, and a Core UPDATE bypasses that ORM guard on
    purpose. Only the id is replaced; what happened, and when, is untouched, and the
    rewrite is itself recorded as an ``anonymised`` event.
    """
    pattern = _id_pattern(user_id)
    rewritten: Counter[str] = Counter()
    for table, row in _candidate_rows(session, team_id, user_id):
        changes = {}
        for column in _text_columns(table):
            value = row[column.name]
            new = _scrub(value, pattern, placeholder)
            if new != value:
                changes[column.name] = new
                rewritten[f"{table.name}.{column.name}"] += 1
        if not changes:
            continue
        keys = [c == row[c.name] for c in table.primary_key.columns]
        session.execute(update(table).where(*keys).values(**changes))
        if table.name == "actions":
            touched.add(row["id"])
        elif "action_id" in table.c:
            touched.add(row["action_id"])
    return rewritten


def _id_pattern(user_id: str) -> re.Pattern[str]:
    # A mention with its display name (<@U123|dana>) loses the name too.
    escaped = re.escape(user_id)
    return re.compile(rf"<@{escaped}(?:\|[^<>]*)?>|(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])")


def _scrub(value: Any, pattern: re.Pattern[str], placeholder: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(
            lambda m: f"<@{placeholder}>" if m[0].startswith("<@") else placeholder, value
        )
    if isinstance(value, list):
        return [_scrub(v, pattern, placeholder) for v in value]
    if isinstance(value, dict):
        return {
            _scrub(k, pattern, placeholder): _scrub(v, pattern, placeholder)
            for k, v in value.items()
        }
    return value


def _contains(value: Any, pattern: re.Pattern[str]) -> bool:
    if isinstance(value, str):
        return pattern.search(value) is not None
    if isinstance(value, list):
        return any(_contains(v, pattern) for v in value)
    if isinstance(value, dict):
        return any(_contains(k, pattern) or _contains(v, pattern) for k, v in value.items())
    return False


# -- the history entry ------------------------------------------------------------------


def _refs(session: Session, team_id: str, action_ids: set[int]) -> dict[int, int]:
    if not action_ids:
        return {}
    rows = session.execute(
        select(Action.id, Action.ref).where(Action.team_id == team_id, Action.id.in_(action_ids))
    )
    return {action_id: ref for action_id, ref in rows}


def _event_after(
    session: Session, action_id: int, placeholder: str, report: ForgetReport
) -> dict[str, Any]:
    owners = session.scalars(
        select(ActionOwner).where(ActionOwner.action_id == action_id).order_by(ActionOwner.position)
    )
    return {
        "owners": [o.role_code or f"<@{o.user_id}>" for o in owners],
        "placeholder": placeholder,
        "owner_role": report.owner_role,
    }


def _event_note(placeholder: str, role: str | None) -> str:
    note = (
        f"A person who has left was anonymised (data protection): their Slack id is "
        f"replaced by {placeholder} in this action and its history."
    )
    if role:
        note += f" What they owned passed to the role {role}."
    return note
