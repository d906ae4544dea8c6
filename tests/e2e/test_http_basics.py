"""The bot in HTTP mode: signed requests are served, anything else is refused."""

from __future__ import annotations

import time

import requests

from tests.support.harness import RunningBot


def _ephemeral_texts(bot: RunningBot) -> list[str]:
    return [call.args.get("text", "") for call in bot.standin.calls_to("response_url")]


def test_help_answers_with_usage(bot: RunningBot) -> None:
    response = bot.slack.slash_command("help", user_id="USEC")
    assert response.status_code == 200
    [call] = bot.standin.wait_for("response_url")
    assert call.args["response_type"] == "ephemeral"
    assert "/actions" in call.args["text"] and "list mine" in call.args["text"]


def test_unknown_subcommand_gets_friendly_usage(bot: RunningBot) -> None:
    bot.slack.slash_command("frobnicate", user_id="USEC")
    [call] = bot.standin.wait_for("response_url")
    assert "frobnicate" in call.args["text"]
    assert call.args["response_type"] == "ephemeral"


def test_wrong_signature_is_refused(bot: RunningBot) -> None:
    response = bot.slack.slash_command("help", user_id="USEC", signature="v0=" + "0" * 64)
    assert response.status_code == 401
    time.sleep(0.2)
    assert bot.standin.calls_to("response_url") == []


def test_ten_minute_old_timestamp_is_refused(bot: RunningBot) -> None:
    response = bot.slack.slash_command(
        "help", user_id="USEC", timestamp=int(time.time()) - 600
    )
    assert response.status_code == 401


def test_body_altered_after_signing_is_refused(bot: RunningBot) -> None:
    response = bot.slack.slash_command(
        "help", user_id="USEC", tamper=lambda body: body.replace(b"help", b"list")
    )
    assert response.status_code == 401


def test_missing_headers_and_huge_bodies_are_refused(bot: RunningBot) -> None:
    events = f"{bot.url}/slack/events"
    assert requests.post(events, data={"text": "help"}, timeout=5).status_code == 401
    huge = requests.post(events, data=b"x" * (2 * 1024 * 1024), timeout=10)
    assert huge.status_code == 413


def test_health_check(bot: RunningBot) -> None:
    response = requests.get(f"{bot.url}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert requests.get(f"{bot.url}/nope", timeout=5).status_code == 404
