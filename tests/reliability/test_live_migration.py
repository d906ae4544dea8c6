"""The migration that adds the inbox runs on a live database without losing work.

- At the revision before the inbox, a thread keeps recording actions through the storage
  services while `actionlog migrate` upgrades to head: it sees no error it could not retry,
  and everything it recorded is there afterwards.
- With `actionlog run --web-only` taking commands and no worker, commands queue in the
  inbox; `actionlog migrate` run again meanwhile (already at head) leaves the queue alone;
  a worker started afterwards carries out every queued command exactly once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from storage import schema
from storage.db import make_engine, make_session_factory, transaction
from storage.models import Action
from storage.owners import UserOwner
from storage.services import actions
from storage.services.due import ResolvedDue
from storage.services.people import Actor
from tests.reliability import accounting, queues
from tests.reliability.accounting import Command
from tests.reliability.processes import SIGNING_SECRET, BotProcesses
from tests.reliability.summary import report
from tests.support.databases import empty_database_url

BEFORE_INBOX = "0007"  # the revision before the one that adds the inbox
TEAM = "T0001"
WRITES_AT_MOST = 3000
WRITE_ATTEMPTS = 50
RETRY_PAUSE_SECONDS = 0.05
WRITING_AFTER_MIGRATION_SECONDS = 0.5
MIGRATE_TIMEOUT_SECONDS = 120
KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class Writer(threading.Thread):
    """Records one action per transaction until stopped, retrying a transaction that failed."""

    def __init__(self, url: str) -> None:
        super().__init__(name="live-writer", daemon=True)
        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)
        self.stopping = threading.Event()
        self.written: list[tuple[float, str]] = []  # (when committed, title)
        self.retried: Counter[str] = Counter()  # errors that a retry got past, by type
        self.failed: list[str] = []  # titles no retry could record
        self.crash: BaseException | None = None

    def run(self) -> None:
        try:
            for n in range(WRITES_AT_MOST):
                if self.stopping.is_set():
                    return
                self._write(f"live migration task {n}")
        except BaseException as exc:  # reported by the test
            self.crash = exc

    def _write(self, title: str) -> None:
        for _ in range(WRITE_ATTEMPTS):
            try:
                with transaction(self.sessions) as session:
                    actions.record_action(
                        session, team_id=TEAM, actor=Actor("USEC"), owners=[UserOwner("UDCC")],
                        text=title, due=ResolvedDue(on=date(2030, 6, 30)), agenda_item=None,
                        source_meeting=None, now=datetime.now(UTC))
            except SQLAlchemyError as exc:
                self.retried[type(getattr(exc, "orig", None) or exc).__name__] += 1
                time.sleep(RETRY_PAUSE_SECONDS)
                continue
            self.written.append((time.monotonic(), title))
            return
        self.failed.append(title)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)
        self.engine.dispose()


def _migrate(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "migrate"],
                          env={**os.environ, "DATABASE_URL": url}, cwd=cwd, capture_output=True,
                          text=True, timeout=MIGRATE_TIMEOUT_SECONDS)


def _titles(url: str) -> Counter[str]:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return Counter(session.scalars(select(Action.text)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_migrating_to_the_inbox_while_actions_are_recorded(tmp_path: Path, kind: str) -> None:
    with empty_database_url(tmp_path, kind) as url:
        engine = make_engine(url)
        schema.upgrade(engine, BEFORE_INBOX)
        engine.dispose()
        writer = Writer(url)
        writer.start()
        try:
            while len(writer.written) < 20 and writer.is_alive():
                time.sleep(0.01)  # writing is under way before the migration starts
            began = time.monotonic()
            migrated = _migrate(url, tmp_path)
            ended = time.monotonic()
            time.sleep(WRITING_AFTER_MIGRATION_SECONDS)
        finally:
            writer.stop()
        assert migrated.returncode == 0, migrated.stderr
        assert writer.crash is None, repr(writer.crash)
        engine = make_engine(url)
        try:
            assert schema.current_revision(engine) == schema.head_revision()
        finally:
            engine.dispose()
        titles = _titles(url)
    written = [title for _, title in writer.written]
    during = sum(1 for at, _ in writer.written if began <= at <= ended)
    after = sum(1 for at, _ in writer.written if at > ended)
    report(f"migration {BEFORE_INBOX} -> {schema.head_revision()} ({kind}) while recording: "
           f"{len(written)} actions recorded ({during} while `actionlog migrate` ran, {after} "
           f"after), errors retried: {dict(writer.retried) or 'none'}, failed: "
           f"{len(writer.failed)}, lost: {sum(1 for t in written if titles[t] != 1)}")
    assert writer.failed == []
    assert [t for t in written if titles[t] != 1] == []
    assert sum(titles.values()) == len(written)  # nothing recorded that was not reported
    assert after > 0  # still writing after the migration


def _standin() -> SlackStandIn:
    standin = SlackStandIn(team_id=TEAM)
    for user in ("USEC", "UDCC"):
        standin.add_user(user, user.lower())
    return standin


QUEUED_BEFORE = 30
QUEUED_DURING_AT_MOST = 200
SEND_PAUSE_SECONDS = 0.02


def _command(n: int) -> Command:
    return Command(f"q{n:03d}", "USEC", "DCC" if n % 2 else "<@UDCC>")


@pytest.mark.parametrize("kind", KINDS)
def test_queued_commands_survive_migrate_and_run_once(tmp_path: Path, kind: str) -> None:
    commands = [_command(n) for n in range(QUEUED_BEFORE)]
    with empty_database_url(tmp_path, kind) as url, _standin() as standin:
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        bot = BotProcesses(standin.api_url, url, tmp_path)
        try:
            bot.start_web()
            client = SignedSlackClient(bot.url, SIGNING_SECRET, team_id=TEAM)
            for command in commands:
                accounting.send(client, standin, command)
            queued = queues.inbox_rows(url)
            # Commands keep arriving for as long as `actionlog migrate` runs.
            migrating = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "migrate"], cwd=tmp_path, text=True,
                env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
            limit = QUEUED_BEFORE + QUEUED_DURING_AT_MOST
            while migrating.poll() is None and len(commands) < limit:
                commands.append(_command(len(commands)))
                accounting.send(client, standin, commands[-1])
                time.sleep(SEND_PAUSE_SECONDS)
            out, err = migrating.communicate(timeout=MIGRATE_TIMEOUT_SECONDS)
            client.close()
            after_migrate = queues.inbox_rows(url)
            answered_before_worker = len(standin.calls_to("response_url"))
            bot.start_worker()
            left = accounting.wait_until_drained(url, standin, bot)
            outcome = accounting.outcome(url, standin)
        finally:
            bot.stop_all()
    assert migrating.returncode == 0, err
    assert f"{schema.head_revision()} -> {schema.head_revision()}" in out
    assert all(c.acknowledged for c in commands), [c.statuses for c in commands]
    assert len(queued) == QUEUED_BEFORE
    assert after_migrate[:QUEUED_BEFORE] == queued  # untouched by the migration
    assert len(after_migrate) == len(commands) > QUEUED_BEFORE
    assert answered_before_worker == 0  # no worker, no work
    assert not any(left.values()), left
    problems = accounting.check(commands, outcome, extra_allowed=0)
    report(f"queued through `actionlog migrate` ({kind}): {len(commands)} commands queued "
           f"with no worker ({len(commands) - QUEUED_BEFORE} while migrate ran); the queue "
           f"unchanged by it; after a worker started: {sum(outcome.actions.values())} "
           f"actions, {sum(outcome.answers.values())} answers; problems: "
           f"{ {k: len(v) for k, v in problems.items() if v} or 'none'}")
    assert {k: v for k, v in problems.items() if v} == {}, bot.logs()
