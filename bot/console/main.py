"""`actionlog console`: start everything, greet, run the loop, stop everything."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.console import workspace
from bot.console.printer import render_calls
from bot.console.repl import Console, run
from bot.console.session import start_console
from bot.console.timing import local_words, parse_local_time
from bot.log import configure_logging
from bot.settings import HOW_TO_FIX, SettingsError

HISTORY_FILE = Path("~/.actionlog_console_history")


class ConsoleError(Exception):
    """A problem with how the console was started; printed as one line."""


def console_zone() -> str:
    """ACTIONLOG_TIMEZONE, checked, or Europe/London; the console reads no other setting."""
    name = os.environ.get("ACTIONLOG_TIMEZONE") or "Europe/London"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"ACTIONLOG_TIMEZONE is not valid (not a known time zone): "
            f"{HOW_TO_FIX['ACTIONLOG_TIMEZONE']}."
        ) from None
    return name


def run_console(db_path: Path, at: str | None, stdin: TextIO = sys.stdin,
                stdout: TextIO = sys.stdout) -> int:
    """Run the console until :quit or the end of input."""
    zone_name = console_zone()
    zone = ZoneInfo(zone_name)
    try:
        start = parse_local_time(at, zone) if at else datetime.now(UTC)
    except ValueError as exc:
        raise ConsoleError(f"--at: {exc}") from None
    # Request lines would drown the conversation; warnings and errors still reach stderr.
    configure_logging(level=logging.WARNING)
    if hasattr(stdout, "reconfigure"):  # a terminal without UTF-8 gets "?" for emoji
        stdout.reconfigure(errors="replace")
    with start_console(db_path, start, zone_name) as bot:
        console = Console(bot, writer(stdout))
        console.write("Action Log console: the real bot, talking to a stand-in for Slack on "
                      "this computer. No Slack workspace or tokens are used.")
        console.write(f"Database {db_path} · clock {local_words(start, zone)} ({zone_name})")
        if bot.is_new():
            set_up(console)
        me = workspace.SECRETARIAT
        console.write(f"You are @{me.alias} ({me.real_name}). :help lists the console "
                      "commands; :demo loads example meetings and actions.")
        console.write("")
        try:
            if stdin.isatty():
                with_history(lambda: run(console))
            else:
                run(console, stdin, echo=True)
        except KeyboardInterrupt:
            return 130
    return 0


def set_up(console: Console) -> None:
    """First start: the secretariat names the role holders and the team channel."""
    console.write("Setting up the pretend workspace as @sam (the first person to use the bot "
                  "becomes its secretariat):")
    problems = []
    for text in workspace.setup_commands():
        console.bot.command(workspace.SECRETARIAT, text)
        out = render_calls(console.bot.settle())
        problems += [line for line in out.lines if "⚠️" in line]
    for line in workspace.describe():
        console.write(line)
    console.write(f"  team channel #{workspace.TEAM_CHANNEL.name}")
    for line in problems:
        console.write("  problem: " + line.strip())


def with_history(action: Callable[[], None]) -> None:
    """Run the interactive loop keeping readline history between sessions."""
    try:
        import readline
    except ImportError:  # not available on every platform; the console works without it
        action()
        return
    path = HISTORY_FILE.expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)
    try:
        action()
    finally:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)


def writer(stream: TextIO = sys.stdout) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    return write
