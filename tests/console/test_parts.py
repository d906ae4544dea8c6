"""The console's pure parts: the open form, clock moves, the workspace, the demo, the printer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.console import workspace
from bot.console.demo import demo_steps
from bot.console.forms import FillError, Form
from bot.console.printer import render_calls
from bot.console.timing import parse_duration, parse_local_time, round_times
from bot.parsing.commands import AddAction, SetNextMeeting, UpdateAction, parse_command
from bot.render.forms import note_form, record_action_form
from bot.standin.server import Call
from reminders.calendar import is_working_day

LONDON = ZoneInfo("Europe/London")


def _record_form() -> Form:
    view = record_action_form(role_codes=["ACC", "CC", "DCC"], upcoming=[], recent=[],
                              zone=LONDON).to_dict()
    return Form.of({**view, "id": "V1"})


def _user(name: str) -> str | None:
    person = workspace.find_person(name)
    return person.user_id if person else None


def test_form_fields_are_numbered_with_their_options() -> None:
    form = _record_form()
    text = "\n".join(form.describe())
    assert "(1) What was agreed [text, required]" in text
    assert "(2) Owners: roles [choose any" in text and "1) ACC  2) CC  3) DCC" in text
    assert "(5) …or due by a date [date, dd/mm/yyyy, optional]" in text


def test_filled_form_gives_slack_state_values() -> None:
    form = _record_form()
    form.fill(1, "review the metric", _user)
    form.fill(2, "3,1", _user)
    form.fill(3, "dana @alex", _user)
    form.fill(4, "1", _user)
    form.fill(5, "30/06/2027", _user)
    values = form.state_values()
    assert values["text"]["value"] == {"type": "plain_text_input", "value": "review the metric"}
    roles = values["owners_roles"]["value"]["selected_options"]
    assert [o["value"] for o in roles] == ["DCC", "ACC"]
    assert values["owners_people"]["value"]["selected_users"] == ["UDCC", "UACC"]
    assert values["due_meeting"]["value"]["selected_option"]["value"] == "next"
    assert values["due_date"]["value"]["selected_date"] == "2027-06-30"
    assert values["agenda_item"]["value"] == {"type": "plain_text_input", "value": None}


def test_filling_badly_says_what_would_work() -> None:
    form = _record_form()
    with pytest.raises(FillError, match="not a date"):
        form.fill(5, "someday", _user)
    with pytest.raises(FillError, match="not one of the options"):
        form.fill(2, "9", _user)
    with pytest.raises(FillError, match="don't know bob"):
        form.fill(3, "bob", _user)
    with pytest.raises(FillError, match="no field 12"):
        form.fill(12, "x", _user)
    form.fill(1, "x", _user)
    form.fill(1, "", _user)  # empty clears it
    assert form.state_values()["text"]["value"]["value"] is None


def test_errors_are_shown_beside_their_field() -> None:
    view = note_form(3, callback_id="need_more_time", title="More time for A-3",
                     label="Why?", with_date=True).to_dict()
    form = Form.of({**view, "id": "V2"})
    assert form.private_metadata == '{"ref": 3}'
    lines = form.describe({"new_date": "Choose the new date."})
    assert lines[1].strip().startswith("(1) New date") and "Choose the new date." in lines[2]


def test_durations_and_times() -> None:
    assert parse_duration("5d") == timedelta(days=5)
    assert parse_duration("2w") == timedelta(weeks=2)
    assert parse_duration("1d 3h 30m") == timedelta(days=1, hours=3, minutes=30)
    for bad in ("", "5", "d5", "5x", "0d", "5d later"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    at = parse_local_time("2026-11-19 09:00", LONDON)
    assert at == datetime(2026, 11, 19, 9, 0, tzinfo=LONDON)
    assert parse_local_time("19/11/2026  09:00", LONDON) == at
    with pytest.raises(ValueError, match="not a time"):
        parse_local_time("tomorrow", LONDON)


def test_rounds_run_at_each_days_send_time_then_at_the_new_time() -> None:
    old = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)  # Monday, after 09:00
    new = datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
    assert round_times(old, new, time(9, 0), LONDON) == [
        datetime(2026, 11, 17, 9, 0, tzinfo=LONDON),
        datetime(2026, 11, 18, 9, 0, tzinfo=LONDON),
        datetime(2026, 11, 19, 9, 0, tzinfo=LONDON),
        new,
    ]
    exactly = datetime(2026, 11, 17, 9, 0, tzinfo=LONDON)
    assert round_times(old, exactly, time(9, 0), LONDON) == [exactly]
    assert round_times(old, old + timedelta(hours=1), time(9, 0), LONDON) == [
        old + timedelta(hours=1)]


def test_rounds_keep_local_send_time_across_the_clock_change() -> None:
    old = datetime(2026, 10, 23, 12, 0, tzinfo=LONDON)  # BST ends early on Sunday 25th
    times = round_times(old, datetime(2026, 10, 26, 12, 0, tzinfo=LONDON), time(9), LONDON)
    assert [t.astimezone(UTC).hour for t in times[:2]] == [8, 9]  # BST, then GMT


def test_people_are_found_by_alias_role_and_nickname() -> None:
    assert workspace.find_person("dcc").alias == "dana"  # type: ignore[union-attr]
    assert workspace.find_person("@Dana").user_id == "UDCC"  # type: ignore[union-attr]
    assert workspace.find_person("sec").alias == "sam"  # type: ignore[union-attr]
    assert workspace.find_person("pcc").alias == "john"  # type: ignore[union-attr]
    assert workspace.find_person("bob") is None


def test_typed_mentions_become_slack_mentions() -> None:
    assert workspace.slack_text("role DCC @dana") == "role DCC <@UDCC>"
    assert workspace.slack_text("settings channel #opcc-team") == (
        "settings channel <#C0TEAM|opcc-team>")
    assert workspace.slack_text("add <@UACC> to mail sam@example.org, @here") == (
        "add <@UACC> to mail sam@example.org, @here")


@pytest.mark.parametrize("today", [date(2026, 11, 16), date(2026, 12, 28), date(2027, 1, 30),
                                   date(2027, 2, 3)])
def test_demo_commands_parse_and_name_later_meetings(today: date) -> None:
    demo = demo_steps(today)
    parsed = [parse_command(text, today) for _, text in demo.steps]
    meetings = [p for p in parsed if isinstance(p, SetNextMeeting)]
    assert len(meetings) == 3
    days = [m.starts_on for m in meetings]
    assert days[0] > today and len({(d.year, d.month) for d in days}) == 3
    assert sum(isinstance(p, AddAction) for p in parsed) >= 5
    assert isinstance(parsed[-1], UpdateAction)
    assert demo.first_reminder < demo.next_meeting and is_working_day(demo.first_reminder)


def _call(method: str, args: dict, response: dict | None = None, path: str = "") -> Call:
    return Call(method, args, "xoxb-x", 0.0, 200, {"ok": True, **(response or {})}, path)


def test_printer_headings_and_home_tabs() -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*A-1* x"}},
              {"type": "actions", "elements": [{"type": "button", "action_id": "a",
                                                "value": "1", "text": {
                                                    "type": "plain_text", "text": "Go"}}]}]
    home = {"type": "home", "blocks": blocks}
    out = render_calls([
        _call("users.info", {"user": "UDCC"}),
        _call("response_url", {"text": "hi <@UDCC>"}, path="/response/USEC-3"),
        _call("chat.postMessage", {"channel": "UDCC", "text": "t", "blocks": blocks},
              {"channel": "DUDCC", "ts": "1.2", "message": {"ts": "1.2"}}),
        _call("chat.postMessage", {"channel": "C0TEAM", "text": "digest"}, {"ts": "1.3"}),
        _call("views.publish", {"user_id": "UDCC", "view": home}, {"view": {"id": "V9"}}),
        _call("views.publish", {"user_id": "USEC", "view": home}, {"view": {"id": "V8"}}),
        _call("views.publish", {"user_id": "UDCC", "view": home}, {"view": {"id": "V7"}}),
    ], full_home_for="UDCC")
    assert out.lines == [
        "[only you, @sam]", "  hi @dana",
        "[DM to @dana]", "  A-1 x", "    [1] Go",
        "[#opcc-team]", "  digest",
        "[Home tab of @dana]", "  A-1 x", "    [2] Go",
        "[Home tab updated for @sam: :home shows yours]",
    ]
    assert out.buttons[0].container["channel"]["id"] == "DUDCC"
    assert out.buttons[1].container["view"] == {
        "id": "V7", "type": "home", "blocks": blocks, "state": {"values": {}}}


def test_printer_shows_refusals_and_forms() -> None:
    refused = Call("chat.postMessage", {"channel": "UGONE"}, "xoxb-x", 0.0, 200,
                   {"ok": False, "error": "user_not_found"})
    view = note_form(1, callback_id="add_update", title="Update A-1", label="Progress",
                     with_date=False).to_dict()
    out = render_calls([refused, _call("views.open", {"view": view}, {"view": {"id": "V5"}})])
    assert out.lines[0] == "[Slack refused chat.postMessage: user_not_found]"
    assert out.form is not None and out.form.view_id == "V5"
    assert out.lines[1] == "Form: Update A-1"


def test_printer_numbers_buttons_in_ephemeral_messages_too() -> None:
    button = {"type": "actions", "elements": [{"type": "button", "action_id": "list_page",
                                               "value": "2", "text": {
                                                   "type": "plain_text", "text": "Next"}}]}
    out = render_calls([_call("chat.postEphemeral", {"channel": "C0TEAM", "user": "USEC",
                                                     "text": "page", "blocks": [button]},
                              {"message_ts": "1.5"})], first=3)
    assert out.lines == ["[only @sam, in #opcc-team]", "    [3] Next"]
    assert out.buttons[0].number == 3
    assert out.buttons[0].container["channel"]["id"] == "C0TEAM"


def test_printer_shows_a_shared_file_and_hides_the_upload_steps() -> None:
    out = render_calls([
        _call("files.getUploadURLExternal", {"filename": "log.docx", "length": "38000"},
              {"upload_url": "http://x/upload/v1/t", "file_id": "F1"}),
        _call("upload_url", {"bytes": 38000}),
        _call("files.completeUploadExternal",
              {"files": [{"id": "F1", "title": "Action log"}], "channel_id": "DUSEC",
               "initial_comment": "Action log as at 16/11/2026: open actions, 1 action."},
              {"files": [{"id": "F1", "name": "log.docx", "title": "Action log",
                          "size": 38000}]}),
    ])
    assert out.lines == [
        "[file in DM to @sam]",
        "  Action log as at 16/11/2026: open actions, 1 action.",
        "  📎 log.docx (37 KB): Action log",
    ]
