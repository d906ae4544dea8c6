"""The form, the message shortcut, the Home tab and its buttons, end to end."""

from __future__ import annotations

import time

from slack_sdk.models.views import View

from bot.standin.triggers import mint_trigger_id
from storage.db import transaction
from storage.models import Action, ActionStatus
from storage.services import actions
from tests.e2e.test_actions_flow import say
from tests.support.harness import RunningBot


def _valid_view(view: dict, limit: int) -> None:
    View(**view).validate_json()
    assert len(view["blocks"]) <= limit


def _open_home(bot: RunningBot, user: str, showing: str) -> dict:
    """Send app_home_opened; return the first view published for the user showing the text."""
    bot.standin.reset()
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home",
                     "channel": f"D{user}"})
    return _wait_for_home(bot, user, showing)


def _wait_for_home(bot: RunningBot, user: str, text: str, timeout: float = 5.0) -> dict:
    """The first Home view published for the user that shows the text."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in bot.standin.calls_to("views.publish"):
            if call.args["user_id"] == user and text in str(call.args["view"]):
                return call.args["view"]
        time.sleep(0.05)
    raise AssertionError(f"no Home view for {user} showing {text!r}")


def _setup(bot: RunningBot) -> None:
    say(bot, "role DCC <@UDCC>")
    say(bot, "meeting next 26/11/2026 10:00 Thematic: Covid-19")


def test_actions_alone_opens_the_form(bot: RunningBot) -> None:
    _setup(bot)
    trigger = mint_trigger_id()
    bot.slack.slash_command("", user_id="USEC", trigger_id=trigger)
    [call] = bot.standin.wait_for("views.open")
    assert call.args["trigger_id"] == trigger
    assert call.status == 200  # in time: the trigger was still valid
    view = call.args["view"]
    _valid_view(view, 100)
    block_ids = [b.get("block_id") for b in view["blocks"]]
    for expected in ("text", "owners_roles", "owners_people", "due_meeting", "due_date",
                     "agenda_item"):
        assert expected in block_ids


def test_message_shortcut_prefills_the_form(bot: RunningBot) -> None:
    _setup(bot)
    bot.slack.message_shortcut("record_as_action", user_id="USEC",
                               message_text="DCC to review the metric", message_user="UDCC",
                               channel_id="C0TEAM", message_ts="1.2")
    [call] = bot.standin.wait_for("views.open")
    text_block = next(b for b in call.args["view"]["blocks"] if b.get("block_id") == "text")
    assert text_block["element"]["initial_value"] == "DCC to review the metric"


def _state(**values: dict) -> dict:
    return {block: {"value": value} for block, value in values.items()}


def test_form_submission_records_and_confirms_by_dm(bot: RunningBot) -> None:
    _setup(bot)
    response = bot.slack.view_submission("record_action", _state(
        text={"type": "plain_text_input", "value": "share the briefing note with the PCC"},
        owners_roles={"type": "multi_static_select", "selected_options": [{"value": "DCC"}]},
        owners_people={"type": "multi_users_select", "selected_users": ["UACC"]},
        due_meeting={"type": "static_select", "selected_option": {"value": "next"}},
        agenda_item={"type": "plain_text_input", "value": "2.1"},
    ), user_id="USEC")
    assert response.status_code == 200 and response.text in ("", "null")
    dm = bot.standin.wait_for("chat.postMessage")[-1]
    assert dm.args["channel"] == "USEC" and "Recorded *A-1* (item 2.1)" in dm.args["text"]
    with transaction(bot.sessions) as session:
        action = actions.get_action(session, team_id="T0001", ref=1)
        assert [(o.role_code, o.user_id) for o in action.owners] == [("DCC", None),
                                                                      (None, "UACC")]


def test_form_errors_are_shown_on_the_field_and_change_nothing(bot: RunningBot) -> None:
    _setup(bot)
    response = bot.slack.view_submission("record_action", _state(
        text={"type": "plain_text_input", "value": "do something"},
    ), user_id="USEC")
    assert response.json()["response_action"] == "errors"
    assert "owners_roles" in response.json()["errors"]
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 0


def test_home_tab_shows_my_actions_and_buttons_work(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "add DCC to review the metric by 30/06/2027")
    view = _open_home(bot, "UDCC", "A-1")
    _valid_view(view, 100)
    assert "A-1" in str(view) and "action_mark_complete" in str(view)
    assert "Team view" not in str(view)  # the DCC is not secretariat

    bot.slack.block_action("action_mark_complete", user_id="UDCC", value="1",
                           view={"id": "V1", "type": "home"})
    _wait_for_home(bot, "UDCC", "Complete, awaiting closure")
    with transaction(bot.sessions) as session:
        assert actions.get_action(session, team_id="T0001", ref=1).status == (
            ActionStatus.COMPLETE)


def test_secretariat_home_has_the_team_view(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "add DCC to review the metric by 30/06/2027")
    view = _open_home(bot, "USEC", "Team view")
    assert "Not started: *1*" in str(view)


def test_someone_else_pressing_a_button_changes_nothing(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "add DCC to review the metric by 30/06/2027")
    bot.slack.block_action("action_mark_in_progress", user_id="UOTHER", value="1",
                           view={"id": "V1", "type": "home"})
    dm = [c for c in bot.standin.wait_for("chat.postMessage") if c.args["channel"] == "UOTHER"]
    assert "Only the owners of A-1" in dm[-1].args["text"]
    with transaction(bot.sessions) as session:
        assert actions.get_action(session, team_id="T0001", ref=1).status == (
            ActionStatus.NOT_STARTED)


def test_slow_form_acks_in_time_and_a_late_refusal_repeats_what_was_typed(
    bot: RunningBot,
) -> None:
    """Slack hangs on the owner check for longer than the ack budget; the form still gets
    its ack in time, and the refusal that comes later quotes the text so it isn't lost."""
    _setup(bot)
    bot.standin.hang_seconds = 3.0
    bot.standin.inject("users.info", "hang", times=1)
    response = bot.slack.view_submission("record_action", _state(
        text={"type": "plain_text_input", "value": "brief <!channel> on custody & more"},
        owners_people={"type": "multi_users_select", "selected_users": ["UGONE"]},
        due_date={"type": "datepicker", "selected_date": "2027-06-30"},
    ), user_id="USEC")
    # The ack closed the form: the refusal was not ready within the budget.
    assert response.status_code == 200 and response.text in ("", "null")
    deadline = time.monotonic() + 15
    while not (dms := [c for c in bot.standin.calls_to("chat.postMessage")
                       if c.args.get("channel") == "USEC"]):
        assert time.monotonic() < deadline, "no message after the late refusal"
        time.sleep(0.05)
    sent = dms[0].args["text"] + str(dms[0].args["blocks"])
    assert "Nothing was changed" in sent
    assert "brief &lt;!channel&gt; on custody &amp; more" in sent and "<!channel>" not in sent
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 0


def test_message_shortcut_prefills_plain_text_not_slack_markup(bot: RunningBot) -> None:
    _setup(bot)
    bot.slack.message_shortcut(
        "record_as_action", user_id="USEC", message_user="UDCC", channel_id="C0TEAM",
        message_ts="1.3",
        message_text="<@UDCC> to prepare the Q&amp;A for <#C0TEAM|opcc-team>, see "
                     "<https://example.org/p|the paper>")
    [call] = bot.standin.wait_for("views.open")
    text_block = next(b for b in call.args["view"]["blocks"] if b.get("block_id") == "text")
    assert text_block["element"]["initial_value"] == (
        "@dana.dcc to prepare the Q&A for #opcc-team, see the paper (https://example.org/p)")
