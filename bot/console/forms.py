"""The open modal: its numbered fields, filling them from typed text, and Slack's state shape."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.console.text import INDENT, Names, text_of

# Turns what was typed for a people field into a user id, or None when nobody matches.
FindUser = Callable[[str], str | None]

_KIND_WORDS = {
    "plain_text_input": "text",
    "datepicker": "date, dd/mm/yyyy",
    "static_select": "choose one",
    "multi_static_select": "choose any, e.g. 1,3",
    "users_select": "a person, e.g. dana",
    "multi_users_select": "people, e.g. dana alex",
    "number_input": "a number",
}


class FillError(ValueError):
    """What was typed does not fit the field; the message says what would."""


@dataclass
class Field:
    """One input block of the modal."""

    block_id: str
    action_id: str
    kind: str
    label: str
    optional: bool
    options: list[tuple[str, str]]  # (label, value)
    state: dict[str, Any] | None = None  # the element's entry in view.state.values
    shown: str = ""  # the value as typed back to the person

    def describe(self, number: int) -> list[str]:
        """``(3) Label [kind, optional] = value`` and, for a choice, its numbered options."""
        need = "optional" if self.optional else "required"
        lines = [f"({number}) {self.label} [{_KIND_WORDS.get(self.kind, self.kind)}, {need}]"
                 + (f" = {self.shown}" if self.state else "")]
        if self.options:
            lines.append(INDENT * 2 + "  ".join(
                f"{i}) {label}" for i, (label, _) in enumerate(self.options, 1)))
        return lines


@dataclass
class Form:
    """A modal the bot opened, waiting to be filled in and submitted or cancelled."""

    view_id: str
    callback_id: str
    title: str
    submit: str
    private_metadata: str
    blocks: list[dict[str, Any]]
    fields: list[Field] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, view: Mapping[str, Any], names: Names | None = None) -> Form:
        """The form in a view as views.open sent it (with the id Slack gave it)."""
        form = cls(
            view_id=str(view.get("id", "")), callback_id=str(view.get("callback_id", "")),
            title=text_of(view.get("title"), names), submit=text_of(view.get("submit"), names),
            private_metadata=str(view.get("private_metadata") or ""),
            blocks=list(view.get("blocks") or []),
        )
        for block in form.blocks:
            if block.get("type") == "input":
                form.fields.append(_field(block, names))
            elif block.get("type") in ("context", "section"):
                text = block.get("text") or {"type": "mrkdwn", "text": " ".join(
                    e.get("text", "") for e in block.get("elements", []))}
                form.notes.append(text_of(text, names))
        return form

    def describe(self, errors: Mapping[str, str] | None = None) -> list[str]:
        """The form as numbered fields, with the bot's ``errors`` (by block id) beside them."""
        lines = [f"Form: {self.title}"]
        for number, item in enumerate(self.fields, 1):
            lines += [INDENT + line for line in item.describe(number)]
            if errors and item.block_id in errors:
                lines.append(INDENT * 2 + f"⚠️ {errors[item.block_id]}")
        lines += [INDENT + note for note in self.notes if note]
        lines.append(f"{INDENT}:fill N value · :submit ({self.submit or 'Submit'}) · :cancel")
        return lines

    def fill(self, number: int, typed: str, find_user: FindUser) -> Field:
        """Set field ``number`` (from 1) from what was typed; empty text clears it."""
        if not 1 <= number <= len(self.fields):
            raise FillError(f"There is no field {number}; this form has {len(self.fields)}.")
        item = self.fields[number - 1]
        typed = typed.strip()
        if not typed:
            item.state, item.shown = None, ""
            return item
        item.state, item.shown = _element_state(item, typed, find_user)
        return item

    def state_values(self) -> dict[str, dict[str, Any]]:
        """``view.state.values`` as Slack sends it with a submission."""
        values: dict[str, dict[str, Any]] = {}
        for item in self.fields:
            entry = item.state or _empty_state(item.kind)
            values[item.block_id] = {item.action_id: {"type": item.kind, **entry}}
        return values


def _field(block: Mapping[str, Any], names: Names | None) -> Field:
    element = block.get("element") or {}
    kind = str(element.get("type", ""))
    options = [(text_of(o.get("text"), names), str(o.get("value")))
               for o in element.get("options") or []]
    item = Field(block_id=str(block.get("block_id", "")),
                 action_id=str(element.get("action_id", "")), kind=kind,
                 label=text_of(block.get("label"), names),
                 optional=bool(block.get("optional")), options=options)
    initial = element.get("initial_value")
    if initial:  # a prefilled form (the message shortcut) submits its initial text
        item.state, item.shown = {"value": initial}, initial
    return item


def _element_state(item: Field, typed: str, find_user: FindUser) -> tuple[dict[str, Any], str]:
    kind = item.kind
    if kind in ("plain_text_input", "number_input"):
        return {"value": typed}, typed
    if kind == "datepicker":
        day = _date(typed)
        return {"selected_date": day.isoformat()}, f"{day:%d/%m/%Y}"
    if kind == "static_select":
        label, value = _option(item, typed)
        return {"selected_option": _option_json(label, value)}, label
    if kind == "multi_static_select":
        chosen = [_option(item, word) for word in _words(typed)]
        return ({"selected_options": [_option_json(lbl, val) for lbl, val in chosen]},
                ", ".join(lbl for lbl, _ in chosen))
    if kind in ("users_select", "multi_users_select"):
        people = _words(typed)
        ids = [find_user(word) for word in people]
        unknown = [word for word, found in zip(people, ids, strict=True) if found is None]
        if unknown:
            raise FillError(f"I don't know {', '.join(unknown)}; try :as to list people.")
        if kind == "users_select":
            if len(ids) != 1:
                raise FillError("Choose one person.")
            return {"selected_user": ids[0]}, people[0]
        return {"selected_users": ids}, ", ".join(people)
    raise FillError(f"The console cannot fill a {kind} field.")


def _empty_state(kind: str) -> dict[str, Any]:
    """What Slack sends for a field left empty."""
    return {
        "static_select": {"selected_option": None},
        "multi_static_select": {"selected_options": []},
        "users_select": {"selected_user": None},
        "multi_users_select": {"selected_users": []},
        "datepicker": {"selected_date": None},
    }.get(kind, {"value": None})


def _words(typed: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", typed) if w]


def _option(item: Field, typed: str) -> tuple[str, str]:
    """An option by its number or its label (or the start of it)."""
    if typed.isdigit() and 1 <= int(typed) <= len(item.options):
        return item.options[int(typed) - 1]
    for label, value in item.options:
        if label.lower().startswith(typed.lower()) or value.lower() == typed.lower():
            return label, value
    raise FillError(f"{typed!r} is not one of the options; give its number (1–"
                    f"{len(item.options)}).")


def _option_json(label: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": value}


def _date(typed: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise FillError(f"{typed!r} is not a date; write it like 30/06/2027.")
