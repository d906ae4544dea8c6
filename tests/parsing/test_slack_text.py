"""Slack's text made plain: entities decoded once, markup spelled out."""

from __future__ import annotations

import pytest

from bot.slack_text import decode_entities, plain_text


@pytest.mark.parametrize(("sent", "typed"), [
    ("Q&amp;A", "Q&A"),
    ("a &lt; b &gt; c", "a < b > c"),
    ("&amp;lt; stays", "&lt; stays"),  # someone typed the entity itself
    ("&amp;amp;", "&amp;"),
    ("no entities", "no entities"),
])
def test_decode_entities(sent: str, typed: str) -> None:
    assert decode_entities(sent) == typed


def test_plain_text_spells_out_markup() -> None:
    names = {"U0DCC": "Dana Deputy"}.get
    text = ("<@U0DCC> and <@U0PAT|pat> to brief <!subteam^S0POL|@policy-team> in "
            "<#C0TEAM|opcc-team> on Q&amp;A, see <https://example.org/a?b=1&amp;c=2|the note> "
            "and <https://example.org/x>; <!here> <mailto:x@example.org|x@example.org> "
            "&lt;not a mention&gt; <@U0GONE>")
    assert plain_text(text, names) == (
        "@Dana Deputy and @pat to brief @policy-team in #opcc-team on Q&A, see the note "
        "(https://example.org/a?b=1&c=2) and https://example.org/x; @here x@example.org "
        "<not a mention> @U0GONE"
    )
