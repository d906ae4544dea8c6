"""Smoke test of the benchmark harness: every benchmark runs at tiny sizes and gives numbers.

Timings are not checked against targets here; ``python -m benchmarks`` does that.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.__main__ import ALL, main, run_benchmarks
from benchmarks.b3_delivery import minimum_seconds
from benchmarks.config import QUICK
from benchmarks.load import percentile
from benchmarks.profiling import Profile, summarise_collapsed
from benchmarks.report import Row, Section, table
from tests.support.databases import POSTGRES_ADMIN_URL, backend

TINY = replace(
    QUICK,
    b1_actions=60, b1_owners=10, b1_meetings=6, b1_requests=6, b1_concurrency=(2,),
    b1_small_actions=30, b1_counted=1, b1_max_seconds=10.0, b1_drain_seconds=20.0,
    loop_actions=60, loop_seconds=2.0, loop_warmup_seconds=0.5, scale_people=4,
    scale_seconds=2.0,
    b2_actions=100, b2_owners=10, b2_meetings=10,
    b3_reminders=8, b3_workspace_per_min=6000.0, b3_workspace_burst=4,
    b4_actions=60, b5_idle_seconds=0.1, b5_starts=1, b6_actions=40,
)


def test_every_benchmark_runs_and_reports_numbers(tmp_path: Path) -> None:
    db = "postgresql" if backend() == "postgres" else "sqlite"
    sections = run_benchmarks(list(ALL), TINY, [db], POSTGRES_ADMIN_URL, Profile(None),
                              workdir=tmp_path)
    assert len(sections) == len(ALL)
    for section in sections:
        if section.name == "B1 scale-out" and db == "sqlite":
            assert section.notes == ["not run: scale-out needs PostgreSQL (on SQLite one "
                                     "worker runs)"]
            continue
        assert section.rows, section.name
        for row in section.rows:
            assert math.isfinite(row.ours) and row.ours >= 0, row
            assert row.reference is None or math.isfinite(row.reference), row
    delivery = next(s for s in sections if s.name.startswith("B3"))
    lost_or_duplicated = next(r for r in delivery.rows if "lost" in r.measure)
    assert lost_or_duplicated.ours == 0
    if db == "postgresql":
        scale = next(s for s in sections if s.name == "B1 scale-out")
        assert any("2 workers vs 1" in r.measure for r in scale.rows)
    loop = next(s for s in sections if s.name == "B1 closed loop")
    assert [r.measure.split(": ")[1] for r in loop.rows if r.must_equal == 0] == [
        "acknowledged, never answered", "answered more than once", "acks failed"]
    assert len(table(sections)) == 2 + sum(len(s.rows) for s in sections)


def test_the_command_line_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    assert main(["--quick", "--only", "B4", "--b4-actions", "40", "--output", str(out)]) == 0
    text = out.read_text()
    assert "| B4 |" in text and "Python" in text


def test_unknown_benchmark_is_refused() -> None:
    assert main(["--only", "B9"]) == 2


def test_ratios_targets_and_misses() -> None:
    lower = Row("B1", "sqlite", "p99", 26.0, 20.0, "bare", limit=1.3)
    assert lower.ratio == pytest.approx(1.3) and lower.met
    higher = Row("B1", "sqlite", "throughput", 40.0, 100.0, "bare", limit=0.8,
                 higher_is_better=True)
    assert higher.met is False and "factor of 2.00" in (higher.miss() or "")
    assert Row("B3", "sqlite", "lost", 0.0, None, "must be 0").met is None
    nothing = Row("B1", "sqlite", "throughput", 0.0, 50.0, "bare", limit=0.8,
                  higher_is_better=True)
    assert nothing.met is False and "zero" in (nothing.miss() or "")
    assert Row("B1", "sqlite", "p99", math.nan, 10.0, "bare", limit=1.3).ratio is None
    assert "| 1.30 | ≤ 1.3× | yes |" in table([Section("B1", rows=[lower])])[2]


def test_percentile_and_the_limits_minimum() -> None:
    assert percentile([float(n) for n in range(1, 101)], 99) == 99.0
    assert math.isnan(percentile([], 50))
    sizes = replace(QUICK, b3_workspace_per_min=600.0, b3_workspace_burst=100,
                    b3_channel_per_sec=1.0, b3_channel_burst=3)
    assert minimum_seconds(Counter({f"U{n}": 1 for n in range(2000)}), sizes) == 190.0
    assert minimum_seconds(Counter({"C0TEAM": 13}), sizes) == 10.0


def test_py_spy_stacks_are_summarised() -> None:
    text = "main (app.py:1);work (bot/home.py:40) 3\nmain (app.py:1);idle (x.py:2) 1\n"
    summary = summarise_collapsed(text)
    assert "4 samples" in summary and "75.0%  work (bot/home.py:40)" in summary
