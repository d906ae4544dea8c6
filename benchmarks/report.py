"""One table of results: printed to stdout and written to BENCHMARKS.md with the machine."""

from __future__ import annotations

import math
import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """One figure of ours beside its reference; ``limit`` bounds ours/reference, and
    ``must_equal`` is a count that has to be exactly that (lost answers: 0)."""

    bench: str
    backend: str
    measure: str
    ours: float
    reference: float | None
    ref_name: str
    unit: str = ""
    limit: float | None = None
    higher_is_better: bool = False
    decimals: int = 1
    must_equal: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.reference is None or self.reference == 0:
            return None
        ratio = self.ours / self.reference
        return ratio if math.isfinite(ratio) else None

    @property
    def met(self) -> bool | None:
        if self.must_equal is not None:
            return self.ours == self.must_equal
        ratio = self.ratio
        if self.limit is None or ratio is None:
            return None
        return ratio >= self.limit if self.higher_is_better else ratio <= self.limit

    @property
    def target(self) -> str:
        if self.must_equal is not None:
            return f"= {self.must_equal:g}"
        if self.limit is None:
            return ""
        return f"{'≥' if self.higher_is_better else '≤'} {self.limit:g}×"

    def miss(self) -> str | None:
        """By how much the target was missed, in words; None when met or without a target."""
        if self.must_equal is not None and self.met is False:
            return (f"{self.bench} {self.backend} {self.measure}: {self.ours:g}, must be "
                    f"{self.must_equal:g}")
        if self.met is not False or self.ratio is None or self.limit is None:
            return None
        what = f"{self.bench} {self.backend} {self.measure}: ratio {self.ratio:.2f} against "
        if self.ratio == 0:
            return what + f"{self.target}: ours was zero"
        factor = self.limit / self.ratio if self.higher_is_better else self.ratio / self.limit
        return what + f"{self.target}, missed by a factor of {factor:.2f}"


@dataclass
class Section:
    """What one benchmark produced: rows for the table and notes below it."""

    name: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _number(value: float | None, decimals: int, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return f"{text} {unit}".strip()


def table(sections: list[Section]) -> list[str]:
    """The results as Markdown table lines."""
    lines = ["| Bench | DB | Measure | Ours | Reference | Ratio | Target | Met |",
             "|---|---|---|---:|---:|---:|---|---|"]
    for section in sections:
        for row in section.rows:
            ref = _number(row.reference, row.decimals, row.unit)
            ratio = "–" if row.ratio is None else f"{row.ratio:.2f}"
            met = {True: "yes", False: "**no**", None: ""}[row.met]
            lines.append(
                f"| {row.bench} | {row.backend} | {row.measure} | "
                f"{_number(row.ours, row.decimals, row.unit)} | {ref} ({row.ref_name}) | "
                f"{ratio} | {row.target} | {met} |"
            )
    return lines


def machine() -> dict[str, str]:
    """Where the figures were measured."""
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": str(os.cpu_count()),
        "memory": _memory_total(),
        "python": sys.version.split()[0],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def render_text(sections: list[Section], header: list[str]) -> str:
    """What stdout shows: the header, the table, notes and misses."""
    lines = [*header, "", *table(sections), ""]
    for section in sections:
        for note in section.notes:
            lines.append(f"- {section.name}: {note}")
    misses = [m for s in sections for r in s.rows if (m := r.miss())]
    if misses:
        lines += ["", "Targets missed:"] + [f"- {m}" for m in misses]
    return "\n".join(lines)


def write_markdown(path: Path, sections: list[Section], command: str, sizes: str,
                   findings: str | None) -> None:
    """BENCHMARKS.md: the date, the machine, the table, notes, misses and findings."""
    info = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks", "",
        f"Measured {now} with `{command}` (see README, *Benchmarks*).", "",
        f"- Machine: {info['platform']}, {info['cpu']}, {info['cpus']} CPUs, "
        f"{info['memory']} memory",
        f"- Python {info['python']}",
        f"- Sizes: {sizes}",
        f"- Time taken: {sum(s.seconds for s in sections):.0f} s", "",
        "Ratio is ours ÷ reference, both measured in the same run; these machines are noisy, "
        "so the ratios are what count.", "",
        *table(sections), "",
        "## Notes", "",
    ]
    for section in sections:
        lines += [f"- **{section.name}**: {note}" for note in section.notes]
    misses = [m for s in sections for r in s.rows if (m := r.miss())]
    lines += ["", "## Targets missed", ""]
    lines += [f"- {m}" for m in misses] or ["None."]
    if findings:
        lines += ["", findings.strip()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
