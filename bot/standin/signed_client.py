"""Send requests to a running bot signed and shaped exactly as Slack sends them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

import requests

from bot.standin.slack_text import Directory, as_slack_sends
from bot.standin.triggers import mint_trigger_id

SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
Tamper = Callable[[bytes], bytes]


class SendOptions(TypedDict, total=False):
    """Per-request overrides every sending method accepts."""

    timestamp: int  # X-Slack-Request-Timestamp (default: now)
    signature: str  # replaces the computed X-Slack-Signature, e.g. to send a wrong one
    tamper: Tamper  # alters the body after it was signed
    headers: Mapping[str, str]  # extra or overriding HTTP headers


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + raw
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


class SignedSlackClient:
    """Plays Slack's side of slash commands, interactivity and the Events API against a bot."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        team_id: str = "T0001",
        response_url_factory: Callable[[], str] | None = None,
        timeout: float = 10.0,
        *,
        team_domain: str = "actionlog",
        api_app_id: str = "A0001",
        bot_user_id: str = "UBOT",
        verification_token: str = "verification-token",
    ) -> None:
        self.bot_url, self.signing_secret, self.team_id = bot_url, signing_secret, team_id
        self.response_url_factory, self.timeout = response_url_factory, timeout
        self.team_domain, self.api_app_id = team_domain, api_app_id
        self.bot_user_id, self.verification_token = bot_user_id, verification_token
        self._serial = itertools.count(1)
        # requests.Session is not documented as thread-safe; benchmarks call from many threads.
        self._local = threading.local()

    # -- transport ---------------------------------------------------------------------------

    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        tamper: Tamper | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """POST `body` signed for `timestamp`; `tamper` alters it after signing."""
        stamp = int(time.time()) if timestamp is None else timestamp
        signed = signature if signature is not None else sign(self.signing_secret, stamp, body)
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": SLACK_USER_AGENT,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": signed,
            **(headers or {}),
        }
        payload = tamper(body) if tamper else body
        return self._session().post(
            self.bot_url, data=payload, headers=all_headers, timeout=self.timeout
        )

    def close(self) -> None:
        """Close this thread's HTTP session."""
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _send_form(
        self, fields: Mapping[str, str], **options: Unpack[SendOptions]
    ) -> requests.Response:
        return self.send(urlencode(fields).encode("utf-8"),
                         "application/x-www-form-urlencoded", **options)

    def _send_payload(
        self, payload: Mapping[str, Any], **options: Unpack[SendOptions]
    ) -> requests.Response:
        """Interactivity arrives as a form with one `payload` field holding JSON."""
        return self._send_form({"payload": json.dumps(payload)}, **options)

    def _send_json(
        self, document: Mapping[str, Any], **options: Unpack[SendOptions]
    ) -> requests.Response:
        return self.send(json.dumps(document).encode("utf-8"), "application/json", **options)

    # -- shared payload parts ----------------------------------------------------------------

    def _trigger_id(self) -> str:
        """A fresh trigger id; the stand-in lets it open one view within 3 seconds."""
        return mint_trigger_id()

    def _response_url(self, given: str | None) -> str:
        if given is not None:
            return given
        return self.response_url_factory() if self.response_url_factory else ""

    def _user(self, user_id: str, user_name: str | None) -> dict[str, str]:
        name = user_name or user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _interaction(self, kind: str, user_id: str, user_name: str | None,
                     trigger_id: str | None) -> dict[str, Any]:
        return {
            "type": kind, "token": self.verification_token,
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self._user(user_id, user_name), "api_app_id": self.api_app_id,
            "trigger_id": trigger_id or self._trigger_id(),
            "is_enterprise_install": False, "enterprise": None,
        }

    # -- what Slack sends --------------------------------------------------------------------

    def slash_command(
        self, text: str, *, user_id: str, command: str = "/actions", channel_id: str = "C0TEAM",
        channel_name: str | None = None, user_name: str | None = None,
        trigger_id: str | None = None, response_url: str | None = None,
        **options: Unpack[SendOptions],
    ) -> requests.Response:
        """Send a slash command as the form-encoded POST Slack makes."""
        fields = {
            "token": self.verification_token, "team_id": self.team_id,
            "team_domain": self.team_domain, "channel_id": channel_id,
            "channel_name": channel_name or ("directmessage" if channel_id.startswith("D")
                                             else channel_id.lower()),
            "user_id": user_id, "user_name": user_name or user_id.lower(), "command": command,
            "text": text, "api_app_id": self.api_app_id, "is_enterprise_install": "false",
            "response_url": self._response_url(response_url),
            "trigger_id": trigger_id or self._trigger_id(),
        }
        return self._send_form(fields, **options)

    def typed_command(
        self, typed: str, *, user_id: str, directory: Directory, should_escape: bool = True,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a command as Slack would after someone typed `typed` in the message box,
        with the command's `should_escape` on (mentions picked from the list) or off."""
        text = as_slack_sends(typed, directory, should_escape=should_escape)
        return self.slash_command(text, user_id=user_id, **kwargs)

    def block_action(
        self, action_id: str, *, user_id: str, value: str | None = None, block_id: str = "b",
        view: Mapping[str, Any] | None = None, message: Mapping[str, Any] | None = None,
        channel_id: str | None = None, trigger_id: str | None = None,
        response_url: str | None = None, user_name: str | None = None,
        action_type: str = "button", action: Mapping[str, Any] | None = None,
        **options: Unpack[SendOptions],
    ) -> requests.Response:
        """Send a `block_actions` payload from a view (modal/Home) or a message."""
        payload = self._interaction("block_actions", user_id, user_name, trigger_id)
        fired: dict[str, Any] = {"action_id": action_id, "block_id": block_id,
                                 "type": action_type, "action_ts": f"{time.time():.6f}"}
        if value is not None:
            fired["value"] = value
        payload["actions"] = [{**fired, **(action or {})}]
        if view is not None:
            view_json = {"id": "V123", "type": "modal", "state": {"values": {}}, **view}
            payload["view"] = view_json
            payload["container"] = {"type": "view", "view_id": view_json["id"]}
            payload["state"] = view_json["state"]
        if message is not None or channel_id is not None:
            message_json = {"type": "message", "ts": f"{time.time():.6f}", "text": "",
                            **(message or {})}
            channel = channel_id or "C0TEAM"
            payload["message"] = message_json
            payload["channel"] = {"id": channel, "name": channel.lower()}
            payload["container"] = {"type": "message", "message_ts": message_json["ts"],
                                    "channel_id": channel, "is_ephemeral": False}
            payload["response_url"] = self._response_url(response_url)
        return self._send_payload(payload, **options)

    def view_submission(
        self, callback_id: str, state_values: Mapping[str, Any], *, user_id: str,
        private_metadata: str = "", view_id: str | None = None, blocks: list[Any] | None = None,
        user_name: str | None = None, trigger_id: str | None = None,
        **options: Unpack[SendOptions],
    ) -> requests.Response:
        """Send a `view_submission` payload for a modal with the given input state.

        Each opened modal has its own view id; without ``view_id`` a new one is made, so
        only a submission sent twice on purpose repeats one.
        """
        view_id = view_id or f"V{next(self._serial):08d}"
        payload = self._interaction("view_submission", user_id, user_name, trigger_id)
        payload["view"] = {
            "id": view_id, "team_id": self.team_id, "type": "modal", "callback_id": callback_id,
            "private_metadata": private_metadata, "blocks": blocks or [],
            "state": {"values": dict(state_values)}, "hash": f"{int(time.time())}.{view_id}",
            "title": {"type": "plain_text", "text": "Action Log"}, "external_id": "",
            "root_view_id": view_id, "previous_view_id": None, "app_id": self.api_app_id,
        }
        payload["response_urls"] = []
        return self._send_payload(payload, **options)

    def message_shortcut(
        self, callback_id: str, *, user_id: str, message_text: str, message_user: str,
        channel_id: str, message_ts: str, user_name: str | None = None,
        trigger_id: str | None = None, response_url: str | None = None,
        message_files: list[dict[str, Any]] | None = None,
        **options: Unpack[SendOptions],
    ) -> requests.Response:
        """Send a `message_action` payload (a message shortcut on someone's message)."""
        payload = self._interaction("message_action", user_id, user_name, trigger_id)
        payload.update({
            "callback_id": callback_id, "action_ts": f"{time.time():.6f}",
            "message_ts": message_ts, "channel": {"id": channel_id, "name": channel_id.lower()},
            "message": {"type": "message", "user": message_user, "ts": message_ts,
                        "text": message_text,
                        **({"files": message_files} if message_files else {})},
            "response_url": self._response_url(response_url),
        })
        return self._send_payload(payload, **options)

    def event(
        self, event: Mapping[str, Any], *, event_id: str | None = None,
        retry_num: int | None = None, retry_reason: str | None = None,
        **options: Unpack[SendOptions],
    ) -> requests.Response:
        """Send an Events API `event_callback`, optionally marked as Slack's Nth retry."""
        now = int(time.time())
        envelope = {
            "token": self.verification_token, "team_id": self.team_id,
            "api_app_id": self.api_app_id, "event": dict(event), "type": "event_callback",
            "event_id": event_id or f"Ev{now}{next(self._serial):06d}", "event_time": now,
            "authorizations": [{"enterprise_id": None, "team_id": self.team_id,
                                "user_id": self.bot_user_id, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }
        headers = dict(options.get("headers") or {})
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self._send_json(envelope, **{**options, "headers": headers})

    def url_verification(
        self, challenge: str, **options: Unpack[SendOptions]
    ) -> requests.Response:
        """Send the `url_verification` handshake Slack makes when the Request URL is saved."""
        document = {"token": self.verification_token, "challenge": challenge,
                    "type": "url_verification"}
        return self._send_json(document, **options)
