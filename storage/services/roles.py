"""The roles directory: which Slack user holds DCC, ACC, CC ... now, and who did before."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import InvalidChange, NotFound
from storage.models import Role, RoleAssignment
from storage.services.people import Actor, require_secretariat
from storage.services.text import check_storable
from storage.views import RoleHolders, RoleInfo


def normalise_code(code: str) -> str:
    return code.strip().upper()


def get_role(session: Session, *, team_id: str, code: str) -> Role | None:
    return session.scalar(
        select(Role).where(Role.team_id == team_id, Role.code == normalise_code(code))
    )


def list_roles(session: Session, *, team_id: str) -> list[Role]:
    return list(session.scalars(select(Role).where(Role.team_id == team_id).order_by(Role.code)))


def role_holders(session: Session, *, team_id: str) -> RoleHolders:
    """Every role code mapped to its current holder (None when vacant), with titles."""
    rows = session.execute(
        select(Role.code, Role.holder_user_id, Role.title, Role.external, Role.contact)
        .where(Role.team_id == team_id)
    ).all()
    holders = {code: holder for code, holder, *_ in rows}
    info = {
        code: RoleInfo(title, external, contact)
        for code, _, title, external, contact in rows
        if title or external or contact
    }
    return RoleHolders(holders, info)


def set_role_holder(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    code: str,
    user_id: str | None,
    now: datetime,
) -> tuple[Role, str | None]:
    """Say who holds a role now (None: vacant); returns the role and the previous holder."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="set who holds a role")
    code = normalise_code(code)
    role = get_role(session, team_id=team_id, code=code)
    previous = role.holder_user_id if role else None
    if role is None:
        role = Role(team_id=team_id, code=code, holder_user_id=user_id, since=now)
        session.add(role)
    elif previous == user_id:
        return role, previous
    else:
        role.holder_user_id = user_id
        role.since = now
    open_term = session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.team_id == team_id,
            RoleAssignment.role_code == code,
            RoleAssignment.ended_at.is_(None),
        )
    )
    if open_term is not None:
        open_term.ended_at = now
    session.add(
        RoleAssignment(
            team_id=team_id, role_code=code, user_id=user_id, started_at=now,
            assigned_by=actor.user_id,
        )
    )
    session.flush()
    return role, previous


def holder_at(session: Session, *, team_id: str, code: str, when: datetime) -> str | None:
    """Who held the role at a given moment, from the history."""
    term = session.scalar(
        select(RoleAssignment)
        .where(
            RoleAssignment.team_id == team_id,
            RoleAssignment.role_code == normalise_code(code),
            RoleAssignment.started_at <= when,
        )
        .order_by(RoleAssignment.started_at.desc(), RoleAssignment.id.desc())
        .limit(1)
    )
    if term is None or (term.ended_at is not None and term.ended_at <= when):
        return None
    return term.user_id


def create_role(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    title: str,
    code: str | None,
    external: bool,
    contact: str | None,
    is_person: bool,
    now: datetime,
) -> Role:
    """A role from the minutes ("Director of Business Services"), vacant until given a holder.

    Without a code one is made from the title's initials, kept unique in the workspace.
    """
    require_secretariat(session, team_id=team_id, actor=actor, doing="create roles")
    title = " ".join(title.split())
    check_storable(title, what="The role's title")
    if contact is not None:
        contact = " ".join(contact.split()) or None
        if contact is not None:
            check_storable(contact, what="The contact note")
            _check_length(contact, "The contact note", CONTACT_LIMIT)
    _check_length(title, "The role's title", TITLE_LIMIT)
    existing = list_roles(session, team_id=team_id)
    for role in existing:
        if (role.title or "").casefold() == title.casefold() or role.code.casefold() == (
            title.casefold()
        ):
            raise InvalidChange(f"There is already a role called {role.title or role.code}.")
    taken = {role.code for role in existing}
    if code is not None:
        code = normalise_code(code)
        if not _CODE_RE.fullmatch(code):
            raise InvalidChange(
                f"A short code is 2 to {CODE_LIMIT} letters or digits, like DBS; not {code[:20]}."
            )
        if code in taken:
            raise InvalidChange(f"The code {code} is already used; choose another.")
    else:
        code = _code_for(title, taken)
    role = Role(team_id=team_id, code=code, holder_user_id=None, since=now, title=title,
                external=external, contact=contact, is_person=is_person)
    session.add(role)
    session.flush()
    return role


def set_external(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    code: str,
    external: bool,
    contact: str | None,
    now: datetime,
) -> Role:
    """Mark a role as outside Slack (chased by the secretariat) or back inside it."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="change roles")
    role = get_role(session, team_id=team_id, code=code)
    if role is None:
        raise NotFound(f"There is no role {code}. See `/actions roles`.")
    if contact is not None:
        contact = " ".join(contact.split()) or None
    if contact is not None:
        check_storable(contact, what="The contact note")
        _check_length(contact, "The contact note", CONTACT_LIMIT)
    role.external = external
    if contact is not None or not external:
        role.contact = contact
    session.flush()
    return role


TITLE_LIMIT = 200  # the roles.title column
CONTACT_LIMIT = 300  # the roles.contact column
CODE_LIMIT = 12
_CODE_RE = re.compile(rf"[A-Z0-9&_]{{2,{CODE_LIMIT}}}")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "to", "in", "on", "at", "a", "an", "&"})


def _code_for(title: str, taken: set[str]) -> str:
    """A short code from a title's initials ("Director of Business Services" -> "DBS")."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", title) if w.lower() not in _SMALL_WORDS]
    base = "".join(w[0] for w in words).upper() if len(words) > 1 else "".join(words).upper()
    if len(base) < 2:
        base = "".join(re.findall(r"[A-Za-z0-9]", title)).upper()[:CODE_LIMIT]
    base = (base or "ROLE")[:CODE_LIMIT - 2]
    if len(base) < 2:
        base = f"{base}X"
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}{number}"
    return code


def _check_length(text: str, what: str, limit: int) -> None:
    if not text:
        raise InvalidChange(f"{what} is empty.")
    if len(text) > limit:
        raise InvalidChange(f"{what} is {len(text)} characters; keep it to {limit}.")
