"""Recording and tracking actions through signed requests to the real app."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from slack_sdk.models.blocks import Block

from storage.db import transaction
from storage.models import Action, ActionStatus
from storage.services import actions
from tests.support.harness import RunningBot


def say(bot: RunningBot, text: str, user: str = "USEC") -> str:
    """Send /actions <text> as a user; return the ephemeral reply's text."""
    before = len(bot.standin.calls_to("response_url"))
    response = bot.slack.slash_command(text, user_id=user)
    assert response.status_code == 200
    calls = bot.standin.wait_for("response_url", count=before + 1)
    call = calls[before]
    assert call.args["response_type"] == "ephemeral"
    for block in call.args.get("blocks", []):
        Block.parse(block).validate_json()  # every payload passes slack_sdk validation
    assert len(call.args.get("blocks", [])) <= 50
    return call.args["text"]


def _action(bot: RunningBot, ref: int) -> Action:
    with transaction(bot.sessions) as session:
        action = actions.get_action(session, team_id="T0001", ref=ref)
        _ = [o.role_code for o in action.owners]
        return action


@pytest.fixture
def ready(bot: RunningBot) -> RunningBot:
    """A workspace with a secretariat, a DCC, and the Thematic meeting on 26 Nov."""
    assert "DCC" in say(bot, "role DCC <@UDCC>")
    say(bot, "role ACC <@UACC>")
    reply = say(bot, "meeting next 26/11/2026 10:00 Thematic: Covid-19")
    assert "Thu 26 Nov 2026, 10:00" in reply
    return bot


def test_first_user_becomes_secretariat(bot: RunningBot) -> None:
    reply = bot.slack.slash_command(
        "add DCC to review the diary appointments metric by 30/06/2027", user_id="USEC"
    )
    assert reply.status_code == 200
    [call] = bot.standin.wait_for("response_url")
    texts = " ".join(b["elements"][0]["text"] for b in call.args["blocks"]
                     if b["type"] == "context")
    assert "you are now its secretariat" in texts


def test_add_by_next_meeting_with_item(ready: RunningBot) -> None:
    reply = say(ready, "add DCC to review the diary appointments metric by next meeting "
                       "(item 2.4)")
    assert "Recorded *A-1* (item 2.4)" in reply
    assert "due Thu 26 Nov 2026, the Thematic meeting on Covid-19" in reply.replace("Due", "due")
    action = _action(ready, 1)
    assert [o.role_code for o in action.owners] == ["DCC"]
    assert action.agenda_item == "2.4" and action.due_meeting_id is not None


def test_add_with_a_person_and_a_role(ready: RunningBot) -> None:
    reply = say(ready, "add <@U012AB3CD> and ACC to brief the PCC on 101 call handling "
                       "by 30/06/2027")
    assert "A-1" in reply and "Wed 30 Jun 2027" in reply
    action = _action(ready, 1)
    assert [(o.user_id, o.role_code) for o in action.owners] == [
        ("U012AB3CD", None), (None, "ACC")]
    assert action.due_date == date(2027, 6, 30)


def test_update_start_done_close_reopen_drop(ready: RunningBot) -> None:
    say(ready, "add DCC to review the metric by 15/01/2027")
    assert "Update added to A-1" in say(ready, "update A-1 Draft circulated to the DCC", "UDCC")
    assert "in progress" in say(ready, "start A-1", "UDCC")
    assert "marked complete" in say(ready, "done A-1 Briefing sent to the PCC", "UDCC")
    refused = say(ready, "close A-1", "UDCC")
    assert "Only the secretariat can close" in refused and "<@USEC>" in refused
    assert _action(ready, 1).status == ActionStatus.COMPLETE
    assert "closed" in say(ready, "close A-1")
    assert "reopened" in say(ready, "reopen A-1")
    assert "dropped" in say(ready, "drop A-1 superseded by A-9")
    shown = ready.standin
    text = say(ready, "show A-1")
    assert "Draft circulated" in text or "A-1" in text
    blocks = shown.calls_to("response_url")[-1].args["blocks"]
    history = "\n".join(b.get("text", {}).get("text", "") for b in blocks)
    for words in ("recorded it", "added an update", "in progress", "superseded by A-9"):
        assert words in history


def test_revise_due_keeps_original_and_reassign(ready: RunningBot) -> None:
    say(ready, "add DCC to review the metric by 15/12/2026")
    reply = say(ready, "due A-1 15/01/2027")
    assert "revised" in reply
    listed = say(ready, "show A-1")
    blocks = ready.standin.calls_to("response_url")[-1].args["blocks"]
    body = "\n".join(b.get("text", {}).get("text", "") for b in blocks)
    assert "Fri 15 Jan 2027 (originally Tue 15 Dec 2026)" in body, listed
    assert "reassigned" in say(ready, "assign A-1 CC")
    assert [o.role_code for o in _action(ready, 1).owners] == ["CC"]


def test_lists(ready: RunningBot) -> None:
    say(ready, "add DCC to review the metric by next meeting")
    say(ready, "add ACC to brief the PCC by 30/06/2027")
    mine = say(ready, "list mine", "UDCC")
    assert "Your open actions: 1" in mine
    assert say(ready, "list DCC") == "Open actions of DCC: 1 action"
    assert "*A-1*" in str(ready.standin.calls_to("response_url")[-1].args["blocks"])
    assert "2 actions" in say(ready, "list")
    assert "1 action" in say(ready, "list next")
    assert "none" in say(ready, "list overdue")
    assert "1 action" in say(ready, "list <@UACC>")
    ready.clock.advance(timedelta(days=4))  # the meeting on 26 Nov has now passed
    overdue = say(ready, "list overdue")
    assert overdue == "Overdue actions: 1 action"
    assert ":red_circle:" in str(ready.standin.calls_to("response_url")[-1].args["blocks"])


