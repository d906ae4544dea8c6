"""Commands sent to the bot processes, and what the database and Slack say came of them.

Shared by the kill tests: each `/actions add` has its own title and response_url, so its
actions are counted by title and its answers by the response_url's key.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import requests
from sqlalchemy import select

from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from storage.db import make_engine, make_session_factory, transaction
from storage.models import Action
from tests.reliability import queues
from tests.reliability.processes import BotProcesses

# A client keeps resending a command this long (a web part restarting on a busy machine
# can take several seconds).
SEND_GIVE_UP_SECONDS = 30
RETRY_PAUSE_SECONDS = 0.2
FORM = "application/x-www-form-urlencoded"
DRAIN_LIMIT_SECONDS = 120
QUIET_SECONDS = 1.5


@dataclass
class Command:
    """One `/actions add`, and what happened to the requests that carried it."""

    key: str
    user: str
    owner: str
    statuses: list[int | str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"soak kill task {self.key}"

    @property
    def text(self) -> str:
        return f"add {self.owner} to {self.title} by 30/06/2030"

    @property
    def acknowledged(self) -> bool:
        return 200 in self.statuses


class _Body:
    """Keeps the first signed body a client sent, so a retry sends the same bytes."""

    def __init__(self) -> None:
        self.raw: bytes | None = None

    def keep(self, raw: bytes) -> bytes:
        self.raw = raw
        return raw


def send(client: SignedSlackClient, standin: SlackStandIn, command: Command) -> None:
    """Send a command until a request for it gets HTTP 200, resending the same body."""
    body = _Body()
    give_up = time.monotonic() + SEND_GIVE_UP_SECONDS
    while time.monotonic() < give_up:
        try:
            if body.raw is None:
                response = client.slash_command(
                    command.text, user_id=command.user,
                    response_url=standin.response_url(command.key), tamper=body.keep)
            else:
                response = client.send(body.raw, FORM)
        except requests.RequestException as exc:
            command.statuses.append(type(exc).__name__)
        else:
            command.statuses.append(response.status_code)
            if response.status_code == 200:
                return
        time.sleep(RETRY_PAUSE_SECONDS)


def wait_until_drained(url: str, standin: SlackStandIn, bot: BotProcesses,
                       limit: float = DRAIN_LIMIT_SECONDS) -> dict[str, int]:
    """Until nothing is queued or unsent and Slack has heard nothing for a while; what is
    left then (``queued``, ``failed`` and ``unsent``, all 0 when all went well)."""
    deadline = time.monotonic() + limit
    while True:
        left = queues.unfinished(url)
        if not left["queued"] and not left["unsent"]:
            break
        assert not bot.exited(), f"a process stopped by itself: {bot.exited()}\n{bot.logs()}"
        if time.monotonic() > deadline:
            return left
        time.sleep(0.2)
    seen, quiet_since = len(standin.calls), time.monotonic()
    while time.monotonic() - quiet_since < QUIET_SECONDS and time.monotonic() < deadline:
        time.sleep(0.1)
        if len(standin.calls) != seen:
            seen, quiet_since = len(standin.calls), time.monotonic()
    return queues.unfinished(url)


@dataclass
class Outcome:
    """What the database and the stand-in say happened, per command."""

    actions: Counter[str]  # action text -> how many
    answers: Counter[str]  # response_url key -> posts Slack accepted (200)
    answer_texts: dict[str, list[str]]
    attempts: dict[str, int]  # response_url key -> times the outbox set out to answer
    answered_at: dict[str, list[float]] = field(default_factory=dict)  # monotonic times


def outcome(url: str, standin: SlackStandIn) -> Outcome:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            actions = Counter(session.scalars(select(Action.text)))
    finally:
        engine.dispose()
    answers: Counter[str] = Counter()
    texts: dict[str, list[str]] = {}
    times: dict[str, list[float]] = {}
    for call in standin.calls_to("response_url"):
        if call.status == 200:
            key = call.path.rsplit("/", 1)[-1]
            answers[key] += 1
            texts.setdefault(key, []).append(str(call.args.get("text", "")))
            times.setdefault(key, []).append(call.received_at)
    attempts = {target.rsplit("/", 1)[-1]: n
                for target, n in queues.answer_attempts(url).items()}
    return Outcome(actions, answers, texts, attempts, times)


def check(commands: list[Command], outcome: Outcome, extra_allowed: int) -> dict[str, list[str]]:
    """Every broken promise, by kind (empty lists when all is well).

    An answer may arrive once more for each time the outbox took it over from a dead
    sender (its attempts), and all such extra answers together at most ``extra_allowed``
    times (one per reply in flight when a worker was killed).
    """
    problems: dict[str, list[str]] = {
        "acknowledged but not carried out": [], "carried out twice": [],
        "acknowledged but not answered": [], "answered again without a takeover": [],
        "answer does not say Recorded": [], "extra answers beyond the kills": [],
    }
    extra = []
    for command in commands:
        made, answered = outcome.actions[command.title], outcome.answers[command.key]
        if made > 1:
            problems["carried out twice"].append(command.key)
        if command.acknowledged and made != 1:
            problems["acknowledged but not carried out"].append(command.key)
        if command.acknowledged and answered == 0:
            problems["acknowledged but not answered"].append(command.key)
        if answered > 1:
            extra.extend([command.key] * (answered - 1))
            if answered > outcome.attempts.get(command.key, 1):
                problems["answered again without a takeover"].append(command.key)
        if made == 1 and any("Recorded" not in text
                             for text in outcome.answer_texts.get(command.key, [])):
            problems["answer does not say Recorded"].append(command.key)
    if len(extra) > extra_allowed:
        problems["extra answers beyond the kills"] = extra
    return problems
