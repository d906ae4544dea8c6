"""Hostile text through every renderer: no link, mention or broadcast survives, no line
break fakes a list entry, and clipping never cuts an entity in half (a property test)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.views import View

from bot.render.actions import render_changed, render_list, render_recorded, render_show
from bot.render.common import Reply, clip, escape
from bot.render.home import render_home
from bot.render.meetings import render_meeting_moved, render_meeting_set, render_meetings
from bot.render.reminders import (
    render_meeting_summary,
    render_more_time_request,
    render_owner_reminder,
    render_unreachable_report,
    render_weekly_digest,
)
from reminders.messages import (
    DigestOwner,
    MeetingSummary,
    MoreTimeRequest,
    OwnerReminder,
    Unreachable,
    UnreachableReport,
    WeeklyDigest,
)
from storage.models import ActionEvent, ActionStatus, Meeting
from storage.services.home import TeamView
from storage.views import ActionView, MeetingView, OwnerView

ZONE = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
# The only ids a renderer may mention: the ones the records name, never typed text.
KNOWN = {"U0DCC", "U0SEC", "U0CEO"}
DCC = OwnerView(role="DCC", user_id="U0DCC")
PERSON = OwnerView(role=None, user_id="U0CEO")

FRAGMENTS = [
    "<!channel>", "<!here>", "<!everyone>", "<@U0BAD>", "<@U0BAD|boss>", "<#C0BAD>",
    "<!subteam^S0BAD>", "<https://evil.example/x|Room 1>", "<mailto:a@b.c|mail>",
    "&lt;!channel&gt;", "&amp;", "&", "<", ">", "\n", "\r\n", "\u2028",
    "\n*A-99* fake :red_circle: Overdue", "\n• *A-98* fake", "*", "_", "~", "`",
]
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12),
              st.integers(1, 700).map(lambda n: "&" * n)),
    min_size=1, max_size=12,
).map("".join).filter(lambda s: s.strip())


def _meeting_view(title: str, venue: str) -> MeetingView:
    return MeetingView(7, "thematic", title, datetime(2026, 11, 26, 10, 0, tzinfo=UTC), venue)


def _action(ref: int, text: str, note: str, meeting: MeetingView, *,
            due: date = date(2026, 11, 1)) -> ActionView:
    return ActionView(
        id=ref, ref=ref, text=text, agenda_item=note[:40], status=ActionStatus.IN_PROGRESS,
        owners=(DCC, PERSON), due_day=due, due_meeting=meeting, original_due_day=date(2026, 10, 1),
        source_meeting=meeting, created_at=datetime(2026, 10, 28, 12, 0, tzinfo=UTC),
        created_by="U0SEC", last_update_at=datetime(2026, 11, 16, 12, 0, tzinfo=UTC),
        latest_note=note,
    )


def _meeting_model(title: str, venue: str) -> Meeting:
    return Meeting(id=7, team_id="T1", kind="thematic", title=title, venue=venue,
                   starts_at=datetime(2026, 11, 26, 10, 0, tzinfo=UTC), created_by="U0SEC",
                   created_at=NOW)


def every_rendering(text: str, note: str, title: str, venue: str) -> list[Any]:
    """What every renderer that shows user text makes of these texts."""
    meeting = _meeting_view(title, venue)
    a1, a2 = _action(1, text, note, meeting), _action(2, note, text, meeting)
    events = [ActionEvent(kind="update", actor="U0DCC", at=NOW, before={}, after={}, note=note),
              ActionEvent(kind="status", actor="U0SEC", at=NOW, before={"status": "not_started"},
                          after={"status": "in_progress"}, note=text)]
    model = _meeting_model(title, venue)
    team = TeamView(by_status={"in_progress": 2}, overdue=2, first_overdue=[a1, a2])
    digest_owner = DigestOwner(owner=DCC, new=(a1,), finished=(a2,), overdue=(a1,),
                               due_before_next=(a2,))
    return [
        render_recorded(a1),
        render_changed(a1, "A-1 updated.", NOW, ZONE),
        render_list("Open actions", [a1, a2], page=1, pages=1, total=2, now=NOW, zone=ZONE,
                    next_page_command=None),
        render_show(a1, events, NOW, ZONE),
        render_home(mine=[a1, a2], next_meeting=meeting, team=team, now=NOW, zone=ZONE),
        render_meeting_set(model, True, ZONE),
        render_meeting_moved(model, ZONE),
        render_meetings([model], [model], ZONE),
        render_owner_reminder(OwnerReminder("U0DCC", meeting, 5, (a1, a2)), NOW, ZONE),
        render_unreachable_report(UnreachableReport(meeting, (
            Unreachable(DCC, note, (a1, a2)),)), NOW, ZONE),
        render_meeting_summary(MeetingSummary(meeting, (a1,), (a2,), (a1,), (a2,), NOW),
                               NOW, ZONE),
        render_weekly_digest(WeeklyDigest(date(2026, 11, 16), date(2026, 11, 20), meeting,
                                          (digest_owner,)), NOW, ZONE),
        render_more_time_request(MoreTimeRequest(a1, "U0DCC", date(2027, 1, 5), note),
                                 NOW, ZONE),
    ]


def _mrkdwn(rendering: Any) -> list[str]:
    """Every piece of text Slack reads as mrkdwn: the fallback text and mrkdwn objects."""
    if isinstance(rendering, Reply):
        payload: dict[str, Any] = rendering.payload()
        found = [payload["text"]]
    else:
        assert isinstance(rendering, View)
        payload, found = rendering.to_dict(), []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload.get("blocks", []))
    return found


TOKEN = re.compile(r"<([^<>]*)>")
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
FAKE_ENTRY = re.compile(r"^[\s>•]*\*A-9[89]\*", re.MULTILINE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile, note=hostile, title=hostile, venue=hostile)
def test_no_hostile_text_survives_any_renderer(text: str, note: str, title: str,
                                               venue: str) -> None:
    for rendering in every_rendering(text, note, title, venue):
        for mrkdwn in _mrkdwn(rendering):
            assert mrkdwn, "an empty text object, which Slack refuses"
            tokens = TOKEN.findall(mrkdwn)
            assert all(t.startswith("@") and t[1:] in KNOWN for t in tokens), (tokens, mrkdwn)
            # Every "<" opens one of those tokens: nothing half-made either.
            assert mrkdwn.count("<") == len(tokens), mrkdwn
            assert not BROKEN_ENTITY.search(mrkdwn), mrkdwn[-80:]
            assert not FAKE_ENTRY.search(mrkdwn), mrkdwn


def test_the_venue_on_the_home_tab_is_no_link() -> None:
    meeting = _meeting_view("Covid-19", "<https://evil.example/x|Room 1>")
    view = render_home(mine=[], next_meeting=meeting, team=None, now=NOW, zone=ZONE)
    shown = " ".join(_mrkdwn(view))
    assert "<https://evil.example" not in shown
    assert "&lt;https://evil.example/x|Room 1&gt;" in shown


@given(st.text(alphabet="&<>ab", min_size=1, max_size=60), st.integers(2, 40))
def test_clip_never_cuts_an_entity(raw: str, limit: int) -> None:
    clipped = clip(escape(raw), limit)
    assert len(clipped) <= limit
    assert not BROKEN_ENTITY.search(clipped), clipped


def test_clip_just_after_the_start_of_a_mention_drops_it_whole() -> None:
    text = "owners: DCC (<@U0DCC>)"
    clipped = clip(text, text.index("<") + 2)  # keeps "<" and nothing more of the mention
    assert "<" not in clipped, clipped
