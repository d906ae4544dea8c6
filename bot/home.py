"""Publishes Home tabs: when opened, and for everyone a change touches."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.coalesce import Coalescer
from bot.directory import SlackDirectory
from bot.outbox import collector
from bot.render.home import render_home
from storage.db import read_transaction
from storage.models import WorkspaceSettings
from storage.services import home
from storage.services.people import Actor

if TYPE_CHECKING:
    from bot.app import Deps

log = logging.getLogger("actionlog.home")


# Home tabs whose last published content is remembered (a digest each).
REMEMBERED_TABS = 10_000


class HomeRefresher:
    def __init__(self, client: WebClient, deps: Deps, directory: SlackDirectory) -> None:
        self._client = client
        self._deps = deps
        self._directory = directory
        self._waiting: Coalescer[tuple[str, str]] = Coalescer()
        self._lock = threading.Lock()
        self._published: OrderedDict[tuple[str, str], str] = OrderedDict()

    def publish(self, team_id: str, user_id: str, *, only_if_changed: bool = False) -> bool:
        """Render and publish one person's Home tab; with ``only_if_changed``, not when it
        is what was last published for them. True when it was published."""
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
        key = (team_id, user_id)
        # Built once: slack_sdk's to_dict() validates every block, and is most of the cost.
        view_dict = view.to_dict()
        digest = hashlib.sha256(
            json.dumps(view_dict, sort_keys=True).encode("utf-8", "surrogatepass")
        ).hexdigest()
        with self._lock:
            if only_if_changed and self._published.get(key) == digest:
                return False
        self._client.views_publish(user_id=user_id, view=view_dict)
        with self._lock:
            self._published[key] = digest
            self._published.move_to_end(key)
            while len(self._published) > REMEMBERED_TABS:
                self._published.popitem(last=False)
        return True

    def refresh(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Best effort: a Home tab that fails to refresh must not fail the change itself.

        A tab already waiting to be refreshed (for another change) is left to that
        refresh, and a tab whose content did not change is not published again. While a
        worker carries out a request, the refresh is kept for after its commit.
        """
        found = collector()
        if found is not None:
            found.home(team_id, user_ids)
            return
        claimed = self._waiting.claim((team_id, u) for u in sorted(set(user_ids)))
        try:
            while claimed:
                key = claimed.pop(0)
                self._waiting.start(key)
                self._refresh_one(*key)
        finally:
            for key in claimed:  # after a failure, none may be left waiting for ever
                self._waiting.start(key)

    def refresh_now(self, team_id: str, user_id: str) -> None:
        """Publish one tab now if its content changed; failures are logged, not raised."""
        self._refresh_one(team_id, user_id)

    def _refresh_one(self, team_id: str, user_id: str) -> None:
        try:
            self.publish(team_id, user_id, only_if_changed=True)
        except (SlackApiError, OSError, SQLAlchemyError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
            log.warning("home not refreshed", extra={"fields": {
                "user": user_id, "error": error}})
