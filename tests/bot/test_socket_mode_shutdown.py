"""SIGTERM in Socket Mode: acknowledged work is finished before the process exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.standin.server import SlackStandIn
from tests.support.harness import BOT_TOKEN

# Runs `actionlog run` in Socket Mode with the socket replaced by one that delivers a
# single /actions command (Bolt acks it) as soon as it connects.
SCRIPT = textwrap.dedent("""
    import sys
    import slack_bolt.adapter.socket_mode as socket_mode
    from slack_bolt.request import BoltRequest

    class OneCommandSocket:
        def __init__(self, app, app_token):
            self.app = app

        def connect(self):
            body = {"token": "t", "team_id": "T0001", "user_id": "USEC",
                    "command": "/actions", "text": "help", "trigger_id": "1.2.3",
                    "response_url": sys.argv[1], "channel_id": "C0TEAM"}
            response = self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
            print("acked", response.status, flush=True)

        def start(self):
            import threading
            self.connect()
            threading.Event().wait()

        def close(self):
            print("closed", flush=True)

    socket_mode.SocketModeHandler = OneCommandSocket
    from bot.cli import main
    sys.exit(main(["run"]))
""")


def test_sigterm_finishes_acknowledged_work(tmp_path: Path) -> None:
    with SlackStandIn(hang_seconds=2.0) as standin:
        env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-1-test",
               "SLACK_API_URL": standin.api_url,
               "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
        env.pop("SLACK_SIGNING_SECRET", None)
        subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], env=env, cwd=tmp_path,
                       check=True, capture_output=True)
        # The reply to the command is slow: Slack hangs 2 s, then answers 500, then 200.
        standin.inject("response_url", "hang")
        process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, standin.response_url("sigterm")], env=env,
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "acked 200"
            process.send_signal(signal.SIGTERM)  # a deploy, while the reply is pending
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        replies = [c for c in standin.calls_to("response_url") if c.status == 200]
    assert process.returncode == 0, err[-2000:]
    assert "closed" in out
    assert len(replies) == 1 and "/actions" in replies[0].args["text"]
