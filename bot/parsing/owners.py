"""Read action owners as minutes name them: @mentions, role codes, titles, bodies and people.

Two steps, so the rules work outside the slash command (the minutes importer uses them):

* :func:`parse_owners` splits owner text and reads what needs no workspace data: mentions
  and the built-in roles under any of their names ("the Chief Constable", "C/C", "CC").
  Anything else is kept as an :class:`OwnerPhrase`, exactly as written.
* :func:`resolve_owner_phrase` matches one phrase against the workspace's roles (built-in
  or created from the minutes): a role, or an :class:`UnknownOwner` with the nearest role
  when the phrase looks like a typo of one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.parsing.dates import quote
from storage.owners import OwnerRef, RoleOwner, UserOwner

# Slack escapes mentions as <@U012AB3CD> or <@U012AB3CD|name>; W-ids are Enterprise Grid users.
_MENTION_RE = re.compile(r"<@(?P<user_id>[UW][A-Z0-9]{1,20})(?:\|[^<>]*)?>")
_ROLE_CODE_RE = re.compile(r"(?=[A-Za-z0-9&_/]*[A-Za-z])[A-Za-z0-9&_/]{2,12}")
# Mentions are kept whole so a display name with a comma or "and" is not split.
_TOKEN_RE = re.compile(r"<[^<>]*>|[,;]|[^\s,;<>]+|[<>]")
_SEPARATORS = frozenset({",", ";", "&", "and"})
_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"['’`]s\b")
_NOT_WORD_RE = re.compile(r"[^a-z0-9/&]+")

MAX_TITLE_LENGTH = 200  # the roles.title column
# A typo is close to a name; a different title that shares words ("Head of X") is not.
_TYPO_CUTOFF = 0.8

OWNER_HINT = (
    "Owners are roles (DCC, “the Chief Constable”, or any title the secretariat has added) "
    "or @mentions, joined with “and”, “&” or commas."
)


@dataclass(frozen=True)
class BuiltInRole:
    """A role every workspace starts with, its title and the other names minutes use."""

    code: str
    title: str
    aliases: tuple[str, ...]


# Codes are what the minutes abbreviate to; titles are how the reply spells them out.
BUILT_IN_ROLES: tuple[BuiltInRole, ...] = (
    BuiltInRole("PCC", "Police and Crime Commissioner", ("Commissioner", "P/C/C")),
    BuiltInRole(
        "DPCC",
        "Deputy Police and Crime Commissioner",
        ("Deputy PCC", "Deputy Commissioner", "D/PCC", "D/P/C/C"),
    ),
    BuiltInRole(
        "CEO",
        "Chief Executive",
        (
            "PCC's Chief Executive", "PCC's CEO", "Chief Executive Officer", "OPCC Chief "
            "Executive", "OPCC CEO", "CEx", "C/Ex", "Chief Exec",
        ),
    ),
    BuiltInRole("CC", "Chief Constable", ("C/C", "Chief Con")),
    BuiltInRole("DCC", "Deputy Chief Constable", ("D/C/C", "Deputy Chief Con", "D/CC")),
    BuiltInRole("ACC", "Assistant Chief Constable", ("A/C/C", "Assistant Chief Con", "A/CC")),
    BuiltInRole(
        "CFO",
        "Chief Finance Officer",
        ("Chief Financial Officer", "PCC's CFO", "PCC's Chief Finance Officer", "Treasurer"),
    ),
)
BUILT_IN_TITLES: dict[str, str] = {role.code: role.title for role in BUILT_IN_ROLES}


@dataclass(frozen=True)
class KnownRole:
    """A role the workspace knows: its code and, for roles from the minutes, its title."""

    code: str
    title: str | None = None


@dataclass(frozen=True)
class OwnerPhrase:
    """Owner text that is no mention or built-in role, as written ("Supt Jones")."""

    text: str


@dataclass(frozen=True)
class UnknownOwner:
    """A phrase that names no known role; `nearest` is set when it looks like a typo."""

    written: str
    nearest: KnownRole | None = None


WrittenOwner = OwnerRef | OwnerPhrase


class OwnerParseError(ValueError):
    """Owner text that names no person or role; `message` is written for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_owner_name(text: str) -> str:
    """The form names are compared in: lower case, no leading "the", no "'s", single spaces.

    "The PCC’s Chief Executive" and "pccs chief executive" compare equal; "C/C" keeps its
    slashes so it stays apart from "CC" only where both are written the same.
    """
    text = _LEADING_THE_RE.sub("", " ".join(text.split()))
    text = _POSSESSIVE_RE.sub("s", text.lower())
    return " ".join(_NOT_WORD_RE.sub(" ", text).split())


