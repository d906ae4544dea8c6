"""Importing minutes from Slack: paste, review over pages, edit, untick, record all at once."""

from __future__ import annotations

import json

from slack_sdk.models.views import View

from storage.db import transaction
from storage.models import Action, PendingImport
from tests.e2e.test_actions_flow import say
from tests.support.harness import RunningBot

MINUTES = """Monthly Assurance Meeting – November 2026
Date: Monday 16 November 2026, 10:00

2.1 Call handling
The force's action plan remains in place.
ACTION: DCC to review the 101 abandonment rates by 31/12/2026.

2.2 Neighbourhoods
It was agreed that the ACC would report the rural vacancies to the next meeting.
ACTION: Head of Estates to survey the custody suites.

3. Date of next meeting
Monthly Assurance Meeting, Thursday 26 November 2026 at 10:00.
"""


def _setup(bot: RunningBot) -> None:
    say(bot, "role DCC <@UDCC>")
    say(bot, "role ACC <@UACC>")


def _paste(bot: RunningBot, text: str, picked: str | None = None) -> dict:
    state = {"minutes_text": {"value": {"type": "plain_text_input", "value": text}},
             "minutes_date": {"value": {"type": "datepicker", "selected_date": picked}}}
    response = bot.slack.view_submission("import_paste", state, user_id="USEC")
    assert response.status_code == 200
    return response.json()


def _state_of(view: dict, **changes: dict) -> dict:
    """The form's state as Slack would send it: initial values, then the changes."""
    values: dict = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if element["type"] == "checkboxes":
            value = {"type": "checkboxes",
                     "selected_options": element.get("initial_options", [])}
        else:
            value = {"type": "plain_text_input", "value": element.get("initial_value")}
        values[block["block_id"]] = {"value": value}
    for block_id, value in changes.items():
        values[block_id.replace("__", ":")] = {"value": value}
    return values


def _submit(bot: RunningBot, view: dict, **changes: dict) -> dict:
    response = bot.slack.view_submission(
        "import_review", _state_of(view, **changes), user_id="USEC",
        private_metadata=view["private_metadata"])
    assert response.status_code == 200
    return response.json() if response.text not in ("", "null") else {}


def test_slash_import_opens_the_paste_form(bot: RunningBot) -> None:
    bot.slack.slash_command("import", user_id="USEC")
    [call] = bot.standin.wait_for("views.open")
    view = call.args["view"]
    View(**view).validate_json()
    text = next(b for b in view["blocks"] if b.get("block_id") == "minutes_text")
    assert text["element"]["max_length"] == 3000 and text["element"]["multiline"]


def test_paste_review_edit_and_record_everything_at_once(bot: RunningBot) -> None:
    _setup(bot)
    answer = _paste(bot, MINUTES)
    assert answer["response_action"] == "update"
    review = answer["view"]
    View(**review).validate_json()
    shown = json.dumps(review, ensure_ascii=False)
    assert "ACTION: DCC to review the 101 abandonment rates by 31/12/2026." in shown
    assert "unknown owner" in shown  # Head of Estates is no role here
    assert "action plan remains" not in shown
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 0  # nothing before the confirmation

    # The unknown owner stops the recording and says why, on its field.
    refused = _submit(bot, review)
    assert refused["response_action"] == "errors"
    assert "import_owners:2" in refused["errors"]
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 0

    # Fix the first action's text, give the third a known owner: all three are recorded.
    done = _submit(bot, review,
                   import_text__0={"type": "plain_text_input",
                                   "value": "review the 101 abandonment rates by hour"},
                   import_owners__2={"type": "plain_text_input", "value": "DCC"})
    assert done == {"response_action": "clear"}
    dm = bot.standin.wait_for("chat.postMessage")[-1]
    assert dm.args["channel"] == "USEC" and "Recorded 3 actions" in dm.args["text"]
    with transaction(bot.sessions) as session:
        recorded = session.query(Action).order_by(Action.ref).all()
        assert [a.text for a in recorded] == [
            "review the 101 abandonment rates by hour",
            "report the rural vacancies to the next meeting", "survey the custody suites"]
        assert all(a.source_meeting is not None for a in recorded)
        assert recorded[0].source_meeting.starts_at.date().isoformat() == "2026-11-16"
        assert recorded[1].due_meeting is not None  # the next meeting the minutes fixed
        assert str(recorded[0].due_date) == "2026-12-31"

    # Submitting the same review again records nothing twice.
    again = _submit(bot, review)
    assert "already recorded" in json.dumps(again)
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 3


