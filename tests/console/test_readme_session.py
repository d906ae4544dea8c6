"""The console session shown in the README is what the console really prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.console.running import run_console

README = Path(__file__).resolve().parents[2] / "README.md"
PROMPT_RE = re.compile(r"^[a-z]+> (?P<typed>.+)$")


def _transcript() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Try it without Slack: the console", 1)[1]
    return section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()


def test_readme_transcript_is_real(tmp_path: Path) -> None:
    lines = _transcript()
    assert lines[0].startswith("$ .venv/bin/actionlog console")
    args = shlex.split(lines[0])[3:]  # after "$ .venv/bin/actionlog console"
    typed = [m["typed"] for line in lines if (m := PROMPT_RE.match(line))]
    result = run_console(tmp_path, "\n".join(typed) + "\n", *args)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    position = 0
    for line in lines[1:]:
        if line.strip() in ("", "..."):
            continue
        assert line in printed[position:], f"README line not printed (in order): {line!r}"
        position = printed.index(line, position) + 1
