"""Slack's side of the conversation: signed requests to the bot, shaped as Slack sends them.

The tests' ``SignedSlackClient`` does the same with ``requests``, a development-only
dependency; the console must run from a plain install, so it uses the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Answer:
    """The bot's HTTP answer to one request."""

    status: int
    body: str

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; empty when it is empty or not JSON."""
        try:
            loaded = json.loads(self.body) if self.body.strip() else {}
        except json.JSONDecodeError:
            return {}
        return loaded if isinstance(loaded, dict) else {}


class SignedSender:
    """Sends slash commands, button presses, form submissions and events, signed."""

    def __init__(self, url: str, signing_secret: str, team_id: str, app_id: str = "A0001") -> None:
        self._url, self._secret, self._team_id, self._app_id = url, signing_secret, team_id, app_id
        self._serial = itertools.count(1)
        # Loopback only: never route the bot's own requests through a configured proxy.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def trigger_id(self) -> str:
        """A fresh trigger id in Slack's ``digits.digits.hex`` shape."""
        serial = next(self._serial)
        return f"{int(time.time())}{serial:04d}.1234567890.{serial:032x}"

    def slash_command(self, text: str, *, user_id: str, user_name: str, channel_id: str,
                      channel_name: str, response_url: str) -> Answer:
        """The form-encoded POST Slack makes for a slash command."""
        return self._form({
            "token": "console", "team_id": self._team_id, "team_domain": "opcc",
            "channel_id": channel_id, "channel_name": channel_name, "user_id": user_id,
            "user_name": user_name, "command": "/actions", "text": text,
            "api_app_id": self._app_id, "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": self.trigger_id(),
        })

    def block_action(self, action: Mapping[str, Any], *, user_id: str, user_name: str,
                     container: Mapping[str, Any], response_url: str | None) -> Answer:
        """A button press; ``container`` holds the ``view`` or ``message`` and ``channel``."""
        payload = self._interaction("block_actions", user_id, user_name)
        payload["actions"] = [{**action, "type": "button", "action_ts": f"{time.time():.6f}"}]
        payload.update(container)
        if "view" in container:
            payload["container"] = {"type": "view", "view_id": container["view"]["id"]}
        else:
            payload["container"] = {"type": "message", "message_ts": container["message"]["ts"],
                                    "channel_id": container["channel"]["id"],
                                    "is_ephemeral": False}
        if response_url:
            payload["response_url"] = response_url
        return self._form({"payload": json.dumps(payload)})

    def view_submission(self, view: Mapping[str, Any], *, user_id: str,
                        user_name: str) -> Answer:
        """A modal's submission, with its state as ``view["state"]``."""
        payload = self._interaction("view_submission", user_id, user_name)
        payload["view"] = {"team_id": self._team_id, "type": "modal", "app_id": self._app_id,
                           "hash": f"{int(time.time())}.{view['id']}", **view}
        payload["response_urls"] = []
        return self._form({"payload": json.dumps(payload)})

    def event(self, event: Mapping[str, Any]) -> Answer:
        """An Events API ``event_callback``."""
        now = int(time.time())
        return self._send(json.dumps({
            "token": "console", "team_id": self._team_id, "api_app_id": self._app_id,
            "event": dict(event), "type": "event_callback",
            "event_id": f"Ev{now}{next(self._serial):06d}", "event_time": now,
            "authorizations": [{"team_id": self._team_id, "user_id": "UBOT", "is_bot": True,
                                "is_enterprise_install": False}],
        }).encode("utf-8"), "application/json")

    def _interaction(self, kind: str, user_id: str, user_name: str) -> dict[str, Any]:
        return {
            "type": kind, "token": "console", "team": {"id": self._team_id, "domain": "opcc"},
            "user": {"id": user_id, "username": user_name, "name": user_name,
                     "team_id": self._team_id},
            "api_app_id": self._app_id, "trigger_id": self.trigger_id(),
            "is_enterprise_install": False, "enterprise": None,
        }

    def _form(self, fields: Mapping[str, str]) -> Answer:
        return self._send(urlencode(fields).encode("utf-8"), "application/x-www-form-urlencoded")

    def _send(self, body: bytes, content_type: str) -> Answer:
        stamp = str(int(time.time()))
        base = b"v0:" + stamp.encode("ascii") + b":" + body
        signature = "v0=" + hmac.new(self._secret.encode(), base, hashlib.sha256).hexdigest()
        request = urllib.request.Request(self._url, data=body, method="POST", headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature, "User-Agent": "Slackbot 1.0 (console)",
        })
        try:
            with self._opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                return Answer(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read().decode("utf-8", "replace"))