def test_unticked_actions_are_not_recorded(bot: RunningBot) -> None:
    _setup(bot)
    review = _paste(bot, MINUTES)["view"]
    _submit(bot, review, import_keep__2={"type": "checkboxes", "selected_options": []})
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 2


def test_a_refusal_part_way_records_nothing(bot: RunningBot) -> None:
    _setup(bot)
    review = _paste(bot, MINUTES)["view"]
    # A date that has passed is refused by the log for the second action: the first stays
    # unrecorded too.
    answer = _submit(bot, review,
                     import_owners__2={"type": "plain_text_input", "value": "DCC"},
                     import_due__1={"type": "plain_text_input", "value": "ZZ"})
    assert answer["response_action"] == "errors" and "import_due:1" in answer["errors"]
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 0


def test_many_actions_are_paged_and_edits_survive_turning_the_page(bot: RunningBot) -> None:
    _setup(bot)
    lines = "".join(f"ACTION: DCC to review area number {n}.\n" for n in range(25))
    review = _paste(bot, "Monthly Assurance Meeting\nDate: 16 November 2026\n" + lines)["view"]
    assert len(review["blocks"]) <= 100
    shown = json.dumps(review, ensure_ascii=False)
    assert "actions 1–10 of 25" in shown and "Page 1 of 3" in shown
    state = _state_of(review, import_keep__3={"type": "checkboxes", "selected_options": []})
    bot.slack.block_action("import_page:next", user_id="USEC", value="1", view={
        "id": "V9", "hash": "h", "type": "modal", "callback_id": "import_review",
        "private_metadata": review["private_metadata"], "state": {"values": state}})
    [update] = bot.standin.wait_for("views.update")
    page_two = update.args["view"]
    assert "actions 11–20 of 25" in json.dumps(page_two, ensure_ascii=False) and json.loads(
        page_two["private_metadata"])["page"] == 1
    assert bot.backlog.wait_idle(10)  # the request's edits commit as it finishes
    with transaction(bot.sessions) as session:
        [pending] = session.query(PendingImport).all()
        assert [item["include"] for item in pending.data["items"]][:5] == [
            True, True, True, False, True]


def test_text_with_no_actions_is_refused_on_the_field(bot: RunningBot) -> None:
    answer = _paste(bot, "Monthly Assurance Meeting\nThe PCC welcomed everyone.")
    assert answer["response_action"] == "errors"
    assert "no agreed actions" in answer["errors"]["minutes_text"]


