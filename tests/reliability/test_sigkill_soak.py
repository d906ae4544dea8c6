"""SIGKILL soak: web part and workers killed at random moments while 2,000 commands arrive.

The bot runs as separate processes (`actionlog run --web-only` and `actionlog worker`,
two workers on PostgreSQL) against the Slack stand-in, which fails some Web API calls and
some response_url posts (429, 500, 503, slow then 500). A few client threads send signed
`/actions add` commands, each with its own title and response_url, keeping a backlog of
unanswered ones (the inbox queues them), while a kill loop SIGKILLs the web part, a worker
or both every 1-3 s and starts them again, until the workers have caught up.

Slack does not resend a slash command whose request failed; the person types it again.
Here a client resends the very same body when the request failed (no answer, or not 200),
which also exercises the inbox's duplicate guard. A command counts as acknowledged only
once a request for it got HTTP 200, and only acknowledged commands must be carried out.

Afterwards, once the inbox is empty and the outbox sent:
- every acknowledged command created exactly one action, and no other command more than one;
- every acknowledged command got exactly one answer at its response_url, with one known
  exception: a reply whose send was in flight when its worker was killed is sent again on
  recovery (its outbox row then has attempts >= 2). Only such commands may have a second
  answer, and there are at most as many of them as answers that can be in flight when a
  worker dies (one per sending thread, and one taking over a dead sender's), per kill.

``ACTIONLOG_KILL_SOAK_COMMANDS`` changes the number of commands (2,000 by default; about
1.5-3 minutes per database on a 2-CPU machine).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from bot.worker.sender import SENDER_THREADS
from storage import schema
from storage.db import make_engine
from tests.reliability import accounting
from tests.reliability.accounting import Command, Outcome
from tests.reliability.processes import SIGNING_SECRET, BotProcesses
from tests.reliability.summary import report
from tests.support.databases import empty_database_url

COMMANDS = int(os.environ.get("ACTIONLOG_KILL_SOAK_COMMANDS", "2000"))
CLIENTS = 4
TEAM = "T0001"
USERS = ["USEC", "UDCC", "UACC", "UPCC"]
# Role owners need no Slack lookup; named people make the worker ask Slack (users.info).
OWNERS = ["DCC", "ACC", "<@UDCC>", "<@UACC>"]
FAULT_RATE = 0.05
FAULTS = ("ratelimited", "server_error", "service_unavailable", "hang")
HANG_SECONDS = 0.3
KILL_EVERY_SECONDS = (1.0, 3.0)
KILLS_AT_MOST = 60
WORKER_THREADS = 4  # requests carried out at once in each worker process
# Answers that can be in flight in one worker when it dies: one per sending thread, and
# one on the thread that takes over the messages of a dead sender.
IN_FLIGHT_PER_WORKER = SENDER_THREADS + 1
REQUEST_TIMEOUT_SECONDS = 5
# Commands sent but not yet answered, at most: enough to keep the workers busy while the
# web part restarts, few enough that commands keep arriving (and the web part keeps being
# killed in mid-request) for as long as the workers work.
BACKLOG = 40
BACKLOG_WAIT_SECONDS = 10
SEND_LIMIT_SECONDS = 300
DRAIN_LIMIT_SECONDS = 300


def _client_loop(url: str, standin: SlackStandIn, commands: list[Command],
                 mine: range, errors: list[BaseException]) -> None:
    """Send the commands numbered ``mine``, keeping at most BACKLOG unanswered overall."""
    client = SignedSlackClient(url, SIGNING_SECRET, team_id=TEAM,
                               timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        for n in mine:
            earlier = commands[n - BACKLOG] if n >= BACKLOG else None
            if earlier is not None and earlier.acknowledged:
                standin.wait_for_reply(earlier.key, timeout=BACKLOG_WAIT_SECONDS)
            accounting.send(client, standin, commands[n])
    except BaseException as exc:  # reported by the test, not lost on a thread
        errors.append(exc)
    finally:
        client.close()


class KillLoop(threading.Thread):
    """SIGKILLs the web part, a worker or both every 1-3 s, and starts them again."""

    def __init__(self, bot: BotProcesses, workers: list[str], seed: int) -> None:
        super().__init__(name="kill-loop", daemon=True)
        self.bot, self.workers, self.rng = bot, workers, random.Random(seed)
        self.stopping = threading.Event()
        self.kills: Counter[str] = Counter()
        self.errors: list[BaseException] = []
        self.down_seconds: list[float] = []  # from each kill until all are back up
        self.worker_killed_at: list[float] = []

    @property
    def worker_kills(self) -> int:
        return sum(n for name, n in self.kills.items() if name != "web")

    def run(self) -> None:
        try:
            while sum(self.kills.values()) < KILLS_AT_MOST:
                if self.stopping.wait(self.rng.uniform(*KILL_EVERY_SECONDS)):
                    return
                what = self.rng.choice(("web", "worker", "both"))
                victims = ["web"] if what != "worker" else []
                if what != "web":
                    victims.append(self.rng.choice(self.workers))
                for name in victims:
                    self.bot.kill(name)
                    self.kills[name] += 1
                    if name != "web":
                        self.worker_killed_at.append(time.monotonic())
                began = time.monotonic()
                for name in reversed(victims):  # the worker first: the web waits for health
                    self.bot.restart(name)
                self.down_seconds.append(time.monotonic() - began)
        except BaseException as exc:
            self.errors.append(exc)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)


def _spread(values: list[float]) -> str:
    """Smallest, median and largest, e.g. '0.1/0.4/2.0', or '-' for none."""
    if not values:
        return "-"
    return f"{values[0]:.1f}/{values[len(values) // 2]:.1f}/{values[-1]:.1f}"


def _before_kill(outcome: Outcome, kills: list[float]) -> list[float]:
    """For each answer sent twice, how long before the last worker kill that preceded the
    second send the first one went out: a reply in flight at the kill is a moment old."""
    ages = []
    for times in outcome.answered_at.values():
        if len(times) > 1:
            before = [k for k in kills if k <= times[1]]
            if before:
                ages.append(before[-1] - times[0])
    return sorted(ages)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _commands(seed: int) -> list[Command]:
    rng = random.Random(seed)
    return [Command(f"k{n:04d}", rng.choice(USERS), rng.choice(OWNERS))
            for n in range(COMMANDS)]


def _standin() -> SlackStandIn:
    standin = SlackStandIn(team_id=TEAM, hang_seconds=HANG_SECONDS)
    for user in USERS:
        standin.add_user(user, user.lower())
    return standin


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_soak_every_acknowledged_command_once(tmp_path: Path, kind: str) -> None:
    workers = ["worker-1", "worker-2"] if kind == "postgres" else ["worker"]
    commands = _commands(seed=15)
    with empty_database_url(tmp_path, kind) as url, _standin() as standin:
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        bot = BotProcesses(standin.api_url, url, tmp_path,
                           {"ACTIONLOG_WORKER_THREADS": str(WORKER_THREADS)})
        killer = KillLoop(bot, workers, seed=len(kind))
        started = time.monotonic()
        try:
            for name in workers:
                bot.start_worker(name)
            bot.start_web()
            standin.fault_rate(FAULT_RATE, faults=FAULTS, seed=15)
            errors: list[BaseException] = []
            clients = [threading.Thread(target=_client_loop,
                                        args=(bot.url, standin, commands,
                                              range(i, len(commands), CLIENTS), errors))
                       for i in range(CLIENTS)]
            killer.start()
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join(timeout=SEND_LIMIT_SECONDS)
            sending = time.monotonic() - started
            # The kills go on while the workers catch up, so they die in mid-work too.
            accounting.wait_until_drained(url, standin, bot, DRAIN_LIMIT_SECONDS)
            killer.stop()
            assert not killer.errors, f"{killer.errors!r}\n{bot.logs()}"
            assert not errors, errors
            left = accounting.wait_until_drained(url, standin, bot)
            drained = time.monotonic() - started
            standin.fault_rate(0)
            faults = sum(1 for call in standin.calls if call.injected)
            outcome = accounting.outcome(url, standin)
        finally:
            if killer.is_alive():
                killer.stop()
            bot.stop_all()
    problems = accounting.check(commands, outcome, killer.worker_kills * IN_FLIGHT_PER_WORKER)
    acknowledged = [c for c in commands if c.acknowledged]
    resends = sum(len(c.statuses) - 1 for c in commands)
    again = sum(n - 1 for n in outcome.answers.values() if n > 1)
    report(f"SIGKILL soak ({kind}, {len(workers)} worker(s)): {len(commands)} commands, "
           f"{len(acknowledged)} acknowledged, {resends} requests resent; kills: "
           f"{dict(sorted(killer.kills.items()))} (back up after "
           f"{_mean(killer.down_seconds):.1f} s on average); {faults} Slack faults; "
           f"sent in {sending:.0f} s, "
           f"drained at {drained:.0f} s; {sum(outcome.actions.values())} actions; "
           f"{again} answers sent again after a kill (first sent this long before the "
           f"kill, s: {_spread(_before_kill(outcome, killer.worker_killed_at))}); problems: "
           f"{ {k: len(v) for k, v in problems.items() if v} or 'none'}")
    assert not any(left.values()), f"not drained in time: {left}"
    assert sum(killer.kills.values()) > 0 and faults > 0
    assert {k: v[:10] for k, v in problems.items() if v} == {}, bot.logs()
    assert len(acknowledged) == len(commands)  # every client got its 200 in the end


def test_the_kill_soak_check_catches_lost_doubled_and_unexplained_answers() -> None:
    """The check can fail: a lost command, a doubled one, a second answer the outbox never
    set out to send, and more second answers than kills allow."""
    lost, doubled, answered_twice, taken_over = (Command(k, "USEC", "DCC", [200])
                                                 for k in ("a", "b", "c", "d"))
    outcome = Outcome(
        actions=Counter({doubled.title: 2, answered_twice.title: 1, taken_over.title: 1}),
        answers=Counter({"a": 1, "b": 1, "c": 2, "d": 2}),
        answer_texts={"a": ["Recorded"], "b": ["Recorded"], "c": ["Recorded"] * 2,
                      "d": ["Recorded"] * 2},
        attempts={"a": 1, "b": 1, "c": 1, "d": 2},
    )
    problems = accounting.check([lost, doubled, answered_twice, taken_over], outcome, 1)
    assert problems["acknowledged but not carried out"] == ["a", "b"]
    assert problems["carried out twice"] == ["b"]
    assert problems["answered again without a takeover"] == ["c"]
    assert problems["extra answers beyond the kills"] == ["c", "d"]
    unacknowledged = Command("e", "USEC", "DCC", ["ConnectionError"])
    nothing = Outcome(Counter(), Counter(), {}, {})
    assert not any(accounting.check([unacknowledged], nothing, 0).values())
