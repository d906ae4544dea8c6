"""Slow and silent clients (slowloris) cannot hold the port against Slack's requests.

Loopback only; the crowd is bounded in size and time and closed at the end.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.reliability import summary
from tests.reliability.conftest import say
from tests.support.harness import RunningBot

CROWD = 200
# A signed command must not wait more than this for the crowd.
ALLOWED_DELAY_SECONDS = 1.0


@contextmanager
def slow_crowd(url: str, size: int) -> Iterator[list[socket.socket]]:
    """``size`` connections: half send one header line and stop, half send nothing."""
    host, port = url.removeprefix("http://").split(":")
    crowd: list[socket.socket] = []
    try:
        for number in range(size):
            conn = socket.create_connection((host, int(port)), timeout=5)
            if number % 2:
                conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: actionlog\r\n")
            crowd.append(conn)
        yield crowd
    finally:
        for conn in crowd:
            conn.close()


def test_two_hundred_slow_connections_do_not_delay_a_signed_command(fresh_bot: RunningBot) -> None:
    bot = fresh_bot
    say(bot, "help")  # the bot is warm: the first command's imports don't count
    with slow_crowd(bot.url, CROWD):
        time.sleep(0.5)  # let the server accept what it will
        bot.slack.close()  # a new connection, as Slack's next request would open
        bot.slack.timeout = 5  # before the fix this waited for waitress's 120 s idle timeout
        started = time.perf_counter()
        response = bot.slack.slash_command("help", user_id="USEC")
        took = time.perf_counter() - started
    bot.slack.timeout = 10
    summary.report(f"Slow clients: a signed command answered in {took * 1000:.0f} ms "
                   f"beside {CROWD} slow or silent connections")
    assert response.status_code == 200
    assert took < ALLOWED_DELAY_SECONDS, f"the signed command waited {took:.2f} s"


def test_a_silent_connection_is_dropped_after_the_idle_timeout(fresh_bot: RunningBot) -> None:
    from bot.http import CLEANUP_INTERVAL_SECONDS, IDLE_TIMEOUT_SECONDS

    with slow_crowd(fresh_bot.url, 2) as (silent, half_sent):
        limit = IDLE_TIMEOUT_SECONDS + CLEANUP_INTERVAL_SECONDS + 3
        for conn in (silent, half_sent):
            conn.settimeout(limit)
            started = time.monotonic()
            try:
                data = conn.recv(1024)
            except TimeoutError:
                data = None
            # Closed by the server (b"") or answered with an error, well before the limit.
            assert data is not None, "the server kept a silent connection open"
            assert time.monotonic() - started < limit
