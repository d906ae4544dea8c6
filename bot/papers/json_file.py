"""The action log as JSON: the same rows as the other formats, dates in ISO 8601."""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.papers.log import ActionLog


def render_json(log: ActionLog) -> bytes:
    """The JSON document's bytes (UTF-8); local times carry no offset, as the table's do."""
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    def moment(value: datetime) -> str:
        return value.isoformat(timespec="minutes")

    document = {
        "organisation": log.organisation,
        "title": log.title,
        "as_at": moment(log.as_at),
        "scope": log.scope,
        "actions": [
            {
                "ref": r.ref, "meeting": r.meeting, "item": r.item, "action": r.action,
                "owners": r.owners, "original_due": day(r.original_due),
                "revised_due": day(r.revised_due), "status": r.status,
                "rag": r.rag.value if r.rag else None, "latest_update": r.latest_update,
                "latest_update_on": day(r.latest_update_on), "closed_on": day(r.closed_on),
            }
            for r in log.rows
        ],
        "history": [
            {"ref": h.ref, "at": moment(h.at), "who": h.who, "what": h.what,
             "change": h.change, "note": h.note}
            for h in log.history
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
