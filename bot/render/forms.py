"""Modals: record an action, add an update, ask for more time."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.ids import BlockId, CallbackId
from bot.render.common import clip, context
from bot.render.words import meeting_words, time_words
from storage.models import Meeting
from storage.views import meeting_view

NEXT_MEETING = "next"
OPTION_TEXT_LIMIT = 75


def _meeting_option(meeting: Meeting, zone: ZoneInfo, *, by_date: bool = False) -> Option:
    """A meeting to pick; due meetings are named by date so a moved meeting still matches."""
    words = meeting_words(meeting_view(meeting))  # type: ignore[arg-type]
    label = f"{time_words(meeting.starts_at, zone)}: {words.removeprefix('the ')}"
    value = meeting.starts_at.astimezone(zone).date().isoformat() if by_date else str(meeting.id)
    return Option(value=value, text=clip(label, OPTION_TEXT_LIMIT))


def record_action_form(
    *,
    role_codes: Sequence[str],
    role_titles: Mapping[str, str] | None = None,
    upcoming: Sequence[Meeting],
    recent: Sequence[Meeting],
    zone: ZoneInfo,
    initial_text: str = "",
    callback_id: str = CallbackId.RECORD_ACTION,
) -> View:
    """The form behind `/actions` and the "Record as action" shortcut."""
    due_options = [Option(value=NEXT_MEETING, text="The next meeting")] + [
        _meeting_option(m, zone, by_date=True) for m in upcoming
    ]
    blocks = [
        InputBlock(
            block_id=BlockId.TEXT,
            label="What was agreed",
            element=PlainTextInputElement(
                action_id="value", multiline=True, max_length=3000,
                initial_value=clip(initial_text, 3000) or None,
                placeholder="review the diary appointments metric",
            ),
        ),
        InputBlock(
            block_id=BlockId.OWNERS_ROLES, label="Owners: roles", optional=True,
            element=StaticMultiSelectElement(
                action_id="value", placeholder="DCC, ACC ...",
                # A role from the minutes shows its title as written, not its code.
                options=[Option(value=code, text=clip((role_titles or {}).get(code, code),
                                                      OPTION_TEXT_LIMIT))
                         for code in role_codes[:100]],
            ),
        ),
        InputBlock(
            block_id=BlockId.OWNERS_PEOPLE, label="Owners: people", optional=True,
            element=UserMultiSelectElement(action_id="value", placeholder="Choose people"),
        ),
        InputBlock(
            block_id=BlockId.DUE_MEETING, label="Due at a meeting", optional=True,
            element=StaticSelectElement(
                action_id="value", placeholder="Choose a meeting", options=due_options[:100]
            ),
        ),
        InputBlock(
            block_id=BlockId.DUE_DATE, label="…or due by a date", optional=True,
            element=DatePickerElement(action_id="value"),
        ),
        context("Leave both empty for the next meeting."),
        InputBlock(
            block_id=BlockId.AGENDA_ITEM, label="Agenda item", optional=True,
            element=PlainTextInputElement(action_id="value", max_length=40, placeholder="2.4"),
        ),
    ]
    if recent:
        blocks.append(
            InputBlock(
                block_id=BlockId.SOURCE_MEETING, label="Agreed at", optional=True,
                element=StaticSelectElement(
                    action_id="value", placeholder="The latest meeting",
                    options=[_meeting_option(m, zone) for m in recent][:100],
                ),
            )
        )
    return View(
        type="modal", callback_id=callback_id, title="Record an action",
        submit="Record", close="Cancel", blocks=blocks,
    )


def note_form(ref: int, *, callback_id: str, title: str, label: str, with_date: bool) -> View:
    """A small form for an update note, or a new date and reason ("Need more time")."""
    blocks = []
    if with_date:
        blocks.append(InputBlock(block_id=BlockId.NEW_DATE, label="New date",
                                 element=DatePickerElement(action_id="value")))
    blocks.append(
        InputBlock(
            block_id=BlockId.REASON if with_date else BlockId.NOTE, label=label,
            element=PlainTextInputElement(action_id="value", multiline=True, max_length=3000),
        )
    )
    return View(
        type="modal", callback_id=callback_id, title=title, submit="Send", close="Cancel",
        private_metadata=json.dumps({"ref": ref}), blocks=blocks,
    )
