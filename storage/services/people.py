"""Who is acting, and what the secretariat may do that others may not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import PermissionDenied
from storage.models import SecretariatMember, WorkspaceSettings


@dataclass(frozen=True)
class Actor:
    """The person making a request, as Slack told us."""

    user_id: str
    in_secretariat_group: bool = False  # member of the configured Slack user group


def secretariat_user_ids(session: Session, *, team_id: str) -> list[str]:
    rows = session.scalars(
        select(SecretariatMember.user_id)
        .where(SecretariatMember.team_id == team_id)
        .order_by(SecretariatMember.id)
    )
    return list(rows)


def is_secretariat(session: Session, *, team_id: str, actor: Actor) -> bool:
    if actor.in_secretariat_group:
        return True
    found = session.scalar(
        select(SecretariatMember.id).where(
            SecretariatMember.team_id == team_id, SecretariatMember.user_id == actor.user_id
        )
    )
    return found is not None


def require_secretariat(session: Session, *, team_id: str, actor: Actor, doing: str) -> None:
    """Refuse unless the actor is secretariat, saying who can do it instead."""
    if is_secretariat(session, team_id=team_id, actor=actor):
        return
    members = secretariat_user_ids(session, team_id=team_id)
    who = ", ".join(f"<@{m}>" for m in members[:5]) or "the secretariat"
    raise PermissionDenied(f"Only the secretariat can {doing}. Ask {who}.")


def claim_first_secretariat(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Make the first person to use a fresh install the secretariat; True if it happened."""
    # Lock the settings row so two first requests cannot both become the first.
    settings = session.get(WorkspaceSettings, team_id, with_for_update=True)
    if settings is not None and settings.secretariat_usergroup_id:
        return False
    count = session.scalar(
        select(func.count()).select_from(SecretariatMember).where(
            SecretariatMember.team_id == team_id
        )
    )
    if count:
        return False
    session.add(SecretariatMember(team_id=team_id, user_id=user_id, added_by=user_id, added_at=now))
    session.flush()
    return True


def add_secretariat_member(
    session: Session, *, team_id: str, actor: Actor, user_id: str, now: datetime
) -> bool:
    """Add a user to the secretariat; False if they already were."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="change the secretariat")
    if user_id in secretariat_user_ids(session, team_id=team_id):
        return False
    session.add(
        SecretariatMember(team_id=team_id, user_id=user_id, added_by=actor.user_id, added_at=now)
    )
    session.flush()
    return True


def set_secretariat_group(
    session: Session, *, team_id: str, actor: Actor, group_id: str | None, now: datetime
) -> None:
    """Make a Slack user group's members secretariat too (None: no group)."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="change the secretariat")
    settings = session.get(WorkspaceSettings, team_id)
    assert settings is not None, "workspace settings are created on first use"
    settings.secretariat_usergroup_id = group_id
    settings.updated_at = now
    session.flush()
