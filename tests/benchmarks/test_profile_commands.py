"""`python -m benchmarks.profile_commands` runs at a tiny size and reports each command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import profile_commands

ROW = re.compile(r"^sqlite +(add|list mine|home tab) +(\d+) +([\d.]+) +([\d.]+) ", re.M)


def test_it_reports_statements_calls_and_time_per_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert profile_commands.main(["--actions", "60", "--commands", "3", "--no-postgres",
                                  "--profile", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = {what: (int(n), float(sql), float(slack))
            for what, n, sql, slack in ROW.findall(out)}
    assert set(rows) == {"add", "list mine", "home tab"}
    assert all(n == 3 and sql > 0 and slack == 0 for n, sql, slack in rows.values()), rows
    assert re.search(r"sqlite add: .*Recorded \*A-6\d\*", out)  # recorded, not refused
    assert (tmp_path / "sqlite-add.txt").read_text().startswith("3 commands")
