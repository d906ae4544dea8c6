"""The one rule for what typed text can be stored, shared by every service that stores it."""

from __future__ import annotations

from storage.errors import InvalidChange

NUL = "\x00"


def check_storable(text: str | None, *, what: str) -> None:
    """Refuse text the database cannot hold, with a message fit to show the person.

    PostgreSQL rejects the NUL character (U+0000) in any text value. It is refused here,
    before anything is written, and on SQLite too so both behave the same. Every other
    character, control characters and direction marks included, is stored as typed.
    """
    if text and NUL in text:
        raise InvalidChange(
            f"{what} contains a NUL character (U+0000), which can't be stored. "
            "Please remove it and try again."
        )
