"""Read action owners: Slack user mentions and role codes such as DCC, ACC or CEO."""

import re

from bot.parsing.dates import quote
from storage.owners import OwnerRef, RoleOwner, UserOwner

# Slack escapes mentions as <@U012AB3CD> or <@U012AB3CD|name>; W-ids are Enterprise Grid users.
_MENTION_RE = re.compile(r"<@(?P<user_id>[UW][A-Z0-9]{1,20})(?:\|[^<>]*)?>")
_ROLE_CODE_RE = re.compile(r"(?=[A-Za-z0-9&_]*[A-Za-z])[A-Za-z0-9&_]{2,12}")
# Minutes write the Chief Executive as "the PCC's CEO"; the role code is CEO.
_CEO_RE = re.compile(r"pcc['’]s\s+ceo", re.IGNORECASE)
_THE_RE = re.compile(r"the\s+", re.IGNORECASE)
# Mentions are kept whole so a display name with a comma or "and" is not split.
_TOKEN_RE = re.compile(r"<[^<>]*>|[,;]|[^\s,;<>]+|[<>]")
_SEPARATORS = frozenset({",", ";", "&", "and"})

OWNER_HINT = (
    "Owners are role codes such as DCC, ACC or CEO, or @mentions, joined with “and”, “&” or commas."
)


class OwnerParseError(ValueError):
    """Owner text that names no person or role; `message` is written for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_user_mention(text: str) -> str | None:
    """The user id in a Slack mention such as `<@U012AB3CD|name>`, or None."""
    match = _MENTION_RE.fullmatch(text.strip())
    return match["user_id"] if match else None


def parse_role_code(text: str) -> str:
    """A role code, upper-cased, accepting a leading "the" and "PCC's CEO"."""
    word = text.strip()
    the = _THE_RE.match(word)
    if the:
        word = word[the.end() :]
    if _CEO_RE.fullmatch(word):
        return "CEO"
    if _ROLE_CODE_RE.fullmatch(word):
        return word.upper()
    raise OwnerParseError(_unknown_owner_message(text))


def parse_owner(text: str) -> OwnerRef:
    """Exactly one owner: a mention or a role code."""
    owners = parse_owners(text)
    if len(owners) != 1:
        raise OwnerParseError(
            f"Name one owner here, for example `DCC` or an @mention. {OWNER_HINT}"
        )
    return owners[0]


def parse_owners(text: str) -> tuple[OwnerRef, ...]:
    """Owners joined by "and", "&", "," or ";", duplicates dropped keeping order; may be empty."""
    owners: list[OwnerRef] = []
    for group in _groups(text):
        owners.extend(_group_owners(group))
    return tuple(dict.fromkeys(owners))


def _groups(text: str) -> list[list[str]]:
    """Split tokens into groups at each separator; a group is one owner or several mentions."""
    groups: list[list[str]] = [[]]
    for token in _TOKEN_RE.findall(text):
        if token.lower() in _SEPARATORS:
            groups.append([])
        else:
            groups[-1].append(token)
    return [group for group in groups if group]


def _group_owners(tokens: list[str]) -> list[OwnerRef]:
    """The owners in one group: mentions side by side, or one role code."""
    user_ids = [parse_user_mention(token) for token in tokens]
    if all(user_ids):
        return [UserOwner(user_id) for user_id in user_ids if user_id]
    return [RoleOwner(parse_role_code(" ".join(tokens)))]


def _unknown_owner_message(text: str) -> str:
    """Explain why some owner text was not understood, with the likely fix."""
    word = text.strip()
    if word.startswith("@"):
        return (
            f"{quote(word)} isn't a Slack mention I can read. Pick the person from the @ list "
            "so Slack links their name."
        )
    if word.startswith("<!"):
        return f"{quote(word)} is a group, not a person. {OWNER_HINT}"
    if word.startswith("<#"):
        return f"{quote(word)} is a channel, not a person. {OWNER_HINT}"
    return f"{quote(word)} isn't an owner I recognise. {OWNER_HINT}"
