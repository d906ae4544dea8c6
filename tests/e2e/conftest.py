"""End-to-end fixtures: the real bot over HTTP, talking to the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.harness import RunningBot, assert_slack_refused_nothing, running_bot


@pytest.fixture
def bot(sessions, clock, database_url) -> Iterator[RunningBot]:  # type: ignore[no-untyped-def]
    with running_bot(sessions, clock, database_url) as running:
        running.standin.add_user("USEC", "sam.secretariat", real_name="Sam Policy")
        running.standin.add_user("UDCC", "dana.dcc", real_name="Dana Deputy")
        running.standin.add_user("UACC", "alex.acc", real_name="Alex Assistant")
        running.standin.add_user("U012AB3CD", "pat.person", real_name="Pat Person")
        running.standin.add_user("UOTHER", "olly.other", real_name="Olly Other")
        running.standin.add_user("UGONE", "gone.person", deleted=True)
        running.standin.add_user("UBOT2", "some.bot", is_bot=True)
        yield running
        assert_slack_refused_nothing(running.standin)
