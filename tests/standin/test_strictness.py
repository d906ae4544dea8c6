"""The stand-in refuses what Slack refuses: faults, scopes, channel membership, arguments."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin.server import SlackStandIn

TOKEN = "xoxb-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ALL_READ = ("chat:write", "channels:read", "groups:read", "channels:join", "users:read",
            "usergroups:read", "channels:history", "groups:history", "im:history", "im:write")


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(scopes=ALL_READ) as server:
        server.add_user("U0ALICE", "alice", real_name="Alice Example")
        server.add_channel("C0PUBLIC", "assurance", members=["U0ALICE"])
        server.add_channel("G0PRIVATE", "policy-private", is_private=True, members=["U0ALICE"])
        yield server


def api(standin: SlackStandIn, method: str, **data: Any) -> dict[str, Any]:
    answer = requests.post(standin.api_url + method, data=data, headers=AUTH, timeout=5)
    return {"status": answer.status_code, **answer.json()}


def error(standin: SlackStandIn, method: str, **data: Any) -> str:
    return str(api(standin, method, **data).get("error"))


# -- faults for any method -----------------------------------------------------------------


@pytest.mark.parametrize("fault", ["token_revoked", "invalid_auth", "account_inactive",
                                   "not_in_channel", "user_not_found", "channel_not_found"])
def test_error_faults_answer_200_with_slacks_error(standin: SlackStandIn, fault: str) -> None:
    standin.inject("*", fault)
    assert api(standin, "users.info", user="U0ALICE") == {"status": 200, "ok": False,
                                                          "error": fault}
    assert api(standin, "users.info", user="U0ALICE")["ok"] is True  # used once


def test_missing_scope_fault_names_needed_and_provided(standin: SlackStandIn) -> None:
    standin.inject("usergroups.list", "missing_scope")
    answer = api(standin, "usergroups.list")
    assert (answer["error"], answer["needed"]) == ("missing_scope", "usergroups:read")
    assert "usergroups:read" not in answer["provided"].split(",")
    assert "chat:write" in answer["provided"].split(",")


def test_ratelimited_and_5xx_faults(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", "ratelimited", retry_after=9)
    standin.inject("chat.postMessage", "service_unavailable")
    standin.inject("chat.postMessage", "server_error")
    limited = requests.post(standin.api_url + "chat.postMessage", headers=AUTH, timeout=5,
                            data={"channel": "U0ALICE", "text": "hi"})
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    assert api(standin, "chat.postMessage", channel="U0ALICE", text="hi")["status"] == 503
    assert api(standin, "chat.postMessage", channel="U0ALICE", text="hi")["status"] == 500
    assert standin.messages_in("U0ALICE") == []


def test_dropped_connection_gets_no_answer(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", "dropped")
    with pytest.raises(requests.ConnectionError) as failure:
        requests.post(standin.api_url + "chat.postMessage", headers=AUTH, timeout=5,
                      data={"channel": "U0ALICE", "text": "hi"})
    assert isinstance(failure.value.__context__ or failure.value.args[0], Exception)
    [call] = standin.calls_to("chat.postMessage")
    assert call.status == 0  # recorded, never answered
    assert standin.messages_in("U0ALICE") == []  # a drop before the post changes nothing


def test_the_sdk_sees_a_dropped_connection(standin: SlackStandIn) -> None:
    """slack_sdk retries a dropped connection once by default, then raises."""
    client = WebClient(token=TOKEN, base_url=standin.api_url)
    standin.inject("auth.test", "dropped")
    assert client.auth_test()["ok"] is True
    assert [call.status for call in standin.calls_to("auth.test")] == [0, 200]
    standin.inject("auth.test", "dropped", times=2)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, OSError)):
        client.auth_test()


# -- scopes ----------------------------------------------------------------------------------


def test_scopes_default_to_the_manifests() -> None:
    with SlackStandIn() as server:
        assert server.scopes is not None and "chat:write" in server.scopes
        answer = api(server, "team.info")  # team:read is not in the manifest
    assert answer["error"] == "missing_scope"
    assert answer["needed"] == "team:read"
    assert set(answer["provided"].split(",")) == set(server.scopes)


def test_conversation_scopes_depend_on_the_kind_of_channel() -> None:
    with SlackStandIn(scopes=["channels:history", "im:write"]) as server:
        server.add_channel("C0PUB", "pub")
        server.add_channel("G0PRIV", "priv", is_private=True)
        server.invite("C0PUB")
        server.invite("G0PRIV")
        assert api(server, "conversations.history", channel="C0PUB")["ok"] is True
        private = api(server, "conversations.history", channel="G0PRIV")
        assert (private["error"], private["needed"]) == ("missing_scope", "groups:history")
        assert api(server, "conversations.history", channel="DU0X")["needed"] == "im:history"


# -- channel membership ----------------------------------------------------------------------


def test_posting_needs_the_bot_in_the_channel(standin: SlackStandIn) -> None:
    assert error(standin, "chat.postMessage", channel="C0PUBLIC", text="hi") == "not_in_channel"
    assert error(standin, "conversations.history", channel="C0PUBLIC") == "not_in_channel"
    # A private channel the bot was not invited to does not exist for it.
    assert error(standin, "chat.postMessage", channel="G0PRIVATE", text="hi") == \
        "channel_not_found"
    assert error(standin, "conversations.info", channel="G0PRIVATE") == "channel_not_found"
    assert error(standin, "chat.postMessage", channel="C0NOWHERE", text="hi") == \
        "channel_not_found"
    assert standin.messages_in("C0PUBLIC") == []

    standin.invite("G0PRIVATE")  # what /invite @Action Log does
    assert api(standin, "chat.postMessage", channel="G0PRIVATE", text="hi")["ok"] is True
    standin.remove_from_channel("G0PRIVATE")
    assert error(standin, "chat.postMessage", channel="G0PRIVATE", text="hi") == \
        "channel_not_found"


def test_direct_messages_need_no_membership(standin: SlackStandIn) -> None:
    assert api(standin, "chat.postMessage", channel="U0ALICE", text="hi")["channel"] == "DU0ALICE"
    opened = api(standin, "conversations.open", users="U0ALICE")["channel"]["id"]
    assert api(standin, "chat.postMessage", channel=opened, text="again")["ok"] is True
    assert len(standin.messages_in("U0ALICE")) == 2


def test_join_works_for_public_channels_only(standin: SlackStandIn) -> None:
    info = api(standin, "conversations.info", channel="C0PUBLIC")["channel"]
    assert (info["is_member"], info["is_private"]) == (False, False)
    joined = api(standin, "conversations.join", channel="C0PUBLIC")
    assert joined["ok"] is True and joined["channel"]["is_member"] is True
    assert "warning" not in joined
    assert standin.is_member("C0PUBLIC")
    assert api(standin, "chat.postMessage", channel="C0PUBLIC", text="hi")["ok"] is True
    assert api(standin, "conversations.join", channel="C0PUBLIC")["warning"] == \
        "already_in_channel"

    # Private channels cannot be joined, only invited to; the bot cannot even see this one.
    assert error(standin, "conversations.join", channel="G0PRIVATE") == "channel_not_found"
    standin.invite("G0PRIVATE")
    assert error(standin, "conversations.join", channel="G0PRIVATE") == \
        "method_not_supported_for_channel_type"
    assert error(standin, "conversations.join", channel="DU0ALICE") == \
        "method_not_supported_for_channel_type"
    standin.add_channel("C0OLD", "old", archived=True)
    assert error(standin, "conversations.join", channel="C0OLD") == "is_archived"


def test_join_needs_channels_join() -> None:
    with SlackStandIn(scopes=["chat:write"]) as server:
        server.add_channel("C0PUBLIC", "assurance")
        answer = api(server, "conversations.join", channel="C0PUBLIC")
        assert (answer["error"], answer["needed"]) == ("missing_scope", "channels:join")
        assert not server.is_member("C0PUBLIC")


# -- directory lists, paged as Slack pages them ------------------------------------------------


def _all_pages(standin: SlackStandIn, method: str, key: str, **args: Any) -> list[list[str]]:
    pages, cursor = [], ""
    while True:
        answer = api(standin, method, cursor=cursor, **args)
        assert answer["ok"] is True, answer
        pages.append([item["id"] for item in answer[key]])
        cursor = answer["response_metadata"]["next_cursor"]
        if not cursor:
            return pages


def test_users_list_is_paged_with_opaque_cursors(standin: SlackStandIn) -> None:
    for n in range(5):
        standin.add_user(f"U0P{n}", f"person{n}")
    standin.page_size = 3
    pages = _all_pages(standin, "users.list", "members", limit=1000)
    assert [len(page) for page in pages] == [3, 3, 1]  # the page size wins over limit
    assert sorted(sum(pages, [])) == sorted(["UBOT", "U0ALICE"] + [f"U0P{n}" for n in range(5)])
    first = api(standin, "users.list", limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor and not cursor.isdigit()
    assert error(standin, "users.list", cursor="not-a-cursor") == "invalid_cursor"


def test_conversations_list_shows_public_and_invited_private(standin: SlackStandIn) -> None:
    standin.add_channel("C0MORE", "more")
    names = {c["name"]: c for c in api(standin, "conversations.list",
                                       types="public_channel,private_channel")["channels"]}
    assert set(names) == {"assurance", "more"}  # not the private channel it is not in
    assert names["assurance"]["is_member"] is False
    standin.invite("G0PRIVATE")
    listed = api(standin, "conversations.list", types="private_channel")["channels"]
    assert [c["name"] for c in listed] == ["policy-private"]
    assert [c["name"] for c in api(standin, "conversations.list")["channels"]] == \
        ["assurance", "more"]  # public channels by default
    standin.page_size = 1
    assert _all_pages(standin, "conversations.list", "channels") == [["C0PUBLIC"], ["C0MORE"]]


def test_conversations_list_scopes_follow_the_types() -> None:
    with SlackStandIn(scopes=["channels:read"]) as server:
        answer = api(server, "conversations.list", types="public_channel,private_channel")
        assert (answer["error"], answer["needed"]) == ("missing_scope", "groups:read")


def test_usergroups_list(standin: SlackStandIn) -> None:
    standin.add_usergroup("S0POLICY", ["U0ALICE"], handle="policy-team", name="Policy team")
    [group] = api(standin, "usergroups.list", include_users="true")["usergroups"]
    assert (group["id"], group["handle"], group["name"]) == ("S0POLICY", "policy-team",
                                                             "Policy team")
    assert group["users"] == ["U0ALICE"]
    assert "users" not in api(standin, "usergroups.list")["usergroups"][0]


# -- arguments against the vendored spec -----------------------------------------------------


def test_unknown_arguments_are_refused(standin: SlackStandIn) -> None:
    answer = api(standin, "chat.postMessage", channel="U0ALICE", text="hi", colour="red")
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == ["[ERROR] unknown field: colour"]


def test_wrong_types_are_refused(standin: SlackStandIn) -> None:
    answer = api(standin, "users.list", limit="many")
    assert answer["error"] == "invalid_arguments"
    assert "expected a integer" in answer["response_metadata"]["messages"][0]
    assert error(standin, "conversations.history", channel="DU0ALICE",
                 inclusive="perhaps") == "invalid_arguments"
    answer = requests.post(standin.api_url + "users.info", headers=AUTH, timeout=5,
                           json={"user": {"id": "U0ALICE"}}).json()
    assert answer["error"] == "invalid_arguments"
    assert api(standin, "conversations.history", channel="DU0ALICE", limit="5",
               inclusive="true")["ok"] is True


def test_missing_arguments_are_refused(standin: SlackStandIn) -> None:
    answer = api(standin, "conversations.join")
    assert answer["response_metadata"]["messages"] == ["[ERROR] missing required field: channel"]


def test_metadata_is_accepted_on_messages(standin: SlackStandIn) -> None:
    client = WebClient(token=TOKEN, base_url=standin.api_url)
    posted = client.chat_postMessage(channel="U0ALICE", text="hi", metadata={
        "event_type": "reminder", "event_payload": {"key": "k1"}})
    assert posted["message"]["metadata"]["event_payload"] == {"key": "k1"}
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U0ALICE", text="hi", unknown_thing=True)


def test_only_existing_bot_messages_can_be_updated_or_deleted(standin: SlackStandIn) -> None:
    posted = api(standin, "chat.postMessage", channel="U0ALICE", text="v1")
    channel, ts = posted["channel"], posted["ts"]
    assert api(standin, "chat.update", channel=channel, ts=ts, text="v2")["ok"] is True
    assert [m["text"] for m in standin.messages_in("U0ALICE")] == ["v2"]
    assert error(standin, "chat.update", channel=channel, ts="1.000001", text="x") == \
        "message_not_found"
    assert api(standin, "chat.delete", channel=channel, ts=ts)["ok"] is True
    assert standin.messages_in("U0ALICE") == []
    assert error(standin, "chat.delete", channel=channel, ts=ts) == "message_not_found"


def test_refusals_list_the_callers_mistakes_but_not_faults(standin: SlackStandIn) -> None:
    standin.inject("chat.postMessage", "missing_scope")
    api(standin, "chat.postMessage", channel="U0ALICE", text="hi")  # injected: not a mistake
    api(standin, "users.info", user="U0ALICE", colour="red")  # a mistake
    api(standin, "chat.postMessage", channel="C0PUBLIC", text="hi")  # not_in_channel: setup
    assert [call.method for call in standin.refusals()] == ["users.info"]
    standin.expect_refusal("invalid_arguments")
    assert standin.refusals() == []
