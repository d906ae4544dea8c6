"""B2: plan a reminder round over a large workspace: time, peak memory, SQL statements."""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import LONDON, TEAM, Loaded, Shape, load
from benchmarks.profiling import Profile
from benchmarks.report import Row, Section
from benchmarks.sqlcount import counting
from reminders.planner import LIVE, Planned, plan_round
from storage.db import make_engine, make_session_factory, read_transaction
from storage.models import Action, ActionOwner

TIME_BUDGET_S = 1.0
MEMORY_BUDGET_MB = 200.0


def run(sizes: Sizes, backends: list[str], workdir: Path, postgres_url: str,
        anchor: datetime, profile: Profile) -> Section:
    """Plan at the next meeting's five-day reminder slot, on each backend."""
    section = Section("B2 planning")
    for backend in backends:
        with migrated_database(backend, workdir, postgres_url) as url:
            engine = make_engine(url)
            try:
                started = time.perf_counter()
                loaded = load(engine, Shape(sizes.b2_actions, sizes.b2_owners,
                                            sizes.b2_meetings, anchor))
                load_s = time.perf_counter() - started
                _measure(section, backend, engine, loaded, sizes, profile)
                section.notes.append(f"{backend}: preloading {sizes.b2_actions:,} actions took "
                                     f"{load_s:.1f} s (not measured)")
            finally:
                engine.dispose()
    return section


def _measure(section: Section, backend: str, engine: Engine, loaded: Loaded, sizes: Sizes,
             profile: Profile) -> None:
    sessions = make_session_factory(engine)
    at = loaded.reminder_slot()

    def plan() -> list[Planned]:
        with read_transaction(sessions) as session:
            return plan_round(session, team_id=TEAM, at=at, zone=LONDON)

    with counting(engine) as counter:  # also warms caches, as a running bot has them warm
        plan()
    statements = counter.count
    times = []
    for _ in range(max(1, sizes.b2_repeats)):
        started = time.perf_counter()
        planned = plan()
        times.append(time.perf_counter() - started)
    peak_mb = _peak_mb(plan)
    floor_s = min(_timed(lambda: _raw_fetch(sessions, at)) for _ in range(2))
    if profile.enabled:
        with profile.section(f"b2-{backend}"):
            plan()
    kinds = {k: sum(1 for p in planned if p.kind == k) for k in sorted({p.kind for p in planned})}
    best = min(times)
    section.rows += [
        Row("B2", backend, f"plan round, {sizes.b2_actions:,} actions (s, best of "
            f"{len(times)})", best, TIME_BUDGET_S, "target", "s", limit=1.0, decimals=2),
        Row("B2", backend, "plan round vs raw fetch of its rows (s)", best, floor_s,
            "Core fetch", "s", decimals=2),
        Row("B2", backend, "plan round peak memory (MB, tracemalloc)", peak_mb,
            MEMORY_BUDGET_MB, "target", "MB", limit=1.0, decimals=0),
    ]
    section.notes.append(
        f"{backend}: planned {len(planned):,} messages {kinds} for {sizes.b2_owners:,} owners "
        f"and {sizes.b2_meetings:,} meetings in {statements} SQL statements (constant: "
        f"it does not depend on owners or actions)"
    )
    section.notes.append(f"{backend}: the raw fetch reads the same live actions and their "
                         f"owners as plain tuples with two Core queries, the floor any "
                         f"planner pays for the database")


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _peak_mb(work: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024 / 1024


def _raw_fetch(sessions: sessionmaker[Session], at: datetime) -> int:
    """The live rows the planner needs, as tuples: what the database alone costs."""
    live = or_(Action.status.in_(LIVE), Action.closed_at >= at - timedelta(days=8))
    with read_transaction(sessions) as session:
        actions = session.execute(
            select(Action.__table__).where(Action.team_id == TEAM, live)).all()
        owners = session.execute(
            select(ActionOwner.action_id, ActionOwner.user_id, ActionOwner.role_code)
            .join(Action, Action.id == ActionOwner.action_id)
            .where(Action.team_id == TEAM, live)).all()
    return len(actions) + len(owners)
