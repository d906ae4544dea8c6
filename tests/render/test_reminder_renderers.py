"""Reminder, report, summary and digest renderers: Slack limits, order, buttons, escaping."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from bot.ids import ActionId
from bot.render.common import Reply
from bot.render.reminders import (
    render_failure_report,
    render_meeting_summary,
    render_more_time_request,
    render_owner_reminder,
    render_unreachable_report,
    render_weekly_digest,
)
from reminders.messages import (
    DeliveryFailure,
    DigestOwner,
    FailureReport,
    MeetingSummary,
    MoreTimeRequest,
    OwnerReminder,
    Unreachable,
    UnreachableReport,
    WeeklyDigest,
)
from storage.models import ActionStatus
from storage.views import ActionView, MeetingView, OwnerView

ZONE = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)  # Thu 19 Nov 2026
MEETING = MeetingView(1, "thematic", "Covid-19", datetime(2026, 11, 26, 10, 0, tzinfo=UTC), None)
SOURCE = MeetingView(
    2, "monthly", "Monthly assurance meeting", datetime(2020, 10, 28, 10, 0, tzinfo=UTC), None
)
DCC = OwnerView(role="DCC", user_id="U0DCC")
VACANT_ACC = OwnerView(role="ACC", user_id=None)
PERSON = OwnerView(role=None, user_id="U0CEO")
NASTY = "<!channel> & <@U0BAD> check <https://evil.example|this>"


def make_action(
    ref: int,
    *,
    text: str | None = None,
    status: ActionStatus = ActionStatus.IN_PROGRESS,
    due: date | None = date(2026, 11, 26),
    owners: tuple[OwnerView, ...] = (DCC,),
    source: MeetingView | None = SOURCE,
    note: str | None = None,
) -> ActionView:
    return ActionView(
        id=ref,
        ref=ref,
        text=text if text is not None else f"Review diary appointments metric number {ref}",
        agenda_item=None,
        status=status,
        owners=owners,
        due_day=due,
        due_meeting=None,
        original_due_day=None,
        source_meeting=source,
        created_at=datetime(2026, 10, 28, 12, 0, tzinfo=UTC),
        created_by="U0SEC",
        last_update_at=datetime(2026, 11, 16, 12, 0, tzinfo=UTC),
        latest_note=note,
    )


def overdue_action(ref: int, **kwargs: Any) -> ActionView:
    return make_action(ref, due=date(2026, 11, 1), **kwargs)


def check(reply: Reply) -> dict[str, Any]:
    """Every block is valid Block Kit and the message keeps within Slack's limits."""
    payload = reply.payload()
    json.dumps(payload)
    assert payload["text"]
    assert len(payload["text"]) <= 3000
    assert 0 < len(payload["blocks"]) <= 50
    block_ids = [b["block_id"] for b in payload["blocks"] if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for raw in payload["blocks"]:
        Block.parse(raw).validate_json()
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
        elif raw["type"] == "context":
            assert all(len(e["text"]) <= 3000 for e in raw["elements"])
        elif raw["type"] == "header":
            assert len(raw["text"]["text"]) <= 150
    return payload


def texts(payload: dict[str, Any]) -> list[str]:
    """The visible text of each section, context and header block, in order."""
    out = []
    for block in payload["blocks"]:
        if block["type"] in ("section", "header"):
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.append(" ".join(e["text"] for e in block["elements"]))
    return out


def all_text(payload: dict[str, Any]) -> str:
    return payload["text"] + "\n" + "\n".join(texts(payload))


def assert_escaped(payload: dict[str, Any]) -> None:
    dumped = json.dumps(payload)
    assert "<!channel>" not in dumped
    assert "<@U0BAD>" not in dumped
    assert "<https://evil" not in dumped
    assert "&lt;!channel&gt;" in dumped


def shown_refs(text: str) -> list[int]:
    return [int(r) for r in re.findall(r"\*A-(\d+)\*", text)]


# Owner reminders


def reminder(actions: list[ActionView]) -> OwnerReminder:
    return OwnerReminder(
        user_id="U0DCC", meeting=MEETING, working_days_before=5, actions=tuple(actions)
    )


def test_reminder_reads_as_a_friendly_message_with_overdue_first() -> None:
    actions = [make_action(3), make_action(1, due=date(2026, 11, 24)), overdue_action(9)]
    payload = check(render_owner_reminder(reminder(actions), NOW, ZONE))

    assert (
        "Ahead of the Thematic meeting on Covid-19 on Thu 26 Nov 2026, 10:00, "
        "here are your open actions (3)" in payload["text"]
    )
    sections = [b for b in payload["blocks"] if b["type"] == "section"]
    assert "<@U0DCC>" in sections[0]["text"]["text"]
    assert "1 overdue" in sections[0]["text"]["text"]
    order = [shown_refs(s["text"]["text"]) for s in sections[1:]]
    assert order == [[9], [1], [3]]
    assert ":red_circle:" in sections[1]["text"]["text"]


def test_reminder_buttons_answer_for_each_action() -> None:
    actions = [make_action(7), overdue_action(12)]
    payload = check(render_owner_reminder(reminder(actions), NOW, ZONE))

    button_blocks = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert [b["block_id"] for b in button_blocks] == ["remind_12", "remind_7"]
    for block, ref in zip(button_blocks, ("12", "7"), strict=True):
        buttons = block["elements"]
        assert [b["action_id"] for b in buttons] == [
            ActionId.ADD_UPDATE,
            ActionId.MARK_COMPLETE,
            ActionId.NEED_MORE_TIME,
        ]
        assert [b["text"]["text"] for b in buttons] == [
            "Add update",
            "Mark complete",
            "Need more time",
        ]
        assert {b["value"] for b in buttons} == {ref}
        assert buttons[1]["style"] == "primary"
        assert "style" not in buttons[0] and "style" not in buttons[2]
    # Each action's buttons follow its own line.
    kinds = [b["type"] for b in payload["blocks"]]
    assert kinds[1:5] == ["section", "actions", "section", "actions"]


def test_reminder_with_200_actions_says_how_many_are_not_shown() -> None:
    actions = [make_action(n) for n in range(1, 201)]
    payload = check(render_owner_reminder(reminder(actions), NOW, ZONE))

    shown = [b for b in payload["blocks"] if b["type"] == "actions"]
    last = texts(payload)[-1]
    assert payload["blocks"][-1]["type"] == "context"
    assert last == f"{200 - len(shown)} more not shown: see `/actions list mine`"
    assert len(shown) >= 20
    assert "open actions (200)" in payload["text"]


@pytest.mark.parametrize(("count", "all_shown"), [(24, True), (25, False)])
def test_reminder_fills_the_message_before_cutting(count: int, all_shown: bool) -> None:
    actions = [make_action(n) for n in range(1, count + 1)]
    payload = check(render_owner_reminder(reminder(actions), NOW, ZONE))

    shown = len([b for b in payload["blocks"] if b["type"] == "actions"])
    assert (shown == count) is all_shown
    assert ("more not shown" in all_text(payload)) is not all_shown


def test_reminder_escapes_action_text_notes_and_meeting_title() -> None:
    meeting = MeetingView(1, "thematic", NASTY, MEETING.starts_at, None)
    action = make_action(5, text=NASTY, note=NASTY)
    long = make_action(6, text="&" * 5000)
    payload = check(
        render_owner_reminder(
            OwnerReminder("U0DCC", meeting, 5, (action, long)),
            NOW,
            ZONE,
        )
    )
    assert_escaped(payload)
    assert "&amp;lt;" not in payload["text"]  # escaped once, not twice
    # A clipped section never ends half way through an entity.
    assert not re.search(r"&[a-z]*…", json.dumps(payload))


# Unreachable owners


def test_unreachable_report_names_owners_reasons_and_fixes() -> None:
    report = UnreachableReport(
        meeting=MEETING,
        unreachable=(
            Unreachable(VACANT_ACC, "the role has no holder", (make_action(7), make_action(8))),
            Unreachable(PERSON, "user_not_found", (make_action(11, text=NASTY),)),
        ),
    )
    payload = check(render_unreachable_report(report, NOW, ZONE))
    text = all_text(payload)

    assert "2 owners could not be reminded" in payload["text"]
    assert "ACC (vacant)" in text and "the role has no holder" in text
    assert "*A-7* Review diary appointments metric number 7" in text
    assert "`/actions role ACC @person`" in text
    assert "<@U0CEO>" in text and "user_not_found" in text
    assert "`/actions assign A-11 @person`" in text
    assert_escaped(payload)


def test_unreachable_report_packs_many_owners_and_counts_the_rest() -> None:
    unreachable = tuple(
        Unreachable(
            OwnerView(role=None, user_id=f"U{n:05d}"),
            "user_not_found",
            tuple(make_action(n * 100 + k, text="x" * 400) for k in range(30)),
        )
        for n in range(300)
    )
    payload = check(render_unreachable_report(UnreachableReport(MEETING, unreachable), NOW, ZONE))
    text = all_text(payload)

    shown = len(re.findall(r"<@U\d{5}>", text))
    match = re.search(r"(\d+) more owners not shown \((\d+) actions\)", texts(payload)[-1])
    assert match is not None
    assert shown + int(match.group(1)) == 300
    assert int(match.group(2)) == int(match.group(1)) * 30
    assert "…and 20 more" in text  # long lists of actions are summarised per owner


def test_unreachable_report_with_nobody_missed() -> None:
    payload = check(render_unreachable_report(UnreachableReport(MEETING, ()), NOW, ZONE))
    assert "Every owner was reminded" in payload["text"]


# Matters arising


def summary(**groups: list[ActionView]) -> MeetingSummary:
    return MeetingSummary(
        meeting=MEETING,
        complete=tuple(groups.get("complete", [])),
        in_progress=tuple(groups.get("in_progress", [])),
        not_started=tuple(groups.get("not_started", [])),
        overdue=tuple(groups.get("overdue", [])),
        generated_at=NOW,
    )


def test_summary_groups_in_agenda_order_with_counts() -> None:
    result = summary(
        complete=[make_action(1, status=ActionStatus.COMPLETE)],
        in_progress=[make_action(2, note="Draft with the PCC", source=None)],
        overdue=[overdue_action(3, status=ActionStatus.NOT_STARTED), overdue_action(4)],
    )
    payload = check(render_meeting_summary(result, NOW, ZONE))
    blocks = texts(payload)
    body = "\n".join(blocks)

    assert blocks[0] == "Matters arising: Thematic meeting on Covid-19 — Thu 26 Nov 2026, 10:00"
    assert "Complete, awaiting closure: 1 · In progress: 1 · Not started: 0 · Overdue: 2" in body
    positions = [
        body.index(heading)
        for heading in (
            "*From the Monthly assurance meeting of Wed 28 Oct 2020 (3)*",
            "*Source not recorded (1)*",
        )
    ]
    assert positions == sorted(positions)
    assert shown_refs(body) == [1, 3, 4, 2]
    assert "due Thu 26 Nov 2026" in body
    assert "_Latest:_ Draft with the PCC" in body
    assert "Not started — overdue" in body and ":red_circle:" in body


def test_summary_reads_like_agenda_item_one() -> None:
    """Brought back first; then by source meeting with agenda items; recurring and undated
    on their own lines."""
    earlier = MeetingView(3, "monthly", "Monthly assurance meeting",
                          datetime(2026, 9, 30, 10, 0, tzinfo=UTC), None)
    last = MeetingView(4, "monthly", "Monthly assurance meeting",
                       datetime(2026, 10, 28, 10, 0, tzinfo=UTC), None)
    at_this = dict(due_meeting=MEETING, due_day=date(2026, 11, 26))
    actions = [
        replace(make_action(1, source=last), agenda_item="3.1", **at_this),
        replace(make_action(2, source=last), agenda_item="2.10", **at_this),
        replace(make_action(3, source=last), agenda_item="2.4", **at_this),
        replace(make_action(4, source=earlier), agenda_item="5.1", **at_this),
        replace(make_action(5, source=last), recurrence_months=3),
        make_action(6, source=last, due=None),
    ]
    payload = check(render_meeting_summary(summary(in_progress=actions), NOW, ZONE))
    body = "\n".join(texts(payload))
    headings = ["*Brought back to this meeting (1)*",
                "*From the Monthly assurance meeting of Wed 28 Oct 2026 (3)*",
                "*Recurring (1)*", "*No date (1)*"]
    positions = [body.index(h) for h in headings]
    assert positions == sorted(positions)
    assert shown_refs(body) == [4, 3, 2, 1, 5, 6]  # item 2.4 before 2.10 before 3.1
    assert "*A-3* (item 2.4)" in body and "recurs quarterly" in body
    assert "source not recorded" not in body.lower()


def test_summary_with_nothing_outstanding() -> None:
    payload = check(render_meeting_summary(summary(), NOW, ZONE))
    assert "No outstanding actions for this meeting." in texts(payload)
    assert "No outstanding actions" in payload["text"]


def test_summary_with_too_many_actions_counts_what_is_not_shown() -> None:
    sources = [MeetingView(10 + i, "monthly", "Monthly assurance meeting",
                           datetime(2026, 6 + i, 3, 10, 0, tzinfo=UTC), None) for i in range(4)]
    sizes = {"complete": 120, "in_progress": 150, "not_started": 90, "overdue": 80}
    groups = {
        name: [make_action(i * 1000 + n, text="t" * 300, note="n" * 200, source=sources[i])
               for n in range(size)]
        for i, (name, size) in enumerate(sizes.items())
    }
    payload = check(render_meeting_summary(summary(**groups), NOW, ZONE))
    body = "\n".join(texts(payload)[:-1])
    footer = texts(payload)[-1]

    assert "See `/actions list`" in footer
    assert footer.startswith("Not shown for lack of space: ")
    parts = footer.removeprefix("Not shown for lack of space: ").split(". See")[0].split("; ")
    not_shown = {label: int(n) for n, label in (p.split(" ", 1) for p in parts)}
    refs = shown_refs(body)
    for i, (name, size) in enumerate(sizes.items()):
        day = sources[i].starts_at.date()
        label = f"from the Monthly assurance meeting of {day:%a} {day.day} {day:%b %Y}"
        shown = len([r for r in refs if r // 1000 == i])
        assert shown + not_shown.get(label, 0) == size, name
        # Every group keeps its heading and its first actions.
        assert f"*F{label[1:]} ({size})*" in body and shown > 0
    assert sum(not_shown.values()) > 0


def test_summary_escapes_user_text() -> None:
    payload = check(
        render_meeting_summary(
            summary(in_progress=[make_action(1, text=NASTY, note=NASTY)]), NOW, ZONE
        )
    )
    assert_escaped(payload)


# Weekly digest


def digest(owners: list[DigestOwner], next_meeting: MeetingView | None = MEETING) -> WeeklyDigest:
    return WeeklyDigest(date(2026, 11, 16), date(2026, 11, 22), next_meeting, tuple(owners))


def test_digest_lists_each_owner_with_only_their_non_empty_parts() -> None:
    busy = DigestOwner(
        DCC,
        new=(make_action(1, text=NASTY),),
        finished=(),
        overdue=(overdue_action(2),),
        due_before_next=(make_action(3, text="y" * 400),),
    )
    idle = DigestOwner(PERSON, new=(), finished=(), overdue=(), due_before_next=())
    finished = DigestOwner(VACANT_ACC, (), (make_action(4, status=ActionStatus.CLOSED),), (), ())
    payload = check(render_weekly_digest(digest([busy, idle, finished]), NOW, ZONE))
    blocks = texts(payload)
    body = "\n".join(blocks)

    assert blocks[0] == "Weekly action digest, Mon 16 Nov 2026–Sun 22 Nov 2026"
    assert "Next meeting:* Thematic meeting on Covid-19, Thu 26 Nov 2026, 10:00" in blocks[1]
    assert "<@U0CEO>" not in body  # nothing for this owner this week
    dcc = body[body.index("*DCC (<@U0DCC>)*") : body.index("*ACC (vacant)*")]
    assert "_New this week (1)_" in dcc
    assert "_Overdue (1)_" in dcc
    assert "_Due before the next meeting (1)_" in dcc
    assert "Completed or closed" not in dcc
    acc = body[body.index("*ACC (vacant)*") :]
    assert "_Completed or closed this week (1)_\n• *A-4*" in acc
    assert "New this week" not in acc
    long_line = next(line for line in body.splitlines() if line.startswith("• *A-3*"))
    assert len(long_line) < 140 and long_line.endswith("…")
    assert_escaped(payload)


def test_empty_digest_says_so() -> None:
    idle = DigestOwner(PERSON, (), (), (), ())
    payload = check(render_weekly_digest(digest([idle], next_meeting=None), NOW, ZONE))
    body = "\n".join(texts(payload))
    assert "No next meeting is set yet." in body
    assert "Nothing new, finished, overdue or due this week." in body
    assert "<@U0CEO>" not in body


def test_digest_with_many_owners_counts_those_not_shown() -> None:
    owners = [
        DigestOwner(
            OwnerView(role=None, user_id=f"U{n:05d}"),
            new=tuple(make_action(n * 100 + k, text="z" * 200) for k in range(12)),
            finished=(),
            overdue=tuple(overdue_action(n * 100 + 50 + k) for k in range(3)),
            due_before_next=tuple(make_action(n * 100 + 70 + k) for k in range(12)),
        )
        for n in range(100)
    ]
    payload = check(render_weekly_digest(digest(owners), NOW, ZONE))
    footer = texts(payload)[-1]
    body = "\n".join(texts(payload)[:-1])

    match = re.search(r"(\d+) more owners not shown in full \((\d+) actions\)", footer)
    assert match is not None
    fully_or_partly_shown = len(set(re.findall(r"\*<@(U\d{5})>\*", body)))
    assert fully_or_partly_shown + int(match.group(1)) in (100, 101)
    assert "…and 2 more" in body


# More time and failures


def test_more_time_request_says_nothing_changed_and_how_to_agree() -> None:
    request = MoreTimeRequest(
        action=make_action(7, text="Share the <!channel> briefing note"),
        requested_by="U0DCC",
        new_date=date(2026, 12, 3),
        reason="Waiting for <!here> data & figures",
    )
    payload = check(render_more_time_request(request, NOW, ZONE))
    text = all_text(payload)

    assert "<@U0DCC> asks for more time on *A-7*" in text
    assert "new date *Thu 3 Dec 2026*" in text
    assert "reason: Waiting for &lt;!here&gt; data &amp; figures" in text
    assert "current due Thu 26 Nov 2026" in text
    assert "Nothing has changed; to agree, type `/actions due A-7 03/12/2026`." in text
    assert "<!here>" not in json.dumps(payload)
    assert_escaped_text = "&lt;!channel&gt;" in payload["text"]
    assert assert_escaped_text


def test_failure_report_names_recipients_and_errors() -> None:
    report = FailureReport(
        failures=(
            DeliveryFailure("reminder", "U0DCC", "user_not_found"),
            DeliveryFailure("digest", "C0TEAM", "not_in_channel"),
            DeliveryFailure("summary", "odd<!channel>", "boom `<!channel>`"),
        )
    )
    payload = check(render_failure_report(report))
    text = all_text(payload)

    assert "3 messages could not be delivered after retries" in payload["text"]
    assert "• reminder to <@U0DCC>: `user_not_found`" in text
    assert "• digest to <#C0TEAM>: `not_in_channel`" in text
    assert "<!channel>" not in json.dumps(payload)


def test_failure_report_with_many_failures_counts_the_rest() -> None:
    failures = tuple(DeliveryFailure("reminder", f"U{n:05d}", "e" * 250) for n in range(1000))
    payload = check(render_failure_report(FailureReport(failures)))
    shown = len(re.findall(r"<@U\d{5}>", all_text(payload)))
    match = re.fullmatch(r"(\d+) more failures not shown\.", texts(payload)[-1])
    assert match is not None
    assert shown + int(match.group(1)) == 1000


EXTERNAL = OwnerView(role="SJ", user_id=None, title="Supt <Jones>", external=True,
                     contact="via the force control room")
TITLED_VACANT = OwnerView(role="COMMMGR", user_id=None, title="Commissioning Manager")


def test_owners_show_the_title_as_written_never_a_shouted_code() -> None:
    from bot.render.words import owner_words

    assert owner_words(EXTERNAL) == "Supt &lt;Jones&gt; (external)"
    assert owner_words(TITLED_VACANT) == "Commissioning Manager (vacant)"
    assert owner_words(DCC) == "DCC (<@U0DCC>)"


def test_external_owners_are_listed_to_chase() -> None:
    report = UnreachableReport(
        MEETING, (), (Unreachable(EXTERNAL, "outside Slack: to chase", (make_action(3),)),)
    )
    payload = check(render_unreachable_report(report, NOW, ZONE))
    text = json.dumps(payload)
    assert payload["blocks"][0]["text"]["text"] == "To chase"
    assert "1 owner outside Slack to chase" in payload["text"]
    assert "Supt &lt;Jones&gt; (external)" in text and "via the force control room" in text
    assert "A-3" in text and "has no holder" not in text and "To fix" not in text


def test_vacant_and_external_owners_in_one_report() -> None:
    report = UnreachableReport(
        MEETING,
        (Unreachable(VACANT_ACC, "the role has no holder", (make_action(1),)),),
        (Unreachable(EXTERNAL, "outside Slack: to chase", (make_action(2),)),),
    )
    payload = check(render_unreachable_report(report, NOW, ZONE))
    text = json.dumps(payload)
    assert payload["blocks"][0]["text"]["text"] == "Reminders not delivered"
    assert text.index("ACC (vacant)") < text.index("*To chase*") < text.index("Supt")


def test_failure_report_says_what_fixes_each_failure() -> None:
    report = FailureReport(failures=(
        DeliveryFailure("digest", "C0TEAM", "missing_scope", needed="chat:write.public"),
        DeliveryFailure("summary", "C0PRIV", "channel_not_found"),
        DeliveryFailure("reminder", "U0DCC", "account_inactive"),
        DeliveryFailure("summary", "C0OLD", "is_archived", retried=False),
    ))
    text = all_text(check(render_failure_report(report)))
    assert "lacks the `chat:write.public` scope" in text
    assert "not a member of <#C0PRIV>: type `/invite @Action Log` in that channel" in text
    assert "the bot's own token" in text and "not about the person" in text
    assert text.count("sent again on a later round") == 3
    assert "It will not be tried again." in text
