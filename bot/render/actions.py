"""Replies about actions: recorded, changed, listed, shown with history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.ids import ActionId
from bot.parsing.agenda import agenda_label
from bot.render.common import (
    SECTION_TEXT_LIMIT,
    Reply,
    clip,
    context,
    divider,
    header,
    inline,
    section,
)
from bot.render.words import (
    due_words,
    meeting_words,
    owners_words,
    status_words,
    time_words,
)
from reminders.rag import rag_for
from storage.models import ActionEvent
from storage.views import ActionView

LATEST_NOTE_PREVIEW = 300


def action_line(action: ActionView, now: datetime, zone: ZoneInfo) -> str:
    """One action as list lines: ref, text, owners, due, status with RAG, latest update."""
    rag = rag_for(action, now, zone)
    details = f"{owners_words(action)} · due {due_words(action)} · {status_words(action, rag)}"
    # The owners, due date and status must survive Slack's section limit: shorten the text.
    room = SECTION_TEXT_LIMIT - len(details) - len(action.ref_label) - LATEST_NOTE_PREVIEW - 40
    lines = [f"*{action.ref_label}* {clip(inline(action.text), max(room, 200))}", details]
    if action.latest_note:
        lines.append(f"_Latest:_ {clip(inline(action.latest_note), LATEST_NOTE_PREVIEW)}")
    return "\n".join(lines)


def render_recorded(action: ActionView) -> Reply:
    due = f"Due {due_words(action)}."
    if action.awaits_next_meeting:
        due = ("No next meeting is set yet, so it has no date until one is; it will then be "
               "due at it.")
    elif action.due_day is None:
        due = "No due date yet."
    item = f" ({inline(agenda_label(action.agenda_item))})" if action.agenda_item else ""
    source = (
        f" from {meeting_words(action.source_meeting)}" if action.source_meeting else ""
    )
    text = (
        f":white_check_mark: Recorded *{action.ref_label}*{item}{source}: "
        f"{owners_words(action)} to {_sentence(inline(action.text))} {due}"
    )
    return Reply(text=text, blocks=[section(text)])


def _sentence(text: str) -> str:
    """The text ending in one full stop (or its own ? or !), never "Plan.."."""
    return text if text.endswith((".", "?", "!", "…")) else f"{text}."


def render_changed(action: ActionView, what: str, now: datetime, zone: ZoneInfo) -> Reply:
    text = f":white_check_mark: {what}"
    return Reply(text=text, blocks=[section(text), context(action_line(action, now, zone))])


def render_list(
    heading: str,
    actions: Sequence[ActionView],
    *,
    page: int,
    pages: int,
    total: int,
    now: datetime,
    zone: ZoneInfo,
    next_page_command: str | None,
) -> Reply:
    """A page of actions; says how many there are and how to see the rest."""
    if total == 0:
        return Reply(text=f"{heading}: none.", blocks=[section(f"*{heading}*: none.")])
    blocks: list[Block] = [header(f"{heading} ({total})")]
    blocks += [section(action_line(a, now, zone)) for a in actions]
    if pages > 1:
        footer = f"Page {page} of {pages}, {_count(total)} in all."
        if next_page_command:
            footer += f" Next: `{next_page_command}`"
        blocks.append(context(footer))
    return Reply(text=f"{heading}: {_count(total)}", blocks=blocks)


def _count(total: int) -> str:
    return f"{total} action" if total == 1 else f"{total} actions"


def render_show(
    action: ActionView, events: Sequence[ActionEvent], now: datetime, zone: ZoneInfo
) -> Reply:
    """The action and its whole history, oldest first."""
    details = [
        action_line(action, now, zone),
        f"Recorded by <@{action.created_by}> on {time_words(action.created_at, zone)}"
        + (f" from {meeting_words(action.source_meeting)}" if action.source_meeting else "")
        + (f", agenda {inline(agenda_label(action.agenda_item))}" if action.agenda_item else ""),
    ]
    blocks: list[Block] = [header(f"{action.ref_label}"), section("\n".join(details)), divider()]
    history_lines = [_event_line(e, zone) for e in events]
    # Keep within the 50-block limit by packing history lines into few sections.
    chunk: list[str] = []
    for line in history_lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(blocks) > 50:
        dropped = len(blocks) - 49
        blocks = blocks[:49] + [context(f"{dropped} older history sections not shown.")]
    return Reply(text=f"{action.ref_label}: {inline(action.text)}", blocks=blocks)


EVENT_WORDS = {
    "created": "recorded it",
    "update": "added an update",
    "status": "changed the status",
    "due_revised": "revised the due date",
    "reassigned": "reassigned it",
    "more_time_requested": "asked for more time",
    "next_occurrence": "made the next occurrence due",
    "recurrence_ended": "ended the recurrence",
    "edited": "corrected it",
}


def _event_line(event: ActionEvent, zone: ZoneInfo) -> str:
    what = EVENT_WORDS.get(event.kind, event.kind)
    line = f"• {time_words(event.at, zone)}: <@{event.actor}> {what}"
    change = change_words(event)
    if change:
        line += f": {change}"
    if event.note:
        line += f" — “{inline(event.note)}”"
    return line


def change_words(event: ActionEvent) -> str:
    before, after = event.before or {}, event.after or {}
    parts = []
    if "requested_due" in after:
        return f"until {after['requested_due']}"
    for key, label in (("status", "status"), ("due_date", "due"), ("owners", "owners"),
                       ("occurrence", "occurrence")):
        if key in before and before.get(key) != after.get(key):
            old_value, new_value = _value(before.get(key)), _value(after.get(key))
            if key == "due_date":
                # No due date is "no date", as lists say: TBC, ongoing, or a meeting's day.
                old_value, new_value = (_due_value(before), _due_value(after))
            parts.append(f"{label} {old_value} → {new_value}")
    # Typed text is shown as typed (escaped, shortened), old value first: the record keeps both.
    for key, label in (("text", "text"), ("agenda_item", "agenda item")):
        if key in before and before.get(key) != after.get(key):
            old, new = (_typed(before.get(key)), _typed(after.get(key)))
            parts.append(f"{label} “{old}” → “{new}”")
    if before and after and before.get("source_meeting_id") != after.get("source_meeting_id"):
        parts.append("source meeting changed")
    if event.kind == "due_revised" and before.get("due_meeting_id") != after.get(
        "due_meeting_id"
    ):
        parts.append("due meeting changed")
    return "; ".join(parts)


HISTORY_TEXT_PREVIEW = 200


def _typed(value: object) -> str:
    return clip(inline(str(value)), HISTORY_TEXT_PREVIEW) if value is not None else "none"


def _due_value(shot: dict[str, object]) -> str:
    """A snapshot's due date: the date, "a meeting" or "no date"."""
    if shot.get("due_date") is not None:
        return _value(shot["due_date"])
    return "a meeting" if shot.get("due_meeting_id") is not None else "no date"


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return inline(", ".join(str(v) for v in value))
    return inline(str(value).replace("_", " "))


def owner_buttons(action: ActionView) -> ActionsBlock:
    """An owner's buttons: add update, mark in progress, mark complete, need more time."""
    value = str(action.ref)
    return ActionsBlock(
        block_id=f"act_{action.ref}",
        elements=[
            ButtonElement(text="Add update", action_id=ActionId.ADD_UPDATE, value=value),
            ButtonElement(text="Mark in progress", action_id=ActionId.MARK_IN_PROGRESS,
                          value=value),
            ButtonElement(text="Mark complete", action_id=ActionId.MARK_COMPLETE, value=value,
                          style="primary"),
            ButtonElement(text="Need more time", action_id=ActionId.NEED_MORE_TIME, value=value),
        ],
    )

