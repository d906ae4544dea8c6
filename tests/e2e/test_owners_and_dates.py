"""Owners and due dates as minutes write them (issue 12), through the real app."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import Block

from storage.db import transaction
from storage.models import Action, DueKind, Role
from storage.services import actions
from tests.e2e.test_actions_flow import say
from tests.support.harness import RunningBot


def last_reply_blocks(bot: RunningBot) -> list[dict]:
    return bot.standin.calls_to("response_url")[-1].args["blocks"]


def action(bot: RunningBot, ref: int) -> Action:
    with transaction(bot.sessions) as session:
        found = actions.get_action(session, team_id="T0001", ref=ref)
        _ = [o.role_code for o in found.owners]
        return found


def count_actions(bot: RunningBot) -> int:
    with transaction(bot.sessions) as session:
        return session.query(Action).count()


def role(bot: RunningBot, code: str) -> Role:
    with transaction(bot.sessions) as session:
        return session.query(Role).filter_by(team_id="T0001", code=code).one()


@pytest.fixture
def ready(bot: RunningBot) -> RunningBot:
    say(bot, "role DCC <@UDCC>")
    say(bot, "meeting next 26/11/2026 10:00 Thematic: Covid-19")
    return bot


@pytest.mark.parametrize(
    "owner", ["Chief Constable", "the Chief Constable", "CC", "C/C", "the chief constable"]
)
def test_built_in_roles_answer_to_their_titles(ready: RunningBot, owner: str) -> None:
    reply = say(ready, f"add {owner} to share his briefing note with the PCC by 30/06/2027")
    assert "Recorded *A-1*" in reply
    assert [o.role_code for o in action(ready, 1).owners] == ["CC"]


def test_several_titles_at_once(ready: RunningBot) -> None:
    say(ready, "add Deputy Chief Constable and the PCC's Chief Executive to agree the plan "
               "by July 2027")
    assert [o.role_code for o in action(ready, 1).owners] == ["DCC", "CEO"]


def test_unknown_owner_offers_to_create_the_role_and_records_on_the_button(
    ready: RunningBot,
) -> None:
    reply = say(ready, "add Director of Business Services to review the estates strategy "
                       "by July 2027 (item 6, objective 8)")
    assert "I don't know *Director of Business Services* as an owner" in reply
    assert "Nothing was recorded" in reply
    assert count_actions(ready) == 0
    [button] = [b for b in last_reply_blocks(ready) if b["type"] == "actions"][0]["elements"]
    assert button["action_id"] == "create_roles_and_add"

    before = len(ready.standin.calls_to("chat.postMessage"))
    ready.slack.block_action("create_roles_and_add", user_id="USEC", value=button["value"],
                             channel_id="C0TEAM")
    posted = ready.standin.wait_for("chat.postMessage", count=before + 1)[before]
    for block in posted.args["blocks"]:
        Block.parse(block).validate_json()
    text = posted.args["text"]
    assert "Recorded *A-1* (item 6, objective 8)" in text
    assert "Director of Business Services (vacant)" in text
    assert "Due Fri 30 Jul 2027" in text and "the last working day of July 2027" in text
    recorded = action(ready, 1)
    assert recorded.text == "review the estates strategy"
    assert [o.role_code for o in recorded.owners] == ["DBS"]
    assert role(ready, "DBS").title == "Director of Business Services"

    # The role is now known by its title, in any case, and can be given a holder.
    say(ready, "role director of business services <@U012AB3CD>")
    assert role(ready, "DBS").holder_user_id == "U012AB3CD"
    heading = say(ready, "list Director of Business Services")
    assert heading == "Open actions of Director of Business Services: 1 action"
    assert "A-1" in json.dumps(last_reply_blocks(ready))


def test_only_the_secretariat_is_offered_the_button(ready: RunningBot) -> None:
    reply = say(ready, "add Head of Digital Services to fix the portal by July 2027", "UDCC")
    assert "ask the secretariat" in reply
    assert not [b for b in last_reply_blocks(ready) if b["type"] == "actions"]


def test_a_typo_suggests_the_nearest_role(ready: RunningBot) -> None:
    reply = say(ready, "add Deputy Cheif Constable to review it by July 2027")
    assert "Did you mean *Deputy Chief Constable (DCC)*?" in reply
    assert count_actions(ready) == 0


def test_external_owners_with_a_contact_note(ready: RunningBot) -> None:
    reply = say(ready, "role new external person Supt Jones contact: force control room 101")
    assert "Role *Supt Jones* created" in reply and "outside Slack" in reply
    say(ready, "role new external the Panel (PANEL) contact: Democratic Services")
    reply = say(ready, "add Supt Jones and the Panel to report on stop and search by Q1 2027")
    assert "Supt Jones (external), the Panel (external)" in reply
    assert "SJ" not in reply and "PANEL" not in reply  # never a shouted code
    listed = say(ready, "roles")
    assert "*Supt Jones*" in listed and "contact: force control room 101" in listed
    say(ready, "role internal the Panel")
    assert role(ready, "PANEL").external is False
    say(ready, "role external PANEL contact: clerk to the Panel")
    assert (role(ready, "PANEL").external, role(ready, "PANEL").contact) == (
        True, "clerk to the Panel")


def test_no_date_is_recorded_and_listed_as_no_date(ready: RunningBot) -> None:
    reply = say(ready, "add DCC to keep the risk register under review TBC")
    assert "No due date yet." in reply and "“TBC”: recorded with no due date" in reply
    recorded = action(ready, 1)
    assert (recorded.due_kind, recorded.due_date, recorded.due_meeting_id) == (
        DueKind.NONE, None, None)
    assert recorded.due_as_written == "TBC"
    assert recorded.text == "keep the risk register under review"
    say(ready, "list")
    assert "due no date" in json.dumps(last_reply_blocks(ready))


def test_a_vague_phrase_is_refused_never_kept_in_the_text(ready: RunningBot) -> None:
    reply = say(ready, "add DCC to review the estates plan in the autumn")
    assert "I can't tell which day `in the autumn` means" in reply
    assert count_actions(ready) == 0


def test_a_month_meeting_not_yet_recorded_says_what_was_understood(ready: RunningBot) -> None:
    reply = say(ready, "add DCC to bring back the outcome 16 data to the February 2027 meeting")
    assert "No February 2027 meeting is recorded yet" in reply
    assert "due by Fri 26 Feb 2027, the last working day of February 2027" in reply
    assert action(ready, 1).due_date is not None

    say(ready, "meeting next 10/12/2026 1430 Panel")
    say(ready, "add DCC to present the precept to the December meeting of the Panel")
    panel = action(ready, 2)
    assert panel.due_kind == DueKind.MEETING and panel.due_meeting is not None
    assert panel.due_meeting.kind == "panel"


def test_a_weekend_due_date_is_accepted_with_a_note(ready: RunningBot) -> None:
    reply = say(ready, "add DCC to publish the report by 31/07/2027")
    assert "Due Sat 31 Jul 2027" in reply
    assert "Sat 31 Jul 2027 is a weekend; the due date is kept as given" in reply


@pytest.mark.parametrize(
    ("reference", "stored"),
    [("(item 6, objective 8)", "6, objective 8"), ("[item 5.2]", "5.2"), ("- item 5.2", "5.2"),
     ("(minute 12/26)", "minute 12/26"), ("(2.4)", "2.4")],
)
def test_agenda_references_never_break_the_date(
    ready: RunningBot, reference: str, stored: str
) -> None:
    say(ready, f"add DCC to review the plan by 30/06/2027 {reference}")
    recorded = action(ready, 1)
    assert (recorded.agenda_item, str(recorded.due_date)) == (stored, "2027-06-30")


def test_meeting_times_as_minutes_write_them(ready: RunningBot) -> None:
    for written in ("1430", "14.30", "2.30pm", "at 1430"):
        assert "14:30" in say(ready, f"meeting next 28/01/2027 {written}")


def test_a_stale_button_changes_nothing(ready: RunningBot) -> None:
    before = len(ready.standin.calls_to("chat.postMessage"))
    ready.slack.block_action("create_roles_and_add", user_id="USEC",
                             value=json.dumps({"roles": []}), channel_id="C0TEAM")
    posted = ready.standin.wait_for("chat.postMessage", count=before + 1)[before]
    assert "no longer works" in posted.args["text"]
    assert count_actions(ready) == 0


def test_revising_a_due_date_says_how_it_was_read(ready: RunningBot) -> None:
    say(ready, "add DCC to review the plan by 30/06/2027")
    reply = say(ready, "due A-1 Q1 2027")
    assert "“Q1 2027” read as Wed 31 Mar 2027" in reply
    say(ready, "due A-1 ongoing")
    assert action(ready, 1).due_kind == DueKind.NONE
    say(ready, "show A-1")
    assert "due 2027-03-31 → no date" in json.dumps(last_reply_blocks(ready), ensure_ascii=False)


def test_a_month_meeting_of_a_kind_the_secretariat_named(ready: RunningBot) -> None:
    say(ready, "meeting next 03/12/2026 10:00 Board: Finance and audit")
    say(ready, "add CFO to present the budget by the December meeting of the Board")
    due = action(ready, 1)
    assert due.due_kind == DueKind.MEETING and due.due_meeting is not None
    assert due.due_meeting.kind == "board"
