"""Moving the console's clock: reading `:advance` and `:at`, and when rounds would have run."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from reminders.planner import at_local

_PART_RE = re.compile(r"\s*(?P<count>\d{1,4})\s*(?P<unit>w|d|h|m)[a-z]*\s*", re.IGNORECASE)
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
          "m": timedelta(minutes=1)}
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M")


def parse_duration(text: str) -> timedelta:
    """``5d``, ``3h``, ``2w``, ``30m`` or a mix such as ``1d 2h``; ValueError otherwise."""
    total, position = timedelta(), 0
    for match in _PART_RE.finditer(text):
        if match.start() != position:
            break
        total += int(match["count"]) * _UNITS[match["unit"].lower()]
        position = match.end()
    if position != len(text) or not text.strip() or total <= timedelta():
        raise ValueError(f"{text.strip()!r} is not a time span; write 5d, 3h, 2w or 30m.")
    return total


def parse_local_time(text: str, zone: ZoneInfo) -> datetime:
    """``2026-11-19 09:00`` (or ``19/11/2026 09:00``) in ``zone``; ValueError otherwise."""
    cleaned = " ".join(text.split())
    for pattern in _FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(f"{cleaned!r} is not a time; write it like 2026-11-19 09:00.")


def round_times(old: datetime, new: datetime, send_time: time, zone: ZoneInfo) -> list[datetime]:
    """Each local day's send time in (old, new], then ``new`` itself.

    The real scheduler runs a round every minute, so each day's messages go out at that
    day's send time; running one round at ``new`` instead would merge several days into one
    catch-up message.
    """
    times: list[datetime] = []
    day = old.astimezone(zone).date()
    while (slot := at_local(day, send_time, zone)) <= new:
        if slot > old:
            times.append(slot)
        day += timedelta(days=1)
    if not times or times[-1] != new:
        times.append(new)
    return times


def local_words(when: datetime, zone: ZoneInfo) -> str:
    """``Thu 19 Nov 2026, 09:00``."""
    local = when.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
