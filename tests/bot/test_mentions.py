"""Plain @names, @groups and #channels become mentions, looked up page by page."""

from __future__ import annotations

from typing import Any

import pytest

from bot.mentions import AmbiguousName, MentionResolver


class Directory:
    """Answers users.list, usergroups.list and conversations.list two items a page."""

    def __init__(self) -> None:
        self.users = [
            {"id": "U1", "name": "julian", "profile": {"display_name": "Julian"}},
            {"id": "U2", "name": "sam.policy", "profile": {"display_name": "sam"}},
            {"id": "U3", "name": "pat", "deleted": True, "profile": {}},
            {"id": "U4", "name": "alex.a", "profile": {"display_name": "alex"}},
            {"id": "U5", "name": "alex.b", "profile": {"display_name": "Alex"}},
            {"id": "B1", "name": "bot", "is_bot": True, "profile": {}},
        ]
        self.channels = [{"id": "C1", "name": "assurance"}, {"id": "G2", "name": "opcc-private"}]
        self.calls: list[str] = []

    def _page(self, items: list[dict[str, Any]], key: str, cursor: str | None) -> dict:
        start = int(cursor or 0)
        more = start + 2 < len(items)
        return {key: items[start:start + 2],
                "response_metadata": {"next_cursor": str(start + 2) if more else ""}}

    def users_list(self, *, limit: int, cursor: str | None) -> dict:
        self.calls.append("users.list")
        return self._page(self.users, "members", cursor)

    def conversations_list(self, *, limit: int, cursor: str | None, types: str,
                           exclude_archived: bool) -> dict:
        self.calls.append("conversations.list")
        assert "private_channel" in types and exclude_archived
        return self._page(self.channels, "channels", cursor)

    def usergroups_list(self) -> dict:
        self.calls.append("usergroups.list")
        return {"usergroups": [{"id": "S1", "handle": "policy-team"}]}


@pytest.fixture
def directory() -> Directory:
    return Directory()


def test_plain_names_become_the_mentions_slack_would_send(directory: Directory) -> None:
    resolver = MentionResolver(directory)  # type: ignore[arg-type]
    assert resolver.resolve("role DCC @julian") == "role DCC <@U1>"
    assert resolver.resolve("role DCC @Julian.") == "role DCC <@U1>."
    assert resolver.resolve("secretariat group @policy-team") == (
        "secretariat group <!subteam^S1|@policy-team>")
    assert resolver.resolve("settings channel #assurance") == (
        "settings channel <#C1|assurance>")
    assert resolver.resolve("settings channel #opcc-private") == (
        "settings channel <#G2|opcc-private>")
    assert resolver.resolve("add @sam and DCC to reply") == "add <@U2> and DCC to reply"


def test_what_is_not_a_plain_name_is_left_alone(directory: Directory) -> None:
    resolver = MentionResolver(directory)  # type: ignore[arg-type]
    for text in ("mail sam@example.org", "see <@U9|julian> in <#C1|assurance>", "@here",
                 "item #3 by @nobody", "<!subteam^S1|@policy-team>"):
        assert resolver.resolve(text) == text


def test_someone_who_left_is_found_only_by_a_name_nobody_else_has(directory: Directory) -> None:
    resolver = MentionResolver(directory)  # type: ignore[arg-type]
    assert resolver.resolve("role DCC @pat") == "role DCC <@U3>"  # then "deactivated"


def test_a_name_two_people_share_is_refused(directory: Directory) -> None:
    resolver = MentionResolver(directory)  # type: ignore[arg-type]
    with pytest.raises(AmbiguousName) as raised:
        resolver.resolve("role ACC @alex")
    assert "`@alex` could be 2 different people" in str(raised.value)


def test_every_page_is_read_and_kept_for_a_while(directory: Directory) -> None:
    now = [0.0]
    resolver = MentionResolver(directory, clock=lambda: now[0])  # type: ignore[arg-type]
    resolver.resolve("@alex.b and @julian")  # alex.b is on the third page
    assert directory.calls == ["users.list"] * 3
    resolver.resolve("@sam")
    assert directory.calls == ["users.list"] * 3  # from the cache
    now[0] = 301.0
    directory.users.append({"id": "U6", "name": "newcomer", "profile": {}})
    assert resolver.resolve("@newcomer") == "<@U6>"
    assert directory.calls == ["users.list"] * 7


def test_text_with_no_plain_name_asks_slack_nothing(directory: Directory) -> None:
    """B1's commands, mentions Slack already linked, an e-mail address: no directory read."""
    resolver = MentionResolver(directory)  # type: ignore[arg-type]
    for text in ("add DCC to follow up benchmark item 7 by 31/05/2027", "list mine",
                 "add <@U1> to reply by <!date^1700000000^{date}|1 Dec>",
                 "update A-3 sent to sam@example.org", "list <!subteam^S1|@policy-team>"):
        assert resolver.resolve(text) == text
    assert directory.calls == []
