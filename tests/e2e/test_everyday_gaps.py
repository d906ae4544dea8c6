"""Issue 12's everyday gaps, through the real app and the stand-in: several refs at once,
the new lists, more time by command and from Home, and the small faults."""

from __future__ import annotations

import time

import pytest

from storage.db import transaction
from storage.models import Action, ActionEvent, ActionStatus
from tests.e2e.test_actions_flow import _action, ready, say  # noqa: F401  (fixture)
from tests.e2e.test_forms_and_home import _open_home, _state, _valid_view
from tests.support.harness import RunningBot


def _blocks_text(bot: RunningBot) -> str:
    """Every text in the blocks of the last ephemeral reply."""
    blocks = bot.standin.calls_to("response_url")[-1].args["blocks"]
    return str(blocks)


def _dm_to(bot: RunningBot, user: str, containing: str, timeout: float = 15.0) -> str:
    """The direct message to the user that contains ``containing``, waiting for it (it is
    sent after the reply, and other messages to the same person may come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in bot.standin.calls_to("chat.postMessage"):
            if call.args["channel"] == user and containing in str(call.args):
                return str(call.args)
        time.sleep(0.05)
    raise AssertionError(f"no direct message to {user} saying {containing!r}")


def _add_three(bot: RunningBot) -> None:
    for what in ("review the metric", "brief the PCC", "share the note"):
        say(bot, f"add DCC to {what} by 30/06/2027")


@pytest.mark.parametrize("text", ["close A-1 A-2", "close A-1, A-2 and A-3",
                                  "close A-1 and A-3"])
def test_close_several_refs_closes_each_and_saves_no_ref_as_a_note(
    ready: RunningBot, text: str  # noqa: F811
) -> None:
    _add_three(ready)
    reply = say(ready, text)
    assert "closed" in reply
    wanted = [int(word[2]) for word in text.replace(",", "").split() if word.startswith("A-")]
    for ref in (1, 2, 3):
        action = _action(ready, ref)
        expected = ActionStatus.CLOSED if ref in wanted else ActionStatus.NOT_STARTED
        assert action.status == expected
        assert action.latest_note is None  # "A-2" is never saved as A-1's note
    assert " and ".join(f"A-{r}" for r in wanted[-2:]) in reply


@pytest.mark.parametrize("verb, who, status", [
    ("start", "UDCC", ActionStatus.IN_PROGRESS),
    ("done", "UDCC", ActionStatus.COMPLETE),
    ("drop", "USEC", ActionStatus.DROPPED),
])
def test_start_done_drop_take_several_refs(
    ready: RunningBot, verb: str, who: str, status: ActionStatus  # noqa: F811
) -> None:
    _add_three(ready)
    reason = " superseded by A-9" if verb == "drop" else ""
    say(ready, f"{verb} A-1, A-2 and A-3{reason}", who)
    assert [_action(ready, r).status for r in (1, 2, 3)] == [status] * 3
    if verb == "drop":
        assert _action(ready, 2).latest_note == "superseded by A-9"


def test_reopen_several_refs(ready: RunningBot) -> None:  # noqa: F811
    _add_three(ready)
    say(ready, "close A-1 A-2")
    assert "reopened" in say(ready, "reopen A-1 A-2 closed by mistake")
    assert [_action(ready, r).status for r in (1, 2)] == [ActionStatus.IN_PROGRESS] * 2
    assert _action(ready, 1).latest_note == "closed by mistake"


def test_several_refs_change_all_or_nothing(ready: RunningBot) -> None:  # noqa: F811
    _add_three(ready)
    say(ready, "close A-2")
    reply = say(ready, "close A-1 A-2 A-3")
    assert "A-2 is closed" in reply
    assert _action(ready, 1).status == ActionStatus.NOT_STARTED
    assert _action(ready, 3).status == ActionStatus.NOT_STARTED


def test_new_lists(ready: RunningBot) -> None:  # noqa: F811
    say(ready, "add DCC to review the metric by 30/06/2027 (item 2.4)")
    say(ready, "add ACC to brief the PCC by next meeting (item 3.1)")
    say(ready, "add DCC to share the note by 30/06/2027 (item 2.4)")
    say(ready, "close A-1")
    assert say(ready, "list closed") == "Closed and dropped actions: 1 action"
    assert say(ready, "list all") == "All actions: 3 actions"
    assert say(ready, "list item 2.4") == "Actions from agenda item 2.4: 2 actions"
    assert say(ready, "list meeting 26/11/2026").endswith("1 action")
    assert "none" in say(ready, "list no date")


@pytest.mark.parametrize("word", ["CLOSD", "nonsense", "finished"])
def test_an_unknown_list_word_is_an_error_not_an_empty_list(
    ready: RunningBot, word: str  # noqa: F811
) -> None:
    say(ready, "add DCC to review the metric by 30/06/2027")
    reply = say(ready, f"list {word}")
    assert ":warning:" in _blocks_text(ready) and "list" in reply
    assert f"Open actions of {word.upper()}" not in reply


def test_more_time_by_command_tells_the_secretariat(ready: RunningBot) -> None:  # noqa: F811
    say(ready, "add DCC to review the metric by 30/12/2026")
    ready.standin.reset()
    reply = say(ready, "more-time A-1 31/01/2027 waiting for HMICFRS report", "UDCC")
    assert "sent to the secretariat" in reply
    assert "A-1" in _dm_to(ready, "USEC", "waiting for HMICFRS report")
    action = _action(ready, 1)
    assert action.due_date is not None and action.due_date.isoformat() == "2026-12-30"
    with transaction(ready.sessions) as session:
        kinds = [e.kind for e in session.query(ActionEvent).order_by(ActionEvent.id)]
    assert kinds[-1] == "more_time_requested"


def test_more_time_from_the_home_tab(ready: RunningBot) -> None:  # noqa: F811
    say(ready, "add DCC to review the metric by 30/12/2026")
    view = _open_home(ready, "UDCC", "A-1")
    _valid_view(view, 100)
    assert "action_need_more_time" in str(view)
    ready.slack.block_action("action_need_more_time", user_id="UDCC", value="1",
                             view={"id": "V1", "type": "home"})
    [opened] = ready.standin.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "need_more_time"
    ready.slack.view_submission("need_more_time", _state(
        new_date={"type": "datepicker", "selected_date": "2027-01-31"},
        reason={"type": "plain_text_input", "value": "waiting for HMICFRS report"},
    ), user_id="UDCC", private_metadata=opened.args["view"]["private_metadata"])
    assert "A-1" in _dm_to(ready, "USEC", "waiting for HMICFRS report")


def test_a_text_ending_in_a_full_stop_has_one(ready: RunningBot) -> None:  # noqa: F811
    reply = say(ready, "add DCC to Plan. by 30/06/2027")
    assert "to Plan. Due" in reply and ".." not in reply


def test_unknown_command_help_has_no_stray_backtick(ready: RunningBot) -> None:  # noqa: F811
    say(ready, "frobnicate A-1")
    blocks = ready.standin.calls_to("response_url")[-1].args["blocks"]
    texts = [b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks]
    assert "I don't know" in texts[0]
    for text in texts:
        assert text.count("`") % 2 == 0, text


def test_form_records_the_verb_in_lower_case(ready: RunningBot) -> None:  # noqa: F811
    ready.slack.view_submission("record_action", _state(
        text={"type": "plain_text_input", "value": "Brief the PCC on 101 call handling"},
        owners_roles={"type": "multi_static_select", "selected_options": [{"value": "DCC"}]},
        due_meeting={"type": "static_select", "selected_option": {"value": "next"}},
    ), user_id="USEC")
    dm = ready.standin.wait_for("chat.postMessage")[-1]
    assert "DCC (<@UDCC>) to brief the PCC on 101 call handling" in dm.args["text"]
    assert _action(ready, 1).text == "brief the PCC on 101 call handling"


def test_a_long_action_keeps_its_whole_status_in_lists(ready: RunningBot) -> None:  # noqa: F811
    say(ready, "add DCC to " + "review the performance framework " * 90 + "by 30/06/2027")
    say(ready, "list")
    blocks = ready.standin.calls_to("response_url")[-1].args["blocks"]
    line = blocks[1]["text"]["text"]
    assert line.endswith("Not started") and "…" in line
    with transaction(ready.sessions) as session:
        assert len(session.query(Action).one().text) > 2900  # stored whole
