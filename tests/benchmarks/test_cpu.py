"""Where the CPU went: shares per process, what ended meanwhile, and the rest of the machine."""

from __future__ import annotations

import os

from benchmarks.cpu import TICKS, Snapshot, describe, snapshot


def test_shares_per_name_and_the_rest_of_the_machine() -> None:
    cpus = os.cpu_count() or 1
    before = Snapshot(busy=0, total=0, processes={1: ("web", 0), 2: ("postgres", 5 * TICKS)})
    # One second, every CPU busy; web used one CPU, postgres' backend 2 ended, backend 3
    # started and used half a CPU.
    after = Snapshot(busy=cpus * 100, total=cpus * 100,
                     processes={1: ("web", TICKS), 3: ("postgres", TICKS // 2)})
    text = describe(before, after, wall_s=1.0)
    assert text.startswith(f"CPU: machine 100% busy of {cpus} CPUs")
    assert "web 1.00" in text and "postgres 0.50" in text
    assert f"everything else on the machine {max(0.0, cpus - 1.5):.2f}" in text


def test_a_real_snapshot_finds_this_process() -> None:
    taken = snapshot({})
    assert taken is not None and taken.total >= taken.busy > 0
    assert taken.processes[os.getpid()][0] == "load generator"
    assert describe(None, taken, 1.0) == "CPU not measured"
