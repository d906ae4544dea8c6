"""Text as Slack sends it, made plain: entities decoded, mentions and links spelled out.

Slack escapes ``&``, ``<`` and ``>`` in what people type as ``&amp;``, ``&lt;`` and
``&gt;`` (and uses bare ``<...>`` only for its own markup: mentions, channels, links).
The bot stores what was typed, so it decodes them on the way in; renderers escape
once on the way out (``bot.render.common.escape``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Slack's markup: <@U1|name>, <#C1|name>, <!subteam^S1|@team>, <!here>, <https://x|label>.
_MARKUP = re.compile(r"<([^<>]*)>")


def decode_entities(text: str) -> str:
    """The text as typed: Slack's three entities decoded (``&amp;`` last, so a typed
    ``&lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(text: str, name_of: Callable[[str], str | None] = lambda _: None) -> str:
    """A message's text as a person would read it, with no Slack markup left.

    ``name_of`` gives a user's display name for a mention that does not carry one.
    """
    def spell(match: re.Match[str]) -> str:
        inside = match.group(1)
        target, _, label = inside.partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (label or name_of(user_id) or user_id)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):
            return label if label.startswith("@") else "@" + (label or target[9:])
        if target.startswith("!date^"):
            return label
        if target.startswith("!"):
            return "@" + (label or target[1:])
        if target.startswith("mailto:"):
            return label or target[len("mailto:"):]
        if label and label != target:
            return f"{label} ({target})"
        return target
    return decode_entities(_MARKUP.sub(spell, text))
