"""Every named id is used: each button's action id is rendered and has a listener."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ids import ActionId, CallbackId

BOT = Path(__file__).resolve().parents[2] / "bot"


def _source(folder: str) -> str:
    return "\n".join(p.read_text() for p in (BOT / folder).rglob("*.py"))


@pytest.mark.parametrize("action_id", list(ActionId), ids=lambda a: a.name)
def test_every_action_id_is_rendered_and_listened_for(action_id: ActionId) -> None:
    assert f"ActionId.{action_id.name}" in _source("render")
    listened = [line for line in _source("listeners").splitlines()
                if line.strip().startswith("@app.action(")]
    assert any(f"ActionId.{action_id.name}" in line for line in listened)


@pytest.mark.parametrize("callback_id", list(CallbackId), ids=lambda c: c.name)
def test_every_callback_id_has_a_listener(callback_id: CallbackId) -> None:
    listeners = _source("listeners")
    assert (f"@app.view(CallbackId.{callback_id.name})" in listeners
            or f"@app.shortcut(CallbackId.{callback_id.name})" in listeners)
