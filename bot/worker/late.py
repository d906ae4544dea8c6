"""What to tell a person whose form closed before the worker's answer was ready.

The web process holds a form submission's ack open for a while (bot/intake.py); when
the worker's answer comes later than that, Slack has already closed the form. An answer
that would have shown errors in the form, or the next step of it, then comes by direct
message, with what was typed, so nothing entered is lost.
"""

from __future__ import annotations

import json
from typing import Any

from bot.render.common import Reply
from bot.render.help import render_late_refusal

FORM_CLOSED = ("Slack closed the form before the bot could show its next step, so please "
               "open it again.")


def late_answer(body: dict[str, Any], ack_body: str) -> Reply | None:
    """The message standing in for ``ack_body``; None when the closed form said it all."""
    try:
        ack = json.loads(ack_body) if ack_body else {}
    except ValueError:
        return None
    action = ack.get("response_action") if isinstance(ack, dict) else None
    typed = typed_values(body)
    if action == "errors":
        errors = ack.get("errors") or {}
        return render_late_refusal(" ".join(str(v) for v in errors.values()), typed)
    if action in ("update", "push"):
        return render_late_refusal(FORM_CLOSED, typed)
    return None


def typed_values(body: dict[str, Any]) -> str:
    """The text a person typed into the form's fields, one per line."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    lines = []
    for block in values.values():
        for element in (block or {}).values():
            value = (element or {}).get("value")
            if isinstance(value, str) and value.strip():
                lines.append(value)
    return "\n".join(lines)
