"""Refuse a value longer than its column before the database sees it.

SQLite ignores a column's length and PostgreSQL fails the whole transaction on it, so
without this the same over-long id or title is stored on one and a generic failure on
the other. Checked at flush, this covers every service at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from storage.errors import InvalidChange


def refuse_overlong(session: Session, _flush_context: Any, _instances: Any) -> None:
    """A ``before_flush`` hook: InvalidChange for any text longer than its column."""
    for record in list(session.new) + list(session.dirty):
        for attribute in inspect(record).mapper.column_attrs:
            column = attribute.columns[0]
            limit = column.type.length if isinstance(column.type, String) else None
            value = getattr(record, attribute.key, None)
            if limit and isinstance(value, str) and len(value) > limit:
                what = column.name.replace("_", " ").removesuffix(" id") + (
                    " id" if column.name.endswith("_id") else "")
                raise InvalidChange(
                    f"That is too long to store: the {what} is {len(value):,} characters, "
                    f"and at most {limit:,} fit. Nothing was changed."
                )
