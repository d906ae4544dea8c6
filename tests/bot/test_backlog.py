"""The backlog in a worker: work runs at once, on the worker's thread; failures are told."""

from __future__ import annotations

import threading

from bot.backlog import Backlog


def test_jobs_run_at_once_on_the_calling_thread() -> None:
    ran_on: list[str] = []
    assert Backlog().submit("job", lambda: ran_on.append(threading.current_thread().name),
                            on_failure=lambda exc: None)
    # On the worker's thread, so inside the request's unit of work (storage/unit.py).
    assert ran_on == [threading.current_thread().name]


def test_a_failing_job_reports_its_exception() -> None:
    failures: list[Exception] = []
    Backlog().submit("job", lambda: 1 / 0, on_failure=failures.append)  # type: ignore[arg-type, func-returns-value]
    assert len(failures) == 1 and isinstance(failures[0], ZeroDivisionError)


def test_a_failure_in_reporting_does_not_escape() -> None:
    def report(_exc: Exception) -> None:
        raise RuntimeError("Slack is down too")

    assert Backlog().submit("job", lambda: 1 / 0, on_failure=report)  # type: ignore[arg-type, func-returns-value]
