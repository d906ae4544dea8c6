"""Carries out one stored request, exactly once, as one unit of work.

The request is taken from the inbox and replayed through the Bolt app (its listeners run
on this thread, to the end, before ``dispatch`` returns). Its changes, the "done" marker
and the messages it leaves (bot/outbox.py) commit together; the messages are sent after.
Killed before the commit, the request is taken again and nothing of the first try stays;
killed after it, the marker says it is done and only its unsent messages remain to send.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltRequest
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import FAILED_MESSAGE
from bot.outbox import Collector, collecting
from bot.render.common import simple
from bot.replies import send_reply
from bot.worker.late import late_answer
from bot.worker.sender import OutboxSender
from reminders.clock import Clock
from storage.db import own_transaction, read_transaction
from storage.inbox_db import InboxDatabase
from storage.models import InboxRequest, InboxState, OutboxMessage
from storage.services import inbox, outbox
from storage.unit import Unit, unit_of_work

log = logging.getLogger("actionlog.worker")

# A request that has failed to finish this many times is given up, and its sender told.
# Generous: a database restart fails a few tries in a row; a request that kills its
# worker every time (the only kind this is for) is caught all the same.
MAX_ATTEMPTS = 20
GAVE_UP_MESSAGE = (":warning: Sorry, the bot could not carry out your request "
                   "({what}) after several tries. Nothing was changed; please try again.")


@dataclass(frozen=True)
class Taken:
    """A request as the worker read it."""

    id: int
    key: str
    team_id: str
    user_id: str | None
    what: str
    transport: str
    content_type: str
    body: str
    received_at: Any
    attempts: int

    @classmethod
    def of(cls, row: InboxRequest) -> Taken:
        return cls(row.id, row.key, row.team_id, row.user_id, row.what, row.transport,
                   row.content_type, row.body, row.received_at, row.attempts)


class RequestRunner:
    def __init__(self, app: App, sessions: sessionmaker[Session], inbox_db: InboxDatabase,
                 sender: OutboxSender, clock: Clock, instance: str) -> None:
        self._app, self._sessions, self._inbox = app, sessions, inbox_db
        self._sender, self._clock, self._instance = sender, clock, instance
        # Requests this process's threads have in hand. On SQLite (one worker process)
        # this is how two threads keep off each other's request; PostgreSQL's row locks
        # do it there, across processes.
        self._in_hand: set[int] = set()
        self._taking = threading.Lock()

    def run_next(self) -> bool:
        """Carry out the next queued request; False when none is waiting."""
        taken = self._take()
        if taken is None:
            return False
        try:
            self._run(taken)
        finally:
            with self._taking:
                self._in_hand.discard(taken.id)
        return True

    def _run(self, taken: Taken) -> None:
        if taken.attempts > MAX_ATTEMPTS:
            self._give_up(taken)
            return
        with self._claim(taken) as finish:
            if finish is None:
                return  # another worker holds it, or has finished it meanwhile
            with read_transaction(self._sessions) as session:
                done = outbox.is_done(session, taken.key)
            sent: list[OutboxMessage] = []
            if not done:  # else committed before: its unsent messages are taken over
                try:
                    with unit_of_work(self._sessions) as unit:
                        sent = self._carry_out(unit, taken)
                except IntegrityError:
                    # Another worker committed this request first (only possible if two
                    # run on one SQLite file): this copy rolled back.
                    log.info("request already done elsewhere", extra={"fields": {
                        "what": taken.what}})
                except SQLAlchemyError as exc:
                    # The database failed: nothing committed, the request stays queued.
                    log.warning("request not carried out; will try again", extra={
                        "fields": {"what": taken.what, "error": type(exc).__name__}})
                    raise
            finish()
        self._sender.send_soon(sent)

    @contextmanager
    def _claim(self, taken: Taken) -> Iterator[Callable[[], None] | None]:
        """Hold the request while it is carried out; yields how to mark it done, or None
        if it is no longer there to hold.

        On PostgreSQL a transaction of the inbox's own locks the row: other workers pass
        over it, and if this process dies the lock dies with it and the request is taken
        again. It holds nothing the work needs, so the work's Slack calls wait on no one's
        lock. On SQLite the threads' in-hand set holds it (one worker process), and no
        transaction stays open: the web part must be able to store requests meanwhile.
        """
        if not self._inbox.locks_rows:
            yield lambda: self._finish(taken.id, InboxState.DONE)
            return
        with own_transaction(self._inbox.sessions, flushed=False) as session:
            if inbox.next_request_by_id(session, taken.id) is None:
                yield None
                return
            yield lambda: inbox.finish(session, taken.id, InboxState.DONE)

    def _take(self) -> Taken | None:
        """The next request, its attempt counted (committed at once, so a request that
        kills its worker every time is given up in the end)."""
        with self._taking:
            if not self._inbox.locks_rows:
                # Look first without writing: an idle worker's looking must not take
                # the inbox file's write lock from the web part a few hundred times a second.
                with read_transaction(self._inbox.sessions) as session:
                    if inbox.next_request(session, skip_locked=False,
                                          besides=self._in_hand) is None:
                        return None
            with own_transaction(self._inbox.sessions, flushed=False) as session:
                row = inbox.next_request(session, skip_locked=self._inbox.locks_rows,
                                         besides=self._in_hand)
                if row is None:
                    return None
                row.attempts += 1
                self._in_hand.add(row.id)
                return Taken.of(row)

    def _carry_out(self, unit: Unit, taken: Taken) -> list[OutboxMessage]:
        """Run the request in ``unit``; the messages it left, committed."""
        with collecting(taken.team_id) as found:
            response = self._app.dispatch(self._bolt_request(taken))
            self._hand_back_ack(taken, response.body or "", found)
        session = unit.session()
        now = self._clock.now()
        outbox.mark_done(session, taken.key, now)
        messages = outbox.record(session, key=taken.key, received_at=taken.received_at,
                                 messages=found.ordered(), claimed_by=self._instance, now=now)
        unit.commit()
        log.info("request done", extra={"fields": {
            "what": taken.what, "user": taken.user_id, "status": response.status,
            "messages": len(messages)}})
        return messages

    def _bolt_request(self, taken: Taken) -> BoltRequest:
        if taken.transport == "socket":
            return BoltRequest(body=json.loads(taken.body), mode="socket_mode")
        return BoltRequest(body=taken.body, headers={"content-type": taken.content_type})

    def _hand_back_ack(self, taken: Taken, ack_body: str, found: Collector) -> None:
        """Give a form submission's ack to the web process holding it; if it has given
        up, say by message what the ack would have shown."""
        if not taken.what.startswith("view_submission"):
            return
        with own_transaction(self._inbox.sessions, flushed=False) as session:
            in_time = inbox.answer_ack(session, taken.id, ack_body)
        if in_time:
            return
        late = late_answer(json.loads(taken.body) if taken.transport == "socket"
                           else _form_payload(taken.body), ack_body)
        if late is not None and taken.user_id:
            found.post({"channel": taken.user_id, **late.payload()})

    def _finish(self, request_id: int, state: InboxState) -> None:
        with own_transaction(self._inbox.sessions, flushed=False) as session:
            inbox.finish(session, request_id, state)

    def _give_up(self, taken: Taken) -> None:
        log.error("request given up", extra={"fields": {
            "what": taken.what, "user": taken.user_id, "attempts": taken.attempts - 1}})
        self._finish(taken.id, InboxState.FAILED)
        if taken.user_id:
            message = simple(GAVE_UP_MESSAGE.format(what=taken.what))
            try:
                send_reply(self._sender.client, None, taken.user_id, message.payload())
            except Exception:  # noqa: BLE001 - logged above; nothing more can be done
                log.warning("could not tell the user their request was given up")


def _form_payload(raw: str) -> dict[str, Any]:
    """The JSON payload of an interactivity request (form-encoded as payload=...)."""
    from urllib.parse import parse_qs

    values = parse_qs(raw).get("payload") or ["{}"]
    try:
        parsed = json.loads(values[0])
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


__all__ = ["FAILED_MESSAGE", "RequestRunner"]