def _docx(text: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _opened_then_updated(bot: RunningBot) -> dict:
    """The form opened at once, then the view it was updated to."""
    [opened] = bot.standin.wait_for("views.open")
    assert "Reading the minutes" in json.dumps(opened.args["view"])
    return bot.standin.wait_for("views.update")[-1].args["view"]


def test_message_shortcut_on_a_word_file_downloads_it_with_the_token_and_reviews(
        bot: RunningBot) -> None:
    _setup(bot)
    shared = bot.standin.shared_files.add("F0MINUTES", "minutes.docx", _docx(MINUTES), user="USEC")
    bot.slack.message_shortcut("import_from_minutes", user_id="USEC", message_text="Minutes",
                               message_user="USEC", channel_id="C0TEAM", message_ts="5.1",
                               message_files=[shared])
    review = _opened_then_updated(bot)
    View(**review).validate_json()
    assert review["callback_id"] == "import_review" and "minutes.docx" in json.dumps(review)
    [info] = bot.standin.wait_for("files.info")
    assert info.args["file"] == "F0MINUTES"
    [download] = bot.standin.calls_to("files-pri")
    assert download.token and download.token.startswith("xoxb-")
    with transaction(bot.sessions) as session:
        assert session.query(Action).count() == 0


def test_message_shortcut_without_a_file_says_what_to_do(bot: RunningBot) -> None:
    bot.slack.message_shortcut("import_from_minutes", user_id="USEC", message_text="hello",
                               message_user="USEC", channel_id="C0TEAM", message_ts="5.2")
    [opened] = bot.standin.wait_for("views.open")
    assert "no file I can read" in json.dumps(opened.args["view"])


def test_a_bad_file_gets_a_clear_message_and_changes_nothing(bot: RunningBot) -> None:
    shared = bot.standin.shared_files.add("F0BAD", "minutes.docx", b"not a word file", user="USEC")
    bot.slack.message_shortcut("import_from_minutes", user_id="USEC", message_text="Minutes",
                               message_user="USEC", channel_id="C0TEAM", message_ts="5.3",
                               message_files=[shared])
    shown = json.dumps(_opened_then_updated(bot))
    assert "not a Word document" in shown
    with transaction(bot.sessions) as session:
        assert session.query(PendingImport).count() == 0


def test_a_file_sent_to_the_bot_by_dm_is_offered_for_import(bot: RunningBot) -> None:
    _setup(bot)
    shared = bot.standin.shared_files.add("F0DM", "notes.txt", MINUTES.encode(), user="USEC")
    bot.slack.event({"type": "message", "subtype": "file_share", "channel": "DUSEC",
                     "channel_type": "im", "user": "USEC", "text": "", "ts": "7.1",
                     "files": [shared]})
    offer = bot.standin.wait_for("chat.postMessage")[-1]
    assert offer.args["channel"] == "DUSEC" and "notes.txt" in offer.args["text"]
    button = offer.args["blocks"][1]["elements"][0]
    bot.slack.block_action(button["action_id"], user_id="USEC", value=button["value"],
                           channel_id="DUSEC")
    review = _opened_then_updated(bot)
    assert "ACTION: DCC to review the 101 abandonment rates" in json.dumps(review)


def test_the_stand_in_refuses_a_download_without_the_token(bot: RunningBot) -> None:
    import requests

    shared = bot.standin.shared_files.add("F0TOK", "minutes.txt", b"text", user="USEC")
    page = requests.get(shared["url_private_download"], timeout=5)
    assert page.headers["Content-Type"].startswith("text/html") and page.content != b"text"
    good = requests.get(shared["url_private_download"], timeout=5,
                        headers={"Authorization": "Bearer xoxb-test"})
    assert good.content == b"text"


def test_a_repeating_action_is_recorded_as_repeating_from_its_first_due_date(
        bot: RunningBot) -> None:
    _setup(bot)
    review = _paste(bot, "Extraordinary Meeting\nDate: 16 November 2026\n"
                         "Minute 13/26 Overtime\nThe ACC to provide the PCC with quarterly "
                         "briefings on overtime spend, the first in July 2027.\n")["view"]
    shown = json.dumps(review, ensure_ascii=False)
    assert "repeats quarterly" in shown and "31/07/2027" in shown
    assert _submit(bot, review) == {"response_action": "clear"}
    with transaction(bot.sessions) as session:
        [action] = session.query(Action).all()
        assert action.recurrence_months == 3 and str(action.due_date) == "2027-07-31"


def test_an_owner_that_is_a_role_created_from_the_minutes_is_known_by_its_title(
        bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "role new Head of Estates (HOE)")
    review = _paste(bot, MINUTES)["view"]
    assert "unknown owner" not in json.dumps(review)
    assert _submit(bot, review) == {"response_action": "clear"}
    with transaction(bot.sessions) as session:
        third = session.query(Action).order_by(Action.ref).all()[2]
        assert [o.role_code for o in third.owners] == ["HOE"]
