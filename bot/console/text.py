"""Block Kit messages and views as readable text, with their buttons numbered."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Emoji the renderers use, as characters a terminal shows; others stay as :name:.
EMOJI = {
    "white_check_mark": "✅", "warning": "⚠️", "calendar": "📅", "red_circle": "🔴",
    "large_orange_circle": "🟠", "large_yellow_circle": "🟡", "large_green_circle": "🟢",
    "large_blue_circle": "🔵", "wave": "👋", "tada": "🎉", "bust_in_silhouette": "👤",
    "hourglass_flowing_sand": "⏳", "memo": "📝", "bell": "🔔",
}
_ANGLE_RE = re.compile(r"<([^<>]*)>")
_EMOJI_RE = re.compile(r":([a-z0-9_+-]+):")
_URL_RE = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# *bold* and _italic_ around words; the markers only clutter plain text.
_BOLD_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC_RE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
INDENT = "  "


@dataclass(frozen=True)
class Button:
    """A button as shown: its label, what pressing it sends, and the line it belongs to."""

    label: str
    action_id: str
    value: str | None
    block_id: str
    about: str  # the first line of the section above it, e.g. "*A-1* review the metric"


@dataclass
class Names:
    """How mentions read: user id → name, channel id → name."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)


def mrkdwn(text: str, names: Names | None = None) -> str:
    """Slack mrkdwn as plain text: mentions by name, links with their label, entities undone."""
    names = names or Names()

    def angle(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + names.users.get(target[1:], label or target[1:])
        if target.startswith("#"):
            return "#" + names.channels.get(target[1:], label or target[1:])
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if not _URL_RE.match(target):  # "<owners>" in a usage line is text, not a link
            return match.group(0)
        return f"{label} ({target})" if label and label != target else target

    def emoji(match: re.Match[str]) -> str:
        return EMOJI.get(match.group(1), match.group(0))

    plain = _EMOJI_RE.sub(emoji, _ANGLE_RE.sub(angle, text))
    plain = _ITALIC_RE.sub(r"\1", _BOLD_RE.sub(r"\1", plain))
    # &amp; last, so "&amp;lt;" stays the literal text "&lt;" someone typed.
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def text_of(obj: Any, names: Names | None = None) -> str:
    """A text object (plain_text or mrkdwn) or a bare string as plain text."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return mrkdwn(obj, names)
    if obj.get("type") == "plain_text":
        return _EMOJI_RE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), obj.get("text", ""))
    return mrkdwn(obj.get("text", ""), names)


@dataclass
class Rendered:
    """Lines of text and the buttons numbered in them, numbering from ``first``."""

    first: int = 1
    lines: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def number(self, button: Button) -> str:
        """Remember the button; return it as shown, e.g. ``[3] Mark complete``."""
        self.buttons.append(button)
        return f"[{self.first + len(self.buttons) - 1}] {button.label}"


def render_blocks(
    blocks: Sequence[Mapping[str, Any]], names: Names | None = None, first: int = 1
) -> Rendered:
    """Message or Home tab blocks as indented lines; buttons numbered from ``first``."""
    out = Rendered(first=first)
    about = ""
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            out.lines.append(f"== {text_of(block.get('text'), names)} ==")
        elif kind == "section":
            body = text_of(block.get("text"), names)
            fields = [text_of(f, names) for f in block.get("fields") or []]
            out.lines += [line for line in [body, *fields] if line]
            about = (body or "").splitlines()[0] if body else about
            accessory = block.get("accessory") or {}
            if accessory.get("type") == "button":
                out.lines.append(INDENT + out.number(_button(accessory, block, about, names)))
        elif kind == "context":
            parts = [text_of(e, names) for e in block.get("elements", []) if e.get("type")
                     in ("mrkdwn", "plain_text")]
            out.lines += [INDENT + line for line in " ".join(parts).splitlines()]
        elif kind == "divider":
            out.lines.append("-" * 40)
        elif kind == "actions":
            shown = [out.number(_button(e, block, about, names))
                     for e in block.get("elements", []) if e.get("type") == "button"]
            if shown:
                out.lines.append(INDENT + "  ".join(shown))
        elif kind == "rich_text":
            out.lines.append(_rich_text(block))
    return out


def _button(element: Mapping[str, Any], block: Mapping[str, Any], about: str,
            names: Names | None) -> Button:
    return Button(
        label=text_of(element.get("text"), names), action_id=str(element.get("action_id", "")),
        value=element.get("value"), block_id=str(block.get("block_id", "")), about=about,
    )


def _rich_text(block: Mapping[str, Any]) -> str:
    """Just the words of a rich_text block; the bot does not send these, users might."""
    words: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "text" in node and isinstance(node["text"], str):
                words.append(node["text"])
            for child in node.get("elements", []):
                walk(child)

    walk(block)
    return "".join(words)


def render_message(message: Mapping[str, Any], names: Names | None = None,
                   first: int = 1) -> Rendered:
    """A message's blocks, or its text when it has none."""
    blocks = message.get("blocks") or []
    if blocks:
        return render_blocks(blocks, names, first)
    return Rendered(first=first, lines=mrkdwn(str(message.get("text") or ""), names).splitlines())


def indent(lines: Sequence[str]) -> list[str]:
    """Lines under a heading, multi-line entries split and indented."""
    return [INDENT + piece for line in lines for piece in (line.splitlines() or [""])]
