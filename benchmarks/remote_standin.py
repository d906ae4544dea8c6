"""The Slack stand-in in its own process, so its threads do not share the load's GIL.

The child (``python -m benchmarks.remote_standin``) prints its URLs, then answers one
JSON command per line on stdin: ``calls`` (what it recorded), ``reset`` and ``stop``.
Every post to a response_url is also written at once, as one JSON line, to a pipe the
parent reads on a thread (``RemoteStandIn.answers``): closed-loop people wait on that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from benchmarks.dataset import TEAM_CHANNEL
from bot.standin.server import SlackStandIn

STOP_TIMEOUT_S = 10
RESPONSE_PREFIX = "/response/"


@dataclass(frozen=True)
class Answer:
    """One post to a response_url: when it reached the stand-in (CLOCK_MONOTONIC)."""

    key: str
    received_at: float
    status: int
    text: str


class AnswerBook:
    """Every response_url post, by key; a person waits for the first answer to its key."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[Answer]] = defaultdict(list)
        self._changed = threading.Condition()
        self.closed = False

    def add(self, answer: Answer) -> None:
        with self._changed:
            self._by_key[answer.key].append(answer)
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait(self, key: str, timeout: float) -> Answer | None:
        """The first accepted answer to ``key``, or None if none came within ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self.first(key) is not None or self.closed,
                                   timeout)
            return self.first(key)

    def first(self, key: str) -> Answer | None:
        with self._changed:
            return next((a for a in self._by_key.get(key, ()) if a.status == 200), None)

    def count(self, key: str) -> int:
        """How many answers ``key`` got (accepted ones: a refused post reached nobody)."""
        with self._changed:
            return sum(1 for a in self._by_key.get(key, ()) if a.status == 200)

    def keys(self) -> set[str]:
        with self._changed:
            return set(self._by_key)


class RemoteStandIn:
    """Starts a SlackStandIn in a child process; asks it for the calls it recorded."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.api_url = self.base_url = ""
        self.answers = AnswerBook()

    def __enter__(self) -> RemoteStandIn:
        from benchmarks.procs import REPO_ROOT

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
        reader, writer = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.remote_standin", self.team_id, str(writer)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
            pass_fds=(writer,), start_new_session=True,
        )
        os.close(writer)  # the child holds the only write end: EOF when it exits
        self._reader = threading.Thread(target=self._follow, args=(reader,), daemon=True,
                                        name="standin-answers")
        self._reader.start()
        self.api_url, self.base_url = self._read()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._send({"do": "stop"})
            self._process.wait(timeout=STOP_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait(timeout=5)
        self._reader.join(timeout=5)

    @property
    def pid(self) -> int:
        """The child's process id (it leads its own process group)."""
        return self._process.pid

    def response_url(self, key: str) -> str:
        return f"{self.base_url}{RESPONSE_PREFIX}{key}"

    def calls(self, method: str) -> list[tuple[str, str, float, int]]:
        """(method, path, monotonic time received, status) of every call to ``method``."""
        self._send({"do": "calls", "method": method})
        return [tuple(call) for call in self._read()]  # type: ignore[misc]

    def reset(self) -> None:
        self._send({"do": "reset"})
        self._read()

    def _follow(self, fd: int) -> None:
        with os.fdopen(fd, "r", encoding="utf-8") as stream:
            for line in stream:
                key, received_at, status, text = json.loads(line)
                self.answers.add(Answer(key, received_at, status, text))
        self.answers.close()

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


class _ReportingStandIn(SlackStandIn):
    """The stand-in, also telling the parent about each response_url post as it comes."""

    def __init__(self, team_id: str, answers_fd: int) -> None:
        super().__init__(team_id=team_id)
        self._answers_fd = answers_fd
        self._write_lock = threading.Lock()

    def _handle(self, raw_path: str, headers: dict[str, str], body: bytes) -> Any:
        if not raw_path.startswith(RESPONSE_PREFIX):
            return super()._handle(raw_path, headers, body)
        received = time.monotonic()
        answered = super()._handle(raw_path, headers, body)
        status = answered[0] if answered else 0
        key = raw_path[len(RESPONSE_PREFIX):].split("?", 1)[0]
        line = json.dumps([key, received, status, _text(body)]) + "\n"
        with self._write_lock:
            os.write(self._answers_fd, line.encode("utf-8"))
        return answered


def _text(body: bytes) -> str:
    """The start of the message's text, so a "queued" notice can be told from an answer."""
    try:
        return str(json.loads(body).get("text") or "")[:120]
    except (ValueError, AttributeError):
        return ""


def main(team_id: str, answers_fd: int) -> int:
    """Serve until told to stop; CLOCK_MONOTONIC is shared, so times compare across processes."""
    with _ReportingStandIn(team_id, answers_fd) as standin:
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
    raise SystemExit(main(sys.argv[1], int(sys.argv[2])))
