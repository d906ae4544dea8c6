"""Where the CPU went during a run: the machine's busy share and each process group's.

PostgreSQL counts only its backends on the benchmark's own databases; the rest of the
machine's busy time is shown as "everything else" (other programs on a shared machine).

Read from /proc (Linux): a snapshot before and one after, then the difference. On the
2-CPU benchmark machine this says whether a run was bound by the machine (every CPU
busy, so a second worker cannot help) or by waiting.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Snapshot:
    """CPU ticks so far: the machine's busy and total, and each process's (by name)."""

    busy: int
    total: int
    processes: dict[int, tuple[str, int]]  # pid -> (name, ticks)


def snapshot(groups: dict[str, int]) -> Snapshot | None:
    """Ticks now; ``groups`` names process groups by their id. None without /proc."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(value) for value in fields[:8]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    names = {pgid: name for name, pgid in groups.items()}
    used: dict[int, tuple[str, int]] = {}
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue  # gone meanwhile
        parts = rest.split()
        pid, pgid = int(stat.parent.name), int(parts[2])
        if pgid in names:
            name = names[pgid]
        elif comm.endswith("(postgres") and _serves_benchmark(stat.parent):
            name = "postgres"
        elif pid == me:
            name = "load generator"
        else:
            continue
        used[pid] = (name, int(parts[11]) + int(parts[12]))  # utime, stime
    return Snapshot(sum(ticks) - idle, sum(ticks), used)


def describe(before: Snapshot | None, after: Snapshot | None, wall_s: float) -> str:
    """"machine 97% busy; bot 1.1 CPUs, postgres 0.4 CPUs, ..." for the notes."""
    if before is None or after is None or wall_s <= 0 or after.total == before.total:
        return "CPU not measured"
    busy = (after.busy - before.busy) / (after.total - before.total)
    used: Counter[str] = Counter()
    for pid, (name, ticks) in after.processes.items():
        # A process that ended meanwhile drops out; one that started counts whole.
        used[name] += ticks - before.processes.get(pid, (name, 0))[1]
    shares = {name: ticks / TICKS / wall_s for name, ticks in used.items()}
    cpus = os.cpu_count() or 1
    shares["everything else on the machine"] = max(0.0, busy * cpus - sum(shares.values()))
    parts = ", ".join(f"{name} {share:.2f}" for name, share in
                      sorted(shares.items(), key=lambda item: -item[1]))
    return f"CPU: machine {busy:.0%} busy of {cpus} CPUs; CPUs used by {parts}"


def _serves_benchmark(proc: Path) -> bool:
    """A PostgreSQL backend on one of the benchmark's databases (``bench_...``), not on
    another program's: the server is shared."""
    try:
        return b" bench_" in (proc / "cmdline").read_bytes()
    except OSError:
        return False
