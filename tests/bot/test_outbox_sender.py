"""The outbox sender marks messages sent request by request (bot/worker/sender.py).

A batch taken over from a dead sender holds many requests' messages; if the process dies
in the middle of delivering it, the requests delivered before must stay marked sent, or
their answers (which Slack cannot be asked about) would all go out again.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.worker.sender import OutboxSender
from reminders.clock import ManualClock
from storage.db import transaction
from storage.models import OutboxMessage
from storage.services import outbox
from storage.services.outbox import Outgoing


class _Died(BaseException):
    """The process dying in the middle of a send."""


class _SenderThatDies(OutboxSender):
    """Sends nothing anywhere; dies when it reaches the request ``dies_on``."""

    def __init__(self, sessions: sessionmaker[Session], clock: ManualClock,
                 dies_on: str) -> None:
        super().__init__(sessions, None, None, None, clock, "test:1")  # type: ignore[arg-type]
        self.dies_on, self.sent = dies_on, []

    def _send_one(self, row: OutboxMessage) -> None:
        if row.request_key == self.dies_on:
            raise _Died
        self.sent.append(row.request_key)


def _answer_and_home(key: str) -> list[Outgoing]:
    return [Outgoing("respond", "T0001", "USEC", {"response_url": f"http://slack/{key}",
                                                 "message": {"text": "Recorded"}}),
            Outgoing("home", "T0001", "USEC", {})]


def test_a_sender_dying_mid_batch_leaves_the_requests_before_marked_sent(
    sessions: sessionmaker[Session], clock: ManualClock,
) -> None:
    with transaction(sessions) as session:
        for key in ("first", "second", "third"):
            outbox.record(session, key=key, received_at=clock.now(),
                          messages=_answer_and_home(key), claimed_by="gone:1", now=clock.now())
    with transaction(sessions) as session:
        batch = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    sender = _SenderThatDies(sessions, clock, dies_on="second")
    with pytest.raises(_Died):
        sender._deliver(batch)
    with transaction(sessions) as session:
        states = {(row.request_key, row.kind): row.state
                  for row in session.scalars(select(OutboxMessage))}
    assert sender.sent == ["first", "first"]
    assert states == {("first", "respond"): "sent", ("first", "home"): "sent",
                      ("second", "respond"): "sending", ("second", "home"): "sending",
                      ("third", "respond"): "sending", ("third", "home"): "sending"}
