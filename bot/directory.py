"""What Slack knows about people: whether a mention is a real, active person."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

CACHE_SECONDS = 60.0
# Beyond this many people to name, one users.list sweep beats a users.info each.
BULK_LOOKUP = 20
USERS_PAGE = 200
# What papers call someone Slack no longer knows (or a forgotten, anonymised person).
FORMER_MEMBER = "a former member"

log = logging.getLogger("actionlog.directory")


class PersonProblem(Exception):
    """A mentioned user cannot own an action; the message says why."""


class SlackDirectory:
    """Looks people and user groups up through the Web API, with a short cache."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._users: dict[str, tuple[float, dict | None]] = {}
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}

    @property
    def client(self) -> WebClient:
        """The Web API client the lookups use."""
        return self._client

    def check_people(self, user_ids: Iterable[str], *, team_id: str,
                     requester_id: str) -> None:
        """Raise PersonProblem for a bot, a deactivated or an unknown user, or one from
        another workspace (Slack Connect shows them too) outside the requester's
        Enterprise Grid org. Each person is looked up once."""
        for user_id in dict.fromkeys(user_ids):
            user = self._user(user_id)
            if user is None:
                # Not a mention: the id is whatever was typed, and may not be a person at all.
                raise PersonProblem(f"I can't find the user `{user_id}` in this workspace.")
            if user.get("deleted"):
                raise PersonProblem(
                    f"<@{user_id}> has been deactivated, so they can't own an action. "
                    "Name a role or someone else."
                )
            if user.get("is_bot") or user.get("id") == "USLACKBOT":
                raise PersonProblem(f"<@{user_id}> is a bot; actions need a person or a role.")
            if not self._same_workspace(user, team_id, requester_id):
                raise PersonProblem(
                    f"<@{user_id}> is not a member of this workspace, so they can't be named "
                    "here. Name a role or someone from this workspace."
                )

    def _same_workspace(self, user: dict, team_id: str, requester_id: str) -> bool:
        """Whether the person belongs to this workspace or to the requester's Grid org."""
        if user.get("team_id") == team_id:
            return True
        enterprise = _enterprise_of(user)
        if enterprise is None:
            return False
        requester = self._user(requester_id)
        return requester is not None and _enterprise_of(requester) == enterprise

    def is_deactivated(self, user_id: str) -> bool:
        """Whether Slack says this person's account has been deactivated.

        False when Slack does not know them or cannot be asked: Slack itself should not
        deliver a deactivated person's requests, so this is a second line of defence, and
        failing open keeps the bot usable while users.info is failing.
        """
        try:
            user = self._user(user_id)
        except (SlackApiError, OSError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
            log.warning("could not check the requester", extra={"fields": {
                "user": user_id, "error": error}})
            return False
        return bool(user and user.get("deleted"))

    def name(self, user_id: str) -> str:
        """The person's name as Slack shows it; FORMER_MEMBER when Slack does not know them.

        Slack errors other than ``user_not_found`` propagate: a paper must not silently
        show the wrong words.
        """
        user = self._user(user_id)
        if user is None:
            return FORMER_MEMBER
        profile = user.get("profile") or {}
        for candidate in (profile.get("real_name"), user.get("real_name"),
                          profile.get("display_name"), user.get("name")):
            if candidate and str(candidate).strip():
                return str(candidate).strip()
        return FORMER_MEMBER

    def names_for(self, user_ids: Iterable[str]) -> Callable[[str], str]:
        """``name``, with everyone loaded from users.list first when many are wanted.

        A paper may name hundreds of people; users.info one by one would take minutes
        under its rate limit, where users.list gives 200 a call.
        """
        wanted = set(user_ids)
        with self._lock:
            fresh = {u for u, (at, _) in self._users.items()
                     if time.monotonic() - at <= CACHE_SECONDS}
        if len(wanted - fresh) > BULK_LOOKUP:
            self._load_everyone()
        return self.name

    def _load_everyone(self) -> None:
        now = time.monotonic()
        cursor: str | None = None
        while True:
            response = self._client.users_list(limit=USERS_PAGE, cursor=cursor)
            with self._lock:
                for user in response.get("members") or []:
                    self._users[str(user.get("id"))] = (now, user)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return

    def display_name(self, user_id: str) -> str | None:
        """How Slack shows this person (display name, else real name); None if unknown."""
        try:
            user = self._user(user_id)
        except (SlackApiError, OSError):
            return None
        if not user:
            return None
        profile = user.get("profile") or {}
        return (profile.get("display_name") or profile.get("real_name")
                or user.get("real_name") or user.get("name"))

    def in_group(self, group_id: str | None, user_id: str) -> bool:
        """Whether the user is in the Slack user group (False when no group is set)."""
        if not group_id:
            return False
        now = time.monotonic()
        with self._lock:
            cached = self._groups.get(group_id)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            try:
                response = self._client.usergroups_users_list(usergroup=group_id)
                members = frozenset(response.get("users") or [])
            except SlackApiError:
                members = cached[1] if cached else frozenset()
            cached = (now, members)
            with self._lock:
                self._groups[group_id] = cached
        return user_id in cached[1]

    def _user(self, user_id: str) -> dict | None:
        now = time.monotonic()
        with self._lock:
            cached = self._users.get(user_id)
        if cached is not None and now - cached[0] <= CACHE_SECONDS:
            return cached[1]
        try:
            user: dict | None = self._client.users_info(user=user_id).get("user")
        except SlackApiError as exc:
            if exc.response.get("error") != "user_not_found":
                raise
            user = None
        with self._lock:
            self._users[user_id] = (now, user)
        return user


def _enterprise_of(user: dict) -> str | None:
    """The Enterprise Grid org a user belongs to, if any (users.info's enterprise_user)."""
    grid = user.get("enterprise_user")
    return grid.get("enterprise_id") or None if isinstance(grid, dict) else None
