"""Builds a workspace through the service functions, for reminder tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.standin.server import SlackStandIn
from storage.db import transaction
from storage.models import Action, ActionStatus, Meeting, MeetingKind
from storage.owners import OwnerRef, RoleOwner
from storage.services import actions, meetings, roles, workspace
from storage.services.due import ResolvedDue
from storage.services.people import Actor

TEAM = "T0001"
LONDON = ZoneInfo("Europe/London")
SEC = Actor("USEC")


class World:
    def __init__(self, sessions: sessionmaker[Session], now: datetime) -> None:
        self.sessions = sessions
        with transaction(sessions) as session:
            workspace.welcome(session, team_id=TEAM, user_id=SEC.user_id, now=now)
            workspace.change_setting(session, team_id=TEAM, actor=SEC, name="team_channel_id",
                                     value="C0TEAM", now=now)

    def role(self, code: str, user_id: str | None, now: datetime) -> None:
        with transaction(self.sessions) as session:
            roles.set_role_holder(session, team_id=TEAM, actor=SEC, code=code, user_id=user_id,
                                  now=now)

    def meeting(self, starts_at: datetime, now: datetime, title: str = "Covid-19") -> int:
        with transaction(self.sessions) as session:
            meeting, _ = meetings.set_next_meeting(
                session, team_id=TEAM, actor=SEC, starts_at=starts_at,
                kind=MeetingKind.THEMATIC, title=title, venue=None, now=now, zone=LONDON,
            )
            return meeting.id

    def action(self, text: str, now: datetime, *, owners: list[OwnerRef] | None = None,
               on: date | None = None, meeting_id: int | None = None) -> int:
        with transaction(self.sessions) as session:
            meeting = session.get(Meeting, meeting_id) if meeting_id else None
            action = actions.record_action(
                session, team_id=TEAM, actor=SEC, owners=owners or [RoleOwner("DCC")],
                text=text, due=ResolvedDue(on=on, meeting=meeting), agenda_item=None,
                source_meeting=None, now=now,
            )
            return action.ref

    def set_status(self, ref: int, to: ActionStatus, now: datetime) -> None:
        with transaction(self.sessions) as session:
            action = actions.get_action(session, team_id=TEAM, ref=ref)
            actions.change_status(session, team_id=TEAM, actor=SEC, action=action, to=to,
                                  note="done", now=now)

    def status(self, ref: int) -> str:
        with transaction(self.sessions) as session:
            return str(session.query(Action).filter_by(team_id=TEAM, ref=ref).one().status)


def team_channel(standin: SlackStandIn, channel_id: str = "C0TEAM") -> None:
    """Create the public team channel and invite the bot, as the secretariat would."""
    standin.add_channel(channel_id, "opcc-team", members=[SEC.user_id])
    standin.invite(channel_id)
