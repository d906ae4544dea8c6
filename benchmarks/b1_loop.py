"""B1, closed loop: people who wait for the answer before their next command.

Four people (``--loop-people``) each send ``/actions add`` and ``list mine`` in turn to
``actionlog run`` over HTTP, and wait until the answer reached the command's response_url
before sending the next. The reference is the bare Bolt app of ``benchmarks.bare_app``
in its answering variant (ack, then a short ephemeral post to the response_url), on the
same HTTP stack, database server and stand-in, measured in the same run. While one app
is measured the other's process group is paused (SIGSTOP), so neither steals CPU.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from benchmarks import procs
from benchmarks.closed_loop import LoopResult, run_closed_loop, traffic
from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import TEAM, Loaded, Shape, load
from benchmarks.profiling import Profile, sampled
from benchmarks.remote_standin import RemoteStandIn
from benchmarks.report import Row, Section
from storage.db import make_engine

ACK_P99_LIMIT = 1.3
ANSWER_P99_LIMIT = 5.0
ANSWERS_LIMIT = 0.3


def run(sizes: Sizes, backends: list[str], workdir: Path, postgres_url: str,
        profile: Profile) -> Section:
    """The closed loop on each backend, the bot beside the bare answering app."""
    section = Section("B1 closed loop")
    for backend in backends:
        with migrated_database(backend, workdir, postgres_url) as url:
            loaded = preload(url, sizes.loop_actions, sizes)
            with RemoteStandIn(TEAM) as standin:
                bare_env = procs.server_env(procs.free_port(), standin.api_url, url)
                ours_env = procs.server_env(procs.free_port(), standin.api_url, url)
                with procs.serving("bare-answer", procs.bare_argv(answer=True), bare_env,
                                   workdir) as bare, \
                        procs.serving("actionlog", procs.actionlog_argv(), ours_env,
                                      workdir) as ours:
                    ours.pause()
                    theirs = measure(bare.events_url, standin, loaded, sizes,
                                     sizes.loop_people, sizes.loop_seconds, f"bare-{backend}",
                                     {"bare app": bare.process.pid,
                                      "stand-in": standin.pid})
                    ours.resume()
                    bare.pause()
                    with sampled(profile, f"b1-loop-{backend}", ours.process.pid):
                        mine = measure(ours.events_url, standin, loaded, sizes,
                                       sizes.loop_people, sizes.loop_seconds,
                                       f"ours-{backend}",
                                       {"actionlog run (web and worker)": ours.process.pid,
                                        "stand-in": standin.pid})
                    bare.resume()
        rows(section, backend, f"{sizes.loop_people} people, {sizes.loop_actions:,} actions",
             mine, theirs)
    return section


def preload(url: str, actions: int, sizes: Sizes) -> Loaded:
    """The B1 workspace with ``actions`` actions; quiet, so no reminders go out meanwhile."""
    engine = make_engine(url)
    try:
        return load(engine, Shape(actions, sizes.b1_owners, sizes.b1_meetings,
                                  datetime.now(UTC), quiet=True))
    finally:
        engine.dispose()


def measure(events_url: str, standin: RemoteStandIn, loaded: Loaded, sizes: Sizes,
            people: int, seconds: float, tag: str,
            cpu_groups: dict[str, int] | None = None) -> LoopResult:
    """A short warm-up loop (not counted), then the measured one (its CPU use by
    ``cpu_groups`` measured too)."""
    make = traffic(loaded)

    def loop(tag: str, seconds: float, drain_seconds: float,
             groups: dict[str, int] | None) -> LoopResult:
        return run_closed_loop(
            events_url, procs.SIGNING_SECRET, TEAM, standin.answers, standin.response_url,
            make, tag=tag, people=people, seconds=seconds,
            answer_timeout=sizes.loop_answer_wait, drain_seconds=drain_seconds,
            cpu_groups=groups)

    loop(f"warm-{tag}", sizes.loop_warmup_seconds, sizes.loop_drain_seconds / 2, None)
    return loop(tag, seconds, sizes.loop_drain_seconds, cpu_groups)


def rows(section: Section, backend: str, label: str, ours: LoopResult,
         bare: LoopResult) -> None:
    """The issue's three ratios, the medians beside them, and answers lost or doubled."""
    ref = "bare Bolt, answering"
    section.rows += [
        Row("B1", backend, f"{label}: ack p50 (ms)", ours.ack_ms(50), bare.ack_ms(50), ref,
            "ms"),
        Row("B1", backend, f"{label}: ack p99 (ms)", ours.ack_ms(99), bare.ack_ms(99), ref,
            "ms", limit=ACK_P99_LIMIT),
        Row("B1", backend, f"{label}: answer p50 (ms)", ours.answer_ms(50),
            bare.answer_ms(50), ref, "ms"),
        Row("B1", backend, f"{label}: answer p99 (ms)", ours.answer_ms(99),
            bare.answer_ms(99), ref, "ms", limit=ANSWER_P99_LIMIT),
        Row("B1", backend, f"{label}: answers/s", ours.answers_per_s, bare.answers_per_s,
            ref, "/s", limit=ANSWERS_LIMIT, higher_is_better=True),
        *exactly_once(backend, label, ours),
    ]
    section.notes += [
        f"{backend} {label}, ours: {ours.summary()}; answers began {_texts(ours)}; "
        f"{ours.cpu}",
        f"{backend} {label}, bare: {bare.summary()}; {bare.cpu}",
    ]


def exactly_once(backend: str, label: str, result: LoopResult) -> list[Row]:
    """Acknowledged commands never answered, and answers beyond the first: both must be 0."""
    return [
        Row("B1", backend, f"{label}: acknowledged, never answered", float(result.lost), None,
            "must be 0", decimals=0, must_equal=0),
        Row("B1", backend, f"{label}: answered more than once", float(result.duplicated),
            None, "must be 0", decimals=0, must_equal=0),
        Row("B1", backend, f"{label}: acks failed", float(result.ack_errors), None,
            "must be 0", decimals=0, must_equal=0),
    ]


def _texts(result: LoopResult) -> str:
    return ", ".join(f"'{text}…'×{n}" for text, n in result.texts.most_common(4)) or "–"
