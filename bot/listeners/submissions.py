"""Run a submitted form's command: errors shown in the form if in time, else by message.

The command runs on the backlog (see bot/backlog.py) and the listener waits for it only
up to the ack budget (see bot/handoff.py). In time, a refusal is shown in the form,
which stays open with everything typed. Too late, the form has closed, so the refusal
comes as a direct message that repeats what was entered: nothing typed is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import commands
from bot.directory import PersonProblem, SlackDirectory
from bot.errors import BUSY_MESSAGE, FAILED_MESSAGE
from bot.handoff import Handoff
from bot.parsing import commands as c
from bot.render.help import render_late_refusal
from bot.replays import RequestLedger
from storage.errors import ServiceError

if TYPE_CHECKING:
    from bot.app import Deps
    from bot.home import HomeRefresher

log = logging.getLogger("actionlog.forms")

# Slack shows at most this much of an error under a form field.
FIELD_ERROR_LIMIT = 300


@dataclass(frozen=True)
class Submission:
    """One submitted form, read and checked, ready to run."""

    team_id: str
    user_id: str
    command: c.Command | commands.RecordFromForm | commands.RequestMoreTime
    error_block: str  # the field under which a refusal is shown
    typed: str  # what the person entered, repeated if the refusal must come by message
    key: str | None = None  # the view and its state: the same submission twice acts once


class SubmissionRunner:
    """Runs submissions for the form listeners; one per app."""

    def __init__(self, deps: Deps, directory: SlackDirectory, home: HomeRefresher) -> None:
        self._deps, self._directory, self._home = deps, directory, home
        self._ledger = RequestLedger(deps.sessions, deps.clock)

    def run(self, ack: Ack, client: WebClient, submission: Submission) -> None:
        """Ack within the budget: with the refusal in the form, or closing it."""
        if submission.key is not None and not self._ledger.claim(submission.team_id,
                                                                 submission.key):
            # Submitted twice: the first copy acts and confirms by message; this one
            # just lets the form close.
            ack()
            return
        handoff: Handoff[str | None] = Handoff()
        queued = self._deps.backlog.submit(
            f"form {type(submission.command).__name__}",
            lambda: self._work(client, submission, handoff),
            # The work reports its own refusals and failures; what is left can only fail
            # after the change was made (the confirmation), and is logged by the backlog.
            on_failure=lambda _exc: None,
        )
        if not queued:
            self._release(submission)
            ack(response_action="errors", errors={submission.error_block: _plain(BUSY_MESSAGE)})
            return
        in_time, refusal = handoff.take()
        if in_time and refusal is not None:
            ack(response_action="errors",
                errors={submission.error_block: refusal[:FIELD_ERROR_LIMIT]})
        else:
            ack()

    def _work(self, client: WebClient, submission: Submission,
              handoff: Handoff[str | None]) -> None:
        request = commands.Request(submission.team_id, submission.user_id, self._deps,
                                   self._directory)
        try:
            outcome = commands.run(submission.command, request)  # type: ignore[arg-type]
        except (ServiceError, PersonProblem) as exc:
            self._refuse(client, submission, handoff, _message(exc))
            return
        except Exception:
            log.exception("form failed", extra={"fields": {"outcome": "error"}})
            self._refuse(client, submission, handoff, _plain(FAILED_MESSAGE))
            return
        handoff.give(None)
        # In time or not, the form has closed (or is closing): this message confirms it.
        client.chat_postMessage(channel=submission.user_id, **outcome.reply.payload())
        for member, reply in outcome.notify:
            client.chat_postMessage(channel=member, **reply.payload())
        self._home.refresh(submission.team_id, outcome.changed_for)

    def _release(self, submission: Submission) -> None:
        """Nothing was changed: the same form may be sent again and must then act."""
        if submission.key is not None:
            self._ledger.release(submission.key)

    def _refuse(self, client: WebClient, submission: Submission, handoff: Handoff[str | None],
                message: str) -> None:
        self._release(submission)
        if handoff.give(message):
            return  # shown in the form, which is still open
        reply = render_late_refusal(message, submission.typed)
        client.chat_postMessage(channel=submission.user_id, **reply.payload())


def _message(exc: Exception) -> str:
    return exc.message if isinstance(exc, ServiceError) else str(exc)


def _plain(message: str) -> str:
    """A message without its leading emoji, for the small space under a form field."""
    return message.removeprefix(":warning: ")
