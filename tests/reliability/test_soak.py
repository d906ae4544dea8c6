"""Soak: many concurrent users, Slack faults on ~5% of calls; nothing lost or duplicated.

The default is a short run for CI. ``ACTIONLOG_SOAK_OPS=5000`` runs the full soak (the
README's reliability command sets it).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select, text

from bot.standin.signed_client import SignedSlackClient
from storage.db import transaction
from storage.models import Action, ActionEvent, ActionStatus
from tests.reliability.summary import report
from tests.support.harness import SIGNING_SECRET, TEAM, RunningBot, running_bot

OPERATIONS = int(os.environ.get("ACTIONLOG_SOAK_OPS", "320"))
USERS = 16
FAULT_RATE = 0.05
REPLY_WAIT_SECONDS = 30
SECRETARIAT, DCC, ACC = "USEC", "UDCC", "UACC"
PEOPLE = [SECRETARIAT, DCC, ACC] + [f"UMEMBER{n:02d}" for n in range(USERS - 3)]


@dataclass
class Sent:
    """One operation a simulated user sent, and what came back."""

    key: str
    kind: str
    user: str
    text: str
    status: int = 0
    reply: str | None = None
    ack_body: str = ""  # what the ack said (a form's errors come here)


@dataclass
class Log:
    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Sent) -> None:
        with self.lock:
            self.sent.append(item)


# How often the soak refreshes PostgreSQL's planner statistics, as autovacuum would.
ANALYZE_EVERY_SECONDS = 10


@contextmanager
def _statistics_kept_fresh(engine: Engine) -> Iterator[None]:
    """ANALYZE now and then while the tables grow, on PostgreSQL only.

    A production server's autovacuum does this as tables grow. The test server runs with
    autovacuum off, and without statistics PostgreSQL plans `list mine` over a table that
    grew from empty as a nested loop, quadratic in the number of actions, which would
    measure the test server's settings rather than the bot.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    stop = threading.Event()

    def analyze() -> None:
        while not stop.wait(ANALYZE_EVERY_SECONDS):
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()

    thread = threading.Thread(target=analyze, name="soak-analyze", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


@pytest.fixture
def soak_bot(sessions, clock, database_url, engine):  # type: ignore[no-untyped-def]
    with running_bot(sessions, clock, database_url) as bot, _statistics_kept_fresh(engine):
        for user in PEOPLE:
            bot.standin.add_user(user, user.lower())
        yield bot


def _setup(bot: RunningBot) -> None:
    for command in ("role DCC <@UDCC>", "role ACC <@UACC>",
                    "meeting next 26/11/2026 10:00 Thematic: Covid-19"):
        bot.slack.slash_command(command, user_id=SECRETARIAT)
        bot.standin.wait_for("response_url", count=1)
        bot.standin.reset()


def _operation(rng: random.Random, user: str, key: str, known_refs: int) -> tuple[str, str]:
    """(kind, text) of a random operation; notes carry the key so effects can be traced."""
    ref = rng.randint(1, max(1, known_refs))
    choice = rng.random()
    if choice < 0.30:
        owner = rng.choice(["DCC", "ACC", f"<@{user}>"])
        return "add", f"add {owner} to soak task {key} by 30/06/2027"
    if choice < 0.45:
        return "update", f"update A-{ref} note {key}"
    if choice < 0.55:
        return "done", f"done A-{ref} note {key}"
    if choice < 0.62:
        return "close", f"close A-{ref} note {key}"
    if choice < 0.67:
        return "reopen", f"reopen A-{ref} note {key}"
    if choice < 0.80:
        return "list", rng.choice(["list", "list mine", "list DCC", "list overdue"])
    if choice < 0.90:
        return "button", str(ref)
    return "form", f"form task {key}"


def _user_loop(bot: RunningBot, user: str, count: int, seed: int, log: Log,
               refs: Counter) -> None:
    rng = random.Random(seed)
    client = SignedSlackClient(f"{bot.url}/slack/events", SIGNING_SECRET, team_id=TEAM)
    try:
        for n in range(count):
            key = f"{user}-{n}"
            kind, text = _operation(rng, user, key, refs["adds"])
            item = Sent(key, kind, user, text)
            if kind == "button":
                response = client.block_action("action_mark_in_progress", user_id=user,
                                               value=text, view={"id": "V1", "type": "home"})
            elif kind == "form":
                state = {
                    "text": {"value": {"type": "plain_text_input", "value": text}},
                    "owners_roles": {"value": {"type": "multi_static_select",
                                               "selected_options": [{"value": "DCC"}]}},
                    "due_date": {"value": {"type": "datepicker",
                                           "selected_date": "2027-06-30"}},
                }
                response = client.view_submission("record_action", state, user_id=user)
            else:
                response = client.slash_command(
                    text, user_id=user, response_url=bot.standin.response_url(key))
                # As a person does, wait for the answer before typing the next command.
                bot.standin.wait_for_reply(key, timeout=REPLY_WAIT_SECONDS)
            item.status, item.ack_body = response.status_code, response.text
            if kind in ("add", "form") and response.status_code == 200:
                refs["adds"] += 1
            log.add(item)
    finally:
        client.close()


def _collect_replies(bot: RunningBot, log: Log) -> None:
    """Match each command to the reply Slack received for it (response_url by key)."""
    replies = {}
    for call in bot.standin.calls_to("response_url"):
        if call.status == 200:
            replies[call.path.rsplit("/", 1)[-1]] = call.args.get("text", "")
    direct = [call.args.get("text", "") + json.dumps(call.args.get("blocks"))
              for call in bot.standin.calls_to("chat.postMessage") if call.status == 200]
    for item in log.sent:
        if item.kind == "form":
            # A form's outcome is a direct message that names what was typed.
            item.reply = next((text for text in direct if item.text in text), None)
        else:
            item.reply = replies.get(item.key)


def _wait_until_quiet(bot: RunningBot, seconds: float = 2.0, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    last = -1
    while time.monotonic() < deadline:
        count = len(bot.standin.calls)
        if count == last:
            return
        last = count
        time.sleep(seconds)


def test_soak_with_slack_faults(soak_bot: RunningBot) -> None:
    bot = soak_bot
    _setup(bot)
    bot.standin.fault_rate(FAULT_RATE, faults=("ratelimited", "server_error", "hang"), seed=7)
    bot.standin.hang_seconds = 0.3
    log, refs = Log(), Counter()
    per_user = OPERATIONS // USERS
    started = time.monotonic()
    threads = [threading.Thread(target=_user_loop, args=(bot, u, per_user, i, log, refs))
               for i, u in enumerate(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    _wait_until_quiet(bot)
    bot.standin.fault_rate(0)
    _collect_replies(bot, log)
    faults = sum(1 for c in bot.standin.calls if c.status in (429, 500))

    with transaction(bot.sessions) as session:
        stored = session.scalars(select(Action)).all()
        events = session.scalars(select(ActionEvent).order_by(ActionEvent.id)).all()
        texts = Counter(a.text for a in stored)
        notes = Counter(e.note for e in events if e.note)
        by_action: dict[int, list[ActionEvent]] = {}
        for event in events:
            by_action.setdefault(event.action_id, []).append(event)
        problems = _check(log, stored, texts, notes, by_action)

    unanswered = [s for s in log.sent if s.kind != "button" and s.reply is None
                  and "errors" not in s.ack_body]
    report(f"soak: {len(log.sent)} operations by {USERS} users in "
          f"{time.monotonic() - started:.0f} s; {faults} Slack faults injected; "
          f"{len(stored)} actions; unanswered commands: {len(unanswered)}; "
          f"lost: {problems['lost']}; duplicated: {problems['duplicated']}; "
          f"refused but changed: {problems['refused_changed']}; "
          f"history mismatches: {problems['history']}")
    assert len(log.sent) == per_user * USERS
    assert all(s.status == 200 for s in log.sent), Counter((s.kind, s.status) for s in log.sent)
    assert faults > 0
    assert problems == {"lost": 0, "duplicated": 0, "refused_changed": 0, "history": 0}
    assert unanswered == []


def _check(log: Log, stored, texts, notes, by_action) -> dict[str, int]:  # type: ignore[no-untyped-def]
    problems = Counter({"lost": 0, "duplicated": 0, "refused_changed": 0, "history": 0})
    problems["duplicated"] = sum(n - 1 for n in texts.values() if n > 1)
    problems["duplicated"] += sum(n - 1 for n in notes.values() if n > 1)
    for item in log.sent:
        if item.kind == "add":
            wanted = re.sub(r"^add \S+ to (.*) by .*$", r"\1", item.text)
            if item.reply and "Recorded" in item.reply and texts[wanted] != 1:
                problems["lost"] += 1
            if item.reply and "Recorded" not in item.reply and texts[wanted]:
                problems["refused_changed"] += 1
        elif item.kind == "form":
            refused = "errors" in item.ack_body or (
                item.reply is not None and "Nothing was changed" in item.reply)
            if refused and texts[item.text]:
                problems["refused_changed"] += 1
            if item.reply is not None and "Recorded" in item.reply and texts[item.text] != 1:
                problems["lost"] += 1
        elif item.kind in ("update", "done", "close", "reopen"):
            note = f"note {item.key}"
            ok = item.reply is not None and ":white_check_mark:" in item.reply
            if ok and notes[note] != 1:
                problems["lost"] += 1
            if not ok and item.reply is not None and notes[note]:
                problems["refused_changed"] += 1
    for action in stored:
        problems["history"] += _history_mismatches(action, by_action.get(action.id, []))
    return dict(problems)


def _history_mismatches(action: Action, events: list[ActionEvent]) -> int:
    """Replaying the history must give the action's current status and latest note."""
    status, note, bad = None, None, 0
    for event in events:
        if event.kind == "created":
            status = event.after["status"]
        elif event.kind == "status":
            bad += event.before["status"] != status
            status = event.after["status"]
        if event.note and event.kind in ("update", "status"):
            note = event.note
    bad += status != ActionStatus(action.status)
    bad += note != action.latest_note
    return int(bad)


def test_the_soak_checker_catches_a_lost_action() -> None:
    """The checks above can fail: a confirmed add missing from the database is counted."""
    log = Log([Sent("U1-0", "add", "U1", "add DCC to soak task U1-0 by 30/06/2027",
                    200, "Recorded *A-1*")])
    assert _check(log, [], Counter(), Counter(), {})["lost"] == 1
    now = datetime.now(UTC)
    created = ActionEvent(kind="created", after={"status": "not_started"}, at=now)
    assert _history_mismatches(Action(status="closed", latest_note=None), [created]) == 1


def test_the_soak_checker_catches_a_form_lost_or_changed_by_a_refusal() -> None:
    confirmed = Sent("U1-1", "form", "U1", "form task U1-1", 200,
                     "Recorded *A-2*: DCC to form task U1-1")
    refused = Sent("U1-2", "form", "U1", "form task U1-2", 200, None,
                   '{"response_action": "errors", "errors": {"text": "busy"}}')
    problems = _check(Log([confirmed, refused]), [], Counter({"form task U1-2": 1}),
                      Counter(), {})
    assert problems["lost"] == 1 and problems["refused_changed"] == 1
