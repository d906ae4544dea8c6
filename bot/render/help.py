"""Usage and error replies for the /actions command."""

from __future__ import annotations

from bot.render.common import Reply, context, section


def render_help(help_text: str) -> Reply:
    return Reply(text=help_text, blocks=[section(help_text)])


def render_error(message: str, usage: str | None) -> Reply:
    """A friendly refusal with the usage line that would have worked."""
    blocks = [section(f":warning: {message}")]
    if usage:
        blocks.append(context(f"Usage: `{usage}`"))
    text = f"{message}\nUsage: {usage}" if usage else message
    return Reply(text=text, blocks=blocks)
