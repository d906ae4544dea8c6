"""Fan-out and membership: how many people one action may name, who they may be, and how
many Slack calls a change costs."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Action
from tests.reliability import summary
from tests.reliability.conftest import say, wait_until_settled
from tests.support.harness import RunningBot

CROWD = [f"UCROWD{n:02d}" for n in range(1, 22)]


@pytest.fixture
def crowd(fresh_bot: RunningBot) -> RunningBot:
    for user_id in CROWD:
        fresh_bot.standin.add_user(user_id, user_id.lower())
    say(fresh_bot, "role DCC <@UDCC>")
    wait_until_settled(fresh_bot.standin)
    return fresh_bot


def _actions(bot: RunningBot) -> int:
    with transaction(bot.sessions) as session:
        return session.scalar(select(func.count()).select_from(Action)) or 0


def _mentions(users: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in users)


def _looked_up(bot: RunningBot) -> Counter[str]:
    return Counter(str(c.args.get("user")) for c in bot.standin.calls_to("users.info"))


def test_more_than_twenty_owners_are_refused_before_any_lookup(crowd: RunningBot) -> None:
    bot = crowd
    reply = say(bot, f"add {_mentions(CROWD)} to review the metric by 30/06/2027")
    assert "at most 20 owners" in reply and "names 21" in reply, reply
    assert _actions(bot) == 0
    assert not set(_looked_up(bot)) & set(CROWD)
    summary.report(f"21 owners named: refused, {sum(_looked_up(bot)[u] for u in CROWD)} "
                   "users.info calls for them")


def test_reassigning_to_more_than_twenty_is_refused(crowd: RunningBot) -> None:
    bot = crowd
    say(bot, "add DCC to review the metric by 30/06/2027")
    reply = say(bot, f"assign A-1 {_mentions(CROWD)}")
    assert "at most 20 owners" in reply, reply
    assert not set(_looked_up(bot)) & set(CROWD)


def test_the_form_refuses_more_than_twenty_owners(crowd: RunningBot) -> None:
    response = crowd.slack.view_submission("record_action", {
        "text": {"value": {"type": "plain_text_input", "value": "brief the PCC"}},
        "owners_people": {"value": {"type": "multi_users_select", "selected_users": CROWD}},
        "due_date": {"value": {"type": "datepicker", "selected_date": "2027-01-15"}},
    }, user_id="USEC")
    answer = response.json()
    assert answer["response_action"] == "errors", answer
    assert "at most 20 owners" in " ".join(answer["errors"].values())
    assert _actions(crowd) == 0


def test_twenty_owners_cost_one_lookup_and_one_home_tab_each(crowd: RunningBot) -> None:
    bot = crowd
    reply = say(bot, f"add {_mentions(CROWD[:20])} to review the metric by 30/06/2027")
    assert "Recorded" in reply, reply
    bot.backlog.wait_idle(10)
    wait_until_settled(bot.standin)
    looked_up = _looked_up(bot)
    assert all(looked_up[u] == 1 for u in CROWD[:20]), looked_up
    published = Counter(str(c.args.get("user_id")) for c in bot.standin.calls_to("views.publish"))
    assert all(published[u] == 1 for u in CROWD[:20]), published
    summary.report(f"20 owners named: {sum(looked_up.values())} users.info and "
                   f"{sum(published.values())} views.publish calls in all")


def test_a_home_tab_whose_content_did_not_change_is_not_published(crowd: RunningBot) -> None:
    """The secretariat's update changes the owner's tab (the latest note), not their own."""
    bot = crowd
    say(bot, "add DCC to review the metric by 30/06/2027")
    bot.backlog.wait_idle(10)
    wait_until_settled(bot.standin)
    before = Counter(str(c.args.get("user_id")) for c in bot.standin.calls_to("views.publish"))
    assert "Update added" in say(bot, "update A-1 draft circulated")
    bot.backlog.wait_idle(10)
    wait_until_settled(bot.standin)
    after = Counter(str(c.args.get("user_id")) for c in bot.standin.calls_to("views.publish"))
    assert after["UDCC"] == before["UDCC"] + 1
    assert after["USEC"] == before["USEC"], "an unchanged Home tab was published again"


# -- people from elsewhere ---------------------------------------------------------------


@pytest.fixture
def outsiders(fresh_bot: RunningBot) -> RunningBot:
    standin = fresh_bot.standin
    standin.add_user("UEXT", "ext.partner", team_id="T0OTHER")  # Slack Connect partner
    standin.add_user("UGRIDA", "grid.a", enterprise_id="E0ORG")  # this workspace, in org
    standin.add_user("UGRIDB", "grid.b", team_id="T0SISTER", enterprise_id="E0ORG")
    standin.add_user("UGRIDX", "grid.x", team_id="T0ALIEN", enterprise_id="E0ALIEN")
    say(fresh_bot, "role DCC <@UDCC>")
    return fresh_bot


NAMING = [
    "add <@{u}> to review the metric by 30/06/2027",
    "add DCC, <@{u}> to review the metric by 30/06/2027",
    "role ACC <@{u}>",
    "secretariat add <@{u}>",
]


@pytest.mark.parametrize("command", NAMING)
@pytest.mark.parametrize("outsider", ["UEXT", "UGRIDX"])
def test_people_of_another_workspace_cannot_be_named(outsiders: RunningBot, command: str,
                                                     outsider: str) -> None:
    bot = outsiders
    reply = say(bot, command.format(u=outsider))
    assert "not a member of this workspace" in reply, reply
    assert _actions(bot) == 0
    bot.backlog.wait_idle(10)
    assert not [c for c in bot.standin.calls_to("views.publish")
                if c.args.get("user_id") == outsider]


def test_a_member_of_the_same_grid_org_can_be_named(outsiders: RunningBot) -> None:
    reply = say(outsiders, "add <@UGRIDB> to review the metric by 30/06/2027", user="UGRIDA")
    assert "Recorded" in reply, reply


def test_the_form_refuses_people_of_another_workspace(outsiders: RunningBot) -> None:
    response = outsiders.slack.view_submission("record_action", {
        "text": {"value": {"type": "plain_text_input", "value": "brief the PCC"}},
        "owners_people": {"value": {"type": "multi_users_select", "selected_users": ["UEXT"]}},
        "due_date": {"value": {"type": "datepicker", "selected_date": "2027-01-15"}},
    }, user_id="USEC")
    answer = response.json()
    assert "not a member of this workspace" in " ".join(answer["errors"].values()), answer
    assert _actions(outsiders) == 0
