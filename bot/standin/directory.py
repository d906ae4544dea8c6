"""The stand-in workspace's people, channels and user groups, and how Slack shows them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.standin.api_spec import ApiError, Args


@dataclass
class User:
    """A workspace member (or bot user)."""

    user_id: str
    name: str
    real_name: str
    is_bot: bool
    deleted: bool
    tz: str
    team_id: str | None = None  # None: this workspace; else another (Slack Connect)
    enterprise_id: str | None = None  # set for an Enterprise Grid member


@dataclass
class Channel:
    """A public or private channel and who is in it."""

    channel_id: str
    name: str
    is_private: bool
    members: set[str]
    is_archived: bool = False


@dataclass
class Usergroup:
    """A user group (`S…`), its @handle and members."""

    group_id: str
    handle: str
    name: str
    members: list[str]


def tz_fields(tz: str) -> dict[str, Any]:
    """Slack's tz, tz_label and tz_offset (seconds east of UTC) for an IANA zone name."""
    try:
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        return {"tz": tz, "tz_label": now.tzname() or tz,
                "tz_offset": int(offset.total_seconds()) if offset else 0}
    except (KeyError, ValueError):  # unknown zone or tzdata missing: keep the stand-in usable
        return {"tz": tz, "tz_label": tz, "tz_offset": 0}


def user_json(user: User, team_id: str) -> dict[str, Any]:
    """A user object as users.info and users.list return it (`team_id`: this workspace)."""
    team_id = user.team_id or team_id
    grid = ({"enterprise_user": {"id": user.user_id, "enterprise_id": user.enterprise_id,
                                 "enterprise_name": "Grid", "teams": [team_id]}}
            if user.enterprise_id else {})
    return {
        **grid,
        "id": user.user_id, "team_id": team_id, "name": user.name,
        "real_name": user.real_name, "deleted": user.deleted, "is_bot": user.is_bot,
        "is_admin": False, "is_app_user": False, **tz_fields(user.tz),
        "profile": {"real_name": user.real_name, "display_name": user.name,
                    "real_name_normalized": user.real_name,
                    "display_name_normalized": user.name, "team": team_id},
    }


def channel_json(channel: Channel, bot_user_id: str) -> dict[str, Any]:
    """A conversation object as conversations.info, .list and .join return it."""
    return {"id": channel.channel_id, "name": channel.name,
            "name_normalized": channel.name, "is_channel": not channel.is_private,
            "is_group": channel.is_private, "is_im": False, "is_mpim": False,
            "is_private": channel.is_private, "is_archived": channel.is_archived,
            "is_general": False, "is_shared": False, "is_ext_shared": False,
            "is_org_shared": False, "is_member": bot_user_id in channel.members,
            "num_members": len(channel.members), "created": 1700000000,
            "creator": "", "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0}}


def usergroup_json(group: Usergroup, team_id: str, *, with_users: bool) -> dict[str, Any]:
    """A user group as usergroups.list returns it."""
    entry: dict[str, Any] = {
        "id": group.group_id, "team_id": team_id, "is_usergroup": True, "name": group.name,
        "handle": group.handle, "description": "", "date_delete": 0,
        "user_count": len(group.members)}
    if with_users:
        entry["users"] = list(group.members)
    return entry


def page(items: list[Any], args: Args, page_size: int) -> tuple[list[Any], str]:
    """One page of a cursor-paginated list and the next cursor ("" on the last page).

    Cursors are opaque base64 strings, as Slack's are; at most `page_size` items come back
    whatever `limit` asks for, so callers must follow `next_cursor`.
    """
    cursor = str(args.get("cursor") or "")
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor.encode(), validate=True).decode()
                        .removeprefix("offset:"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
    limit = int(args.get("limit") or 0)
    size = min(limit, page_size) if limit > 0 else page_size
    end = start + size
    following = base64.b64encode(f"offset:{end}".encode()).decode()
    return items[start:end], following if end < len(items) else ""
