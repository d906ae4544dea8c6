"""The Slack side of delivery: which failures can clear, and no double post after a 5xx."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.app import make_web_client
from bot.messenger import SlackMessenger, is_permanent, refusal
from bot.settings import Settings
from bot.standin.api_spec import ApiError
from bot.standin.server import SlackStandIn
from reminders.clock import ManualClock
from reminders.delivery import DeliveryError
from reminders.messages import DeliveryFailure, FailureReport
from tests.support.harness import BOT_TOKEN
from tests.support.world import team_channel

LONDON = ZoneInfo("Europe/London")


def _slack_error(error: str, status: int = 200, **extra: str) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage",
                             req_args={}, data={"ok": False, "error": error, **extra},
                             headers={}, status_code=status)
    return SlackApiError(error, response)


@pytest.mark.parametrize(("error", "recipient", "permanent"), [
    ("account_inactive", "U0DCC", False),  # the bot's own token or workspace, not the owner
    ("token_revoked", "U0DCC", False),
    ("invalid_auth", "C0TEAM", False),
    ("missing_scope", "C0TEAM", False),
    ("not_in_channel", "C0TEAM", False),  # inviting the bot clears it
    ("channel_not_found", "C0TEAM", False),  # a private channel it was not invited to
    ("ratelimited", "U0DCC", False),
    ("user_not_found", "U0DCC", True),  # the person left
    ("user_disabled", "W0DCC", True),
    ("cannot_dm_bot", "U0BOT", True),
    ("is_archived", "C0TEAM", True),
    ("invalid_blocks", "C0TEAM", True),
])
def test_which_failures_can_clear(error: str, recipient: str, permanent: bool) -> None:
    assert is_permanent(error, recipient) is permanent
    assert refusal(_slack_error(error), recipient).permanent is permanent


def test_missing_scope_keeps_the_scope_slack_asked_for() -> None:
    failure = refusal(_slack_error("missing_scope", needed="chat:write.public",
                                   provided="chat:write"), "C0TEAM")
    assert (failure.error, failure.needed) == ("missing_scope", "chat:write.public")


def test_a_post_slack_made_but_answered_with_503_is_not_posted_again() -> None:
    """Slack posted, then its answer was lost to a 503: the message is looked for first."""
    with SlackStandIn() as standin:
        team_channel(standin)
        post = standin._handlers["chat.postMessage"]
        answered = []

        def posts_then_fails(args):  # type: ignore[no-untyped-def]
            result = post(args)
            if not answered:
                answered.append(result)
                raise ApiError("service_unavailable", 503)
            return result

        standin._handlers["chat.postMessage"] = posts_then_fails
        settings = Settings(_env_file=None, SLACK_BOT_TOKEN=BOT_TOKEN,  # type: ignore[call-arg]
                            SLACK_API_URL=standin.api_url)
        clock = ManualClock(datetime.now(UTC))
        messenger = SlackMessenger(make_web_client(settings), clock, LONDON, sleep=lambda _: None)
        report = FailureReport((DeliveryFailure("digest", "C0TEAM", "ratelimited"),))
        ts = messenger.send("T0001", "C0TEAM", report, "failure:abc:C0TEAM")
        posted = standin.messages_in("C0TEAM")
        assert [m["ts"] for m in posted] == [ts]
        assert len(standin.calls_to("conversations.history")) == 1


def test_a_dropped_connection_is_checked_then_posted_once() -> None:
    with SlackStandIn() as standin:
        team_channel(standin)
        standin.inject("chat.postMessage", "dropped")
        settings = Settings(_env_file=None, SLACK_BOT_TOKEN=BOT_TOKEN,  # type: ignore[call-arg]
                            SLACK_API_URL=standin.api_url)
        messenger = SlackMessenger(make_web_client(settings), ManualClock(datetime.now(UTC)),
                                   LONDON, sleep=lambda _: None)
        report = FailureReport((DeliveryFailure("digest", "C0TEAM", "ratelimited"),))
        ts = messenger.send("T0001", "C0TEAM", report, "failure:def:C0TEAM")
        assert [m["ts"] for m in standin.messages_in("C0TEAM")] == [ts]
        assert len(standin.calls_to("conversations.history")) == 1


def test_a_person_who_left_is_not_in_doubt_after_a_server_error() -> None:
    """The 500 leaves it unclear; the lookup that follows says the person has left."""
    with SlackStandIn() as standin:
        standin.add_user("UGONE", "gone", deleted=True)
        standin.inject("chat.postMessage", "server_error")
        settings = Settings(_env_file=None, SLACK_BOT_TOKEN=BOT_TOKEN,  # type: ignore[call-arg]
                            SLACK_API_URL=standin.api_url)
        messenger = SlackMessenger(make_web_client(settings), ManualClock(datetime.now(UTC)),
                                   LONDON, sleep=lambda _: None)
        report = FailureReport((DeliveryFailure("digest", "C0TEAM", "ratelimited"),))
        with pytest.raises(DeliveryError) as raised:
            messenger.send("T0001", "UGONE", report, "failure:ghi:UGONE")
    assert (raised.value.error, raised.value.permanent) == ("user_not_found", True)
