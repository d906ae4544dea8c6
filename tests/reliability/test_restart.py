"""Killed in the middle of a reminder round, restarted: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from bot.standin.server import SlackStandIn
from storage.db import transaction
from storage.models import Delivery, DeliveryState
from storage.owners import RoleOwner
from tests.reliability.summary import report
from tests.support.world import World, team_channel

START = datetime(2026, 12, 14, 8, tzinfo=UTC)


def _round(standin: SlackStandIn, database_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-restart", "SLACK_API_URL": standin.api_url,
           "DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "reminders", "run", "--at", "2026-12-21 09:00"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _states(sessions, kind: str | None = "reminder") -> list[str]:  # type: ignore[no-untyped-def]
    """The delivery rows' states, of one kind or (``kind=None``) of every message."""
    query = select(Delivery.state)
    with transaction(sessions) as session:
        return list(session.scalars(
            query.where(Delivery.kind == kind) if kind else query))


def test_sigkill_mid_round_then_restart(sessions, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, START)
    world.role("DCC", "UDCC", START)
    world.role("ACC", "UACC", START)
    meeting = world.meeting(datetime(2026, 12, 30, 10, tzinfo=UTC), START)
    world.action("review the metric", START, meeting_id=meeting)
    world.action("brief the PCC", START, owners=[RoleOwner("ACC")], on=date(2026, 12, 29))
    with SlackStandIn(hang_seconds=20) as standin:
        team_channel(standin)
        for user in ("USEC", "UDCC", "UACC"):
            standin.add_user(user, user.lower())
        standin.inject("chat.postMessage", "hang", times=1)
        process = _round(standin, database_url, tmp_path)
        deadline = time.monotonic() + 30
        while DeliveryState.CLAIMED not in _states(sessions, kind=None):
            assert time.monotonic() < deadline, "the round never claimed a message"
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        time.sleep(0.3)  # the first message posted is now stuck in flight
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        # Workers send side by side, so the stuck message is whichever was posted first (a
        # reminder or the Monday digest); the others may have gone out meanwhile, or be in
        # Slack but not yet marked sent. The stuck one is claimed and not in Slack.
        states = _states(sessions, kind=None)
        assert DeliveryState.CLAIMED in states
        assert set(states) <= {DeliveryState.CLAIMED, DeliveryState.SENT}
        in_slack = sum(len(standin.messages_in(c)) for c in ("UDCC", "UACC", "C0TEAM"))
        assert in_slack < len(states)

        restarted = _round(standin, database_url, tmp_path)
        out, err = restarted.communicate(timeout=60)
        assert restarted.returncode == 0, err
        assert len(standin.messages_in("UDCC")) == 1
        assert len(standin.messages_in("UACC")) == 1
        assert sorted(_states(sessions)) == [DeliveryState.SENT, DeliveryState.SENT]
        assert set(_states(sessions, kind=None)) == {DeliveryState.SENT}

        again = _round(standin, database_url, tmp_path)
        out, _ = again.communicate(timeout=60)
        assert "sent 0" in out
        assert len(standin.messages_in("UDCC")) == 1
        report(f"SIGKILL mid reminder round: {len(states)} messages in the round, "
               f"{in_slack} in Slack when killed; after restart each owner had exactly 1, "
               "a third round sent 0")


def test_dry_run_prints_who_would_get_what_and_sends_nothing(
    sessions, database_url, tmp_path  # type: ignore[no-untyped-def]
) -> None:
    world = World(sessions, START)
    world.role("DCC", "UDCC", START)
    meeting = world.meeting(datetime(2026, 12, 30, 10, tzinfo=UTC), START)
    world.action("review the metric", START, meeting_id=meeting)
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SLACK_BOT_TOKEN", None)
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "reminders", "run", "--at", "2026-12-21 09:00",
         "--dry-run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "would send" in out.stdout and "reminder" in out.stdout and "to UDCC" in out.stdout
    assert "A-1" in out.stdout
    assert _states(sessions) == []
