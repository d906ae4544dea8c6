"""Profile the work behind B1's two commands, in process, against 10,000 actions.

``python -m benchmarks.profile_commands`` loads the B1 dataset into a throwaway SQLite
file and (when the server answers) a PostgreSQL database, then runs ``/actions add`` and
``/actions list mine`` as B1 sends them through the command path itself: parse, mention
resolution, ``bot.commands.run`` and the reply's Block Kit payload, with Slack played by
the stand-in. No HTTP server and no backlog, so what is timed is the work alone. For
each command it prints SQL statements, Slack Web API calls, mean time and Python
function calls per command, and with ``--profile DIR`` writes a cProfile listing of
each. Bounded: ``2 × --commands`` per command and database (default 200: one pass
timed, one under cProfile), after a warm-up included in no figure.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import itertools
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from slack_sdk import WebClient

from benchmarks.b1_ack import Traffic
from benchmarks.config import Sizes
from benchmarks.databases import DEFAULT_POSTGRES_URL, migrated_database, postgres_available
from benchmarks.dataset import LONDON, SECRETARIAT, TEAM, TEAM_CHANNEL, Loaded, Shape, load
from benchmarks.sqlcount import counting
from bot import commands
from bot.directory import SlackDirectory
from bot.mentions import MentionResolver
from bot.parsing import commands as c
from bot.render.home import render_home
from bot.standin.server import SlackStandIn
from reminders.clock import SystemClock
from storage.db import make_engine, make_session_factory, read_transaction
from storage.models import WorkspaceSettings
from storage.services import home
from storage.services.people import Actor

COMMANDS = ("add", "list mine")
# The Home tabs an `add` refreshes in B1: the secretariat's and the owning role holder's.
HOME = "home tab"
WARM_UP = 5
BOT_TOKEN = "xoxb-profile"


@dataclass
class Figures:
    """Per-command means over the measured commands."""

    backend: str
    command: str
    commands: int
    statements: float
    slack_calls: float
    first_slack_calls: int  # by the first of its kind, before the directory cache is warm
    mean_ms: float
    p50_ms: float
    cpu_ms: float  # this process's CPU: the database server's work is not in it
    python_calls: float  # function calls cProfile counts: the same on a busy machine


@dataclass
class Bench:
    """One database, one stand-in and the objects a worker would share between commands."""

    engine: object
    standin: SlackStandIn
    deps: Any  # what commands.Request uses of Deps: sessions, clock, timezone
    directory: SlackDirectory
    mentions: MentionResolver
    traffic: Traffic

    def command_path(self, text: str, user_id: str) -> dict[str, object]:
        """What the worker does for one /actions command, up to the reply's payload."""
        today = self.deps.clock.now().astimezone(self.deps.timezone).date()
        parsed = c.parse_command(text, today)
        resolved = self.mentions.resolve(text)
        if resolved != text:
            parsed = c.parse_command(resolved, today)
        request = commands.Request(TEAM, user_id, self.deps, self.directory)
        outcome = commands.run(parsed, request)
        payload = outcome.reply.payload()
        json.dumps(payload)  # what the reply's POST serialises
        return payload

    def home_tab(self, user_id: str) -> dict[str, object]:
        """The work of one Home tab refresh short of views.publish: the group, the data,
        the view and its digest (bot.home.HomeRefresher.publish does the same)."""
        deps, now = self.deps, self.deps.clock.now()
        with read_transaction(deps.sessions) as session:
            settings = session.get(WorkspaceSettings, TEAM)
            group = settings.secretariat_usergroup_id if settings else None
        actor = Actor(user_id, self.directory.in_group(group, user_id))
        with read_transaction(deps.sessions) as session:
            data = home.home_data(session, team_id=TEAM, actor=actor, now=now,
                                  zone=deps.timezone)
        view = render_home(mine=data.mine, next_meeting=data.next_meeting, team=data.team,
                           now=now, zone=deps.timezone).to_dict()
        hashlib.sha256(json.dumps(view, sort_keys=True).encode("utf-8", "surrogatepass"))
        return {"text": f"{len(view['blocks'])} blocks"}

    def run(self, what: str, text: str, user_id: str) -> dict[str, object]:
        return self.home_tab(user_id) if what == HOME else self.command_path(text, user_id)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    backends = ["sqlite"]
    if not args.no_postgres and postgres_available(args.postgres_url):
        backends.append("postgres")
    elif not args.no_postgres:
        print(f"PostgreSQL does not answer at {args.postgres_url}: SQLite only.")
    sizes = Sizes()
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="actionlog-profile-") as tmp:
        for backend in backends:
            with _bench(backend, Path(tmp), args.postgres_url, args.actions, sizes) as bench:
                for command in (*COMMANDS, HOME):
                    results.append(_measure(bench, backend, command, args.commands,
                                            args.profile))
    _print(results, args.actions)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_commands",
        description="SQL statements, Slack calls and in-process time per `/actions add` "
        "and `/actions list mine` against a preloaded database.")
    parser.add_argument("--actions", type=int, default=10_000,
                        help="actions preloaded (default 10,000, as in B1)")
    parser.add_argument("--commands", type=int, default=200,
                        help="measured commands of each kind per database (default 200)")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "ACTIONLOG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="also write a cProfile listing of each command into DIR")
    return parser


