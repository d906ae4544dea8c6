"""What a request's work says to Slack, held back until its changes have committed.

While a worker carries out a request, its private replies, direct messages and Home
refreshes are collected here instead of being sent; the worker stores them in the outbox
in the request's own transaction and sends them after the commit (bot/worker/sender.py).
So a request killed half-way has said nothing, and one that committed says everything once.
Calls that cannot wait (opening a form on its trigger, uploading a file) and reads go to
Slack at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from storage.services.outbox import Outgoing

_current: ContextVar[Collector | None] = ContextVar("actionlog_outbox", default=None)


class Collector:
    """The messages one request leaves, in the order its work produced them."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.messages: list[Outgoing] = []

    def respond(self, response_url: str | None, user_id: str, payload: dict[str, Any]) -> None:
        self.messages.append(Outgoing("respond", self.team_id, user_id,
                                      {"response_url": response_url, "message": payload}))

    def post(self, arguments: dict[str, Any]) -> None:
        channel = str(arguments.get("channel") or "")
        self.messages.append(Outgoing("post", self.team_id, channel, arguments))

    def home(self, team_id: str, user_ids: Iterable[str]) -> None:
        for user_id in sorted(set(user_ids)):
            self.messages.append(Outgoing("home", team_id, user_id, {}))

    def ordered(self) -> list[Outgoing]:
        """Answers first, then other messages, then Home tabs (each once): the person
        who asked hears back before anything else is done for them."""
        rank = {"respond": 0, "post": 1, "home": 2}
        seen: set[tuple[str, str | None]] = set()
        result = []
        for message in sorted(self.messages, key=lambda m: rank[m.kind]):
            if message.kind == "home":
                if (message.team_id, message.user_id) in seen:
                    continue
                seen.add((message.team_id, message.user_id))
            result.append(message)
        return result


def collector() -> Collector | None:
    """The collector of the request this thread is carrying out, if any."""
    return _current.get()


@contextmanager
def collecting(team_id: str) -> Iterator[Collector]:
    found = Collector(team_id)
    token = _current.set(found)
    try:
        yield found
    finally:
        _current.reset(token)


class CapturingWebClient(WebClient):
    """A WebClient whose chat.postMessage is collected while a request is carried out."""

    def chat_postMessage(self, **kwargs: Any) -> SlackResponse:  # noqa: N802 - Slack's name
        found = collector()
        if found is None:
            return super().chat_postMessage(**kwargs)
        found.post(kwargs)
        # What Slack would answer, as far as the work can use it: nothing reads it today.
        return SlackResponse(client=self, http_verb="POST",
                             api_url=f"{self.base_url}chat.postMessage", req_args={},
                             data={"ok": True, "channel": kwargs.get("channel")},
                             headers={}, status_code=200)
