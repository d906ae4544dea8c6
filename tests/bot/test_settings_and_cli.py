"""Settings errors are one clear line; the command line works without a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bot.cli import main
from bot.settings import SettingsError, load_settings
from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from storage import schema
from storage.db import make_engine

SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
            "DATABASE_URL", "ACTIONLOG_TIMEZONE", "PORT", "ACTIONLOG_POSTS_PER_MINUTE")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.DATABASE_URL == "sqlite:///actionlog.db"
    assert settings.ACTIONLOG_TIMEZONE == "Europe/London"
    assert settings.SLACK_API_URL == "https://slack.com/api/"
    assert settings.ACTIONLOG_POSTS_PER_MINUTE == 600
    assert not settings.socket_mode


def test_env_file_is_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text("PORT=4001\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    settings = load_settings()
    assert settings.PORT == 4001
    assert settings.SLACK_API_URL == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORT", "eighty", "PORT is not valid"),
        ("PORT", "70000", "PORT is not valid"),
        ("ACTIONLOG_TIMEZONE", "Mars/Olympus", "ACTIONLOG_TIMEZONE is not valid"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token-123", "SLACK_BOT_TOKEN is not valid"),
        ("SLACK_API_URL", "ftp://files.example.invalid", "SLACK_API_URL is not valid"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not valid"),
        ("ACTIONLOG_POSTS_PER_MINUTE", "0", "ACTIONLOG_POSTS_PER_MINUTE is not valid"),
        ("ACTIONLOG_POSTS_PER_MINUTE", "lots", "ACTIONLOG_POSTS_PER_MINUTE is not valid"),
    ],
)
def test_malformed_setting_names_it_and_says_how_to_fix(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(expected) and "\n" not in message
    assert "set it" in message
    # Never echo what may be a secret (numbers are safe to show).
    assert value not in message or name in ("PORT", "ACTIONLOG_POSTS_PER_MINUTE")


def test_run_without_tokens_prints_one_line(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("actionlog: SLACK_BOT_TOKEN is missing")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_run_refuses_an_old_schema(clean_env: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-value-123")
    assert main(["run"]) == 2
    assert "run 'actionlog migrate' first" in capsys.readouterr().err


def test_migrate_creates_the_schema(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert f"-> {schema.head_revision()}" in capsys.readouterr().out
    engine = make_engine(f"sqlite:///{clean_env / 'actionlog.db'}")
    assert schema.is_up_to_date(engine)
    engine.dispose()


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["migrate", "--help"]])
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert "usage: actionlog" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_actionlog_run_serves_signed_requests(tmp_path: Path) -> None:
    """The installed console script, as a process: migrate, run, answer, log, stop."""
    port = _free_port()
    with SlackStandIn() as standin:
        env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-e2e-token", "PORT": str(port),
               "SLACK_SIGNING_SECRET": "e2e-signing-secret", "SLACK_API_URL": standin.api_url,
               "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
        env.pop("SLACK_APP_TOKEN", None)
        command = [sys.executable, "-m", "bot.cli"]
        subprocess.run([*command, "migrate"], env=env, check=True, cwd=tmp_path,
                       capture_output=True)
        process = subprocess.Popen([*command, "run", "--host", "127.0.0.1"], env=env,
                                   cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        try:
            _wait_until_healthy(port)
            client = SignedSlackClient(f"http://127.0.0.1:{port}/slack/events",
                                       "e2e-signing-secret",
                                       response_url_factory=lambda: standin.response_url("1"))
            assert client.slash_command("help", user_id="U1").status_code == 200
            # The worker, a child process, may still be starting: the command waits for it.
            [call] = standin.wait_for("response_url", timeout=30)
            assert "/actions" in call.args["text"]
        finally:
            process.terminate()
            _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    request_lines = [line for line in err.splitlines() if '"event": "request"' in line]
    assert any('"what": "/actions help"' in line and '"duration_ms"' in line
               for line in request_lines)
    assert "xoxb-e2e-token" not in err and "e2e-signing-secret" not in err


def _wait_until_healthy(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("the bot did not become healthy within 20 s")
