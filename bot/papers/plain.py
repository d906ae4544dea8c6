"""Slack's mrkdwn, as the renderers write it, turned into plain words for a paper."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

Names = Callable[[str], str]

_MENTION = re.compile(r"<@([A-Z0-9][A-Za-z0-9_-]*)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>|<#([A-Z0-9]+)>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Emoji the renderers add (":red_circle: ", ":repeat: "); a paper shows colour instead.
_EMOJI_CODE = re.compile(r"(?<!\S):[a-z0-9_+-]+:(?:\s|$)")
_MARKS = re.compile(r"[<*_&:]")


def plain(text: str, names: Names) -> str:
    """The words without mrkdwn: mentions become names, marks and RAG emoji go."""
    if not _MARKS.search(text):
        return text  # most history entries: nothing to do, and there are thousands
    text = _MENTION.sub(lambda m: names(m[1]), text)
    text = _CHANNEL.sub(lambda m: f"#{m[1] or m[2]}", text)
    text = _SUBTEAM.sub(lambda m: m[1] or "a user group", text)
    text = _LINK.sub(lambda m: m[2] or m[1], text)
    text = _EMOJI_CODE.sub("", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    # Slack escapes only these three; &amp; last so "&amp;lt;" stays "&lt;" as typed.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def uk_dates(text: str) -> str:
    """ISO days in history records (``2026-11-25``) written the UK way (``25/11/2026``)."""
    return _ISO_DAY.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", text)


def uk_day(day: date | None) -> str:
    """``25/11/2026``; empty for no date."""
    return f"{day:%d/%m/%Y}" if day else ""
