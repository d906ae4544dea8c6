"""Starting up: the error names its cause, an outage is waited out, Bolt stays quiet."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import startup
from bot.app import Deps, build_app, make_web_client
from bot.cli import main
from bot.settings import Settings
from bot.standin.server import SlackStandIn
from bot.startup import StartupError, verify_token
from reminders.clock import ManualClock
from tests.support.harness import BOT_TOKEN

from .test_settings_and_cli import SETTINGS


def _client(standin: SlackStandIn, token: str = BOT_TOKEN):  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, SLACK_BOT_TOKEN=token,  # type: ignore[call-arg]
                        SLACK_API_URL=standin.api_url)
    return make_web_client(settings)


@pytest.mark.parametrize(("error", "words"), [
    ("invalid_auth", "does not recognise SLACK_BOT_TOKEN (invalid_auth)"),
    ("token_revoked", "has been revoked (token_revoked)"),
    ("account_inactive", "uninstalled or a workspace that was deactivated (account_inactive)"),
])
def test_a_refused_token_is_named_with_its_cause(error: str, words: str) -> None:
    with SlackStandIn() as standin:
        standin.inject("auth.test", error)
        with pytest.raises(StartupError) as raised:
            verify_token(_client(standin), sleep=lambda _: None)
        assert len(standin.calls_to("auth.test")) == 1  # a refusal is not retried
    assert words in str(raised.value)
    assert "Bot User OAuth Token" in str(raised.value)


def test_an_outage_is_retried_with_backoff_then_reported_as_unreachable() -> None:
    waits: list[float] = []
    with SlackStandIn() as standin:
        standin.inject("auth.test", "server_error", times=100)
        with pytest.raises(StartupError) as raised:
            verify_token(_client(standin), attempts=5, first_wait=1, longest_wait=4,
                         sleep=waits.append)
        assert len(standin.calls_to("auth.test")) == 5
    assert waits == [1, 2, 4, 4]
    message = str(raised.value)
    assert message.startswith("could not reach Slack") and "HTTP 500" in message
    assert "token was not the problem" in message


@pytest.mark.parametrize("fault", ["server_error", "service_unavailable", "dropped"])
def test_a_short_outage_is_ridden_out(fault: str) -> None:
    with SlackStandIn() as standin:
        standin.inject("auth.test", fault, times=2)
        result = verify_token(_client(standin), sleep=lambda _: None)
    assert result["user_id"] == "UBOT"


def test_nothing_listening_is_an_outage_not_a_bad_token() -> None:
    with SlackStandIn() as standin:
        client = _client(standin)
    with pytest.raises(StartupError) as raised:  # the stand-in has stopped
        verify_token(client, attempts=2, sleep=lambda _: None)
    assert "could not reach Slack" in str(raised.value)


def _cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, api_url: str,
             token: str) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret-123")
    monkeypatch.setenv("SLACK_API_URL", api_url)
    assert main(["migrate"]) == 0


def test_run_says_which_refusal_it_was(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with SlackStandIn(tokens=["xoxb-another-token"]) as standin:
        _cli_env(monkeypatch, tmp_path, standin.api_url, "xoxb-the-wrong-token")
        assert main(["run"]) == 2
    [line] = [x for x in capsys.readouterr().err.splitlines() if x.startswith("actionlog:")]
    assert line.startswith("actionlog: Slack does not recognise SLACK_BOT_TOKEN (invalid_auth)")
    assert "xoxb-the-wrong-token" not in line


def test_run_during_an_outage_says_slack_could_not_be_reached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(startup, "FIRST_WAIT_SECONDS", 0.01)
    monkeypatch.setattr(startup, "LONGEST_WAIT_SECONDS", 0.01)
    with SlackStandIn() as standin:
        standin.inject("auth.test", "server_error", times=100)
        _cli_env(monkeypatch, tmp_path, standin.api_url, BOT_TOKEN)
        assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "could not reach Slack" in err and "did not accept" not in err


def test_no_token_will_be_unused_warning_on_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, sessions
) -> None:  # type: ignore[no-untyped-def]
    """SLACK_BOT_TOKEN in the environment, as in production: Bolt must not warn."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with SlackStandIn() as standin, caplog.at_level(logging.DEBUG):
        settings = Settings(_env_file=None, SLACK_BOT_TOKEN=BOT_TOKEN,  # type: ignore[call-arg]
                            SLACK_SIGNING_SECRET="signing-secret-123",
                            SLACK_API_URL=standin.api_url)
        deps = Deps(sessions=sessions, clock=ManualClock.__new__(ManualClock),
                    timezone=settings.timezone)
        build_app(settings, deps)
    assert not [r for r in caplog.records if "unused" in r.getMessage()]
