"""The Slack stand-in in its own process, so its threads do not share the load's GIL.

The child (``python -m benchmarks.remote_standin``) prints its URLs, then answers one
JSON command per line on stdin: ``calls`` (what it recorded), ``reset`` and ``stop``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from benchmarks.dataset import TEAM_CHANNEL
from bot.standin.server import SlackStandIn

STOP_TIMEOUT_S = 10


class RemoteStandIn:
    """Starts a SlackStandIn in a child process; asks it for the calls it recorded."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.api_url = self.base_url = ""

    def __enter__(self) -> RemoteStandIn:
        from benchmarks.procs import REPO_ROOT

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.remote_standin", self.team_id],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        self.api_url, self.base_url = self._read()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._send({"do": "stop"})
            self._process.wait(timeout=STOP_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait(timeout=5)

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/response/{key}"

    def calls(self, method: str) -> list[tuple[str, str, float, int]]:
        """(method, path, monotonic time received, status) of every call to ``method``."""
        self._send({"do": "calls", "method": method})
        return [tuple(call) for call in self._read()]  # type: ignore[misc]

    def reset(self) -> None:
        self._send({"do": "reset"})
        self._read()

    def _send(self, command: dict[str, Any]) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()

    def _read(self) -> Any:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the stand-in process ended")
        return json.loads(line)


def main(team_id: str) -> int:
    """Serve until told to stop; CLOCK_MONOTONIC is shared, so times compare across processes."""
    with SlackStandIn(team_id=team_id) as standin:
        standin.add_channel(TEAM_CHANNEL, "opcc-team")
        standin.invite(TEAM_CHANNEL)  # as the secretariat would
        print(json.dumps([standin.api_url, standin.base_url]), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command["do"] == "stop":
                break
            if command["do"] == "calls":
                answer: Any = [[c.method, c.path, c.received_at, c.status]
                               for c in standin.calls_to(command["method"])]
            else:
                standin.reset()
                answer = True
            print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
