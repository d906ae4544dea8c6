"""Run the real `actionlog console` as a subprocess with piped stdin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.standin.server import CALLER_MISTAKES

TIMEOUT_SECONDS = 60


def run_console(tmp_path: Path, script: str, *args: str,
                without: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Pipe ``script`` into ``actionlog console``: no Slack tokens, a DATABASE_URL to ignore.

    ``without`` names modules to make unimportable, as if they were not installed.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "ACTIONLOG_TIMEZONE")}
    # Were the console to read this, it would fail: nothing listens on port 1.
    env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/nothing"
    env["HOME"] = str(tmp_path)
    env["PYTHONIOENCODING"] = "utf-8"
    command = [sys.executable, "-m", "bot.cli", "console", *args]
    if without:
        # None in sys.modules makes `import name` fail as it does for a missing package.
        program = (f"import sys; sys.modules.update(dict.fromkeys({list(without)!r})); "
                   "from bot.cli import main; sys.exit(main())")
        command = [sys.executable, "-c", program, "console", *args]
    result = subprocess.run(
        command, input=script, text=True,
        encoding="utf-8", capture_output=True, cwd=tmp_path, env=env, timeout=TIMEOUT_SECONDS,
    )
    # The console shows every call the stand-in refused; none may be the bot's mistake.
    mistakes = [line for line in _REFUSED.findall(result.stdout)
                if line[1] in CALLER_MISTAKES]
    assert not mistakes, f"Slack would have refused: {mistakes}"
    return result


_REFUSED = re.compile(r"\[Slack refused ([\w./]+): (\w+)\]")
