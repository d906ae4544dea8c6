"""A closed loop of people: each sends a command, waits for its answer, then sends the next.

Unlike ``load.run_load``, which sends the next request on the ack, a person here waits
until the answer reached the command's response_url (at the stand-in, which reports every
post as it arrives), the way someone typing ``/actions`` does. Each command has its own
response_url key, so answers are counted per command: none is lost, none comes twice.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from benchmarks import cpu
from benchmarks.dataset import LONDON, SECRETARIAT, Loaded
from benchmarks.load import percentile
from benchmarks.remote_standin import AnswerBook
from bot.standin.signed_client import SignedSlackClient

COMMANDS = ("add", "list mine")
# (command text, user id) for person p's n-th command
CommandFactory = Callable[[int, int], tuple[str, str]]


@dataclass
class LoopResult:
    """What the people saw: ack and answer times, and how many answers each command got."""

    people: int
    ack_s: list[float] = field(default_factory=list)
    answer_s: list[float] = field(default_factory=list)  # command sent -> answer arrived
    statuses: Counter[int] = field(default_factory=Counter)  # ack HTTP status; 0: none
    sent: dict[str, float] = field(default_factory=dict)  # key -> monotonic send time
    acked: set[str] = field(default_factory=set)  # keys whose command got a 200
    answered_in_run: int = 0  # answers that came while the people were waiting
    late: int = 0  # commands whose person gave up waiting (answer_timeout)
    lost: int = 0  # acknowledged commands with no answer even after the drain
    lost_keys: list[str] = field(default_factory=list)  # their response_url keys
    duplicated: int = 0  # answers beyond the first, over all commands
    wall_s: float = 0.0
    texts: Counter[str] = field(default_factory=Counter)  # first words of each answer
    cpu: str = "CPU not measured"  # where the CPU went while the people were at it

    @property
    def answers_per_s(self) -> float:
        return self.answered_in_run / self.wall_s if self.wall_s else 0.0

    @property
    def ack_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    def ack_ms(self, p: float) -> float:
        return percentile(self.ack_s, p) * 1000

    def answer_ms(self, p: float) -> float:
        return percentile(self.answer_s, p) * 1000

    def summary(self) -> str:
        """One line for the notes."""
        statuses = ", ".join(f"{s or 'none'}×{n}" for s, n in sorted(self.statuses.items()))
        return (f"{len(self.sent):,} commands from {self.people} people in {self.wall_s:.1f} s; "
                f"acks {statuses}; answered {len(self.answer_s):,}, late "
                f"(> the wait) {self.late}, lost {self.lost}{self._lost_keys()}, duplicated "
                f"{self.duplicated}")

    def _lost_keys(self) -> str:
        shown = sorted(self.lost_keys)[:5]
        return f" ({', '.join(shown)}{', …' if self.lost > 5 else ''})" if shown else ""


def traffic(loaded: Loaded) -> CommandFactory:
    """B1's commands, alternating per person: ``add`` from the secretariat, ``list mine``
    from an owner (each person a different one)."""
    roles = list(loaded.roles)
    due = (datetime.now(UTC) + timedelta(days=180)).astimezone(LONDON).strftime("%d/%m/%Y")
    serial = iter(range(1, 10**9))
    lock = threading.Lock()

    def make(person: int, n: int) -> tuple[str, str]:
        if COMMANDS[(person + n) % 2] == "list mine":
            return "list mine", loaded.owners[person % len(loaded.owners)]
        with lock:
            unique = next(serial)
        return (f"add {roles[unique % len(roles)]} to follow up closed-loop item {unique} "
                f"by {due}", SECRETARIAT)

    return make


def run_closed_loop(
    events_url: str, signing_secret: str, team_id: str, answers: AnswerBook,
    response_url: Callable[[str], str], make: CommandFactory, *, tag: str, people: int,
    seconds: float, answer_timeout: float, drain_seconds: float,
    per_person: int | None = None, cpu_groups: dict[str, int] | None = None,
) -> LoopResult:
    """``people`` threads, each in a loop until ``seconds`` passed (or ``per_person``
    commands were sent): send a command, wait for its answer (at most
    ``answer_timeout``), repeat. Then wait up to ``drain_seconds`` for the answers still
    owed, and a moment more for any second answer. ``cpu_groups`` names the process
    groups whose CPU use the result reports."""
    result = LoopResult(people)
    tag = re.sub(r"[^A-Za-z0-9_-]", "_", tag)  # it becomes part of a URL path
    lock = threading.Lock()
    client = SignedSlackClient(events_url, signing_secret, team_id=team_id)
    before = cpu.snapshot(cpu_groups or {})
    started = time.monotonic()
    deadline = started + seconds

    def person(p: int) -> None:
        n = 0
        try:
            while time.monotonic() < deadline and (per_person is None or n < per_person):
                key = f"{tag}-p{p}-{n}"
                text, user = make(p, n)
                n += 1
                sent = time.monotonic()
                with lock:
                    result.sent[key] = sent
                try:
                    status = client.slash_command(text, user_id=user,
                                                  response_url=response_url(key)).status_code
                except OSError:
                    status = 0
                acked = time.monotonic()
                answer = answers.wait(key, answer_timeout) if status == 200 else None
                with lock:
                    result.ack_s.append(acked - sent)
                    result.statuses[status] += 1
                    if status == 200:
                        result.acked.add(key)
                    if answer is not None:
                        result.answered_in_run += 1
                    elif status == 200:
                        result.late += 1
        finally:
            client.close()

    threads = [threading.Thread(target=person, args=(p,), daemon=True, name=f"person-{p}")
               for p in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + answer_timeout + 15)
    result.wall_s = time.monotonic() - started
    result.cpu = cpu.describe(before, cpu.snapshot(cpu_groups or {}), result.wall_s)
    _settle(result, answers, drain_seconds)
    return result


def _settle(result: LoopResult, answers: AnswerBook, drain_seconds: float) -> None:
    """Count answers per command once the stragglers had ``drain_seconds`` to arrive."""
    deadline = time.monotonic() + drain_seconds
    for key in result.acked:
        answers.wait(key, max(0.0, deadline - time.monotonic()))
    time.sleep(min(1.0, drain_seconds))  # a second answer, if any, has time to show
    for key, sent in result.sent.items():
        first = answers.first(key)
        if first is None and key not in result.acked:
            continue  # not acknowledged: counted among the ack errors
        if first is None:
            result.lost += 1
            result.lost_keys.append(key)
            continue
        result.answer_s.append(first.received_at - sent)
        result.duplicated += answers.count(key) - 1
        result.texts[re.sub(r"\d+", "n", " ".join(first.text.split()[:3]))] += 1
