"""Plain ``@name``, ``@group`` and ``#channel`` in command text, turned into Slack mentions.

With ``should_escape`` on, Slack sends a mention picked from its list as ``<@U…>``,
``<!subteam^S…>`` or ``<#C…|name>``. Text can still arrive plain: an app installed from
an older manifest, a name typed without picking it, a line pasted from elsewhere. Such a
word is looked up in the workspace's directory (users.list, usergroups.list,
conversations.list, each read page by page and kept for a few minutes) and replaced by
the mention Slack would have sent. A word that matches nobody is left as typed, so the
parser can say so where a person or channel is needed; one that matches several people
is refused, since guessing could give an action to the wrong person.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk import WebClient

CACHE_SECONDS = 300.0
PAGE = 200

# "@name" or "#name" starting a word; not an e-mail address, nor inside Slack's markup.
_PLAIN = re.compile(r"(?<![\w<|@#&/])([@#])([A-Za-z0-9][\w.\-]*)")
# Slack's own broadcasts: never looked up.
_BROADCASTS = frozenset({"here", "channel", "everyone"})


class AmbiguousName(Exception):
    """A plain name that fits more than one person, group or channel."""


class MentionResolver:
    """Rewrites plain references in command text, with a short-lived directory cache."""

    def __init__(self, client: WebClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, dict[str, list[tuple[str, str]]]]] = {}

    def resolve(self, text: str) -> str:
        """``text`` with each plain reference that names exactly one thing made a mention."""
        return _PLAIN.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        sign, name = match.group(1), match.group(2).rstrip(".-")
        rest = match.group(2)[len(name):]
        key = name.lower()
        if sign == "@":
            if key in _BROADCASTS:
                return match.group(0)
            found = self._index("users").get(key) or self._index("groups").get(key) or []
        else:
            found = self._index("channels").get(key) or []
        if not found:
            return match.group(0)  # matches nobody: left as typed
        if len({target for target, _ in found}) > 1:
            raise AmbiguousName(
                f"`{sign}{name}` could be {len(found)} different "
                f"{'people' if sign == '@' else 'channels'}: pick the right one from "
                f"Slack's {sign} list so it is linked, and send the command again."
            )
        return found[0][1] + rest

    def _index(self, kind: str) -> dict[str, list[tuple[str, str]]]:
        """Lower-case name -> [(id, mention)], read from Slack at most every few minutes."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(kind)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        read = {"users": self._users, "groups": self._groups, "channels": self._channels}
        index = read[kind]()
        with self._lock:
            self._cache[kind] = (now, index)
        return index

    def _users(self) -> dict[str, list[tuple[str, str]]]:
        active: dict[str, list[tuple[str, str]]] = {}
        gone: dict[str, list[tuple[str, str]]] = {}
        for user in self._pages("users_list", "members"):
            if user.get("is_bot") or user.get("id") == "USLACKBOT":
                continue
            profile = user.get("profile") or {}
            names = {user.get("name"), profile.get("display_name"),
                     profile.get("display_name_normalized"), user.get("real_name"),
                     profile.get("real_name")}
            into = gone if user.get("deleted") else active
            for name in {n.lower() for n in names if n and " " not in n}:
                into.setdefault(name, []).append((user["id"], f"<@{user['id']}>"))
        # Someone who left is found only when nobody active has the name: then the
        # usual check says they were deactivated, rather than "nobody is called that".
        return {**gone, **active}

    def _groups(self) -> dict[str, list[tuple[str, str]]]:
        response = self._client.usergroups_list()
        index: dict[str, list[tuple[str, str]]] = {}
        for group in response.get("usergroups") or []:
            handle = str(group.get("handle") or "")
            if handle and not group.get("date_delete"):
                index.setdefault(handle.lower(), []).append(
                    (group["id"], f"<!subteam^{group['id']}|@{handle}>"))
        return index

    def _channels(self) -> dict[str, list[tuple[str, str]]]:
        index: dict[str, list[tuple[str, str]]] = {}
        for channel in self._pages("conversations_list", "channels",
                                   types="public_channel,private_channel",
                                   exclude_archived=True):
            name = str(channel.get("name") or "")
            if name:
                index.setdefault(name.lower(), []).append(
                    (channel["id"], f"<#{channel['id']}|{name}>"))
        return index

    def _pages(self, method: str, key: str, **args: Any) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            response = getattr(self._client, method)(limit=PAGE, cursor=cursor, **args)
            yield from response.get(key) or []
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return
