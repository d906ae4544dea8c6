"""Trigger ids, response URLs and command text behave as Slack's do."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests

from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient
from bot.standin.slack_text import Directory, as_slack_sends
from bot.standin.triggers import TriggerLedger, mint_trigger_id

AUTH = {"Authorization": "Bearer xoxb-test"}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Record"},
         "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]}


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


def open_view(standin: SlackStandIn, trigger_id: str) -> dict[str, Any]:
    return requests.post(standin.api_url + "views.open", headers=AUTH, timeout=5,
                         data={"trigger_id": trigger_id, "view": json.dumps(MODAL)}).json()


def test_a_trigger_opens_one_view(standin: SlackStandIn) -> None:
    trigger = mint_trigger_id()
    assert open_view(standin, trigger)["ok"] is True
    assert open_view(standin, trigger)["error"] == "exchanged_trigger_id"


def test_a_trigger_expires_after_3_seconds(standin: SlackStandIn) -> None:
    assert open_view(standin, mint_trigger_id(time.time() - 3.5))["error"] == \
        "expired_trigger_id"
    assert open_view(standin, mint_trigger_id(time.time() - 2.5))["ok"] is True
    assert open_view(standin, "trig-1")["error"] == "invalid_trigger_id"


def test_views_push_spends_a_trigger_too(standin: SlackStandIn) -> None:
    trigger = mint_trigger_id()
    assert open_view(standin, trigger)["ok"] is True
    pushed = requests.post(standin.api_url + "views.push", headers=AUTH, timeout=5,
                           data={"trigger_id": trigger, "view": json.dumps(MODAL)}).json()
    assert pushed["error"] == "exchanged_trigger_id"


def test_ledger_uses_the_issue_time_in_the_id() -> None:
    ledger = TriggerLedger()
    issued = 1_000_000.0
    ledger.use(mint_trigger_id(issued), now=issued + 2.9)
    with pytest.raises(Exception, match="expired_trigger_id"):
        ledger.use(mint_trigger_id(issued), now=issued + 3.1)


def test_a_response_url_takes_five_posts(standin: SlackStandIn) -> None:
    url = standin.response_url("r1")
    codes = [requests.post(url, json={"text": f"reply {n}"}, timeout=5).status_code
             for n in range(6)]
    assert codes == [200] * 5 + [404]
    assert standin.calls_to("response_url")[-1].response["error"] == "used_url"
    # Another command's URL is unaffected, and failed posts do not count.
    standin.inject("response_url", "server_error")
    other = standin.response_url("r2")
    assert requests.post(other, json={"text": "x"}, timeout=5).status_code == 500
    assert [requests.post(other, json={"text": "x"}, timeout=5).status_code
            for _ in range(5)] == [200] * 5


def test_a_response_url_expires_after_30_minutes(
    standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = standin.response_url("r3")
    assert requests.post(url, json={"text": "first"}, timeout=5).status_code == 200
    later = time.monotonic() + 30 * 60 + 1
    monkeypatch.setattr("bot.standin.server.time.monotonic", lambda: later)
    answer = requests.post(url, json={"text": "late"}, timeout=5)
    assert (answer.status_code, answer.json()["error"]) == (404, "expired_url")


# -- command text as Slack sends it ------------------------------------------------------------

DIRECTORY = Directory(users={"julian": "U0JULIAN"}, channels={"assurance": "C0ASSUR"},
                      usergroups={"policy-team": "S0POLICY"})
TYPED = "role DCC @julian, channel #assurance, group @policy-team, Q&A <b> @nobody"


def test_with_should_escape_on_mentions_arrive_escaped() -> None:
    assert as_slack_sends(TYPED, DIRECTORY, should_escape=True) == (
        "role DCC <@U0JULIAN|julian>, channel <#C0ASSUR|assurance>, group "
        "<!subteam^S0POLICY|@policy-team>, Q&amp;A &lt;b&gt; @nobody")


def test_with_should_escape_off_mentions_arrive_as_typed() -> None:
    assert as_slack_sends(TYPED, DIRECTORY, should_escape=False) == (
        "role DCC @julian, channel #assurance, group @policy-team, Q&amp;A &lt;b&gt; @nobody")


def test_email_addresses_and_punctuation_are_not_mentions() -> None:
    assert as_slack_sends("mail julian@example.org then @julian.", DIRECTORY,
                          should_escape=True) == \
        "mail julian@example.org then <@U0JULIAN|julian>."


def test_the_signed_client_sends_typed_commands(standin: SlackStandIn) -> None:
    received: list[bytes] = []

    class Capture(SignedSlackClient):
        def send(self, body: bytes, content_type: str, **options: Any) -> Any:
            received.append(body)

    standin.add_user("U0JULIAN", "julian")
    standin.add_channel("C0ASSUR", "assurance")
    standin.add_usergroup("S0POLICY", ["U0JULIAN"], handle="policy-team")
    client = Capture("http://127.0.0.1:1/slack/events", "secret")
    client.typed_command("role DCC @julian & #assurance", user_id="USEC",
                         directory=standin.directory())
    client.typed_command("secretariat group @policy-team", user_id="USEC",
                         directory=standin.directory(), should_escape=False)
    texts = [parse_qs(body.decode())["text"][0] for body in received]
    assert texts == ["role DCC <@U0JULIAN|julian> &amp; <#C0ASSUR|assurance>",
                     "secretariat group @policy-team"]
