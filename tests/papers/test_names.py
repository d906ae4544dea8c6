"""Names for a paper: one users.list sweep when many people are named, else users.info."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.directory import BULK_LOOKUP, FORMER_MEMBER, USERS_PAGE, SlackDirectory
from bot.standin.server import SlackStandIn


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        for number in range(450):  # more than two users.list pages
            server.add_user(f"U{number:04d}", f"person{number}", real_name=f"Person {number}")
        yield server


def _directory(standin: SlackStandIn) -> SlackDirectory:
    return SlackDirectory(WebClient(token="xoxb-test", base_url=standin.api_url))


def test_many_people_are_named_from_pages_of_users_list(standin: SlackStandIn) -> None:
    wanted = [f"U{n:04d}" for n in range(0, 450, 10)]
    names = _directory(standin).names_for(wanted)
    assert [names(u) for u in wanted[:3]] == ["Person 0", "Person 10", "Person 20"]
    assert names("U0449") == "Person 449"
    # 451 members (the bot too), a page at a time, however big the stand-in's pages are.
    page = min(USERS_PAGE, standin.page_size)
    assert len(standin.calls_to("users.list")) == math.ceil(451 / page)
    assert standin.calls_to("users.info") == []
    assert names("UGONE") == FORMER_MEMBER  # not in the workspace: one users.info, not found


def test_a_few_people_are_looked_up_one_by_one(standin: SlackStandIn) -> None:
    wanted = [f"U{n:04d}" for n in range(BULK_LOOKUP)]
    names = _directory(standin).names_for(wanted)
    assert [names(u) for u in wanted] == [f"Person {n}" for n in range(BULK_LOOKUP)]
    assert standin.calls_to("users.list") == []
    assert len(standin.calls_to("users.info")) == BULK_LOOKUP
