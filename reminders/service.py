"""One round of reminders for every workspace: plan what is due, then deliver it once."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reminders.clock import Clock
from reminders.delivery import Deliverer, Messenger, RoundReport
from reminders.pacing import WORKSPACE_POSTS_PER_MINUTE, Pacer
from reminders.planner import Planned, plan_round
from storage.db import read_transaction
from storage.models import WorkspaceSettings

log = logging.getLogger("actionlog.reminders")


class ReminderService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        messenger: Messenger,
        clock: Clock,
        zone: ZoneInfo,
        instance_id: str,
        *,
        posts_per_minute: float = WORKSPACE_POSTS_PER_MINUTE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._zone = zone
        self._deliverer = Deliverer(sessions, messenger, clock, instance_id,
                                    pacer=Pacer(posts_per_minute))

    def plan(self, at: datetime | None = None) -> dict[str, list[Planned]]:
        """What is due at ``at`` (default now), per workspace; sends nothing."""
        at = at or self._clock.now()
        with read_transaction(self._sessions) as session:
            teams = session.scalars(select(WorkspaceSettings.team_id)).all()
            return {
                team: plan_round(session, team_id=team, at=at, zone=self._zone)
                for team in teams
            }

    def run_due(self, at: datetime | None = None) -> dict[str, RoundReport]:
        """Plan and deliver everything due at ``at``, as the scheduler does every minute."""
        started = time.perf_counter()
        at = at or self._clock.now()
        reports = {team: self._deliverer.deliver(team, planned)
                   for team, planned in self.plan(at).items()}
        log.info("job", extra={"fields": {
            "what": "reminder round", "at": at.isoformat(),
            "sent": sum(len(r.sent) for r in reports.values()),
            "failed": sum(len(r.failed) for r in reports.values()),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "outcome": "ok",
        }})
        return reports
