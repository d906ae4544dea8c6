"""The Word action log that goes with the pre-meeting summary, when the secretariat asks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.papers.formats import PARTS, Paper, PaperFormat, write
from bot.papers.gather import read_log
from reminders.clock import Clock
from storage.db import read_transaction
from storage.models import WorkspaceSettings
from storage.services import papers


class SummaryAttachment:
    """Builds the open actions' Word log for a workspace whose setting says to attach it."""

    def __init__(self, sessions: sessionmaker[Session],
                 names: Callable[[Iterable[str]], Callable[[str], str]], clock: Clock,
                 zone: ZoneInfo) -> None:
        """``names`` gives a name lookup ready for the people it is given."""
        self._sessions, self._names, self._clock, self._zone = sessions, names, clock, zone

    def __call__(self, team_id: str) -> Paper | None:
        """The file to attach, or None when the setting is off (the default)."""
        with read_transaction(self._sessions) as session:
            settings = session.get(WorkspaceSettings, team_id)
            if settings is None or not settings.summary_attach_log:
                return None
            records = read_log(session, team_id=team_id, scope=papers.OpenActions(),
                               now=self._clock.now(), zone=self._zone,
                               parts=PARTS[PaperFormat.DOCX])
        # Names are asked of Slack only once the transaction is closed.
        return write(records.build(self._names(records.people())), PaperFormat.DOCX)
