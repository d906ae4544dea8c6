"""Forms for importing minutes: paste the text, then review every proposed action."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.ids import ActionId, BlockId, CallbackId, ImportField
from bot.render.common import VIEW_BLOCK_LIMIT, clip, context, escape, section

# Slack's plain_text_input holds at most 3,000 characters.
PASTE_LIMIT = 3000
# Five blocks per action: ten fit with the header lines well inside a form's 100 blocks.
PAGE_SIZE = 10
_KEEP = "keep"
_LABEL_LIMIT = 2000


def paste_form() -> View:
    """`/actions import`: paste the minutes (or their actions) and say which meeting."""
    return View(
        type="modal", callback_id=CallbackId.IMPORT_PASTE, title="Import from minutes",
        submit="Find actions", close="Cancel",
        blocks=[
            InputBlock(
                block_id=BlockId.MINUTES_TEXT, label="The minutes, or the part with the actions",
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=PASTE_LIMIT,
                    placeholder="2.4 Performance … ACTION: DCC to review the diary metric",
                ),
                hint=f"Up to {PASTE_LIMIT:,} characters. For longer minutes, send the Word or "
                "PDF file to me in a direct message.",
            ),
            InputBlock(
                block_id=BlockId.MINUTES_DATE, label="Meeting these minutes record",
                optional=True, element=DatePickerElement(action_id="value"),
                hint="Leave empty when the text gives the date.",
            ),
            context("Nothing is recorded until you have reviewed every action."),
        ],
    )


def notice_form(message: str) -> View:
    """A form that only says something: reading a file, or why it could not be read."""
    return View(type="modal", title="Import from minutes", close="Close",
                blocks=[section(escape(message))])


def file_offer(name: str, file_id: str) -> tuple[str, list[Any]]:
    """The direct message offering to import a file sent to the bot: text and blocks."""
    text = f"I can find the actions in {name} for you to review before anything is recorded."
    return text, [
        section(f"I can find the actions in *{escape(name)}* for you to review. Nothing is "
                "recorded until you confirm."),
        ActionsBlock(block_id="import_offer", elements=[ButtonElement(
            action_id=ActionId.IMPORT_FILE, text="Review the actions", value=file_id,
            style="primary")]),
    ]


def page_count(data: dict[str, Any]) -> int:
    return max(1, -(-len(data["items"]) // PAGE_SIZE))


def review_form(import_id: int, data: dict[str, Any], page: int,
                note: str | None = None) -> View:
    """One page of the review: each action with its source, flags and editable fields."""
    items = data["items"]
    pages = page_count(data)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    shown = items[first: first + PAGE_SIZE]
    ticked = sum(1 for item in items if item.get("include"))
    blocks: list[Any] = [context(_summary(data, first, len(shown)))]
    if data.get("problems"):
        blocks.append(context(":warning: " + escape(" ".join(data["problems"]))))
    if note:
        blocks.append(section(f":x: {escape(note)}"))
    for offset, item in enumerate(shown):
        blocks.extend(_item_blocks(first + offset, item))
    if pages > 1:
        buttons = []
        if page > 0:
            buttons.append(ButtonElement(action_id=f"{ActionId.IMPORT_PAGE}:prev",
                                         text="◀ Previous", value=str(page - 1)))
        if page < pages - 1:
            buttons.append(ButtonElement(action_id=f"{ActionId.IMPORT_PAGE}:next",
                                         text="Next ▶", value=str(page + 1)))
        blocks.append(ActionsBlock(block_id="import_pages", elements=buttons))
        blocks.append(context(f"Page {page + 1} of {pages}. Your changes on each page are "
                              "kept when you turn the page."))
    assert len(blocks) <= VIEW_BLOCK_LIMIT
    return View(
        type="modal", callback_id=CallbackId.IMPORT_REVIEW, title="Review actions",
        submit=f"Record {ticked} action{'s' if ticked != 1 else ''}"[:24], close="Cancel",
        private_metadata=json.dumps({"import": import_id, "page": page}),
        blocks=blocks,
    )


def _summary(data: dict[str, Any], first: int, count: int) -> str:
    total = len(data["items"])
    meeting = data.get("meeting") or {}
    parts = [f"*{escape(data.get('source_name') or 'Pasted minutes')}*"]
    if meeting.get("date"):
        parts.append(f"meeting of {meeting['date']}" +
                     (f" ({escape(meeting['kind'])})" if meeting.get("kind") else ""))
    else:
        parts.append("meeting date not found")
    parts.append(f"actions {first + 1}–{first + count} of {total}" if total else "no actions")
    if data.get("brought_forward"):
        parts.append(f"{data['brought_forward']} earlier action(s) in matters arising left "
                     "out: they are not new")
    return " · ".join(parts)


def _item_blocks(index: int, item: dict[str, Any]) -> list[Any]:
    label = f"Action {index + 1}" + (f" · item {item['agenda_item']}" if item.get(
        "agenda_item") else "")
    keep = Option(value=_KEEP, text="Record this action")
    checkbox = CheckboxesElement(action_id="value", options=[keep],
                                 initial_options=[keep] if item.get("include") else None)
    flags = list(item.get("flags") or [])
    warning = f" · :warning: {', '.join(flags)}" if flags else ""
    if item.get("recurs"):
        warning = f" · repeats {escape(item['recurs'])}" + warning
    return [
        InputBlock(block_id=ImportField.KEEP.block(index), label=clip(label, _LABEL_LIMIT),
                   optional=True, element=checkbox),
        InputBlock(block_id=ImportField.TEXT.block(index), label="What was agreed",
                   element=PlainTextInputElement(
                       action_id="value", multiline=True, max_length=PASTE_LIMIT,
                       initial_value=clip(item.get("text") or "", PASTE_LIMIT) or None)),
        InputBlock(block_id=ImportField.OWNERS.block(index), label="Owners", optional=True,
                   element=PlainTextInputElement(
                       action_id="value", max_length=500,
                       initial_value=clip(item.get("owners") or "", 500) or None,
                       placeholder="DCC and @name")),
        InputBlock(block_id=ImportField.DUE.block(index), label="Due", optional=True,
                   hint="Left empty, it is due at the next meeting.",
                   element=PlainTextInputElement(
                       action_id="value", max_length=200,
                       initial_value=clip(item.get("due") or "", 200) or None,
                       placeholder="next meeting, 31/03/2027, the November meeting")),
        context(f"From the minutes: “{escape(item.get('source') or '')}”{warning}"),
    ]


def edits_from(values: dict[str, Any], data: dict[str, Any], page: int) -> dict[str, Any]:
    """The review data with the edits made on one page of the form."""
    items = [dict(item) for item in data["items"]]
    first = page * PAGE_SIZE
    for index in range(first, min(first + PAGE_SIZE, len(items))):
        keep = values.get(ImportField.KEEP.block(index), {}).get("value")
        if keep is not None:
            items[index]["include"] = bool(keep.get("selected_options"))
        for name, field in (("text", ImportField.TEXT), ("owners", ImportField.OWNERS),
                            ("due", ImportField.DUE)):
            entry = values.get(field.block(index), {}).get("value")
            if entry is not None:
                items[index][name] = entry.get("value") or ""
    return {**data, "items": items}
