"""Small Block Kit building blocks shared by every renderer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


@dataclass
class Reply:
    """A message: fallback text (notifications, screen readers) and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": [b.to_dict() for b in self.blocks]}


def escape(text: str) -> str:
    """Make user text literal in mrkdwn: no mentions, links or broadcasts get through."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline(text: str) -> str:
    """User text for one line of mrkdwn: line breaks and runs of spaces become one space
    (a line break could fake another list entry), then escaped."""
    return escape(" ".join(text.split()))


# Where a clip may not fall: inside an entity (``&amp;``) or a Slack token (``<@U…>``).
_LONGEST_ENTITY = len("&amp;")
_TOKEN_START = re.compile(r"<(?:[@#!]|https?:|mailto:)")


def clip(text: str, limit: int) -> str:
    """Shorten text to fit a Slack limit, saying that it was shortened; never cuts an
    entity or a mention or link in half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - _LONGEST_ENTITY + 1))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    angle = cut.rfind("<")
    # Matched against the whole text: the cut may fall just after the "<" itself.
    if angle != -1 and ">" not in cut[angle:] and _TOKEN_START.match(text, angle):
        cut = cut[:angle]
    return cut + "…"


def section(mrkdwn: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(mrkdwn, SECTION_TEXT_LIMIT)))


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, HEADER_TEXT_LIMIT), emoji=True))


def context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(mrkdwn, SECTION_TEXT_LIMIT))])


def divider() -> DividerBlock:
    return DividerBlock()


def simple(mrkdwn: str) -> Reply:
    """A one-section reply."""
    return Reply(text=mrkdwn, blocks=[section(mrkdwn)])
