"""Publishes Home tabs: when opened, and for everyone a change touches."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.directory import SlackDirectory
from bot.render.home import render_home
from storage.db import read_transaction
from storage.models import WorkspaceSettings
from storage.services import home
from storage.services.people import Actor

if TYPE_CHECKING:
    from bot.app import Deps

log = logging.getLogger("actionlog.home")


class HomeRefresher:
    def __init__(self, client: WebClient, deps: Deps, directory: SlackDirectory) -> None:
        self._client = client
        self._deps = deps
        self._directory = directory

    def publish(self, team_id: str, user_id: str) -> None:
        """Render and publish one person's Home tab."""
        deps = self._deps
        now = deps.clock.now()
        with read_transaction(deps.sessions) as session:
            settings = session.get(WorkspaceSettings, team_id)
            group = settings.secretariat_usergroup_id if settings else None
        # Slack is asked between transactions, never inside one.
        actor = Actor(user_id, self._directory.in_group(group, user_id))
        with read_transaction(deps.sessions) as session:
            data = home.home_data(
                session, team_id=team_id, actor=actor, now=now, zone=deps.timezone
            )
        view = render_home(
            mine=data.mine, next_meeting=data.next_meeting, team=data.team,
            now=now, zone=deps.timezone,
        )
        self._client.views_publish(user_id=user_id, view=view)

    def refresh(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Best effort: a Home tab that fails to refresh must not fail the change itself."""
        for user_id in sorted(set(user_ids)):
            try:
                self.publish(team_id, user_id)
            except (SlackApiError, OSError, SQLAlchemyError) as exc:
                error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
                log.warning("home not refreshed", extra={"fields": {
                    "user": user_id, "error": error}})
