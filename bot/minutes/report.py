"""The import's findings as the one JSON object `actionlog import --json` prints."""

from __future__ import annotations

from typing import Any

from bot.minutes.dues import due_json
from bot.minutes.extract import Extraction, Proposal


def extraction_json(extraction: Extraction) -> dict[str, Any]:
    """Meeting, next meeting, actions, brought-forward items and problems, as plain JSON data."""
    next_date = extraction.next_meeting.date if extraction.next_meeting else None
    return {
        "meeting": extraction.meeting.as_json() if extraction.meeting else None,
        "next_meeting": extraction.next_meeting.as_json() if extraction.next_meeting else None,
        "actions": [proposal_json(proposal, next_date) for proposal in extraction.proposals],
        "brought_forward": list(extraction.brought_forward),
        "problems": list(extraction.problems),
    }


def proposal_json(proposal: Proposal, next_meeting: Any) -> dict[str, Any]:
    """One proposed action in the shape the issue gives."""
    return {
        "text": proposal.text,
        "owners": list(proposal.owners),
        "owners_as_written": proposal.owners_as_written,
        "due": due_json(proposal.due, next_meeting),
        "recurs": proposal.recurs,
        "first_due": proposal.first_due,
        "agenda_item": proposal.agenda_item,
        "source": proposal.source,
        "confidence": proposal.confidence,
    }
