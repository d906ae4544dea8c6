"""A whole meeting cycle by moving the clock: record, remind, respond, summarise, digest."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from slack_sdk.models.blocks import Block

from reminders.clock import ManualClock
from storage.models import ActionStatus
from tests.e2e.test_actions_flow import _action, say
from tests.support.harness import RunningBot
from tests.support.world import LONDON


def local(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def _texts(bot: RunningBot, channel: str) -> list[str]:
    """Every message posted there, text and blocks flattened, after validating blocks."""
    found = []
    for message in bot.standin.messages_in(channel):
        blocks = message.get("blocks") or []
        assert len(blocks) <= 50
        for block in blocks:
            Block.parse(block).validate_json()
        found.append(message["text"] + "\n" + str(blocks))
    return found


def _wait_texts(bot: RunningBot, channel: str, contains: str, timeout: float = 5) -> list[str]:
    """Messages there containing the text, once at least one has arrived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [t for t in _texts(bot, channel) if contains in t]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"nothing containing {contains!r} in {channel}")


def _reminders(bot: RunningBot, user: str) -> list[str]:
    return [t for t in _texts(bot, user) if "here are your open actions" in t]


@pytest.fixture
def cycle(bot: RunningBot) -> RunningBot:
    bot.clock.set(local(14, 10))  # Mon 14 Dec 2026
    say(bot, "role DCC <@UDCC>")
    say(bot, "role ACC <@UACC>")
    say(bot, "settings channel <#C0TEAM|opcc-team>")
    say(bot, "meeting next 30/12/2026 10:00 Monthly at Hindlip")
    say(bot, "add DCC to review the diary appointments metric by next meeting (item 2.4)")
    say(bot, "add ACC to brief the PCC on 101 call handling by 18/12/2026")
    say(bot, "add <@U012AB3CD> to share the briefing note by next meeting")
    return bot


def run_round(bot: RunningBot, when: datetime) -> None:
    assert isinstance(bot.clock, ManualClock)
    bot.clock.set(when)
    bot.reminders.run_due()


def test_whole_cycle(cycle: RunningBot) -> None:
    bot = cycle
    run_round(bot, local(21, 8, 59))
    assert bot.standin.messages_in("UDCC") == []

    run_round(bot, local(21, 9, 0))  # 5 working days before Wed 30 Dec
    [dcc] = _texts(bot, "UDCC")
    assert "A-1" in dcc and "A-2" not in dcc and "action_need_more_time" in dcc
    [acc] = _reminders(bot, "UACC")
    assert "A-2" in acc and ":red_circle:" in acc  # due Fri 18 Dec: overdue
    # Its own date passed on Friday: the one overdue nudge comes separately.
    [nudge] = [t for t in _texts(bot, "UACC") if "is now overdue" in t]
    assert "A-2 was due on Fri 18 Dec 2026" in nudge
    assert "A-3" in _texts(bot, "U012AB3CD")[0]
    digest = [t for t in _texts(bot, "C0TEAM") if "Weekly action digest" in t]
    assert len(digest) == 1 and "A-2" in digest[0]

    # The ACC presses "Mark complete" in the reminder.
    bot.slack.block_action("action_mark_complete", user_id="UACC", value="2",
                           channel_id="DUACC", message={"ts": "1.0"})
    _wait_texts(bot, "UACC", "A-2 marked complete")
    assert _action(bot, 2).status == ActionStatus.COMPLETE

    # The DCC asks for more time: a form, then a message to the secretariat.
    bot.slack.block_action("action_need_more_time", user_id="UDCC", value="1",
                           channel_id="DUDCC", message={"ts": "1.1"})
    [opened] = bot.standin.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "need_more_time"
    response = bot.slack.view_submission(
        "need_more_time",
        {"new_date": {"value": {"type": "datepicker", "selected_date": "2027-01-20"}},
         "reason": {"value": {"type": "plain_text_input", "value": "Awaiting HR data"}}},
        user_id="UDCC", private_metadata=opened.args["view"]["private_metadata"],
    )
    assert response.status_code == 200 and response.text in ("", "null")
    to_secretariat = _wait_texts(bot, "USEC", "asks for more time")
    assert len(to_secretariat) == 1 and "Awaiting HR data" in to_secretariat[0]
    assert _action(bot, 1).due_meeting_id is not None  # unchanged

    run_round(bot, local(24, 9, 0))  # 2 working days before: the summary
    summary = [t for t in _texts(bot, "C0TEAM") if "Matters arising" in t]
    assert len(summary) == 1
    assert summary[0].index("Complete, awaiting closure") < summary[0].index("A-2")
    assert any("Matters arising" in t for t in _texts(bot, "USEC"))

    run_round(bot, local(28, 9, 0))  # Boxing Day holiday (Monday): nothing
    assert len(_reminders(bot, "UDCC")) == 1
    assert len([t for t in _texts(bot, "C0TEAM") if "Weekly action digest" in t]) == 1
    run_round(bot, local(29, 9, 0))  # Tue 29 Dec: 1 working day before, and the digest
    assert len(_reminders(bot, "UDCC")) == 2
    assert len([t for t in _texts(bot, "C0TEAM") if "Weekly action digest" in t]) == 2
    assert len(_reminders(bot, "UACC")) == 1  # the ACC's only action is complete
    run_round(bot, local(29, 9, 30))  # a second round, or one run by hand: nothing new
    assert len(_reminders(bot, "UDCC")) == 2
    assert len([t for t in _texts(bot, "C0TEAM") if "Matters arising" in t]) == 1


def test_summary_on_demand(cycle: RunningBot) -> None:
    reply = say(cycle, "summary")
    blocks = str(cycle.standin.calls_to("response_url")[-1].args["blocks"])
    assert "Matters arising" in reply + blocks and "A-1" in blocks


def test_settings_from_slack(cycle: RunningBot) -> None:
    assert "Weekly digest (on)" in say(cycle, "settings")
    assert "Setting changed" in say(cycle, "settings digest off")
    assert "Weekly digest (*off*)" in say(cycle, "settings")
    assert "Only the secretariat" in say(cycle, "settings reminders 3,1", "UDCC")
    run_round(cycle, local(21, 9, 0))
    assert not [t for t in _texts(cycle, "C0TEAM") if "Weekly action digest" in t]


def test_slack_faults_are_retried_and_an_owner_who_left_is_reported(cycle: RunningBot) -> None:
    bot = cycle
    bot.standin.add_user("U012AB3CD", "pat.person", deleted=True)  # Pat has left
    bot.standin.inject("chat.postMessage", "ratelimited", times=1, retry_after=1)
    bot.standin.inject("chat.postMessage", "server_error", times=1)
    run_round(bot, local(21, 9, 0))
    assert len(_reminders(bot, "UDCC")) == 1 and len(_reminders(bot, "UACC")) == 1
    report = [t for t in _texts(bot, "USEC") if "could not" in t.lower() or "reach" in t]
    assert len(report) == 1 and "A-3" in report[0] and "user_not_found" in report[0]
