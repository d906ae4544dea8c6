"""The backlog: work runs after the ack, failures reach the person, overload is refused."""

from __future__ import annotations

import threading

from bot.backlog import Backlog


def test_jobs_run_on_the_backlog_threads_not_the_caller() -> None:
    backlog = Backlog(workers=2)
    ran_on: list[str] = []
    assert backlog.submit("job", lambda: ran_on.append(threading.current_thread().name),
                          on_failure=lambda exc: None)
    assert backlog.wait_idle(timeout=5)
    assert ran_on and ran_on[0].startswith("actionlog-work")
    backlog.close(timeout=5)


def test_a_failing_job_reports_its_exception() -> None:
    backlog = Backlog(workers=1)
    failures: list[Exception] = []
    backlog.submit("job", lambda: 1 / 0, on_failure=failures.append)  # type: ignore[arg-type, func-returns-value]
    assert backlog.wait_idle(timeout=5)
    assert len(failures) == 1 and isinstance(failures[0], ZeroDivisionError)
    assert backlog.pending() == 0
    backlog.close(timeout=5)


def test_a_full_backlog_refuses_and_queues_nothing() -> None:
    backlog = Backlog(workers=1, limit=2)
    release = threading.Event()
    ran: list[int] = []

    def slow(n: int) -> None:
        release.wait(5)
        ran.append(n)

    assert backlog.submit("a", lambda: slow(1), on_failure=lambda exc: None)
    assert backlog.submit("b", lambda: slow(2), on_failure=lambda exc: None)
    assert not backlog.submit("c", lambda: slow(3), on_failure=lambda exc: None)
    assert backlog.pending() == 2
    release.set()
    assert backlog.wait_idle(timeout=5)
    assert sorted(ran) == [1, 2]
    backlog.close(timeout=5)


def test_close_finishes_queued_work_and_takes_no_more() -> None:
    backlog = Backlog(workers=1)
    done = threading.Event()
    backlog.submit("job", lambda: (threading.Event().wait(0.2), done.set()),
                   on_failure=lambda exc: None)
    assert backlog.close(timeout=5)
    assert done.is_set()
    assert not backlog.submit("late", lambda: None, on_failure=lambda exc: None)
    assert backlog.pending() == 0
