"""The Slack stand-in answers like Slack, records calls, injects faults and signs like Slack."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from bot.standin import api_spec
from bot.standin.server import SlackStandIn
from bot.standin.signed_client import SignedSlackClient, sign
from bot.standin.triggers import mint_trigger_id

TOKEN = "xoxb-test"
SECRET = "test-signing-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MODAL_TITLE = {"type": "plain_text", "text": "Record action"}


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(hang_seconds=0.3) as server:
        server.add_user("U0ALICE", "alice", real_name="Alice Example")
        server.add_user("U0GONE", "gone", deleted=True)
        for channel in ("C1", "C2", "C0TEAM"):
            server.add_channel(channel, channel.lower())
            server.invite(channel)
        yield server


@pytest.fixture
def web(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.api_url)


def api(standin: SlackStandIn, method: str, **data: Any) -> requests.Response:
    """Call the stand-in with raw requests so no SDK retry handler gets in the way."""
    return requests.post(standin.api_url + method, data=data, headers=AUTH, timeout=5)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# -- API surface ---------------------------------------------------------------------------


def test_unknown_method_is_rejected(standin: SlackStandIn) -> None:
    response = api(standin, "chat.teleport", channel="C1")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error": "unknown_method"}


def test_missing_required_argument_is_rejected(standin: SlackStandIn) -> None:
    response = api(standin, "chat.postMessage", text="hello")
    assert response.json() == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": ["[ERROR] missing required field: channel"]},
    }
    opened = api(standin, "views.open", trigger_id=mint_trigger_id()).json()
    assert opened["response_metadata"]["messages"] == ["[ERROR] missing required field: view"]


def test_message_needs_text_blocks_or_attachments(standin: SlackStandIn) -> None:
    assert api(standin, "chat.postMessage", channel="C1").json()["error"] == "no_text"


def test_tokens_are_checked(standin: SlackStandIn) -> None:
    url = standin.api_url + "auth.test"
    assert requests.post(url, timeout=5).json()["error"] == "not_authed"
    assert requests.post(url, data={"token": "xoxp-user"}, timeout=5).json() == {
        "ok": False,
        "error": "invalid_auth",
    }
    assert requests.get(url, params={"token": "xoxb-any"}, timeout=5).json()["ok"] is True


def test_only_configured_tokens_are_valid() -> None:
    with SlackStandIn(tokens=["xoxb-right"]) as server:
        wrong = WebClient(token="xoxb-wrong", base_url=server.api_url)
        with pytest.raises(SlackApiError) as failure:
            wrong.auth_test()
        assert failure.value.response["error"] == "invalid_auth"
        assert WebClient(token="xoxb-right", base_url=server.api_url).auth_test()["ok"]


def test_web_client_round_trip(standin: SlackStandIn, web: WebClient) -> None:
    auth = web.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0001", "UBOT", "B0001")

    first = web.chat_postMessage(channel="C0TEAM", text="fallback", blocks=[section("*Hi*")])
    second = web.chat_postMessage(channel="U0ALICE", text="direct")
    assert first["channel"] == "C0TEAM"
    assert first["message"]["blocks"] == [section("*Hi*")]
    assert float(second["ts"]) > float(first["ts"])
    assert second["channel"] == web.conversations_open(users="U0ALICE")["channel"]["id"]

    view = {"type": "modal", "title": MODAL_TITLE, "callback_id": "record", "blocks": []}
    opened = web.views_open(trigger_id=mint_trigger_id(), view=view)["view"]
    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "record"

    alice = web.users_info(user="U0ALICE")["user"]
    assert (alice["name"], alice["real_name"], alice["tz"]) == ("alice", "Alice Example",
                                                                "Europe/London")
    with pytest.raises(SlackApiError) as failure:
        web.users_info(user="U0NOBODY")
    assert failure.value.response["error"] == "user_not_found"


def test_directory_methods(standin: SlackStandIn, web: WebClient) -> None:
    standin.add_usergroup("S0LEADS", ["U0ALICE", "U0BOB"])
    assert web.usergroups_users_list(usergroup="S0LEADS")["users"] == ["U0ALICE", "U0BOB"]
    ids = {member["id"] for member in web.users_list()["members"]}
    assert ids == {"UBOT", "U0ALICE", "U0GONE"}
    assert web.conversations_open(users="U0ALICE")["channel"]["id"] == "DU0ALICE"


def test_message_and_view_updates(standin: SlackStandIn, web: WebClient) -> None:
    posted = web.chat_postMessage(channel="C0TEAM", text="v1")
    updated = web.chat_update(channel="C0TEAM", ts=posted["ts"], text="v2")
    assert (updated["ts"], updated["text"]) == (posted["ts"], "v2")
    assert web.chat_delete(channel="C0TEAM", ts=posted["ts"])["ts"] == posted["ts"]
    ephemeral = web.chat_postEphemeral(channel="C0TEAM", user="U0ALICE", text="psst")
    assert float(ephemeral["message_ts"]) > float(posted["ts"])

    modal = {"type": "modal", "title": MODAL_TITLE, "blocks": [section("x")]}
    opened = web.views_open(trigger_id=mint_trigger_id(), view=modal)["view"]
    assert web.views_update(view_id=opened["id"], view=modal)["view"]["id"] == opened["id"]
    assert web.views_push(trigger_id=mint_trigger_id(), view=modal)["view"]["id"] != opened["id"]
    home = web.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": []})["view"]
    assert home["type"] == "home"
    with pytest.raises(SlackApiError):
        web.views_publish(user_id="U0ALICE", view=modal)  # Home tab must be type "home"

    standin.scopes = (standin.scopes or frozenset()) | {"im:read", "channels:read"}
    assert web.conversations_info(channel="DU0ALICE")["channel"]["is_im"] is True
    standin.unknown_channels.add("C0GONE")
    with pytest.raises(SlackApiError) as failure:
        web.conversations_info(channel="C0GONE")
    assert failure.value.response["error"] == "channel_not_found"


def test_unreachable_recipients_are_rejected(standin: SlackStandIn, web: WebClient) -> None:
    standin.unknown_channels.add("C0GONE")
    for channel, error in [("U0GONE", "user_not_found"), ("U0NOBODY", "user_not_found"),
                           ("C0GONE", "channel_not_found")]:
        with pytest.raises(SlackApiError) as failure:
            web.chat_postMessage(channel=channel, text="hello")
        assert failure.value.response["error"] == error


def test_methods_outside_the_vendored_spec_are_unknown(standin: SlackStandIn) -> None:
    """The vendored spec holds only the methods the bot uses; anything else is refused."""
    answer = api(standin, "reactions.add", channel="C1", name="eyes", timestamp="1.2")
    assert (answer.status_code, answer.json()["error"]) == (404, "unknown_method")


def test_a_spec_method_without_a_handler_says_so(standin: SlackStandIn) -> None:
    standin.methods["reactions.add"] = api_spec.MethodSpec(
        "reactions.add", {"name": api_spec.Argument("name", "string", True)})
    answer = api(standin, "reactions.add", name="eyes")
    assert (answer.status_code, answer.json()["error"]) == (501, "not_implemented_in_standin")


def test_the_vendored_spec_is_read_and_a_missing_one_is_an_error() -> None:
    methods = api_spec.load_methods()
    assert methods["chat.postMessage"].required == {"channel"}
    assert "metadata" in methods["chat.postMessage"].arguments  # added to Slack's old file
    assert methods["files.getUploadURLExternal"].required == {"filename", "length"}
    assert methods["conversations.join"].scopes == ("channels:join",)
    with pytest.raises(FileNotFoundError):
        api_spec.load_methods(Path("/nonexistent/spec.json"))


# -- recording -----------------------------------------------------------------------------


def test_calls_are_recorded_with_decoded_args(standin: SlackStandIn) -> None:
    blocks = [section("one"), {"type": "divider"}]
    response = api(standin, "chat.postMessage", channel="C1", blocks=json.dumps(blocks))
    assert response.json()["ok"] is True
    api(standin, "chat.teleport")

    posted = standin.wait_for("chat.postMessage")
    assert len(posted) == 1
    assert posted[0].args == {"channel": "C1", "blocks": blocks}
    assert posted[0].token == TOKEN
    assert posted[0].status == 200
    assert posted[0].response["channel"] == "C1"
    assert [call.method for call in standin.calls] == ["chat.postMessage", "chat.teleport"]
    assert standin.calls[1].status == 404

    standin.reset()
    assert standin.calls == []


def test_wait_for_times_out_with_a_useful_message(standin: SlackStandIn) -> None:
    api(standin, "auth.test")
    with pytest.raises(AssertionError, match=r"chat\.postMessage.*got 0.*auth\.test"):
        standin.wait_for("chat.postMessage", timeout=0.05)


def test_response_url_posts_are_recorded(standin: SlackStandIn) -> None:
    url = standin.response_url("abc")
    assert url == f"{standin.base_url}/response/abc"
    reply = requests.post(url, json={"text": "Saved", "replace_original": True}, timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"ok": True}
    (call,) = standin.wait_for("response_url")
    assert call.args == {"text": "Saved", "replace_original": True}
    assert call.path == "/response/abc"


# -- Block Kit limits ------------------------------------------------------------------------


def test_block_kit_limits(standin: SlackStandIn) -> None:
    def post(**data: Any) -> dict[str, Any]:
        return api(standin, "chat.postMessage", channel="C1", **data).json()

    assert post(blocks=json.dumps([section("x")] * 50))["ok"] is True
    assert post(blocks=json.dumps([section("x")] * 51))["error"] == "invalid_blocks"
    assert post(blocks=json.dumps([section("x" * 3001)]))["error"] == "invalid_blocks"
    assert post(blocks="not json")["error"] == "invalid_blocks_format"
    assert post(text="x" * 40_001)["error"] == "msg_too_long"

    big_modal = {"type": "modal", "title": MODAL_TITLE, "blocks": [section("x")] * 101}
    opened = api(standin, "views.open", trigger_id=mint_trigger_id(),
                 view=json.dumps(big_modal)).json()
    assert opened["error"] == "invalid_arguments"
    long_title = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}}
    opened = api(standin, "views.open", trigger_id=mint_trigger_id(),
                 view=json.dumps(long_title)).json()
    assert opened["error"] == "invalid_arguments"


# -- faults ----------------------------------------------------------------------------------


def test_ratelimited_fault(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", "ratelimited", retry_after=7)
    limited = api(standin, "chat.postMessage", channel="C1", text="hi")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.json() == {"ok": False, "error": "ratelimited"}
    assert api(standin, "chat.postMessage", channel="C1", text="hi").json()["ok"] is True
    assert [call.status for call in standin.calls] == [429, 200]


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [("server_error", 500, "internal_error"), ("user_not_found", 200, "user_not_found"),
     ("channel_not_found", 200, "channel_not_found")],
)
def test_error_faults(standin: SlackStandIn, fault: str, status: int, error: str) -> None:
    standin.inject("*", fault, times=2)
    for _ in range(2):
        failed = api(standin, "chat.postMessage", channel="C1", text="hi")
        assert (failed.status_code, failed.json()["error"]) == (status, error)
    assert api(standin, "chat.postMessage", channel="C1", text="hi").json()["ok"] is True


def test_faults_are_consumed_in_order_and_per_method(standin: SlackStandIn) -> None:
    standin.inject("users.info", "user_not_found")
    standin.inject("*", "server_error")
    assert api(standin, "auth.test").status_code == 500  # only the wildcard matches
    assert api(standin, "users.info", user="U0ALICE").json()["error"] == "user_not_found"
    assert api(standin, "users.info", user="U0ALICE").json()["ok"] is True


def test_hang_is_bounded_and_does_not_block_others(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", "hang")
    result: dict[str, Any] = {}

    def hanging_call() -> None:
        started = time.monotonic()
        result["status"] = api(standin, "chat.postMessage", channel="C1", text="x").status_code
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=hanging_call)
    thread.start()
    started = time.monotonic()
    assert api(standin, "auth.test").json()["ok"] is True
    assert time.monotonic() - started < 0.25
    thread.join(timeout=2)
    assert result["status"] == 500
    assert 0.3 <= result["elapsed"] < 1.5


def test_stop_releases_a_hanging_request() -> None:
    server = SlackStandIn(hang_seconds=30).start()
    server.inject("*", "hang")
    statuses: list[int] = []
    url = server.api_url + "auth.test"
    thread = threading.Thread(
        target=lambda: statuses.append(requests.post(url, headers=AUTH, timeout=5).status_code)
    )
    thread.start()
    time.sleep(0.2)  # let the request reach the server; it is only recorded once answered
    started = time.monotonic()
    server.stop()
    thread.join(timeout=2)
    assert time.monotonic() - started < 1.0
    assert statuses == [500]


def test_fault_rate_is_seeded_and_can_be_turned_off(standin: SlackStandIn) -> None:
    def statuses() -> list[int]:
        return [api(standin, "auth.test").status_code for _ in range(20)]

    standin.fault_rate(0.5, faults=("server_error",), seed=3)
    first = statuses()
    standin.fault_rate(0.5, faults=("server_error",), seed=3)
    assert statuses() == first
    assert set(first) == {200, 500}
    standin.fault_rate(0)
    assert set(statuses()) == {200}
    with pytest.raises(ValueError):
        standin.fault_rate(0.1, faults=("explode",))


# -- rate limits ------------------------------------------------------------------------------


def test_rate_limit_per_channel_after_burst(standin: SlackStandIn) -> None:
    standin.rate_limits(per_channel_per_sec=0.2, burst=2)
    codes = [api(standin, "chat.postMessage", channel="C1", text="x").status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = standin.calls[-1]
    assert limited.response == {"ok": False, "error": "ratelimited"}
    retry = api(standin, "chat.postMessage", channel="C1", text="x")
    assert int(retry.headers["Retry-After"]) >= 1
    assert api(standin, "chat.postMessage", channel="C2", text="x").status_code == 200

    standin.rate_limits()  # off again
    assert api(standin, "chat.postMessage", channel="C1", text="x").status_code == 200


def test_rate_limit_tier3_and_workspace(standin: SlackStandIn) -> None:
    standin.rate_limits(workspace_per_min=60, tier3_per_min=50, minute_burst=1)
    assert api(standin, "conversations.open", users="U0ALICE").status_code == 200
    assert api(standin, "conversations.open", users="U0ALICE").status_code == 429
    assert api(standin, "chat.postMessage", channel="C1", text="x").status_code == 200
    assert api(standin, "chat.postMessage", channel="C2", text="x").status_code == 429


# -- signed client ---------------------------------------------------------------------------


class _Capture(BaseHTTPRequestHandler):
    """Records each request it receives and answers 200."""

    received: list[tuple[str, dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def captured() -> Iterator[tuple[str, list[tuple[str, dict[str, str], bytes]]]]:
    received: list[tuple[str, dict[str, str], bytes]] = []
    handler = type("Handler", (_Capture,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slack/events", received
    server.shutdown()
    server.server_close()


def verifies(headers: dict[str, str], body: bytes, secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid_request(body, headers)


def test_sign_matches_slack_documentation_example() -> None:
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
        "-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977"
        "00885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d1"
        "0d2c447fce8b6703c"
    )
    assert sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body) == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_slash_command_is_signed_and_shaped_like_slack(captured: Any) -> None:
    url, received = captured
    client = SignedSlackClient(url, SECRET, response_url_factory=lambda: "http://r/1")
    assert client.slash_command("add Fix the roof", user_id="U0ALICE").status_code == 200

    path, headers, body = received[0]
    assert path == "/slack/events"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert verifies(headers, body)
    fields = {key: values[0] for key, values in parse_qs(body.decode(), True).items()}
    assert fields["command"] == "/actions"
    assert fields["text"] == "add Fix the roof"
    assert fields["user_id"] == "U0ALICE"
    assert fields["team_id"] == "T0001"
    assert fields["channel_id"] == "C0TEAM"
    assert fields["response_url"] == "http://r/1"
    assert fields["is_enterprise_install"] == "false"
    assert fields["trigger_id"].count(".") == 2
    assert {"token", "team_domain", "channel_name", "user_name", "api_app_id"} <= set(fields)


def test_signature_overrides_and_tampering_fail_verification(captured: Any) -> None:
    url, received = captured
    client = SignedSlackClient(url, SECRET)
    client.slash_command("list", user_id="U1", signature="v0=" + "0" * 64)
    client.slash_command("list", user_id="U1", tamper=lambda body: body + b"&x=1")
    client.slash_command("list", user_id="U1", timestamp=1_000_000_000)
    client.slash_command("list", user_id="U1", headers={"X-Extra": "yes"})
    assert [verifies(headers, body) for _, headers, body in received] == [
        False, False, False, True,  # the third is correctly signed but five minutes stale
    ]
    assert received[2][1]["X-Slack-Request-Timestamp"] == "1000000000"
    assert received[2][1]["X-Slack-Signature"] == sign(SECRET, 1_000_000_000, received[2][2])
    assert received[3][1]["X-Extra"] == "yes"


def payload_of(body: bytes) -> dict[str, Any]:
    return json.loads(parse_qs(body.decode())["payload"][0])


def test_interactive_payloads(captured: Any) -> None:
    url, received = captured
    client = SignedSlackClient(url, SECRET, response_url_factory=lambda: "http://r/2")
    client.block_action("done", user_id="U1", value="42", message={"ts": "1.2", "text": "t"},
                        channel_id="C9")
    client.block_action("edit", user_id="U1", view={"id": "V9", "callback_id": "home"})
    client.view_submission("record", {"b": {"a": {"type": "plain_text_input", "value": "v"}}},
                           user_id="U1", private_metadata="m")
    client.message_shortcut("capture", user_id="U1", message_text="Fix it",
                            message_user="U2", channel_id="C9", message_ts="3.4")
    assert all(verifies(headers, body) for _, headers, body in received)
    on_message, on_view, submitted, shortcut = (payload_of(body) for _, _, body in received)

    assert on_message["type"] == "block_actions"
    assert on_message["actions"][0] | {"action_ts": None} == {
        "action_id": "done", "block_id": "b", "value": "42", "type": "button", "action_ts": None,
    }
    assert on_message["container"]["channel_id"] == "C9"
    assert on_message["response_url"] == "http://r/2"
    assert on_message["user"]["id"] == "U1"
    assert on_message["team"]["id"] == "T0001"
    assert on_view["container"] == {"type": "view", "view_id": "V9"}
    assert "response_url" not in on_view
    assert submitted["type"] == "view_submission"
    assert submitted["view"]["callback_id"] == "record"
    assert submitted["view"]["private_metadata"] == "m"
    assert submitted["view"]["state"]["values"]["b"]["a"]["value"] == "v"
    assert shortcut["type"] == "message_action"
    assert shortcut["message"]["text"] == "Fix it"
    assert shortcut["message"]["user"] == "U2"


def test_event_and_url_verification(captured: Any) -> None:
    url, received = captured
    client = SignedSlackClient(url, SECRET)
    client.event({"type": "app_home_opened", "user": "U1"}, event_id="Ev1", retry_num=1,
                 retry_reason="http_timeout")
    client.url_verification("challenge-token")
    (_, event_headers, event_body), (_, _, challenge_body) = received
    assert verifies(event_headers, event_body)
    assert event_headers["Content-Type"] == "application/json"
    assert event_headers["X-Slack-Retry-Num"] == "1"
    assert event_headers["X-Slack-Retry-Reason"] == "http_timeout"
    envelope = json.loads(event_body)
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"] == "Ev1"
    assert envelope["event"] == {"type": "app_home_opened", "user": "U1"}
    assert envelope["authorizations"][0]["user_id"] == "UBOT"
    assert json.loads(challenge_body) == {
        "token": "verification-token", "challenge": "challenge-token",
        "type": "url_verification",
    }
