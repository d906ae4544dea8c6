"""Agenda references as minutes write them, taken out of an action's text.

`(item 6, objective 8)`, `[item 5.2]`, `- item 5.2`, `(minute 12/26)`, `(2.4)`: each is
lifted out whole, so its numbers are never read as part of a due date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REFERENCE_LENGTH = 40  # the actions.agenda_item column

_BRACKETED_RE = re.compile(
    r"[(\[]\s*(?:"
    r"(?:agenda\s+)?item\s*[:#]?\s*(?P<item>[0-9][^()\[\]]{0,60}?)"
    r"|(?P<minute>(?:minute|min\.?)\s*[:#]?\s*[0-9][^()\[\]]{0,60}?)"
    r"|(?P<bare>[0-9]{1,3}(?:\.[0-9]{1,3}){1,3}[a-z]?)"
    r")\s*[)\]]",
    re.IGNORECASE,
)
_DASHED_RE = re.compile(
    r"(?:^|(?<=\s))[-–—]\s*(?:agenda\s+)?item\s*[:#]?\s*"
    r"(?P<item>[0-9]{1,3}(?:\.[0-9]{1,3}){0,3}[a-z]?(?:\s*,\s*objective\s+[0-9]{1,3})?)"
    r"(?=$|[\s,;.])",
    re.IGNORECASE,
)


class AgendaReferenceError(ValueError):
    """Agenda references we cannot keep; `message` is for the person who typed them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AgendaReference:
    """A reference as stored: "5.2", "6, objective 8" (an item) or "minute 12/26"."""

    text: str

    @property
    def label(self) -> str:
        return agenda_label(self.text)


def agenda_label(reference: str) -> str:
    """How a stored reference reads in a sentence: "item 5.2" or "minute 12/26"."""
    return f"item {reference}" if reference[:1].isdigit() else reference


def take_agenda_reference(text: str) -> tuple[str, AgendaReference | None]:
    """Remove one agenda reference from anywhere in `text`; return the rest and it."""
    matches = list(_BRACKETED_RE.finditer(text)) + list(_DASHED_RE.finditer(text))
    if not matches:
        return text, None
    if len(matches) > 1:
        raise AgendaReferenceError(
            "Give one agenda reference per action, like `(item 2.4)` or `(minute 12/26)`."
        )
    match = matches[0]
    found = " ".join((match["item"] or match["minute"] or match["bare"]).split())
    if len(found) > MAX_REFERENCE_LENGTH:
        raise AgendaReferenceError(
            f"The agenda reference is {len(found)} characters; keep it to "
            f"{MAX_REFERENCE_LENGTH}, like `(item 6, objective 8)`."
        )
    head, tail = text[: match.start()].rstrip(), text[match.end() :].strip()
    if not tail:
        return head, AgendaReference(found)
    # "(item 2.4)." should leave "...metric." rather than "...metric ."
    joiner = "" if tail[0] in ".,;:" else " "
    return f"{head}{joiner}{tail}", AgendaReference(found)