def _names(role: KnownRole | BuiltInRole) -> Iterable[str]:
    """Every name a role answers to, normalised."""
    yield normalise_owner_name(role.code)
    if role.title:
        yield normalise_owner_name(role.title)
    if isinstance(role, BuiltInRole):
        yield from (normalise_owner_name(alias) for alias in role.aliases)
        # "C/C" and "CC" are one code; so are "D/C/C" and "DCC".
        yield role.code.lower()


_BUILT_IN_NAMES: dict[str, str] = {
    name: role.code for role in BUILT_IN_ROLES for name in _names(role)
} | {role.code.lower().replace("/", ""): role.code for role in BUILT_IN_ROLES}


def built_in_role(text: str) -> str | None:
    """The code of the built-in role `text` names ("the Chief Constable" -> "CC"), or None."""
    name = normalise_owner_name(text)
    return _BUILT_IN_NAMES.get(name) or _BUILT_IN_NAMES.get(name.replace("/", ""))


def resolve_owner_phrase(text: str, known_roles: Sequence[KnownRole]) -> RoleOwner | UnknownOwner:
    """Match one owner phrase against the built-in roles and the workspace's own roles.

    Case, a leading "the" and "'s" are ignored. A phrase that matches nothing comes back as
    :class:`UnknownOwner`, with the nearest known role when it looks like a typo of one.
    """
    code = built_in_role(text)
    if code is not None:
        return RoleOwner(code)
    name = normalise_owner_name(text)
    by_name: dict[str, KnownRole] = {}
    for role in known_roles:
        for role_name in _names(role):
            by_name.setdefault(role_name, role)
    if name in by_name:
        return RoleOwner(by_name[name].code)
    return UnknownOwner(text.strip(), _nearest(name, known_roles))


def _nearest(name: str, known_roles: Sequence[KnownRole]) -> KnownRole | None:
    """The known role whose code, title or alias is closest to `name`, if close enough."""
    candidates: dict[str, KnownRole] = {}
    for role in known_roles:
        for role_name in _names(role):
            candidates.setdefault(role_name, role)
    for built_in in BUILT_IN_ROLES:
        for role_name in _names(built_in):
            candidates.setdefault(role_name, KnownRole(built_in.code, built_in.title))
    # Short codes differ by one letter from each other (ACC, DCC), so demand a longer name.
    if len(name) < 4:
        return None
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=_TYPO_CUTOFF)
    return candidates[close[0]] if close else None


def role_title(code: str, title: str | None) -> str:
    """How a role is shown: its title as written, else a built-in's code (minutes use both)."""
    return title or code


def parse_user_mention(text: str) -> str | None:
    """The user id in a Slack mention such as `<@U012AB3CD|name>`, or None."""
    match = _MENTION_RE.fullmatch(text.strip())
    return match["user_id"] if match else None


def parse_role_code(text: str) -> str:
    """A role code, upper-cased: a built-in role under any of its names, or a short code."""
    code = built_in_role(text)
    if code is not None:
        return code
    word = _LEADING_THE_RE.sub("", text.strip())
    if _ROLE_CODE_RE.fullmatch(word) and "/" not in word:
        return word.upper()
    raise OwnerParseError(_unknown_owner_message(text))


def parse_owner(text: str) -> WrittenOwner:
    """Exactly one owner: a mention, a built-in role, a code or a phrase."""
    owners = parse_owners(text)
    if len(owners) != 1:
        raise OwnerParseError(
            f"Name one owner here, for example `DCC` or an @mention. {OWNER_HINT}"
        )
    return owners[0]


