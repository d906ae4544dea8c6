"""B5: ``actionlog run``'s time to ready and idle resident memory, beside the bare Bolt app."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from benchmarks import procs
from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import TEAM
from benchmarks.report import Row, Section
from bot.standin.server import SlackStandIn


def run(sizes: Sizes, workdir: Path, postgres_url: str) -> Section:
    """Start each server a few times on an empty migrated SQLite database; take medians."""
    section = Section("B5 footprint")
    with migrated_database("sqlite", workdir, postgres_url) as url, \
            SlackStandIn(team_id=TEAM) as standin:
        figures: dict[str, tuple[list[float], list[float]]] = {}
        for name, argv in (("bare", procs.bare_argv()), ("actionlog", procs.actionlog_argv())):
            ready, rss = [], []
            for _ in range(max(1, sizes.b5_starts)):
                env = procs.server_env(procs.free_port(), standin.api_url, url)
                with procs.serving(name, argv, env, workdir) as server:
                    time.sleep(sizes.b5_idle_seconds)
                    ready.append(server.ready_s)
                    rss.append(server.rss_mib())
            figures[name] = (ready, rss)
    ours, bare = figures["actionlog"], figures["bare"]
    section.rows += [
        Row("B5", "sqlite", "time to ready: start to first 200 on /healthz (s)",
            statistics.median(ours[0]), statistics.median(bare[0]), "bare Bolt", "s",
            decimals=2),
        Row("B5", "sqlite", f"idle resident memory after {sizes.b5_idle_seconds:g} s (MiB)",
            statistics.median(ours[1]), statistics.median(bare[1]), "bare Bolt", "MiB"),
    ]
    section.notes.append(
        f"median of {sizes.b5_starts} starts each, on an empty migrated database; actionlog also "
        f"checks the schema, calls auth.test and starts the scheduler, whose first round "
        f"runs at once; VmRSS of each server's process group from /proc (actionlog run: "
        f"its web part and the worker process it starts)"
    )
    return section
