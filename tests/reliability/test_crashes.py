"""Killed mid-form and mid-migration; PostgreSQL restarted under load: consistent after."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from reminders.clock import ManualClock
from storage import schema
from storage.db import make_engine, make_session_factory, transaction
from storage.models import Action, Base
from tests.reliability.summary import report
from tests.support.databases import empty_database_url
from tests.support.harness import running_bot
from tests.support.private_postgres import private_postgres

SECRET = "crash-signing-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_bot(standin: SlackStandIn, url: str, port: int, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-crash", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": standin.api_url, "DATABASE_URL": url, "PORT": str(port)}
    # A session of its own, so a SIGKILL can take the web part and its worker together.
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--host", "127.0.0.1"],
                               env=env, cwd=cwd, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the bot did not start")


def _form(client: SignedSlackClient, text: str) -> requests.Response:
    state = {
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "owners_people": {"value": {"type": "multi_users_select",
                                    "selected_users": ["UDCC"]}},
        "due_date": {"value": {"type": "datepicker", "selected_date": "2030-06-30"}},
    }
    return client.view_submission("record_action", state, user_id="USEC")


def _actions(url: str) -> int:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return session.scalar(select(func.count()).select_from(Action)) or 0
    finally:
        engine.dispose()


def test_sigkill_mid_form_submission(tmp_path: Path) -> None:
    """The web part and its worker killed while the form's owner check hangs: nothing is
    half-recorded, and the stored submission is carried out once after the restart."""
    with empty_database_url(tmp_path) as url, SlackStandIn(hang_seconds=20) as standin:
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        for user in ("USEC", "UDCC"):
            standin.add_user(user, user.lower())
        port = _free_port()
        process = _start_bot(standin, url, port, tmp_path)
        client = SignedSlackClient(f"http://127.0.0.1:{port}/slack/events", SECRET, timeout=5)
        # The owner check asks Slack who UDCC is; that call hangs, mid-submission.
        standin.inject("users.info", "hang", times=1)
        response = _form(client, "share the briefing note")
        # Acked within Slack's 3 s although the worker is still stuck: the form closes.
        assert response.status_code == 200 and response.text in ("", "null")
        standin.wait_faults_used()  # the worker is inside the hanging users.info call
        os.killpg(process.pid, signal.SIGKILL)  # the web part and its worker
        process.wait(timeout=10)
        assert _actions(url) == 0  # nothing half-recorded

        standin.reset()
        process = _start_bot(standin, url, port, tmp_path)
        try:
            deadline = time.monotonic() + 30
            while _actions(url) == 0 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # room for a second copy, were there one
            assert _actions(url) == 1
            confirmations = [c for c in standin.calls_to("chat.postMessage")
                             if c.args.get("channel") == "USEC" and c.status == 200]
            assert len(confirmations) == 1
            report("SIGKILL mid form submission (web part and worker): nothing half-recorded;"
                   " the stored submission was carried out once after the restart and "
                   "confirmed once")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        client.close()


def _migrated_consistently(url: str) -> str | None:
    """The revision, after checking the tables match it (empty, or exactly the models)."""
    engine = make_engine(url)
    try:
        revision = schema.current_revision(engine)
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if revision == schema.head_revision():
            with engine.connect() as connection:
                context = MigrationContext.configure(connection)
                assert compare_metadata(context, Base.metadata) == []
        elif revision is None:
            assert tables == set(), tables
        else:
            assert "actions" in tables  # an intermediate revision, whole
        return revision
    finally:
        engine.dispose()


# Seconds after starting `actionlog migrate` to kill it: before, during and after.
KILL_DELAYS = (0.2, 0.5, 0.8, 1.1, 1.4, 1.8)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_mid_migration_then_migrate_again(tmp_path: Path, kind: str) -> None:
    """On both databases whichever the suite runs on: killed at several points of
    `actionlog migrate`, the schema is whole at some revision, and migrating again
    finishes the job."""
    seen = set()
    for delay in KILL_DELAYS:
        with empty_database_url(tmp_path, kind) as url:
            env = {**os.environ, "DATABASE_URL": url}
            process = subprocess.Popen([sys.executable, "-m", "bot.cli", "migrate"], env=env,
                                       cwd=tmp_path, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            seen.add(_migrated_consistently(url))
            subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], env=env, cwd=tmp_path,
                           check=True, capture_output=True, timeout=60)
            assert _migrated_consistently(url) == schema.head_revision()
    report(f"SIGKILL mid migration ({kind}): {len(KILL_DELAYS)} "
           f"kills, revisions seen after: {sorted(str(r) for r in seen)}; all consistent, "
           "migrate again reached head")


@pytest.mark.postgres
def test_postgres_restart_under_load(clock: ManualClock) -> None:
    """Always on PostgreSQL (a private server, so restarting it disturbs no one else):
    a command that could not be stored during the restart is not acknowledged (Slack
    tells the person it failed); every one acknowledged is carried out once when the
    database is back, without any help."""
    with private_postgres() as server:
        url = server.url
        engine = make_engine(url)
        schema.upgrade(engine)
        sessions = make_session_factory(engine)
        with running_bot(sessions, clock, url) as bot:
            for user in ("USEC", "UDCC"):
                bot.standin.add_user(user, user.lower())
            acked: list[str] = []
            refused: list[str] = []
            stop = threading.Event()

            def load() -> None:
                n = 0
                while not stop.is_set() and n < 400:
                    key = f"pg-{n}"
                    response = bot.slack.slash_command(
                        f"add DCC to restart task {key} by 30/06/2030", user_id="USEC",
                        response_url=bot.standin.response_url(key))
                    (acked if response.status_code == 200 else refused).append(key)
                    n += 1
                    time.sleep(0.02)

            worker = threading.Thread(target=load)
            worker.start()
            time.sleep(1.0)
            server.restart()
            time.sleep(1.5)
            stop.set()
            worker.join(timeout=60)
            # A message whose "sent" mark was lost in the restart waits out its claim (60 s).
            assert bot.backlog.wait_idle(120), "the acknowledged commands were not all done"
            replies: dict[str, list[str]] = {}
            for call in bot.standin.calls_to("response_url"):
                if call.status == 200:
                    replies.setdefault(call.path.rsplit("/", 1)[-1], []).append(
                        call.args.get("text", ""))
            with transaction(sessions) as session:
                stored = list(session.scalars(select(Action.text)))
            for key in acked:
                assert stored.count(f"restart task {key}") == 1, key  # carried out once
                assert len(replies.get(key, [])) == 1 and "Recorded" in replies[key][0], key
            for key in refused:
                # Not acknowledged. Normally not stored either; but if the connection died
                # just as the insert committed, the web part cannot know it was stored:
                # then it is carried out (once) all the same, and answered once.
                count = stored.count(f"restart task {key}")
                assert count == len(replies.get(key, [])) and count <= 1, key
            report(f"PostgreSQL restarted under load: {len(acked) + len(refused)} commands, "
                   f"{len(acked)} acknowledged and each recorded and answered once, "
                   f"{len(refused)} not acknowledged (Slack shows the error) and not recorded")
            # And it recovered by itself: a new command works.
            bot.slack.slash_command("add DCC to after the restart by 30/06/2030",
                                    user_id="USEC", response_url=bot.standin.response_url("a"))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                done = [c for c in bot.standin.calls_to("response_url")
                        if c.path.endswith("/a") and "Recorded" in c.args.get("text", "")]
                if done:
                    break
                time.sleep(0.1)
            assert done
        engine.dispose()


@pytest.mark.postgres
def test_sigkill_while_a_migration_is_half_done_on_postgres(tmp_path: Path) -> None:
    """Caught for certain in the middle: 0002 has altered `actions` and waits for a lock
    on `workspace_settings` when the process is killed. Its one transaction is rolled
    back whole: the schema is still 0001 exactly, and migrating again finishes."""
    with empty_database_url(tmp_path, "postgres") as url:
        engine = make_engine(url)
        schema.upgrade(engine, "0001")
        env = {**os.environ, "DATABASE_URL": url}
        with engine.connect() as blocker:
            blocker.execute(text("LOCK TABLE workspace_settings IN ACCESS EXCLUSIVE MODE"))
            process = subprocess.Popen([sys.executable, "-m", "bot.cli", "migrate"], env=env,
                                       cwd=tmp_path, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            with engine.connect() as watcher:
                while not watcher.scalar(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query ILIKE '%workspace_settings%'")):
                    assert time.monotonic() < deadline, "the migration never reached the lock"
                    assert process.poll() is None
                    watcher.rollback()  # pg_stat_activity is a snapshot per transaction
                    time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            blocker.rollback()
        columns = {c["name"] for c in inspect(engine).get_columns("actions")}
        engine.dispose()
        assert "completed_at" not in columns  # the half-done ALTER was rolled back
        assert _migrated_consistently(url) == "0001"
        subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], env=env, cwd=tmp_path,
                       check=True, capture_output=True, timeout=60)
        assert _migrated_consistently(url) == schema.head_revision()
        report("SIGKILL half-way through migration 0002 (postgresql): rolled back whole to "
               "0001; migrate again reached head")
