"""The stand-in's file uploads: the three steps, checked where Slack checks them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin.server import SlackStandIn

TOKEN = "xoxb-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("U0ALICE", "alice", real_name="Alice Example")
        server.add_channel("C0TEAM", "opcc-team")
        server.invite("C0TEAM")
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.api_url)


def _api(standin: SlackStandIn, method: str, **data: object) -> dict:
    return requests.post(f"{standin.api_url}{method}", data=data, headers=AUTH, timeout=5).json()


def test_slack_sdks_upload_v2_goes_through_all_three_steps(
    standin: SlackStandIn, client: WebClient,
) -> None:
    response = client.files_upload_v2(channel="C0TEAM", content=b"hello, papers",
                                      filename="log.csv", title="The log",
                                      initial_comment="For Thursday")
    assert response["file"]["title"] == "The log"
    [shared] = standin.files.shared("C0TEAM")
    assert shared.content == b"hello, papers" and shared.length == 13
    assert shared.initial_comment == "For Thursday"
    [message] = [m for m in standin.messages_in("C0TEAM") if m.get("subtype") == "file_share"]
    assert message["text"] == "For Thursday" and message["files"][0]["id"] == shared.id


def test_upload_url_takes_exactly_the_announced_length(standin: SlackStandIn) -> None:
    issued = _api(standin, "files.getUploadURLExternal", filename="a.txt", length=5)
    assert issued["ok"] and issued["file_id"].startswith("F")
    short = requests.post(issued["upload_url"], data=b"abc", timeout=5)
    assert short.status_code == 400 and short.json()["error"] == "length_mismatch"
    # Never uploaded in full, so it cannot be completed.
    files = json.dumps([{"id": issued["file_id"], "title": "a"}])
    assert _api(standin, "files.completeUploadExternal", files=files)["error"] == \
        "file_not_found"
    assert requests.post(issued["upload_url"], data=b"abcde", timeout=5).status_code == 200
    done = _api(standin, "files.completeUploadExternal", files=files, channel_id="C0TEAM")
    assert done["ok"] and done["files"][0]["size"] == 5
    # Completed once only.
    assert _api(standin, "files.completeUploadExternal", files=files)["error"] == \
        "file_not_found"


@pytest.mark.parametrize(("args", "error"), [
    ({"filename": "a.txt"}, "invalid_arguments"),  # no length
    ({"length": 3}, "invalid_arguments"),  # no filename
    ({"filename": "a.txt", "length": "three"}, "invalid_arguments"),
    ({"filename": "a.txt", "length": 0}, "missing_argument"),
    ({"filename": "a.png", "length": 3, "alt_txt": "x" * 1001}, "alt_txt_too_large"),
])
def test_get_upload_url_refuses_what_slack_refuses(standin: SlackStandIn, args: dict,
                                                   error: str) -> None:
    assert _api(standin, "files.getUploadURLExternal", **args)["error"] == error


@pytest.mark.parametrize("files", [
    "not json", json.dumps({"id": "F1"}), json.dumps([]), json.dumps([{"title": "no id"}]),
])
def test_complete_needs_a_json_array_of_ids(standin: SlackStandIn, files: str) -> None:
    assert _api(standin, "files.completeUploadExternal", files=files)["error"] == \
        "invalid_arguments"


def test_complete_refuses_unknown_files_and_threads_without_a_channel(
    standin: SlackStandIn,
) -> None:
    unknown = json.dumps([{"id": "F999", "title": "x"}])
    assert _api(standin, "files.completeUploadExternal", files=unknown)["error"] == \
        "file_not_found"
    issued = _api(standin, "files.getUploadURLExternal", filename="a.txt", length=1)
    requests.post(issued["upload_url"], data=b"a", timeout=5)
    files = json.dumps([{"id": issued["file_id"]}])
    assert _api(standin, "files.completeUploadExternal", files=files,
                thread_ts="1700000000.000100")["error"] == "invalid_arguments"
    assert standin.files.shared() == []


def test_an_unknown_upload_url_is_not_found(standin: SlackStandIn) -> None:
    answer = requests.post(f"{standin.base_url}/upload/v1/nope", data=b"x", timeout=5)
    assert answer.status_code == 404


def test_sdk_reports_a_refused_upload(standin: SlackStandIn, client: WebClient) -> None:
    standin.inject("files.completeUploadExternal", "channel_not_found")
    with pytest.raises(SlackApiError):
        client.files_upload_v2(channel="C0TEAM", content=b"x", filename="x.txt")
    assert standin.files.shared() == []
