"""Read who owns an action, as minutes write it: role codes, role titles, other titles."""

from __future__ import annotations

import re

from bot.parsing.owners import BUILT_IN_TITLES, built_in_role

BUILT_IN_CODES = frozenset(BUILT_IN_TITLES)

# Words that make a phrase a job title ("Head of Custody", "the Panel's Scrutiny Officer").
_TITLE_WORDS = re.compile(
    r"\b(?:officer|director|head|chief|commissioner|constable|manager|clerk|executive|"
    r"secretary|secretariat|lead|chair|chairman|chairperson|superintendent|inspector|"
    r"treasurer|coordinator|co-ordinator|analyst|adviser|advisor|commander|team|board|"
    r"panel|opcc|force|unit|department|group|partnership|council)\b",
    re.IGNORECASE,
)
_CODE_RE = re.compile(r"[A-Z][A-Z&]{1,5}s?")
_SPLIT_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s&\s|\band\b|\s/\s|;)\s*", re.IGNORECASE)
_THE_RE = re.compile(r"^(?:the|both(?: the)?|our)\s+", re.IGNORECASE)
_APOSTROPHE_RE = re.compile(r"[’`]")
_BRACKET_RE = re.compile(r"\s*\(([A-Z][A-Za-z&/]{1,6})\)\s*$")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’&./-]*")
_CONNECTORS = frozenset({"of", "the", "for", "and", "on", "in", "&", "to", "at"})
_NOT_OWNERS = frozenset(
    {"it", "this", "that", "there", "they", "we", "he", "she", "members", "all", "everyone",
     "who", "which", "what", "officers", "staff", "and", "or", "a", "an"}
)


def split_owners(phrase: str) -> list[str]:
    """Owners as written, split at "and", "&", commas and " / "; "the" dropped."""
    text = _APOSTROPHE_RE.sub("'", " ".join(phrase.split())).strip(" .:;,-–")
    # "CC/DCC" names two roles; "C/C" is one.
    parts: list[str] = []
    for part in _SPLIT_RE.split(text):
        part = _THE_RE.sub("", part.strip())
        if not part:
            continue
        pieces = part.split("/")
        if len(pieces) > 1 and all(_CODE_RE.fullmatch(piece) for piece in pieces):
            parts.extend(pieces)
        else:
            parts.append(part)
    return parts


def resolve_owner(written: str) -> str:
    """One owner's code (CC, DCC, ...) when it is a built-in role, else its title as written."""
    text = _THE_RE.sub("", _APOSTROPHE_RE.sub("'", written.strip()))
    bracket = _BRACKET_RE.search(text)
    if bracket and bracket.group(1).upper() in BUILT_IN_CODES:
        return bracket.group(1).upper()
    # The owner rules of bot.parsing know every name of the built-in roles ("C/C", "CEx").
    code = built_in_role(text)
    if code is not None:
        return code
    if text.upper() in BUILT_IN_CODES:
        return text.upper()
    # "ACCs" or "the ACC's" name the role too.
    stem = re.sub(r"(?:'s|s)$", "", text)
    if stem.upper() in BUILT_IN_CODES and stem.isupper():
        return stem.upper()
    return text


def resolve_owners(phrase: str) -> list[str]:
    """Every owner in a phrase, resolved, duplicates dropped in order."""
    return list(dict.fromkeys(resolve_owner(part) for part in split_owners(phrase)))


def is_owner_phrase(phrase: str, *, strict: bool) -> bool:
    """Whether a phrase reads as owners: strictly, only roles, codes and job titles."""
    parts = split_owners(phrase)
    if not parts or len(phrase) > 90 or ":" in phrase:
        return False
    return all(_is_owner(part, strict=strict) for part in parts)


def _is_owner(part: str, *, strict: bool) -> bool:
    words = _WORD_RE.findall(part)
    if not words or len(words) > 8 or part.lower() in _NOT_OWNERS:
        return False
    if words[0].lower() in _NOT_OWNERS:
        return False
    if resolve_owner(part) in BUILT_IN_CODES or _CODE_RE.fullmatch(part):
        return True
    if not part[0].isupper():
        return False
    # A title is capitalised throughout ("Head of Contact Management"); prose is not.
    if any(not word[0].isupper() and word.lower() not in _CONNECTORS for word in words):
        return False
    if _TITLE_WORDS.search(part):
        return True
    # Outside an action section only roles and titles count; inside, a person's name does too.
    return not strict and all(word[0].isupper() for word in words if len(word) > 3)
