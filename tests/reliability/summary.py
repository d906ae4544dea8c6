"""Figures the reliability tests report, printed together at the end of the run."""

from __future__ import annotations

LINES: list[str] = []


def report(line: str) -> None:
    """Keep one line for the summary printed at the end of the run."""
    LINES.append(line)
