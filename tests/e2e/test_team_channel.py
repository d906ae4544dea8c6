"""The team channel: the bot joins it or says how to invite it; failed posts go out later."""

from __future__ import annotations

import pytest

from tests.e2e.test_actions_flow import say
from tests.e2e.test_meeting_cycle import _texts, _wait_texts, local, run_round
from tests.support.harness import RunningBot


def _setup(bot: RunningBot) -> None:
    bot.clock.set(local(14, 10))  # Mon 14 Dec 2026
    say(bot, "role DCC <@UDCC>")
    say(bot, "meeting next 30/12/2026 10:00 Monthly at Hindlip")
    say(bot, "add DCC to review the diary appointments metric by next meeting")


def test_a_public_channel_is_joined_when_it_is_set(bot: RunningBot) -> None:
    bot.standin.add_channel("C0PUB", "assurance")
    reply = say(bot, "settings channel <#C0PUB|assurance>")
    assert "I joined <#C0PUB>" in reply
    assert bot.standin.is_member("C0PUB")
    assert [c.args["channel"] for c in bot.standin.calls_to("conversations.join")] == ["C0PUB"]


def test_a_channel_the_bot_is_already_in_is_left_alone(bot: RunningBot) -> None:
    reply = say(bot, "settings channel <#C0TEAM|opcc-team>")
    assert "I am a member of <#C0TEAM>" in reply
    assert bot.standin.calls_to("conversations.join") == []


def test_a_private_channel_asks_the_secretariat_to_invite_the_bot(bot: RunningBot) -> None:
    bot.standin.add_channel("G0PRIV", "opcc-private", is_private=True, members=["USEC"])
    reply = say(bot, "settings channel <#G0PRIV|opcc-private>")
    assert "Type `/invite @Action Log` in <#G0PRIV> to add me" in reply
    assert not bot.standin.is_member("G0PRIV")
    assert bot.standin.calls_to("conversations.join") == []


def test_a_plain_channel_name_is_looked_up(bot: RunningBot) -> None:
    bot.standin.add_channel("C0PUB", "assurance")
    reply = say(bot, "settings channel #assurance")
    assert "Team channel: <#C0PUB>" in reply and "I joined <#C0PUB>" in reply


def test_a_digest_the_bot_could_not_post_goes_out_once_it_is_invited(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "settings channel <#C0TEAM|opcc-team>")
    bot.standin.remove_from_channel("C0TEAM")  # someone removed the bot
    run_round(bot, local(21, 9, 0))  # Monday: the digest is due
    assert not [t for t in _texts(bot, "C0TEAM") if "Weekly action digest" in t]
    [report] = _wait_texts(bot, "USEC", "could not be delivered")
    assert "not_in_channel" in report and "`/invite @Action Log`" in report
    assert "sent again on a later round" in report
    bot.standin.invite("C0TEAM")  # the secretariat follows the advice
    run_round(bot, local(21, 9, 2))
    run_round(bot, local(21, 9, 30))
    assert len([t for t in _texts(bot, "C0TEAM") if "Weekly action digest" in t]) == 1


@pytest.mark.parametrize("fault", ["token_revoked", "invalid_auth", "account_inactive",
                                   "missing_scope", "service_unavailable"])
def test_reminders_refused_for_the_bots_own_problem_are_sent_once_it_is_fixed(
    bot: RunningBot, fault: str
) -> None:
    _setup(bot)
    bot.standin.inject("chat.postMessage", fault, times=10)
    run_round(bot, local(21, 9, 0))
    assert [t for t in _texts(bot, "UDCC") if "open actions" in t] == []
    bot.standin.reset()  # the token was replaced, the scope added, Slack recovered
    run_round(bot, local(21, 9, 2))
    run_round(bot, local(21, 9, 40))
    assert len([t for t in _texts(bot, "UDCC") if "open actions" in t]) == 1
    # The bot's own token or workspace is not "this owner left".
    assert not [t for t in _texts(bot, "USEC") if "could not be reminded" in t]


def test_a_missing_scope_report_names_the_scope(bot: RunningBot) -> None:
    _setup(bot)
    bot.standin.inject("chat.postMessage", "missing_scope", times=1)
    run_round(bot, local(21, 9, 0))
    [report] = _wait_texts(bot, "USEC", "could not be delivered")
    assert "missing_scope" in report and "lacks the `chat:write` scope" in report


@pytest.mark.parametrize("should_escape", [True, False])
def test_commands_typed_as_slack_sends_them_with_or_without_escaping(
    bot: RunningBot, should_escape: bool
) -> None:
    """Whether the app's manifest has should_escape on (now) or off (an old install)."""
    bot.standin.add_channel("C0PUB", "assurance")
    bot.standin.add_usergroup("S0POL", ["UOTHER"], handle="policy-team")
    directory = bot.standin.directory()

    def typed(text: str) -> str:
        before = len(bot.standin.calls_to("response_url"))
        bot.slack.typed_command(text, user_id="USEC", directory=directory,
                                should_escape=should_escape)
        return bot.standin.wait_for("response_url", count=before + 1)[before].args["text"]

    assert "DCC" in typed("role DCC @dana.dcc")
    assert "Team channel: <#C0PUB>" in typed("settings channel #assurance")
    assert "<!subteam^S0POL" in typed("secretariat group @policy-team")
    assert "Recorded *A-1*" in typed("add DCC & @alex.acc to prepare the Q&A by 30/06/2027")
    reply = typed("show A-1")
    assert "prepare the Q&amp;A" in reply and "&amp;amp;" not in reply
