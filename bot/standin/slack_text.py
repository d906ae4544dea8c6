"""Slash-command text as Slack sends it, from what a person typed in the message box."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# A mention starts a word: "@julian", "#assurance", "@policy-team" (not "me@example.org").
_MENTION = re.compile(r"(?<![\w@#&])([@#])([a-z0-9][a-z0-9._\-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Directory:
    """Names people can pick from Slack's list: users, channels and user-group handles."""

    users: Mapping[str, str] = field(default_factory=dict)  # name -> U...
    channels: Mapping[str, str] = field(default_factory=dict)  # name -> C.../G...
    usergroups: Mapping[str, str] = field(default_factory=dict)  # handle -> S...


def encode_entities(text: str) -> str:
    """Slack's control-character escaping: `&`, `<` and `>` become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack_sends(typed: str, directory: Directory, *, should_escape: bool) -> str:
    """The `text` field Slack posts for a command typed as `typed`.

    Slack always encodes `&`, `<` and `>`. With the command's `should_escape` on, mentions
    of known users, channels and user groups arrive as `<@U…|name>`, `<#C…|name>` and
    `<!subteam^S…|@handle>`; with it off they stay as typed (`@julian`). Unknown names
    always stay as typed. (https://api.slack.com/interactivity/slash-commands)
    """
    encoded = encode_entities(typed)
    if not should_escape:
        return encoded

    def mention(match: re.Match[str]) -> str:
        sigil, name = match[1], match[2]
        # Trailing punctuation ("@julian.") is not part of the name.
        stripped = name.rstrip(".-_")
        tail = name[len(stripped):]
        if sigil == "#" and stripped in directory.channels:
            return f"<#{directory.channels[stripped]}|{stripped}>{tail}"
        if sigil == "@" and stripped in directory.users:
            return f"<@{directory.users[stripped]}|{stripped}>{tail}"
        if sigil == "@" and stripped in directory.usergroups:
            return f"<!subteam^{directory.usergroups[stripped]}|@{stripped}>{tail}"
        return match[0]

    return _MENTION.sub(mention, encoded)