def parse_owners(text: str, known_roles: Sequence[KnownRole] = ()) -> tuple[WrittenOwner, ...]:
    """Owners joined by "and", "&", "," or ";", duplicates dropped keeping order; may be empty.

    Without `known_roles`, codes and built-in names become roles and any other words stay
    an :class:`OwnerPhrase`. With them, a title containing "and" ("Police and Crime Panel")
    is kept whole when the workspace knows it; every phrase is resolved where it can be.
    """
    owners: list[WrittenOwner] = []
    groups = _groups(text)
    index = 0
    while index < len(groups):
        tokens = groups[index][0]
        # "Police and Crime Commissioner": join groups across "and" while that names a role.
        end, joined, candidate = index, tokens, tokens
        for later in range(index + 1, len(groups)):
            joiner = groups[later - 1][1]
            if joiner not in ("and", "&"):
                break
            candidate = [*candidate, joiner, *groups[later][0]]
            if _names_role(" ".join(candidate), known_roles):
                joined, end = candidate, later
        owners.extend(_group_owners(joined, known_roles))
        index = end + 1
    return tuple(dict.fromkeys(owners))


def _names_role(text: str, known_roles: Sequence[KnownRole]) -> bool:
    return isinstance(resolve_owner_phrase(text, known_roles), RoleOwner)


def _groups(text: str) -> list[tuple[list[str], str | None]]:
    """Split tokens at each separator: each group's tokens and the separator after it."""
    groups: list[tuple[list[str], str | None]] = [([], None)]
    for token in _TOKEN_RE.findall(text):
        if token.lower() in _SEPARATORS:
            groups[-1] = (groups[-1][0], token.lower())
            groups.append(([], None))
        else:
            groups[-1][0].append(token)
    return [group for group in groups if group[0]]


def _group_owners(tokens: list[str], known_roles: Sequence[KnownRole]) -> list[WrittenOwner]:
    """The owners in one group: mentions side by side, or one role or phrase."""
    user_ids = [parse_user_mention(token) for token in tokens]
    if all(user_ids):
        return [UserOwner(user_id) for user_id in user_ids if user_id]
    phrase = " ".join(tokens)
    _check_phrase(phrase)
    found = resolve_owner_phrase(phrase, known_roles)
    if isinstance(found, RoleOwner):
        return [found]
    word = _LEADING_THE_RE.sub("", phrase)
    if _ROLE_CODE_RE.fullmatch(word) and "/" not in word and word.isupper():
        # A code written as one ("DBS", "COMMMGR") is a code; "Panel" stays a phrase.
        return [RoleOwner(word)]
    return [OwnerPhrase(phrase)]


def _check_phrase(phrase: str) -> None:
    """Refuse owner text that is plainly not a name: a stray mention, group or channel."""
    word = phrase.strip()
    if word.startswith(("@", "<!", "<#", "<")) or any(t in word for t in "<>"):
        raise OwnerParseError(_unknown_owner_message(word))
    if len(word) > MAX_TITLE_LENGTH:
        raise OwnerParseError(
            f"The owner {quote(word)} is {len(word)} characters; a title is at most "
            f"{MAX_TITLE_LENGTH}. Did the action's “to” go missing?"
        )
    if not any(ch.isalpha() for ch in word):
        raise OwnerParseError(_unknown_owner_message(word))


def _unknown_owner_message(text: str) -> str:
    """Explain why some owner text was not understood, with the likely fix."""
    word = text.strip()
    if word.startswith("@"):
        return (
            f"I can't find anyone called {quote(word)} in this workspace. Pick the person from "
            "Slack's @ list so their name is linked."
        )
    if word.startswith("<!"):
        return f"{quote(word)} is a group, not a person. {OWNER_HINT}"
    if word.startswith("<#"):
        return f"{quote(word)} is a channel, not a person. {OWNER_HINT}"
    return f"{quote(word)} isn't an owner I recognise. {OWNER_HINT}"