def test_long_lists_are_paged_and_say_so(ready: RunningBot) -> None:
    for n in range(23):
        say(ready, f"add DCC to look at item number {n} by 30/06/2027")
    say(ready, "list")
    blocks = ready.standin.calls_to("response_url")[-1].args["blocks"]
    footer = blocks[-1]["elements"][0]["text"]
    assert "Page 1 of 3, 23 actions in all" in footer and "list page 2" in footer
    say(ready, "list page 3")
    blocks = ready.standin.calls_to("response_url")[-1].args["blocks"]
    assert sum(1 for b in blocks if b["type"] == "section") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "I don't know"),
        ("show A-99", "There is no action A-99"),
        ("add XYZ to do something by 30/06/2027", "I don't know *XYZ* as an owner"),
        ("add DCC to do something by 01/01/2020", "past"),
        ("add DCC to do something by 31/02/2027", "31/02/2027"),
        ("add DCC to ", "Usage"),
        ("add <@UGONE> to do something by 30/06/2027", "deactivated"),
        ("add <@UBOT2> to do something by 30/06/2027", "is a bot"),
    ],
)
def test_bad_input_changes_nothing(ready: RunningBot, text: str, expected: str) -> None:
    reply = say(ready, text)
    assert expected in reply
    with transaction(ready.sessions) as session:
        assert session.query(Action).count() == 0


def test_duplicate_within_a_minute_is_refused(ready: RunningBot) -> None:
    say(ready, "add DCC to review the metric by 30/06/2027")
    assert "a moment ago" in say(ready, "add DCC to review the metric by 30/06/2027")


def test_meetings_and_roles_listing(ready: RunningBot) -> None:
    assert "Covid-19" in say(ready, "meeting list")
    roles = say(ready, "roles")
    assert "*DCC (Deputy Chief Constable)*: <@UDCC>" in roles
    assert "Only the secretariat" in say(ready, "role DCC <@UOTHER>", "UOTHER")


def test_hostile_text_is_stored_exactly_and_never_pings(ready: RunningBot) -> None:
    hostile = "check <!channel> and <@U999> '; DROP TABLE actions; -- ‮ 🚓"
    say(ready, f"add DCC to {hostile} by 30/06/2027")
    assert _action(ready, 1).text == hostile
    reply = say(ready, "show A-1")
    assert "<!channel>" not in reply
    blocks = str(ready.standin.calls_to("response_url")[-1].args["blocks"])
    assert "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks


def test_action_due_at_a_meeting_follows_it_when_moved(ready: RunningBot) -> None:
    say(ready, "add DCC to review the metric by next meeting")
    assert "Thu 3 Dec 2026, 14:00" in say(ready, "meeting move 26/11/2026 to 03/12/2026 14:00")
    say(ready, "list")
    blocks = str(ready.standin.calls_to("response_url")[-1].args["blocks"])
    assert "due Thu 3 Dec 2026, the Thematic meeting on Covid-19" in blocks
    assert "Only the secretariat" in say(ready, "meeting move 03/12/2026 to 10/12/2026", "UDCC")
    assert "no meeting on 01/12/2026" in say(ready, "meeting move 01/12/2026 to 10/12/2026")


def test_entities_are_decoded_on_the_way_in_and_escaped_once_on_the_way_out(
    ready: RunningBot,
) -> None:
    """Slack sends "Q&A" as "Q&amp;A" and "&" between owners as "&amp;"."""
    from storage.services import export

    reply = say(ready, "add DCC &amp; ACC to prepare the Q&amp;A briefing &lt;draft&gt; "
                       "by 30/06/2027")
    assert "Recorded *A-1*" in reply
    assert "Q&amp;A briefing &lt;draft&gt;" in reply  # mrkdwn: shows as Q&A <draft>
    assert "&amp;amp;" not in reply
    action = _action(ready, 1)
    assert action.text == "prepare the Q&A briefing <draft>"
    assert [o.role_code for o in action.owners] == ["DCC", "ACC"]
    with transaction(ready.sessions) as session:
        data = export.export_log(session, team_id="T0001")
    assert data["actions"][0]["text"] == "prepare the Q&A briefing <draft>"


def test_plain_at_names_are_looked_up_as_slack_would_have_linked_them(bot: RunningBot) -> None:
    """An app installed with should_escape off, or a name typed without picking it."""
    assert "DCC" in say(bot, "role DCC @dana.dcc") and "<@UDCC>" in say(bot, "roles")
    assert "Recorded *A-1*" in say(bot, "add @pat.person and DCC to brief the panel by 30/06/2027")
    assert [(o.user_id, o.role_code) for o in _action(bot, 1).owners] == [
        ("U012AB3CD", None), (None, "DCC")]
    assert "can't find anyone called `@julian`" in say(bot, "role ACC @julian")
    assert "deactivated" in say(bot, "assign A-1 @gone.person")


def test_a_plain_group_name_is_looked_up(bot: RunningBot) -> None:
    bot.standin.add_usergroup("S0POL", ["UOTHER"], handle="policy-team")
    say(bot, "role DCC <@UDCC>")  # the first user becomes the secretariat
    assert "<!subteam^S0POL" in say(bot, "secretariat group @policy-team")
    assert "can't find a user group called `@nobody-team`" in say(
        bot, "secretariat group @nobody-team")
