"""Lists, history, the Home tab and the forms: valid Block Kit within Slack's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render.actions import render_list, render_recorded, render_show
from bot.render.forms import note_form, record_action_form
from bot.render.home import render_home
from storage.models import ActionEvent, ActionStatus, Meeting
from storage.services.home import TeamView
from storage.views import ActionView, MeetingView, OwnerView

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
MEETING = MeetingView(1, "thematic", "Covid-19", datetime(2026, 11, 26, 10, tzinfo=UTC), None)


def _action(ref: int, **changes: object) -> ActionView:
    base = ActionView(
        id=ref, ref=ref, text=f"review metric {ref} <!channel>", agenda_item="2.4",
        status=ActionStatus.NOT_STARTED,
        owners=(OwnerView("DCC", "UDCC"), OwnerView(None, "U012AB3CD")),
        due_day=date(2026, 11, 26), due_meeting=MEETING, original_due_day=None,
        source_meeting=None, created_at=NOW, created_by="USEC", last_update_at=NOW,
        latest_note="x" * 500,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _check_blocks(blocks: list[dict], limit: int) -> None:
    assert len(blocks) <= limit
    for block in blocks:
        Block.parse(block).validate_json()
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000


def test_recorded_reads_like_the_minutes() -> None:
    reply = render_recorded(_action(7))
    assert "Recorded *A-7* (item 2.4)" in reply.text
    assert "due Thu 26 Nov 2026, the Thematic meeting on Covid-19" in reply.text.replace(
        "Due", "due")
    assert "&lt;!channel&gt;" in reply.text and "<!channel>" not in reply.text
    _check_blocks(reply.payload()["blocks"], 50)


def test_a_full_list_page_fits() -> None:
    page = [_action(n, text="t" * 2900) for n in range(1, 11)]
    reply = render_list("Open actions", page, page=1, pages=30, total=300, now=NOW,
                        zone=LONDON, next_page_command="/actions list page 2")
    blocks = reply.payload()["blocks"]
    _check_blocks(blocks, 50)
    assert "Page 1 of 30, 300 actions in all" in str(blocks)


def test_long_history_stays_within_limits_and_says_what_is_left_out() -> None:
    events = [
        ActionEvent(team_id="T", action_id=1, kind="update", actor="UDCC",
                    at=NOW + timedelta(minutes=n), before=None, after=None, note="n" * 2000)
        for n in range(80)
    ]
    reply = render_show(_action(1), events, NOW, LONDON)
    blocks = reply.payload()["blocks"]
    _check_blocks(blocks, 50)
    assert "older history sections not shown" in str(blocks[-1])


def test_home_tab_for_secretariat_with_many_actions() -> None:
    mine = [_action(n) for n in range(1, 40)]
    overdue = [_action(n, due_day=date(2026, 11, 1), due_meeting=None) for n in range(1, 16)]
    team = TeamView({"not_started": 50, "in_progress": 9}, 59, overdue)
    view = render_home(mine=mine, next_meeting=MEETING, team=team, now=NOW, zone=LONDON)
    payload = view.to_dict()
    View(**payload).validate_json()
    _check_blocks(payload["blocks"], 100)
    assert "more not shown" in str(payload["blocks"])


def test_forms_are_valid_modals() -> None:
    meetings = [Meeting(id=n, team_id="T", kind="monthly", title=f"M{n}" * 40,
                        starts_at=NOW + timedelta(days=30 * n), venue=None, created_by="U",
                        created_at=NOW) for n in range(1, 5)]
    form = record_action_form(role_codes=["CC", "DCC"], upcoming=meetings, recent=meetings,
                              zone=LONDON, initial_text="DCC to review" * 400)
    View(**form.to_dict()).validate_json()
    note = note_form(7, callback_id="need_more_time", title="More time for A-7",
                     label="Why?", with_date=True)
    View(**note.to_dict()).validate_json()


def test_the_form_shows_roles_from_the_minutes_by_their_title() -> None:
    form = record_action_form(role_codes=["DBS", "DCC"],
                              role_titles={"DBS": "Director of Business Services"},
                              upcoming=[], recent=[], zone=LONDON)
    options = [o["text"]["text"] for b in form.to_dict()["blocks"]
               if b.get("block_id") == "owners_roles" for o in b["element"]["options"]]
    assert options == ["Director of Business Services", "DCC"]
