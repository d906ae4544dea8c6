"""APScheduler provides the timing; the database decides what is sent (see delivery)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from reminders.service import ReminderService

log = logging.getLogger("actionlog.reminders")

ROUND_EVERY_SECONDS = 60


def start_scheduler(service: ReminderService) -> BackgroundScheduler:
    """Run a round every minute, and one at once to catch up after downtime."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _safe_round,
        IntervalTrigger(seconds=ROUND_EVERY_SECONDS),
        args=[service],
        id="reminder-round",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=ROUND_EVERY_SECONDS,
        # APScheduler keeps real time; the round itself reads the injected clock.
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler


def _safe_round(service: ReminderService) -> None:
    # A failed round must not stop the schedule; the next minute tries again.
    try:
        service.run_due()
    except Exception:  # noqa: BLE001
        log.exception("job", extra={"fields": {"what": "reminder round", "outcome": "error"}})
