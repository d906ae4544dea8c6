"""Issue 12's meetings: any kind is a real meeting, the meeting just held, undated actions
before any meeting, and cancelling or moving a meeting with its owners told once."""

from __future__ import annotations

from storage.db import transaction
from storage.models import Meeting
from tests.e2e.test_actions_flow import _action, say
from tests.support.harness import RunningBot


def _roles(bot: RunningBot) -> None:
    say(bot, "role DCC <@UDCC>")
    say(bot, "role ACC <@UACC>")


def _dms(bot: RunningBot, user: str) -> list[str]:
    return [c.args["text"] for c in bot.standin.calls_to("chat.postMessage")
            if c.args["channel"] == user]


def test_a_panel_meeting_is_the_next_meeting(bot: RunningBot) -> None:
    _roles(bot)
    reply = say(bot, "meeting next 10/12/2026 14:00 Panel: Budget scrutiny")
    assert "Next meeting set" in reply and "Police and Crime Panel" in reply
    recorded = say(bot, "add DCC to review the precept report by next meeting")
    assert "Thu 10 Dec 2026" in recorded and "Police and Crime Panel" in recorded
    assert "1 action" in say(bot, "list next")
    summary = say(bot, "summary")
    assert "Police and Crime Panel" in summary


def test_the_secretariat_chooses_which_kinds_are_the_next_meeting(bot: RunningBot) -> None:
    _roles(bot)
    assert "Thematic" in say(bot, "settings next-meeting monthly, thematic")
    reply = say(bot, "meeting next 10/12/2026 14:00 Panel: Budget scrutiny")
    assert "do not count" in reply and "Next meeting set" not in reply
    recorded = say(bot, "add DCC to review the precept report by next meeting")
    assert "no date until one is" in recorded
    say(bot, "meeting next 16/12/2026 10:00 Monthly")
    action = _action(bot, 1)
    assert action.due_meeting is not None and action.due_meeting.kind == "monthly"
    assert "any kind" in say(bot, "settings next-meeting all")
    assert "Thu 10 Dec 2026" in say(bot, "add ACC to brief the PCC by next meeting")


def test_a_kind_the_secretariat_names_is_a_meeting_by_month(bot: RunningBot) -> None:
    _roles(bot)
    reply = say(bot, "meeting next 03/12/2026 10:00 Board: Finance and audit")
    assert "Board meeting: Finance and audit" in reply
    recorded = say(bot, "add DCC to table the audit plan by the December meeting")
    assert "Thu 3 Dec 2026, the Board meeting: Finance and audit" in recorded


def test_the_meeting_just_held_is_the_source(bot: RunningBot) -> None:
    _roles(bot)
    reply = say(bot, "meeting held 20/11/2026 14:00 Monthly at Hindlip")
    assert "Meeting held recorded" in reply and "Fri 20 Nov 2026, 14:00" in reply
    recorded = say(bot, "add DCC to review the diary metric by 30/06/2027")
    assert "from the Monthly assurance meeting" in recorded
    say(bot, "meeting next 16/12/2026 10:00 Monthly")
    say(bot, "add ACC to brief the PCC by next meeting")
    blocks = str(bot.standin.calls_to("response_url")[-1].args)
    summary = say(bot, "summary") + str(bot.standin.calls_to("response_url")[-1].args)
    assert "source not recorded" not in summary, blocks
    assert "Fri 20 Nov 2026" in summary


def test_a_held_meeting_must_be_past_and_a_next_one_future(bot: RunningBot) -> None:
    assert "still to come" in say(bot, "meeting held 20/12/2026 14:00")
    assert "meeting held" in say(bot, "meeting next 20/11/2026 14:00")
    with transaction(bot.sessions) as session:
        assert session.query(Meeting).count() == 0


def test_add_works_before_any_meeting_is_set(bot: RunningBot) -> None:
    _roles(bot)
    recorded = say(bot, "add DCC to review the diary metric")
    assert "Recorded *A-1*" in recorded and "no date until one is" in recorded
    assert "1 action" in say(bot, "list no date")
    set_reply = say(bot, "meeting next 26/11/2026 10:00 Monthly")
    assert "Now due at it" in set_reply and "A-1" in set_reply
    action = _action(bot, 1)
    assert action.due_meeting_id is not None and not action.awaits_next_meeting
    assert "none" in say(bot, "list no date")


def test_cancel_moves_actions_to_the_next_meeting_and_tells_owners_once(
    bot: RunningBot,
) -> None:
    _roles(bot)
    say(bot, "meeting next 26/11/2026 10:00 Monthly")
    say(bot, "meeting next 16/12/2026 10:00 Monthly")
    for what in ("review the metric", "brief the PCC", "share the note"):
        say(bot, f"add DCC to {what} by next meeting")
    say(bot, "add ACC to check the rota by next meeting")
    bot.standin.reset()
    reply = say(bot, "meeting cancel 26/11/2026")
    assert "Meeting cancelled" in reply and "A-1, A-2, A-3, A-4" in reply
    bot.standin.wait_for("chat.postMessage", count=2)
    assert len(_dms(bot, "UDCC")) == 1 and "A-1, A-2, A-3" in _dms(bot, "UDCC")[0]
    assert len(_dms(bot, "UACC")) == 1 and "Wed 16 Dec 2026" in _dms(bot, "UACC")[0]
    assert _action(bot, 2).due_meeting.starts_at.day == 16  # type: ignore[union-attr]
    listed = say(bot, "meeting list")
    assert "Upcoming meetings" in listed and "16 Dec" in listed and "26 Nov" not in listed
    assert "There is no meeting" in say(bot, "meeting cancel 26/11/2026")


def test_cancel_the_only_meeting_leaves_actions_awaiting_the_next(bot: RunningBot) -> None:
    _roles(bot)
    say(bot, "meeting next 26/11/2026 10:00 Monthly")
    say(bot, "add DCC to review the metric by next meeting")
    reply = say(bot, "meeting cancel 26/11/2026")
    assert "no date until the next meeting is set" in reply
    assert _action(bot, 1).awaits_next_meeting
    say(bot, "meeting next 03/12/2026 10:00 Monthly")
    assert _action(bot, 1).due_meeting is not None


def test_move_tells_each_owner_once(bot: RunningBot) -> None:
    _roles(bot)
    say(bot, "meeting next 26/11/2026 10:00 Monthly")
    say(bot, "add DCC to review the metric by next meeting")
    say(bot, "add DCC to brief the PCC by next meeting")
    bot.standin.reset()
    reply = say(bot, "meeting move 26/11/2026 to 03/12/2026 14:00")
    assert "moved" in reply
    bot.standin.wait_for("chat.postMessage")
    [told] = _dms(bot, "UDCC")
    assert "A-1, A-2" in told and "Thu 3 Dec 2026, 14:00" in told
    assert _dms(bot, "UACC") == []


def test_list_a_past_meeting_recorded_as_held(bot: RunningBot) -> None:
    _roles(bot)
    say(bot, "meeting held 28/10/2020 10:00 Monthly")
    say(bot, "add DCC to review the diary metric by 30/06/2027 (item 2.4)")
    say(bot, "add ACC to brief the PCC by 30/06/2027")
    listed = say(bot, "list meeting 28/10/2020")
    assert listed == "Actions from or due at the meeting of 28/10/2020: 2 actions"
