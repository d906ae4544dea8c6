"""B1: acknowledgement latency of signed slash commands to ``actionlog run`` over HTTP.

The reference is the bare Bolt app of ``benchmarks.bare_app`` on the same HTTP stack,
measured in the same run with the same load. While one app is measured the other is
paused (SIGSTOP), so neither steals the other's CPU.
"""

from __future__ import annotations

import itertools
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from benchmarks import procs
from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import LONDON, SECRETARIAT, TEAM, TEAM_CHANNEL, Loaded, Shape, load
from benchmarks.load import LoadResult, RequestFactory, percentile, run_load
from benchmarks.profiling import Profile, sampled
from benchmarks.remote_standin import RemoteStandIn
from benchmarks.report import Row, Section
from benchmarks.sqlcount import counting
from bot.http import SlackWsgiApp, make_server, stop_server
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from reminders.clock import SystemClock
from storage.db import make_engine, make_session_factory

COMMANDS = ("list mine", "add")
# Home tabs each command refreshes: an add, the owning role's holder's and the secretariat's.
HOME_TABS = {"list mine": 0, "add": 2}
P99_LIMIT = 1.3
THROUGHPUT_LIMIT = 0.8


@dataclass
class Traffic:
    """What each request says: ``list mine`` from an owner, ``add`` from the secretariat."""

    loaded: Loaded
    response_url: Callable[[str], str]
    serial: Iterator[int]

    def factory(self, command: str, tag: str) -> RequestFactory:
        roles = list(self.loaded.roles)
        owner = self.loaded.owners[0]
        due = (datetime.now(UTC) + timedelta(days=180)).astimezone(LONDON).strftime("%d/%m/%Y")
        make_url = self.response_url
        tag = re.sub(r"[^A-Za-z0-9_-]", "_", tag)  # it becomes part of a URL path

        def make(n: int) -> tuple[str, str, str]:
            url = make_url(f"{tag}-{n}")
            if command == "list mine":
                return "list mine", owner, url
            unique = next(self.serial)
            return (f"add {roles[unique % len(roles)]} to follow up benchmark item {unique} "
                    f"by {due}", SECRETARIAT, url)

        return make


def run(sizes: Sizes, backends: list[str], workdir: Path, postgres_url: str,
        profile: Profile) -> Section:
    """B1 on each backend: statements per command, then the load at each concurrency."""
    section = Section("B1 acknowledgement")
    serial = itertools.count(1)
    for backend in backends:
        with migrated_database(backend, workdir, postgres_url) as url:
            loaded = _preload(url, sizes.b1_actions, sizes)
            _statements(section, backend, url, loaded, sizes, workdir, postgres_url)
            with RemoteStandIn(TEAM) as standin:
                traffic = Traffic(loaded, standin.response_url, serial)
                _latency(section, backend, url, standin, traffic, sizes, workdir, profile)
    return section


def _preload(url: str, actions: int, sizes: Sizes) -> Loaded:
    engine = make_engine(url)
    try:
        # quiet: the live server's scheduler must not send reminders during the load
        return load(engine, Shape(actions, sizes.b1_owners, sizes.b1_meetings,
                                  datetime.now(UTC), quiet=True))
    finally:
        engine.dispose()


# -- load: acknowledgement latency and throughput -------------------------------------------


def _latency(section: Section, backend: str, url: str, standin: RemoteStandIn,
             traffic: Traffic, sizes: Sizes, workdir: Path, profile: Profile) -> None:
    bare_env = procs.server_env(procs.free_port(), standin.api_url, url)
    ours_env = procs.server_env(procs.free_port(), standin.api_url, url)
    with procs.serving("bare", procs.bare_argv(), bare_env, workdir) as bare, \
            procs.serving("actionlog", procs.actionlog_argv(), ours_env, workdir) as ours:
        for concurrency in sizes.b1_concurrency:
            for command in COMMANDS:
                label = f"{command} c={concurrency}"
                ours.pause()
                theirs = _measure(bare, traffic.factory(command, f"bare-{backend}-{label}"),
                                  sizes, concurrency, None)
                ours.resume()
                bare.pause()
                name = f"b1-{backend}-{command.replace(' ', '-')}-c{concurrency}"
                with sampled(profile, name, ours.process.pid):
                    mine = _measure(ours, traffic.factory(command, f"ours-{backend}-{label}"),
                                    sizes, concurrency, standin)
                bare.resume()
                _rows(section, backend, label, mine, theirs)
                standin.reset()


