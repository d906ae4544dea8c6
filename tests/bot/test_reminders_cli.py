"""`actionlog reminders run` says when failures reached nobody."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.standin.server import SlackStandIn
from storage.owners import RoleOwner
from tests.support.world import World

from .test_settings_and_cli import SETTINGS


def test_a_round_whose_failures_reach_nobody_says_so(
    sessions, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
    world = World(sessions, start)
    world.role("DCC", "UDCC", start)
    meeting = world.meeting(datetime(2026, 12, 30, 10, 0, tzinfo=UTC), start)
    world.action("review the diary appointments metric", start, meeting_id=meeting,
                 owners=[RoleOwner("DCC")])
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    # Slack knows only the new token: the one the bot has was revoked.
    with SlackStandIn(tokens=["xoxb-the-new-token"]) as standin:
        standin.add_user("UDCC", "dana")
        standin.add_user("USEC", "sam")
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-the-old-token")
        monkeypatch.setenv("SLACK_API_URL", standin.api_url)
        monkeypatch.setenv("DATABASE_URL", database_url)
        code = main(["reminders", "run", "--at", "2026-12-21 09:00"])
    out = capsys.readouterr().out
    assert code == 1
    assert "sent 0" in out
    assert "not reported to anyone" in out
    assert f"unreported: reminder:{meeting}:5:UDCC: invalid_auth" in out
    assert "xoxb-the-old-token" not in out
