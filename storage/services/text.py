"""The one rule for what typed text can be stored, shared by every service that stores it."""

from __future__ import annotations

from storage.errors import InvalidChange

NUL = "\x00"


def check_storable(text: str | None, *, what: str) -> None:
    """Refuse text the database cannot hold, with a message fit to show the person.

    PostgreSQL rejects the NUL character (U+0000) in any text value. It is refused here,
    before anything is written, and on SQLite too so both behave the same; so is a lone
    surrogate, which is not a character. Every other character, control characters and
    direction marks included, is stored as typed.
    """
    if text and NUL in text:
        raise InvalidChange(
            f"{what} contains a NUL character (U+0000), which can't be stored. "
            "Please remove it and try again."
        )
    if text and not _encodable(text):
        # A lone surrogate (JSON allows "\ud800" alone) is no character at all, and
        # neither database driver can encode it.
        raise InvalidChange(
            f"{what} contains a broken character (half of a surrogate pair), which can't "
            "be stored. Please retype it and try again."
        )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