@contextmanager
def _bench(backend: str, workdir: Path, postgres_url: str, actions: int,
           sizes: Sizes) -> Iterator[Bench]:
    with migrated_database(backend, workdir, postgres_url) as url:
        engine = make_engine(url)
        try:
            loaded = load(engine, Shape(actions, sizes.b1_owners, sizes.b1_meetings,
                                        datetime.now(UTC), quiet=True))
            with SlackStandIn(team_id=TEAM, tokens=[BOT_TOKEN]) as standin:
                _people(standin, loaded)
                client = WebClient(token=BOT_TOKEN, base_url=standin.api_url, timeout=10)
                # Only what the command path reads, so the script does not follow Deps
                # wherever the wiring moves it.
                deps = SimpleNamespace(sessions=make_session_factory(engine),
                                       clock=SystemClock(), timezone=LONDON)
                serial = itertools.count(1)
                yield Bench(engine, standin, deps, SlackDirectory(client),
                            MentionResolver(client), Traffic(loaded, standin.response_url,
                                                            serial))
        finally:
            engine.dispose()


def _people(standin: SlackStandIn, loaded: Loaded) -> None:
    """The secretariat and the owner who send B1's commands, and the team channel."""
    standin.add_user(SECRETARIAT, "secretariat", real_name="Policy Officer")
    standin.add_user(loaded.owners[0], "owner", real_name="Chief Constable")
    standin.add_channel(TEAM_CHANNEL, "opcc-team")
    standin.invite(TEAM_CHANNEL)


def _measure(bench: Bench, backend: str, command: str, count: int,
             profile_dir: Path | None) -> Figures:
    texts = _texts(bench, backend, command, WARM_UP + 2 * count)
    cold = len(bench.standin.calls)
    for n, (text, user) in enumerate(texts[:WARM_UP]):  # caches warm, as in a worker
        reply = bench.run(command, text, user)
        if n == 0:
            cold = len(bench.standin.calls) - cold
    print(f"{backend} {command}: {str(reply['text']).splitlines()[0][:100]}")
    measured = texts[WARM_UP:WARM_UP + count]
    calls_before = len(bench.standin.calls)
    times: list[float] = []
    cpu_started = time.process_time()
    with counting(bench.engine) as counter:  # type: ignore[arg-type]
        for text, user in measured:
            started = time.perf_counter()
            bench.run(command, text, user)
            times.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    slack_calls = len(bench.standin.calls) - calls_before
    path = profile_dir / f"{backend}-{command}.txt" if profile_dir else None
    calls = _profile(bench, command, texts[WARM_UP + count:], path)
    return Figures(backend, command, count, counter.count / count, slack_calls / count, cold,
                   1000 * statistics.fmean(times), 1000 * statistics.median(times),
                   1000 * cpu / count, calls / count)


def _texts(bench: Bench, backend: str, command: str, count: int) -> list[tuple[str, str]]:
    """What each command says and who sends it; for Home tabs, whose tab it is."""
    if command == HOME:
        holders = list(bench.traffic.loaded.roles.values())
        return [("", SECRETARIAT if n % 2 == 0 else holders[(n // 2) % len(holders)])
                for n in range(count)]
    make = bench.traffic.factory(command, f"profile-{backend}-{command}")
    return [make(n)[:2] for n in range(count)]


def _profile(bench: Bench, command: str, texts: list[tuple[str, str]],
             path: Path | None) -> int:
    """cProfile as many commands again (not timed); the function calls they made, and
    a listing of the costliest functions in ``path`` if given."""
    profiler = cProfile.Profile()
    run: Callable[[str, str, str], object] = bench.run
    profiler.enable()
    for text, user in texts:
        run(command, text, user)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    if path is not None:
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{len(texts)} commands\n" + out.getvalue(), encoding="utf-8")
        print(f"profile: {path}")
    return int(stats.total_calls)  # type: ignore[attr-defined]


def _print(results: list[Figures], actions: int) -> None:
    print(f"\nIn-process command path at {actions:,} actions (parse, mentions, "
          "commands.run, reply payload), and a Home tab an add refreshes (alternately the "
          "secretariat's and a role holder's; data, view and digest, no views.publish):")
    print(f"{'database':<9} {'command':<10} {'n':>5} {'SQL/cmd':>8} {'Slack/cmd':>10} "
          f"{'(first)':>7} "
          f"{'mean ms':>8} {'p50 ms':>7} {'CPU ms':>7} {'Py calls/cmd':>13}")
    for f in results:
        print(f"{f.backend:<9} {f.command:<10} {f.commands:>5} {f.statements:>8.2f} "
              f"{f.slack_calls:>10.2f} {f.first_slack_calls:>7} {f.mean_ms:>8.2f} "
              f"{f.p50_ms:>7.2f} {f.cpu_ms:>7.2f} "
              f"{f.python_calls:>13,.0f}")
    print("Slack/cmd: Web API calls per command once caches are warm; (first): by the "
          "first command of its kind, which fills the directory cache.")
    print("mean and p50: wall time per command; CPU ms: this process only (PostgreSQL's "
          "own work is not in it); Py calls: function calls per command under cProfile, "
          "which a busy machine does not change.")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
