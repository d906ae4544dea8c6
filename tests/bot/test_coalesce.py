"""The coalescer: a key already waiting is not queued twice; once started, it may be."""

from __future__ import annotations

from bot.coalesce import Coalescer


def test_a_waiting_key_is_not_claimed_again() -> None:
    waiting: Coalescer[str] = Coalescer()
    assert waiting.claim(["a", "b", "a", "c"]) == ["a", "b", "c"]
    assert waiting.claim(["b", "c", "d"]) == ["d"]


def test_a_started_key_can_be_claimed_again() -> None:
    waiting: Coalescer[str] = Coalescer()
    waiting.claim(["a", "b"])
    waiting.start("a")  # its work now reads the state, so a later change needs new work
    assert waiting.claim(["a", "b"]) == ["a"]