def _measure(server: procs.Server, make: RequestFactory, sizes: Sizes, concurrency: int,
             standin: RemoteStandIn | None) -> LoadResult:
    """Warm up, let the work drain, then the measured run; waits for its replies too."""
    client = SignedSlackClient(server.events_url, procs.SIGNING_SECRET, team_id=TEAM)
    total = sizes.b1_requests
    warm = max(1, min(20, total // 10))
    run_load(client, lambda n: make(total + n), warm, concurrency, sizes.b1_max_seconds)
    if standin is not None:
        _drain(standin, warm, sizes.b1_drain_seconds / 2)
    result = run_load(client, make, total, concurrency, sizes.b1_max_seconds)
    if standin is not None:
        _replies(standin, result, sizes.b1_drain_seconds)
    return result


def _drain(standin: RemoteStandIn, expected: int, timeout_s: float) -> None:
    """Wait until the warm-up's replies arrived, so its work does not spill into the run."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(standin.calls("response_url")) >= expected:
            return
        time.sleep(0.1)


def _replies(standin: RemoteStandIn, result: LoadResult, timeout_s: float) -> None:
    """Wait for every reply on response_url: the work behind each ack, done in the background."""
    sent = {url.split("/response/", 1)[1]: at for url, at in result.sent_at.items()}
    deadline = time.monotonic() + timeout_s
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline:
        for _, path, received_at, _ in standin.calls("response_url"):
            key = path.split("/response/", 1)[-1]
            if key in sent:
                arrived[key] = received_at
        if len(arrived) >= len(sent):
            break
        time.sleep(0.2)
    result.reply_s = [arrived[k] - sent[k] for k in arrived]
    result.missing_replies = len(sent) - len(arrived)
    last_ack = max(sent.values(), default=0.0)
    result.drain_s = max(arrived.values(), default=last_ack) - last_ack


def _rows(section: Section, backend: str, label: str, ours: LoadResult,
          bare: LoadResult) -> None:
    section.rows += [
        Row("B1", backend, f"{label} p50 ack (ms)", ours.percentile_ms(50),
            bare.percentile_ms(50), "bare Bolt", "ms"),
        Row("B1", backend, f"{label} p99 ack (ms)", ours.percentile_ms(99),
            bare.percentile_ms(99), "bare Bolt", "ms", limit=P99_LIMIT),
        Row("B1", backend, f"{label} throughput (req/s)", ours.throughput, bare.throughput,
            "bare Bolt", "/s", limit=THROUGHPUT_LIMIT, higher_is_better=True),
        Row("B1", backend, f"{label} acks failed or later than Bolt's 3 s", float(ours.errors),
            float(bare.errors), "bare Bolt", decimals=0),
    ]
    replies = ours.reply_s
    early = " (stopped at the time bound)" if ours.stopped_early else ""
    section.notes.append(
        f"{backend} {label}: {len(ours.latencies_s):,} requests to ours{early}, "
        f"{len(bare.latencies_s):,} to bare; HTTP statuses ours {_statuses(ours)}, bare "
        f"{_statuses(bare)}; replies on response_url p50 "
        f"{percentile(replies, 50) * 1000:,.0f} ms, p99 {percentile(replies, 99) * 1000:,.0f} ms "
        f"after the request, the last {ours.drain_s:.1f} s after the last ack; "
        f"missing replies: {ours.missing_replies}"
    )


def _statuses(result: LoadResult) -> str:
    return ", ".join(f"{status or 'none'}×{n}" for status, n in sorted(result.statuses.items()))


# -- SQL statements per command, in process ------------------------------------------------


def _statements(section: Section, backend: str, url: str, loaded: Loaded, sizes: Sizes,
                workdir: Path, postgres_url: str) -> None:
    """Statements per command at the small size and at the full size: they must be equal."""
    large = _count_statements(url, loaded, sizes.b1_counted)
    with migrated_database(backend, workdir, postgres_url) as small_url:
        small_loaded = _preload(small_url, sizes.b1_small_actions, sizes)
        small = _count_statements(small_url, small_loaded, sizes.b1_counted)
    for command in COMMANDS:
        section.rows.append(Row(
            "B1", backend,
            f"SQL statements per `{command}` at {sizes.b1_actions:,} vs "
            f"{sizes.b1_small_actions:,} actions",
            large[command], small[command], f"{sizes.b1_small_actions:,} actions",
            limit=1.0, decimals=0,
        ))
    section.notes.append(
        f"{backend}: SQL statements per command count everything the command causes, the "
        f"reply and the Home tabs it refreshes included (median of {sizes.b1_counted})"
    )


def _count_statements(url: str, loaded: Loaded, counted: int) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with _in_process_bot(engine) as (client, standin), counting(engine) as counter:
            traffic = Traffic(loaded, standin.response_url, itertools.count(10_000_000))
            counts: dict[str, int] = {}
            for command in COMMANDS:
                make = traffic.factory(command, f"count-{command}")
                per: list[int] = []
                before = counter.settle(quiet=0.2)
                for n in range(counted + 1):
                    replies = len(standin.calls_to("response_url"))
                    homes = len(standin.calls_to("views.publish"))
                    text, user, response_url = make(n)
                    client.slash_command(text, user_id=user, response_url=response_url)
                    # Done when the reply and the Home tabs it refreshes have reached Slack.
                    standin.wait_for("response_url", count=replies + 1, timeout=60)
                    standin.wait_for("views.publish", count=homes + HOME_TABS[command],
                                     timeout=60)
                    after = counter.settle(quiet=0.2)
                    per.append(after - before)
                    before = after
                counts[command] = int(statistics.median(per[1:]))  # the first warms caches
            return counts
    finally:
        engine.dispose()


@contextmanager
def _in_process_bot(engine: Engine) -> Iterator[tuple[SignedSlackClient, SlackStandIn]]:
    """The real app (``build_runtime``) behind ``bot.http`` in this process, no scheduler."""
    with SlackStandIn(team_id=TEAM) as standin:
        standin.add_channel(TEAM_CHANNEL, "opcc-team")
        standin.invite(TEAM_CHANNEL)  # as the secretariat would
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            SLACK_BOT_TOKEN=procs.BOT_TOKEN, SLACK_SIGNING_SECRET=procs.SIGNING_SECRET,
            SLACK_API_URL=standin.api_url, DATABASE_URL="sqlite://",
        )
        runtime = build_runtime(settings, make_session_factory(engine), SystemClock())
        wsgi = SlackWsgiApp(runtime.app, health_check=lambda: True,
                            signing_secret=settings.request_signing_secret)
        server = make_server(wsgi, host="127.0.0.1", port=0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        client = SignedSlackClient(f"http://127.0.0.1:{server.effective_port}/slack/events",
                                   procs.SIGNING_SECRET, team_id=TEAM)
        try:
            yield client, standin
        finally:
            client.close()
            stop_server(server)
            thread.join(timeout=5)
