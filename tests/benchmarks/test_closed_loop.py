"""The closed-loop harness counts answers per command, against the bare answering app.

The bare app acks and answers every command at once, so these tests do not depend on
the bot's speed; a command whose answer goes elsewhere must show up as lost, and the
answer it took as a second one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks import procs
from benchmarks.b1_loop import exactly_once
from benchmarks.closed_loop import LoopResult, run_closed_loop
from benchmarks.dataset import TEAM
from benchmarks.remote_standin import RemoteStandIn

PEOPLE, EACH = 2, 3


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RemoteStandIn, str]]:
    """The stand-in and the bare Bolt app that answers on response_url, as B1 runs them."""
    workdir = tmp_path_factory.mktemp("bare")
    with RemoteStandIn(TEAM) as standin:
        env = procs.server_env(procs.free_port(), standin.api_url, "sqlite://")
        with procs.serving("bare-answer", procs.bare_argv(answer=True), env,
                           Path(workdir)) as server:
            yield standin, server.events_url


def _loop(bare: tuple[RemoteStandIn, str], tag: str,
          response_url: Callable[[str], str]) -> LoopResult:
    standin, events_url = bare
    return run_closed_loop(
        events_url, procs.SIGNING_SECRET, TEAM, standin.answers, response_url,
        lambda person, n: ("list mine", f"U{person}"), tag=tag, people=PEOPLE,
        seconds=60.0, per_person=EACH, answer_timeout=2.0, drain_seconds=2.0,
    )


def test_every_command_is_answered_once(bare: tuple[RemoteStandIn, str]) -> None:
    standin, _ = bare
    result = _loop(bare, "clean", standin.response_url)
    assert len(result.sent) == PEOPLE * EACH
    assert result.statuses == {200: PEOPLE * EACH}
    assert result.answered_in_run == len(result.answer_s) == PEOPLE * EACH
    assert (result.lost, result.duplicated, result.late) == (0, 0, 0)
    assert all(row.met for row in exactly_once("sqlite", "bare", result))
    assert result.answers_per_s > 0 and all(s >= 0 for s in result.answer_s)


def test_a_missing_answer_is_lost_and_a_doubled_one_is_counted(
        bare: tuple[RemoteStandIn, str]) -> None:
    standin, _ = bare

    def misrouted(key: str) -> str:
        # Person 0's second command answers on the first one's URL: the second command
        # gets no answer, the first gets two.
        return standin.response_url(key.replace("-p0-1", "-p0-0"))

    result = _loop(bare, "misrouted", misrouted)
    assert len(result.sent) == PEOPLE * EACH
    assert (result.lost, result.duplicated, result.late) == (1, 1, 1)
    assert result.answered_in_run == PEOPLE * EACH - 1
    lost, doubled, failed = exactly_once("sqlite", "bare", result)
    assert (lost.met, doubled.met, failed.met) == (False, False, True)
    assert "1, must be 0" in (lost.miss() or "")
