"""Socket Mode: requests from the socket go through the same inbox and workers as HTTP."""

from __future__ import annotations

from typing import Any

from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.intake import Intake
from bot.socket_intake import SocketIntake
from storage.inbox_db import open_inbox
from tests.support.harness import TEAM, RunningBot


class FakeSocket:
    """Stands in for slack_sdk's SocketModeClient: records the acks sent back."""

    def __init__(self) -> None:
        self.socket_mode_request_listeners: list[Any] = []
        self.acks: list[SocketModeResponse] = []

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.acks.append(response)


def _command(bot: RunningBot, text: str, key: str) -> dict[str, Any]:
    return {"token": "t", "team_id": TEAM, "user_id": "USEC", "command": "/actions",
            "text": text, "trigger_id": "1.2.3", "channel_id": "C0TEAM",
            "response_url": bot.standin.response_url(key)}


def test_a_socket_request_is_stored_acked_and_carried_out_once(bot: RunningBot) -> None:
    inbox = open_inbox(bot.sessions.kw["bind"], bot.sessions)
    socket = FakeSocket()
    listener = SocketIntake(Intake(inbox.sessions, bot.clock), "xapp-1-test", web_client=None,
                            client=socket)  # type: ignore[arg-type]
    request = SocketModeRequest(type="slash_commands", envelope_id="env-1",
                                payload=_command(bot, "help", "socket"))
    listener.on_request(socket, request)  # type: ignore[arg-type]
    listener.on_request(socket, request)  # Slack's resend of an unacked envelope
    assert [ack.envelope_id for ack in socket.acks] == ["env-1", "env-1"]
    assert bot.backlog.wait_idle(20)
    answers = [c for c in bot.standin.calls_to("response_url")
               if c.path.endswith("/socket") and c.status == 200]
    assert len(answers) == 1 and "/actions" in answers[0].args["text"]
