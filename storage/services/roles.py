"""The roles directory: which Slack user holds DCC, ACC, CC ... now, and who did before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Role, RoleAssignment
from storage.services.people import Actor, require_secretariat


def normalise_code(code: str) -> str:
    return code.strip().upper()


def get_role(session: Session, *, team_id: str, code: str) -> Role | None:
    return session.scalar(
        select(Role).where(Role.team_id == team_id, Role.code == normalise_code(code))
    )


def list_roles(session: Session, *, team_id: str) -> list[Role]:
    return list(session.scalars(select(Role).where(Role.team_id == team_id).order_by(Role.code)))


def role_holders(session: Session, *, team_id: str) -> dict[str, str | None]:
    """Every role code mapped to its current holder (None when vacant)."""
    rows = session.execute(
        select(Role.code, Role.holder_user_id).where(Role.team_id == team_id)
    )
    return {code: holder for code, holder in rows}


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
