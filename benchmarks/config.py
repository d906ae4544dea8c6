"""The sizes every benchmark takes as parameters: the issue's defaults and a quick set."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark is; the defaults are the ones the targets are stated for."""

    # B1: acknowledgement latency against a preloaded database.
    b1_actions: int = 10_000
    b1_owners: int = 500
    b1_meetings: int = 100
    b1_requests: int = 2_000
    b1_concurrency: tuple[int, ...] = (1, 16)
    b1_small_actions: int = 1_000  # the second size that shows SQL per command is flat
    b1_counted: int = 5  # commands whose SQL statements are counted, per command and size
    b1_max_seconds: float = 40.0  # no new request after this long, per app and configuration
    b1_drain_seconds: float = 60.0  # how long to wait for the replies after the last ack
    # B1LOOP: people who wait for each answer before their next command (closed loop).
    loop_actions: int = 10_000
    loop_people: int = 4
    loop_seconds: float = 30.0  # measured, per app and database; a few more to warm up
    loop_warmup_seconds: float = 5.0
    loop_answer_wait: float = 10.0  # a person gives up waiting for an answer after this
    loop_drain_seconds: float = 30.0  # after the run, for answers still owed
    # B1SCALE: the same loop on PostgreSQL, web and worker processes apart.
    scale_people: int = 16
    scale_seconds: float = 30.0
    # B2: planning a reminder round.
    b2_actions: int = 100_000
    b2_owners: int = 5_000
    b2_meetings: int = 1_000
    b2_repeats: int = 3
    # B3: delivery under Slack's rate limits.
    b3_reminders: int = 2_000
    b3_workspace_per_min: float = 600.0
    b3_workspace_burst: int | None = None  # None: the stand-in's ten seconds' worth
    b3_channel_per_sec: float = 1.0
    b3_channel_burst: int = 3
    b3_tier3_per_min: float = 50.0
    # B4: rendering the summary and the digest.
    b4_actions: int = 10_000
    b4_repeats: int = 5
    # B5: footprint.
    b5_idle_seconds: float = 1.0
    b5_starts: int = 3
    # B6: the action log for the meeting papers, in each format.
    b6_actions: int = 10_000
    b6_repeats: int = 3
    # IMPORT: the minutes import; the corpus is fixed, the long document is this many pages.
    import_pages: int = 30


QUICK = Sizes(
    b1_actions=200, b1_owners=20, b1_meetings=10, b1_requests=30, b1_small_actions=100,
    b1_concurrency=(4,), b1_counted=1, b1_max_seconds=15.0, b1_drain_seconds=30.0,
    loop_actions=200, loop_seconds=3.0, loop_warmup_seconds=1.0, loop_answer_wait=10.0,
    loop_drain_seconds=10.0, scale_people=4, scale_seconds=3.0,
    b2_actions=500, b2_owners=50, b2_meetings=20, b2_repeats=1,
    b3_reminders=40, b3_workspace_per_min=1200.0, b3_workspace_burst=10,
    b4_actions=300, b4_repeats=1,
    b5_idle_seconds=0.5, b5_starts=1,
    b6_actions=200, b6_repeats=1, import_pages=3,
)


def size_fields() -> list[tuple[str, Any]]:
    """Each size's name and default, for the command line."""
    return [(f.name, f.default) for f in fields(Sizes)]


def with_overrides(base: Sizes, overrides: dict[str, Any]) -> Sizes:
    """``base`` with the sizes given on the command line."""
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})
