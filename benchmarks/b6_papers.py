"""B6: export the action log for the meeting papers, in each format, over many actions."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import LONDON, TEAM, Shape, load
from benchmarks.profiling import Profile
from benchmarks.report import Row, Section
from bot.papers.formats import PARTS, PaperFormat, write
from bot.papers.gather import gather_log
from storage.db import make_engine, make_session_factory, read_transaction
from storage.models import Action, ActionEvent
from storage.services import papers

TARGET_SECONDS = 3.0
EVENTS_PER_ACTION = 3  # recorded, an update, a status change: the History sheet's rows


def run(sizes: Sizes, workdir: Path, postgres_url: str, profile: Profile) -> Section:
    """Load the actions with some history, then time reading and writing each format."""
    section = Section("B6 papers")
    with migrated_database("sqlite", workdir, postgres_url) as url:
        engine = make_engine(url)
        try:
            now = datetime.now(UTC)
            load(engine, Shape(sizes.b6_actions, max(50, sizes.b6_actions // 20),
                               max(10, sizes.b6_actions // 100), now))
            _add_history(engine, now)
            sessions = make_session_factory(engine)
            for fmt in PaperFormat:
                best, cpu, size, rows, history = float("inf"), float("inf"), 0, 0, 0
                for _ in range(sizes.b6_repeats):
                    started, used = time.perf_counter(), time.process_time()
                    with read_transaction(sessions) as session:
                        log = gather_log(session, team_id=TEAM, scope=papers.AllActions(),
                                         names=_name, now=now, zone=LONDON, parts=PARTS[fmt])
                    paper = write(log, fmt)
                    best = min(best, time.perf_counter() - started)
                    cpu = min(cpu, time.process_time() - used)
                    size, rows, history = len(paper.content), len(log.rows), len(log.history)
                if profile.enabled:
                    with profile.section(f"b6-{fmt.value}"), read_transaction(sessions) as s:
                        write(gather_log(s, team_id=TEAM, scope=papers.AllActions(),
                                         names=_name, now=now, zone=LONDON,
                                         parts=PARTS[fmt]), fmt)
                section.rows.append(Row("B6", "sqlite", f"export {rows:,} actions as "
                                        f"{fmt.value} (s)", best, TARGET_SECONDS, "target",
                                        "s", limit=1.0, decimals=2))
                # CPU time too: on a shared machine the wall clock includes others' work.
                section.notes.append(f"{fmt.value}: {size:,} bytes, {rows:,} rows and "
                                     f"{history:,} history entries, read from the database "
                                     f"and written; best of {sizes.b6_repeats}, "
                                     f"{cpu:.2f} s of CPU")
        finally:
            engine.dispose()
    return section


def _name(user_id: str) -> str:
    """Names as the directory would give them, without asking Slack ten thousand times."""
    return f"Person {user_id[-4:]}"


def _add_history(engine, now: datetime) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        ids = list(connection.execute(select(Action.id, Action.created_by)))
        rows = []
        for action_id, actor in ids:
            for step, kind in enumerate(("created", "update", "status")):
                rows.append({
                    "team_id": TEAM, "action_id": action_id, "kind": kind, "actor": actor,
                    "at": now - timedelta(days=30 - step),
                    "before": {"status": "not_started"} if kind == "status" else None,
                    "after": {"status": "in_progress"} if kind == "status" else None,
                    "note": "Progress noted at the meeting" if kind == "update" else None,
                })
        connection.execute(insert(ActionEvent), rows)
