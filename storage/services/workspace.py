"""A workspace's first use: its settings row, the usual roles, its first secretariat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.errors import InvalidChange
from storage.models import Role, SecretariatMember, WorkspaceSettings
from storage.services.people import (
    Actor,
    claim_first_secretariat,
    require_secretariat,
)
from storage.services.text import check_storable

# The roles the minutes use, created vacant so actions can name them from day one.
STANDARD_ROLES = ("PCC", "DPCC", "CEO", "CC", "DCC", "ACC", "CFO")


def get_settings(session: Session, *, team_id: str, now: datetime) -> WorkspaceSettings:
    """This workspace's settings, created with defaults (and standard roles) on first use."""
    settings = session.get(WorkspaceSettings, team_id)
    if settings is not None:
        return settings
    try:
        # A savepoint: two first requests racing on PostgreSQL must not fail either one.
        with session.begin_nested():
            return _create_settings(session, team_id=team_id, now=now)
    except IntegrityError:
        settings = session.get(WorkspaceSettings, team_id, populate_existing=True)
        assert settings is not None, "the other request created the settings"
        return settings


def _create_settings(session: Session, *, team_id: str, now: datetime) -> WorkspaceSettings:
    settings = WorkspaceSettings(
        team_id=team_id,
        reminder_lead_days="5,1",
        send_time="09:00",
        summary_lead_days=2,
        digest_weekday=0,
        reminders_enabled=True,
        summary_enabled=True,
        digest_enabled=True,
        digest_when_empty=False,
        summary_attach_log=False,
        next_meeting_kinds=None,
        own_date_lead_days="3",
        overdue_nudge=True,
        created_at=now,
        updated_at=now,
    )
    session.add(settings)
    session.add_all(
        Role(team_id=team_id, code=code, holder_user_id=None, since=now)
        for code in STANDARD_ROLES
    )
    session.flush()
    return settings


def team_ids(session: Session) -> list[str]:
    """Every workspace the database holds, in order."""
    return sorted(session.scalars(select(WorkspaceSettings.team_id)))


def is_set_up(session: Session, *, team_id: str) -> bool:
    """Settings exist and someone is secretariat: nothing is left to create on first use."""
    members = exists().where(SecretariatMember.team_id == team_id)
    row = session.execute(
        select(WorkspaceSettings.secretariat_usergroup_id, members)
        .where(WorkspaceSettings.team_id == team_id)
    ).first()
    if row is None:
        return False
    group, has_members = row
    return bool(group) or bool(has_members)


def welcome(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Set the workspace up if new; True when this user just became its secretariat."""
    return welcome_with_settings(session, team_id=team_id, user_id=user_id, now=now)[1]


def welcome_with_settings(
    session: Session, *, team_id: str, user_id: str, now: datetime
) -> tuple[WorkspaceSettings, bool]:
    """``welcome``, also giving the settings: whoever holds them for the transaction
    keeps them in the session, so later reads of the settings need no query."""
    # Once set up (every request but the first few), one query says so. It locks the
    # settings row, as claiming the first secretariat always did: on PostgreSQL that
    # runs a workspace's changes one after another, which the duplicate check and the
    # status rules rely on (two identical adds at once must not both find no duplicate).
    members = exists().where(SecretariatMember.team_id == team_id)
    row = session.execute(
        select(WorkspaceSettings, members).where(WorkspaceSettings.team_id == team_id)
        .with_for_update(of=WorkspaceSettings)
    ).first()
    if row is not None and (row[0].secretariat_usergroup_id or row[1]):
        return row[0], False
    settings = get_settings(session, team_id=team_id, now=now)
    return settings, claim_first_secretariat(session, team_id=team_id, user_id=user_id,
                                             now=now)


SETTING_LIMITS = {"reminder_lead_days": 20, "summary_lead_days": 20, "own_date_lead_days": 20}
CHANGEABLE = {
    "team_channel_id", "reminder_lead_days", "send_time", "summary_lead_days",
    "digest_weekday", "reminders_enabled", "summary_enabled", "digest_enabled",
    "digest_when_empty", "organisation_name", "summary_attach_log", "next_meeting_kinds",
    "own_date_lead_days", "overdue_nudge",
}


def change_setting(
    session: Session, *, team_id: str, actor: Actor, name: str, value: object, now: datetime
) -> WorkspaceSettings:
    """Change one setting; only the secretariat may."""
    require_secretariat(session, team_id=team_id, actor=actor, doing="change the settings")
    if name not in CHANGEABLE:
        raise InvalidChange(f"There is no setting called {name}.")
    if name in ("reminder_lead_days", "own_date_lead_days") and str(value):
        days = sorted({int(n) for n in str(value).split(",")}, reverse=True)
        if any(n > SETTING_LIMITS[name] for n in days):
            raise InvalidChange("Reminders can go at most 20 working days before.")
        value = ",".join(str(n) for n in days)
    if name == "reminder_lead_days" and not str(value):
        raise InvalidChange("Say how many working days before, like `settings reminders 5,1`.")
    if name == "next_meeting_kinds":
        value = str(value) or None
    if isinstance(value, str):
        check_storable(value, what="The setting")
    settings = get_settings(session, team_id=team_id, now=now)
    setattr(settings, name, value)
    settings.updated_at = now
    session.flush()
    return settings
