"""The hand-off between a form's work and the listener that must ack within 3 seconds."""

from __future__ import annotations

import threading

from bot.handoff import Handoff


def test_a_result_given_in_time_is_taken() -> None:
    handoff: Handoff[str] = Handoff()
    threading.Timer(0.05, lambda: handoff.give("recorded")).start()
    assert handoff.take(seconds=5) == (True, "recorded")


def test_a_late_result_is_refused_so_the_work_reports_it_itself() -> None:
    handoff: Handoff[str] = Handoff()
    assert handoff.take(seconds=0.05) == (False, None)
    assert handoff.give("recorded") is False


def test_a_result_given_before_the_listener_waits_is_not_lost() -> None:
    handoff: Handoff[str] = Handoff()
    assert handoff.give("recorded") is True
    assert handoff.take(seconds=0) == (True, "recorded")
