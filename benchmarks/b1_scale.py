"""B1, scale-out on PostgreSQL: the closed loop against web and worker processes apart.

Sixteen people (``--scale-people``) in the closed loop of ``benchmarks.closed_loop``,
against the bot started as a user would scale it: ``actionlog run --web-only`` with one
``actionlog worker``, then with two, then two web processes behind the round-robin proxy
of ``benchmarks.rrproxy``. Each layout gets a freshly loaded database. Two workers
should give at least 1.7 times the answers per second of one; behind the proxy, every
acknowledged command must be answered exactly once.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks import procs
from benchmarks.b1_loop import exactly_once, measure, preload
from benchmarks.closed_loop import LoopResult
from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import TEAM
from benchmarks.profiling import Profile, sampled
from benchmarks.remote_standin import RemoteStandIn
from benchmarks.report import Row, Section

TWO_WORKERS_LIMIT = 1.7


@dataclass(frozen=True)
class Layout:
    """How many web and worker processes serve the bot."""

    webs: int
    workers: int

    @property
    def name(self) -> str:
        webs = "1 web" if self.webs == 1 else f"{self.webs} webs behind round-robin"
        return f"{webs}, {self.workers} worker{'s' if self.workers > 1 else ''}"


ONE_WORKER, TWO_WORKERS, TWO_WEBS = Layout(1, 1), Layout(1, 2), Layout(2, 2)


def run(sizes: Sizes, backends: list[str], workdir: Path, postgres_url: str,
        profile: Profile) -> Section:
    """Each layout on PostgreSQL; on SQLite only (one worker there) it says why not."""
    section = Section("B1 scale-out")
    if "postgresql" not in backends:
        section.notes.append("not run: scale-out needs PostgreSQL (on SQLite one worker "
                             "runs)")
        return section
    if not splits_processes():
        section.notes.append("not run: this version of `actionlog run` has no --web-only")
        return section
    results: dict[Layout, LoopResult] = {}
    with RemoteStandIn(TEAM) as standin:
        for layout in (ONE_WORKER, TWO_WORKERS, TWO_WEBS):
            with migrated_database("postgresql", workdir, postgres_url) as url:
                loaded = preload(url, sizes.loop_actions, sizes)
                with serving(layout, url, standin, workdir, section) as (events_url, pids):
                    tag = f"scale-w{layout.webs}-k{layout.workers}"
                    with ExitStack() as sampling:
                        for name, pid in pids.items():
                            sampling.enter_context(sampled(profile, f"b1-{tag}-{name}", pid))
                        results[layout] = measure(events_url, standin, loaded, sizes,
                                                  sizes.scale_people, sizes.scale_seconds,
                                                  tag, {**pids, "stand-in": standin.pid})
    _rows(section, sizes, results)
    return section


def splits_processes() -> bool:
    """Whether ``actionlog run`` knows ``--web-only`` (the inbox and its workers)."""
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run", "--help"],
                          capture_output=True, text=True, cwd=procs.REPO_ROOT, timeout=60,
                          check=False)
    return "--web-only" in done.stdout


@contextmanager
def serving(layout: Layout, url: str, standin: RemoteStandIn, workdir: Path,
            section: Section) -> Iterator[tuple[str, dict[str, int]]]:
    """Start the layout's processes as a user would; yields where Slack would send to,
    and the process ids of the first web process and each worker (for profiles)."""
    with ExitStack() as stack:
        webs = [stack.enter_context(procs.serving(
            f"web{n}", procs.actionlog_argv(web_only=True),
            procs.server_env(procs.free_port(), standin.api_url, url), workdir))
            for n in range(layout.webs)]
        pids = {f"web{n}": web.process.pid for n, web in enumerate(webs)}
        for n in range(layout.workers):
            worker = stack.enter_context(procs.running(
                f"worker{n}-{layout.webs}w{layout.workers}", procs.worker_argv(),
                procs.server_env(procs.free_port(), standin.api_url, url), workdir))
            pids[f"worker{n}"] = worker.pid
        if layout.webs == 1:
            yield webs[0].events_url, pids
            return
        port = procs.free_port()
        # Registered first, so it runs after the proxy stopped and printed its counts.
        stack.callback(lambda: section.notes.append(
            f"postgresql {layout.name}: {_proxy_counts(workdir, port)}"))
        proxy = stack.enter_context(procs.serving(
            "rrproxy", procs.proxy_argv(port, [web.url for web in webs]),
            procs.server_env(port, standin.api_url, url), workdir))
        yield proxy.events_url, {**pids, "proxy": proxy.process.pid}


def _proxy_counts(workdir: Path, port: int) -> str:
    log = workdir / f"rrproxy-{port}.log"
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return next((line for line in reversed(lines) if "per backend" in line),
                "the proxy did not say how it shared the requests")


def _rows(section: Section, sizes: Sizes, results: dict[Layout, LoopResult]) -> None:
    people = f"{sizes.scale_people} people, {sizes.loop_actions:,} actions"
    one, two, webs = results[ONE_WORKER], results[TWO_WORKERS], results[TWO_WEBS]
    section.rows += [
        Row("B1", "postgresql", f"{people}: answers/s, 2 workers vs 1", two.answers_per_s,
            one.answers_per_s, "1 worker", "/s", limit=TWO_WORKERS_LIMIT,
            higher_is_better=True),
        Row("B1", "postgresql", f"{people}: answer p99 (ms), 2 workers vs 1",
            two.answer_ms(99), one.answer_ms(99), "1 worker", "ms"),
        Row("B1", "postgresql", f"{people}: answers/s, 2 webs behind round-robin vs 1 web",
            webs.answers_per_s, two.answers_per_s, "1 web, 2 workers", "/s"),
    ]
    for layout, result in results.items():
        section.rows += exactly_once("postgresql", f"{people}, {layout.name}", result)
        section.notes.append(
            f"postgresql {layout.name}: {result.summary()}; ack p50 {result.ack_ms(50):,.1f} "
            f"ms, p99 {result.ack_ms(99):,.1f} ms; answer p50 {result.answer_ms(50):,.1f} ms, "
            f"p99 {result.answer_ms(99):,.1f} ms; {result.answers_per_s:,.1f} answers/s; "
            f"{result.cpu}")
