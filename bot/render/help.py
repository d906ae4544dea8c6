"""Usage and error replies for the /actions command."""

from __future__ import annotations

from bot.render.common import Reply, context, escape, section


def render_help(help_text: str) -> Reply:
    return Reply(text=help_text, blocks=[section(help_text)])


def render_error(message: str, usage: str | None) -> Reply:
    """A friendly refusal with the usage line that would have worked."""
    blocks = [section(f":warning: {message}")]
    if usage and "\n" in usage:
        blocks.append(section(usage))  # the whole help, which has its own `code` spans
    elif usage:
        blocks.append(context(f"Usage: `{usage}`"))
    text = f"{message}\nUsage: {usage}" if usage else message
    return Reply(text=text, blocks=blocks)


# Raw characters per quoted section: even all "&" (escaped to five) and all line breaks
# (each quoted with "> ") stay inside Slack's 3,000-character section limit.
_QUOTE_CHUNK = 400


def render_late_refusal(message: str, typed: str) -> Reply:
    """A form's refusal that came after the form had closed, repeating what was typed so
    it can be sent again."""
    intro = f":warning: {message}\nNothing was changed. What you entered, to send again:"
    chunks = [typed[i:i + _QUOTE_CHUNK] for i in range(0, len(typed), _QUOTE_CHUNK)] or [""]
    blocks = [section(intro)]
    blocks += [section("\n".join(f"> {escape(line)}" for line in chunk.split("\n")))
               for chunk in chunks]
    return Reply(text=f"{intro}\n{escape(typed)}", blocks=blocks)
