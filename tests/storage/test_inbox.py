"""The inbox's queue: stored once per key, taken in order, acks handed back once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.models import InboxState
from storage.services import inbox

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _new(key: str, *, priority: int = 1, waits: bool = False,
         at: datetime = NOW) -> inbox.NewRequest:
    return inbox.NewRequest(key=key, team_id="T1", user_id="U1", what="/actions add",
                            transport="http", content_type="text/plain", body=f"body {key}",
                            priority=priority, received_at=at,
                            keep_for=timedelta(minutes=10), waits_for_ack=waits)


def test_a_key_is_stored_once(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        first = inbox.store_request(session, _new("k1"))
        again = inbox.store_request(session, _new("k1"))
    assert first is not None and again is None
    with transaction(sessions) as session:
        assert inbox.queued_count(session) == 1


def test_time_critical_requests_go_first_then_in_order(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        ids = [inbox.store_request(session, _new(f"k{n}")) for n in range(3)]
        urgent = inbox.store_request(session, _new("form", priority=0))
    with transaction(sessions) as session:
        order = []
        after = None
        while (row := inbox.next_request(session, skip_locked=False, after=after)) is not None:
            order.append(row.id)
            inbox.finish(session, row.id, InboxState.DONE)
        assert order == [urgent, *ids]
        assert inbox.queued_ahead(session, ids[2]) == 0


def test_requests_ahead_are_counted(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        ids = [inbox.store_request(session, _new(f"k{n}")) for n in range(4)]
        assert inbox.queued_ahead(session, ids[3]) == 3
        assert inbox.oldest_queued_at(session) == NOW


def test_an_ack_goes_to_whoever_comes_first(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        answered = inbox.store_request(session, _new("a", waits=True))
        abandoned = inbox.store_request(session, _new("b", waits=True))
    with transaction(sessions) as session:
        assert inbox.answer_ack(session, answered, '{"response_action": "clear"}')
        # The web process, late, finds the worker's answer instead of giving up.
        assert inbox.give_up_ack(session, answered) == '{"response_action": "clear"}'
        assert inbox.give_up_ack(session, abandoned) is None
        # The worker, later still, is told the form has closed.
        assert not inbox.answer_ack(session, abandoned, "{}")


def test_purge_keeps_queued_requests_and_live_keys(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        queued = inbox.store_request(session, _new("queued", at=NOW - timedelta(hours=2)))
        old = inbox.store_request(session, _new("old", at=NOW - timedelta(hours=2)))
        recent = inbox.store_request(session, _new("recent"))
        inbox.finish(session, old, InboxState.DONE)
        inbox.finish(session, recent, InboxState.DONE)
    with transaction(sessions) as session:
        assert inbox.purge(session, NOW) == 1
        assert inbox.store_request(session, _new("recent")) is None  # still a repeat
        assert inbox.store_request(session, _new("old")) is not None  # forgotten
        assert inbox.next_request(session, skip_locked=False).id == queued


def test_forgetting_someone_deletes_their_finished_requests_and_sent_messages(
        sessions: sessionmaker[Session]) -> None:
    from storage.services import outbox

    leaver = inbox.NewRequest(key="theirs", team_id="T1", user_id="ULEAVER", what="x",
                              transport="http", content_type="", body="text=hello",
                              priority=1, received_at=NOW, keep_for=timedelta(minutes=10),
                              waits_for_ack=False)
    with transaction(sessions) as session:
        done = inbox.store_request(session, leaver)
        inbox.finish(session, done, InboxState.DONE)
        other = inbox.store_request(session, _new("someone else's"))
        inbox.finish(session, other, InboxState.DONE)
        queued = inbox.store_request(session, inbox.NewRequest(
            **{**leaver.__dict__, "key": "queued-theirs"}))
        rows = outbox.record(session, key="theirs", received_at=NOW, claimed_by="me", now=NOW,
                            messages=[outbox.Outgoing("post", "T1", "ULEAVER", {"text": "hi"}),
                                      outbox.Outgoing("post", "T1", "UOTHER", {"text": "x"})])
        outbox.mark_sent(session, [row.id for row in rows], NOW)
    with transaction(sessions) as session:
        assert inbox.forget_user(session, team_id="T1", user_id="ULEAVER") == 1
        assert outbox.forget_user(session, team_id="T1", user_id="ULEAVER") == 1
        assert inbox.next_request(session, skip_locked=False).id == queued  # still to do
