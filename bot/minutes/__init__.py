"""Minutes in: read a file of minutes into text, and find the actions agreed in it."""

from bot.minutes.extract import Extraction, Proposal, extract_actions
from bot.minutes.read import MAX_BYTES, Block, MinutesReadError, read_minutes, read_minutes_file

__all__ = [
    "MAX_BYTES",
    "Block",
    "Extraction",
    "MinutesReadError",
    "Proposal",
    "extract_actions",
    "read_minutes",
    "read_minutes_file",
]
