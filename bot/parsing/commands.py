"""Parse the text of the `/actions` slash command into a typed command."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from bot.parsing.agenda import AgendaReferenceError, take_agenda_reference
from bot.parsing.dates import (
    DueParseError,
    parse_date,
    parse_leading_date,
    quote,
)
from bot.parsing.due import parse_due, split_trailing_due
from bot.parsing.owners import (
    OWNER_HINT,
    OwnerParseError,
    WrittenOwner,
    parse_owner,
    parse_owners,
    parse_role_code,
    parse_user_mention,
)
from bot.parsing.recurrence import take_recurrence
from bot.slack_text import decode_entities
from storage.due import DueSpec, Recurrence
from storage.models import MeetingKind
from storage.services.listing import (
    LIST_WORDS,
    AllOpen,
    AtItem,
    AtMeeting,
    ByOwner,
    Closed,
    DueNext,
    Everything,
    ListFilter,
    Mine,
    NoDate,
    Overdue,
    Recurring,
)
from storage.services.papers import AllActions, FromMeeting, OpenActions, Scope, Since

MAX_TEXT_LENGTH = 3000  # Slack's limit on a section block's text, where actions are shown
MAX_MEETING_FIELD_LENGTH = 200  # the meetings.title and meetings.venue columns
MAX_REF = 2**31 - 1  # actions.ref is a 32-bit integer column
MAX_PAGE = 10_000
DEFAULT_MEETING_TIME = time(10, 0)


DEFAULT_TITLES: dict[MeetingKind, str] = {
    MeetingKind.MONTHLY: "Monthly assurance meeting",
    MeetingKind.THEMATIC: "Thematic meeting",
    MeetingKind.EXTRAORDINARY: "Extraordinary meeting",
    MeetingKind.PUBLIC: "Public meeting",
    MeetingKind.PANEL: "Police and Crime Panel",
}

USAGE: dict[str, str] = {
    "add": "/actions add <owners> to <what> by <when> (item 2.4)",
    "update": "/actions update A-7 <progress note>",
    "start": "/actions start A-7 [A-8 …]",
    "done": "/actions done A-7 [A-8 …] [note]",
    "close": "/actions close A-7 [, A-8 and A-9] [note]",
    "reopen": "/actions reopen A-7 [A-8 …] [note]",
    "drop": "/actions drop A-7 [A-8 …] <reason>",
    "more-time": "/actions more-time A-7 <new date> <reason>",
    "stop": "/actions stop A-7 (a recurring action: the occurrence now open is the last)",
    "edit": "/actions edit A-7 text <new text> | item 2.5 | source <meeting date>",
    "due": "/actions due A-7 <when>",
    "assign": "/actions assign A-7 <owners>",
    "show": "/actions show A-7",
    "list": (
        "/actions list [mine | overdue | next | closed | all | no date | recurring | "
        "item 2.4 | meeting <date> | <owner>] [page N]"
    ),
    "meeting": (
        "/actions meeting next <date> [10:00] [Monthly | Thematic | Panel | <kind>: <title>]"
        " [at <venue>] · /actions meeting held <past date> [time] [kind] · "
        "/actions meeting move <date> to <date> [time] · /actions meeting cancel <date> · "
        "/actions meeting list"
    ),
    "role": (
        "/actions role <role> @person (or none when vacant) · /actions role new <title> [(CODE)]"
        " · /actions role new external <title> [contact: <note>] · /actions role external <role>"
    ),
    "roles": "/actions roles",
    "summary": "/actions summary",
    "export": "/actions export [all | meeting 28/10/2026 | since 01/04/2027] [docx | xlsx | csv]",
    "secretariat": "/actions secretariat add @person · /actions secretariat group @group",
    "settings": (
        "/actions settings [channel #team | reminders 5,1 | reminders off | time 09:00 | "
        "summary 2 | summary off | summary attach on | digest monday | digest off | "
        "digest empty on | organisation <name> | next-meeting all | "
        "next-meeting monthly, thematic | own-date 3 | own-date off | overdue-nudge off]"
    ),
    "help": "/actions help",
    "import": "/actions import",
}

HELP_TEXT = """\
*Action log: what you can type after /actions*
• `/actions` opens a form to record an action.
• `add DCC to review the diary metric by next meeting (item 2.4)`
  Owners are roles as the minutes name them (DCC, the Chief Constable, any title the \
secretariat adds) or @people, joined with "and".
• `list` · `list mine` · `list DCC` · `list overdue` · `list next` · `list meeting 26/11/2026`
  `list closed` · `list all` · `list item 2.4` · `list no date` · `list recurring`
• `show A-7` shows an action and its history.
• `update A-7 Draft circulated` · `start A-7` · `done A-7 Briefing sent`
• `close A-7` · `close A-2, A-3 and A-5` · `reopen A-7` · `drop A-7 superseded by A-9`
• `more-time A-7 31/01/2027 waiting for HMICFRS report` asks the secretariat for a later date.
• `due A-7 15/01/2027` · `assign A-7 CC and @name`
• `edit A-7 text <corrected text>` · `edit A-7 item 2.5` · `edit A-7 source 28/10/2026` \
(the history keeps the old value)
• `add ACC to brief the PCC on officer numbers quarterly, the first by 31/07/2027` \
(also monthly, every 3 months, every meeting, annually; `until <date>`, `4 times`) \
· `stop A-7` ends a recurrence
• `meeting next 26/11/2026 10:00 Thematic: Covid-19 at Hindlip` · `meeting list`
• `meeting move 26/11/2026 to 03/12/2026 14:00` (actions due at it move with it)
• `meeting held 28/10/2026 14:00 Monthly` records the meeting just held (the source \
of the actions you add next) · `meeting cancel 26/11/2026` (its actions go to the next)
• `role DCC @name` · `role DCC none` · `roles` · `summary`
• `role new Director of Business Services (DBS)` · `role new external the Panel contact: …`
• `secretariat add @name` · `secretariat group @group` (who may close and set meetings)
• `export` sends you the action log as Word; `export all`, `export meeting 28/10/2026`, \
`export since 01/04/2027`, `export xlsx`, `export csv` (secretariat)
• `import` opens a form to paste minutes; I propose their actions for you to review.
• `settings` shows when reminders, the summary and the digest go out; `settings channel #team`
Dates are day first: 30/06/2027, 30 Jun 2027, friday, in 2 weeks, next meeting, \
the November meeting, July 2027, Q1 2027, w/c 7/12, year end, TBC."""


@dataclass(frozen=True)
class Help:
    """Show the general usage."""


@dataclass(frozen=True)
class OpenForm:
    """Open the form for recording an action."""


@dataclass(frozen=True)
class OpenImport:
    """Open the form for importing the actions from minutes."""


@dataclass(frozen=True)
class AddAction:
    """Record an action; with no due date the service applies its default."""

    owners: tuple[WrittenOwner, ...]
    text: str
    due: DueSpec | None = None
    agenda_item: str | None = None
    recurrence: Recurrence | None = None
    # The owners as typed, read again against the workspace's roles ("Police and Crime Panel").
    owners_written: str | None = field(default=None, compare=False)
    # What followed `add`, so a reply can offer to run it again once a role exists.
    source: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class UpdateAction:
    """Add a progress note to an action."""

    ref: int
    note: str


@dataclass(frozen=True)
class StartAction:
    """Mark an action as in progress."""

    ref: int


@dataclass(frozen=True)
class DoneAction:
    """The owner says the action is complete."""

    ref: int
    note: str | None = None


@dataclass(frozen=True)
class CloseAction:
    """The secretariat closes an action the meeting has accepted."""

    ref: int
    note: str | None = None


@dataclass(frozen=True)
class ReopenAction:
    """Reopen a completed, closed or dropped action."""

    ref: int
    note: str | None = None


@dataclass(frozen=True)
class DropAction:
    """Drop an action that is no longer needed, saying why."""

    ref: int
    reason: str


@dataclass(frozen=True)
class Several:
    """One status change (start, done, close, reopen, drop) for several actions at once."""

    commands: tuple[StartAction | DoneAction | CloseAction | ReopenAction | DropAction, ...]


@dataclass(frozen=True)
class RequestMoreTime:
    """An owner asks the secretariat for a later date, saying why."""

    ref: int
    new_date: date
    reason: str


@dataclass(frozen=True)
class EndRecurrence:
    """The secretariat stops a recurring action recurring after the occurrence now open."""

    ref: int


@dataclass(frozen=True)
class EditAction:
    """The secretariat corrects one field: the text, the agenda item or the source meeting."""

    ref: int
    text: str | None = None
    agenda_item: str | None = None
    clear_item: bool = False
    source_on: date | None = None


@dataclass(frozen=True)
class ReviseDue:
    """Revise an action's due date (the original is kept beside it)."""

    ref: int
    due: DueSpec


@dataclass(frozen=True)
class AssignAction:
    """Replace an action's owners."""

    ref: int
    owners: tuple[WrittenOwner, ...]
    owners_written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ShowAction:
    """Show one action and its history."""

    ref: int


@dataclass(frozen=True)
class ListActions:
    """List actions matching a filter, one page at a time."""

    filter: ListFilter
    page: int = 1


@dataclass(frozen=True)
class SetNextMeeting:
    """Fix the next meeting: date, time, kind, title and venue; ``held``: one just held."""

    starts_on: date
    starts_time: time
    kind: str
    title: str
    venue: str | None = None
    held: bool = False


@dataclass(frozen=True)
class CancelMeeting:
    """Cancel the meeting on a date; its actions go to the next meeting."""

    on: date


@dataclass(frozen=True)
class MoveMeeting:
    """Move the meeting on one date to another date and time; its actions follow it."""

    from_day: date
    to_day: date
    to_time: time | None  # None: keep the meeting's time


@dataclass(frozen=True)
class MeetingList:
    """List the meetings to come."""


@dataclass(frozen=True)
class SetRole:
    """Say who holds a role, or that it is vacant (user_id None)."""

    code: str  # a code, or a title as written when it is not a built-in name or code
    user_id: str | None
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CreateRole:
    """Create a role from the minutes: any title, an optional short code, maybe external."""

    title: str
    code: str | None = None
    external: bool = False
    contact: str | None = None
    is_person: bool = False


@dataclass(frozen=True)
class MarkExternal:
    """Mark a role as outside Slack (the secretariat chases it), or back inside."""

    code: str  # a code, or a title as written
    external: bool
    contact: str | None = None
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ListRoles:
    """List the roles and who holds each."""


@dataclass(frozen=True)
class Summary:
    """Post the status summary for the next meeting."""


@dataclass(frozen=True)
class ExportLog:
    """Send the secretariat the action log as a file for the meeting papers."""

    scope: Scope = OpenActions()
    format: str = "docx"


@dataclass(frozen=True)
class AddSecretariat:
    """Add a person to the secretariat."""

    user_id: str


@dataclass(frozen=True)
class SetSecretariatGroup:
    """Make a Slack user group the secretariat (None: no group)."""

    group_id: str | None


@dataclass(frozen=True)
class ShowSettings:
    """Show the reminder, summary and digest settings."""


@dataclass(frozen=True)
class ChangeSetting:
    """Change one setting; ``name`` is a WorkspaceSettings field."""

    name: str
    value: str | int | bool | None


Command = (
    Help
    | OpenForm
    | OpenImport
    | AddAction
    | UpdateAction
    | StartAction
    | DoneAction
    | CloseAction
    | ReopenAction
    | DropAction
    | Several
    | RequestMoreTime
    | EndRecurrence
    | EditAction
    | ReviseDue
    | AssignAction
    | ShowAction
    | ListActions
    | SetNextMeeting
    | MeetingList
    | SetRole
    | CreateRole
    | MarkExternal
    | ListRoles
    | Summary
    | ExportLog
    | AddSecretariat
    | SetSecretariatGroup
    | MoveMeeting
    | CancelMeeting
    | ShowSettings
    | ChangeSetting
)


class CommandError(ValueError):
    """Command text we cannot accept: a message for the person and the usage line to show."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class _Invalid(ValueError):
    """Raised inside a subcommand parser; parse_command adds that subcommand's usage."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Minute-takers paste lines such as "ACTION: DCC to ..." or "Actions arising: CC to ...".
_ACTION_LABEL_RE = re.compile(r"\s*actions?(?:\s+arising)?\s*:\s*", re.IGNORECASE)
_REF_RE = re.compile(r"#?(?:a-?)?(?P<number>[0-9]{1,10})[:,.]?", re.IGNORECASE)
_PAGE_RE = re.compile(r"[0-9]{1,5}")
_TIME_START_RE = re.compile(r"(?:(?:at|@)\s*)?[0-9]", re.IGNORECASE)
# Times as minutes write them: 10:00, 14.30, 2.30pm, 10am, 1430, 1430hrs, at 14:30.
_TIME_RE = re.compile(
    r"(?:(?:at|@)\s*)?(?:(?P<hhmm>[0-9]{4})|(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?)"
    r"(?:\s*(?P<half>[ap])\.?m\.?|\s*(?P<hrs>hrs?|hours|h)\b)?(?=[\s,;.]|$)",
    re.IGNORECASE,
)
_KINDS: tuple[tuple[MeetingKind, re.Pattern[str]], ...] = tuple(
    (
        kind,
        re.compile(rf"(?:{words})(?:\s+meeting)?(?:\s*[:\-–—]|\s+on\b|(?=\s)|$)\s*", re.IGNORECASE),
    )
    for kind, words in (
        (MeetingKind.MONTHLY, r"monthly(?:\s+assurance)?"),
        (MeetingKind.THEMATIC, r"thematic"),
        (MeetingKind.EXTRAORDINARY, r"extraordinary"),
        (MeetingKind.PUBLIC, r"public"),
        (MeetingKind.PANEL, r"(?:police\s+and\s+crime\s+)?panel"),
    )
)
_LIST_FILTERS: dict[str, ListFilter] = {
    "open": AllOpen(),
    "mine": Mine(),
    "me": Mine(),
    "overdue": Overdue(),
    "late": Overdue(),
    "next": DueNext(),
    "closed": Closed(),
    "all": Everything(),
    "everything": Everything(),
    "undated": NoDate(),
    "nodate": NoDate(),
    "no date": NoDate(),
    "tbc": NoDate(),
    "recurring": Recurring(),
    "repeating": Recurring(),
}
_ITEM_WORD_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){0,3}[a-z]?", re.IGNORECASE)
_VACANT = frozenset({"none", "vacant", "nobody", "-"})


def parse_command(text: str, today: date) -> Command:
    """Parse `/actions` text; raises CommandError, and nothing else, for text it cannot accept."""
    # Slack escapes &, < and > in slash-command text; the rest arrives as typed.
    body = decode_entities(text).strip()
    if not body:
        return OpenForm()
    word, args = _split_first(body)
    name = word.lower()
    parser = _PARSERS.get(name)
    if parser is None:
        raise CommandError(f"I don't know {quote(word)}. Here is what I can do:", HELP_TEXT)
    try:
        return parser(args, today)
    except (_Invalid, DueParseError, OwnerParseError) as error:
        raise CommandError(str(error), USAGE[name]) from None


def _split_first(text: str) -> tuple[str, str]:
    """The first word and the rest, the rest keeping the user's own spacing."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def _find_words(text: str, words: str) -> list[re.Match[str]]:
    """Whole-word, case-insensitive matches of `words` (an alternation), skipping mentions."""
    pattern = re.compile(rf"<[^<>]*>|(?<!\S)(?P<word>{words})(?!\S)", re.IGNORECASE)
    return [match for match in pattern.finditer(text) if match["word"]]


def _text(text: str, what: str) -> str:
    """Free text the user typed, trimmed, within Slack's limit."""
    trimmed = text.strip()
    if len(trimmed) > MAX_TEXT_LENGTH:
        raise _Invalid(
            f"The {what} is {len(trimmed):,} characters long; the limit is "
            f"{MAX_TEXT_LENGTH:,} (Slack's limit for one message section). Please shorten it."
        )
    return trimmed


def _required_text(text: str, what: str, missing: str) -> str:
    """Free text that must be given."""
    trimmed = _text(text, what)
    if not trimmed:
        raise _Invalid(missing)
    return trimmed


def _optional_text(text: str, what: str) -> str | None:
    """Free text that may be left out."""
    return _text(text, what) or None


def _parse_ref(word: str) -> int:
    """An action reference: A-7, a-7, A7, #A-7 or 7."""
    match = _REF_RE.fullmatch(word)
    number = int(match["number"]) if match else 0
    if not 1 <= number <= MAX_REF:
        raise _Invalid(f"{quote(word)} is not an action reference; refs look like A-7.")
    return number


def _ref_and_rest(args: str) -> tuple[int, str]:
    """The action reference that starts the arguments, and what follows it."""
    if not args:
        raise _Invalid("Which action? Give its reference, like A-7.")
    word, rest = _split_first(args)
    return _parse_ref(word), rest


def _ref_only(args: str, name: str) -> int:
    """A reference with nothing after it."""
    ref, rest = _ref_and_rest(args)
    if rest:
        raise _Invalid(
            f"`{name}` takes just the reference, like `{name} A-7`. "
            "To add a note, use `update A-7 <note>`."
        )
    return ref


def _no_args(args: str, name: str) -> None:
    """Reject text after a subcommand that takes none, rather than silently ignore it."""
    if args:
        raise _Invalid(f"`{name}` takes nothing after it.")


def _help(args: str, today: date) -> Command:
    return Help()


def _add(args: str, today: date) -> Command:
    """`add <owners> to <what> [by <when>] [(item 2.4)]`, the way minutes write actions."""
    if not args:
        return OpenForm()
    body, item = _take_agenda_item(args)
    label = _ACTION_LABEL_RE.match(body)
    if label:
        body = body[label.end() :]
    to = next(iter(_find_words(body, "to")), None)
    if to is None:
        raise _Invalid(
            "Write the action as `add <owners> to <what> by <when>`, for example "
            "`add DCC to review the diary metric by next meeting`."
        )
    owners = parse_owners(body[: to.start()])
    if not owners:
        raise _Invalid(
            "Who owns it? Write the action as `add <owners> to <what> by <when>`, for example "
            f"`add DCC to review the diary metric by next meeting`. {OWNER_HINT}"
        )
    what, recurrence, first = take_recurrence(body[to.end() :], today)
    what, due = _split_due(what, today)
    if first is not None and due is not None:
        raise _Invalid("Give the first due date once: `… quarterly, the first by 31/07/2027`.")
    text = _required_text(
        what, "action", "What is the action? Write it after `to`, for example `add DCC to review…`."
    )
    return AddAction(owners=owners, text=text, due=first or due, agenda_item=item,
                     recurrence=recurrence, owners_written=body[: to.start()], source=args)


def _take_agenda_item(text: str) -> tuple[str, str | None]:
    """Remove an agenda reference (`(item 2.4)`, `- item 5.2`, `(minute 12/26)`) from the text."""
    try:
        rest, reference = take_agenda_reference(text)
    except AgendaReferenceError as error:
        raise _Invalid(error.message) from None
    return rest, reference.text if reference else None


def _split_due(rest: str, today: date) -> tuple[str, DueSpec | None]:
    """Split `<what> <when>` into the text and the due date (see `split_trailing_due`)."""
    try:
        return split_trailing_due(rest, today)
    except DueParseError as error:
        raise _Invalid(error.message) from None


_LEADING_TO_RE = re.compile(r"to\s+", re.IGNORECASE)
_CAPITALISED_RE = re.compile(r"[A-Z][a-z]+(?=[\s,.;:]|$)")


def action_wording(text: str) -> str:
    """Form text as it reads after "DCC to …": no second "to", "Brief" as "brief"."""
    text = text.strip()
    if (to := _LEADING_TO_RE.match(text)) and text[to.end():]:
        text = text[to.end():]
    # A capitalised first word ("Brief the PCC") is the verb a sentence starts with;
    # acronyms (PCC, HMICFRS) and mixed case (McDonald) are left alone.
    if _CAPITALISED_RE.match(text):
        text = text[0].lower() + text[1:]
    return text


def _update(args: str, today: date) -> Command:
    ref, note = _ref_and_rest(args)
    missing = "What's the update? Write it after the reference, like `update A-7 Draft circulated`."
    return UpdateAction(ref, _required_text(note, "note", missing))


def _start(args: str, today: date) -> Command:
    refs, rest = _refs_and_rest(args)
    if rest:
        raise _Invalid(
            "`start` takes just the references, like `start A-7` or `start A-7 A-8`. "
            "To add a note, use `update A-7 <note>`."
        )
    return _each(refs, lambda ref: StartAction(ref))


def _done(args: str, today: date) -> Command:
    refs, note = _refs_and_rest(args)
    text = _optional_text(note, "note")
    return _each(refs, lambda ref: DoneAction(ref, text))


def _close(args: str, today: date) -> Command:
    refs, note = _refs_and_rest(args)
    text = _optional_text(note, "note")
    return _each(refs, lambda ref: CloseAction(ref, text))


def _reopen(args: str, today: date) -> Command:
    refs, note = _refs_and_rest(args)
    text = _optional_text(note, "note")
    return _each(refs, lambda ref: ReopenAction(ref, text))


def _drop(args: str, today: date) -> Command:
    refs, reason = _refs_and_rest(args)
    missing = "Say why it is being dropped, like `drop A-7 superseded by A-9`."
    text = _required_text(reason, "reason", missing)
    return _each(refs, lambda ref: DropAction(ref, text))


def _each(refs: tuple[int, ...], make: Callable[[int], Any]) -> Command:
    """One command for one ref; `Several` for more, so no ref is ever taken for a note."""
    if len(refs) == 1:
        return make(refs[0])  # type: ignore[no-any-return]
    return Several(tuple(make(ref) for ref in refs))


# A further ref after the first: "A-3", "#A-3", "a3", or a bare "3" after "," / "and" / "&".
_MORE_REF_RE = re.compile(
    r"(?P<sep>\s*(?:,|&|\band\b)\s*|\s+)(?P<ref>#?(?P<prefix>a-?)?[0-9]{1,10})(?=[\s,.;:]|$)",
    re.IGNORECASE,
)
_ONLY_REFS_RE = re.compile(
    r"(?:(?:\s*(?:,|&|\band\b)\s*|\s+)#?(?:a-?)?[0-9]{1,10})+[\s.]*", re.IGNORECASE
)
MAX_REFS = 20  # each changed action is one line of the reply, within Slack's block limit


def _refs_and_rest(args: str) -> tuple[tuple[int, ...], str]:
    """The refs that start the arguments (`A-2 A-3`, `A-2, A-3 and A-5`), and the rest."""
    if not args:
        raise _Invalid("Which action? Give its reference, like A-7.")
    word, _ = _split_first(args)
    refs = [_parse_ref(word.rstrip(",:;."))]
    position = len(word)
    rest = args[position:]
    if _ONLY_REFS_RE.fullmatch(rest):
        # Nothing but refs after the first: never a note, however they are written.
        refs += [_parse_ref(t) for t in re.findall(r"#?(?:a-?)?[0-9]{1,10}", rest, re.I)]
        rest = ""
    else:
        while (match := _MORE_REF_RE.match(args, position)) is not None:
            bare = not match["prefix"] and not match["ref"].startswith("#")
            if bare and not match["sep"].strip():
                break  # "done A-7 2 reports sent": a bare number after a space is text
            refs.append(_parse_ref(match["ref"]))
            position = match.end()
        rest = args[position:]
    rest = re.sub(r"^[\s,:;.]+", "", rest)
    unique = tuple(dict.fromkeys(refs))
    if len(unique) > MAX_REFS:
        raise _Invalid(f"Give at most {MAX_REFS} actions at once.")
    return unique, rest.strip()


def _edit(args: str, today: date) -> Command:
    """`edit A-7 text <new text>`, `edit A-7 item 2.5` (or `none`), `edit A-7 source <date>`."""
    ref, rest = _ref_and_rest(args)
    field, value = _split_first(rest)
    field = field.lower()
    if field in ("text", "action", "wording"):
        missing = "Give the corrected text, like `edit A-7 text review the diary metric`."
        return EditAction(ref, text=_required_text(value, "action", missing))
    if field in ("item", "agenda"):
        value = re.sub(r"^item\s+", "", value.strip(), flags=re.IGNORECASE).strip("()[] ")
        if value.lower() in _VACANT:
            return EditAction(ref, clear_item=True)
        if not _ITEM_WORD_RE.fullmatch(value):
            raise _Invalid("Give the agenda item number, like `edit A-7 item 2.5`, or `none`.")
        return EditAction(ref, agenda_item=value)
    if field in ("source", "meeting", "from"):
        if not value:
            raise _Invalid("Give the date of the meeting it came from: `edit A-7 source "
                           "28/10/2026`.")
        return EditAction(ref, source_on=parse_date(value, today, allow_past=True))
    raise _Invalid("Say what to correct: `edit A-7 text <new text>`, `edit A-7 item 2.5` or "
                   "`edit A-7 source 28/10/2026`.")


def _end_recurrence(args: str, today: date) -> Command:
    return EndRecurrence(_ref_only(args, "stop"))


def _more_time(args: str, today: date) -> Command:
    """`more-time A-7 31/01/2027 waiting for HMICFRS report`."""
    ref, rest = _ref_and_rest(args)
    if not rest:
        raise _Invalid("Give the date you need and why, like "
                       "`more-time A-7 31/01/2027 waiting for HMICFRS report`.")
    new_date, reason = parse_leading_date(rest, today)
    missing = "Say why more time is needed, after the date."
    return RequestMoreTime(ref, new_date, _required_text(reason, "reason", missing))


def _due(args: str, today: date) -> Command:
    ref, phrase = _ref_and_rest(args)
    if not phrase:
        raise _Invalid("Give the new due date after the reference, like `due A-7 15/01/2027`.")
    return ReviseDue(ref, parse_due(phrase, today))


def _assign(args: str, today: date) -> Command:
    ref, rest = _ref_and_rest(args)
    to = next(iter(_find_words(rest, "to")), None)
    if to is not None and to.start() == 0:
        rest = rest[to.end() :]
    owners = parse_owners(rest)
    if not owners:
        raise _Invalid(f"Who should own it? Like `assign A-7 CC and @name`. {OWNER_HINT}")
    return AssignAction(ref, owners, rest)


def _show(args: str, today: date) -> Command:
    return ShowAction(_ref_only(args, "show"))


def _list(args: str, today: date) -> Command:
    """`list [mine | overdue | next | <owner> | meeting <date>] [page N]`."""
    words = args.split()
    page = 1
    if len(words) >= 2 and words[-2].lower() == "page":
        page = _parse_page(words[-1])
        words = words[:-2]
    elif words and words[-1].lower() == "page":
        raise _Invalid("Which page? Like `list overdue page 2`.")
    return ListActions(_list_filter(words, today), page)


def _parse_page(word: str) -> int:
    number = int(word) if _PAGE_RE.fullmatch(word) else 0
    if not 1 <= number <= MAX_PAGE:
        raise _Invalid(f"{quote(word)} is not a page number; pages start at 1.")
    return number


def _list_filter(words: list[str], today: date) -> ListFilter:
    if not words:
        return AllOpen()
    head = words[0].lower()
    phrase = " ".join(words).lower()
    if phrase in _LIST_FILTERS:
        return _LIST_FILTERS[phrase]
    if head == "item":
        if len(words) != 2 or not _ITEM_WORD_RE.fullmatch(words[1]):
            raise _Invalid("Which agenda item? Give its number, like `list item 2.4`.")
        return AtItem(words[1])
    if head == "meeting":
        if len(words) == 1:
            raise _Invalid("Which meeting? Give its date, like `list meeting 26/11/2026`.")
        # Past meetings are fair game here: the secretariat looks back at what was due.
        return AtMeeting(parse_date(" ".join(words[1:]), today, allow_past=True))
    try:
        return ByOwner(parse_owner(" ".join(words)))
    except OwnerParseError:
        raise _Invalid(f"I can't list {quote(' '.join(words))}. Try {LIST_WORDS}.") from None


def _meeting(args: str, today: date) -> Command:
    """`meeting next <date> ...` or `meeting list`."""
    head, rest = _split_first(args)
    if head.lower() == "list":
        _no_args(rest, "meeting list")
        return MeetingList()
    if head.lower() == "next":
        return _next_meeting(rest, today)
    if head.lower() == "move":
        return _move_meeting(rest, today)
    if head.lower() in ("held", "last", "past"):
        return _next_meeting(rest, today, held=True)
    if head.lower() == "cancel":
        if not rest:
            raise _Invalid("Which meeting? Give its date, like `meeting cancel 26/11/2026`.")
        on, after = parse_leading_date(rest, today)
        if after:
            raise _Invalid(f"I only need the meeting's date, not {quote(after)}.")
        return CancelMeeting(on)
    raise _Invalid(
        "Use `meeting next <date> <time> <kind>: <title> at <venue>` to set the next meeting, "
        "`meeting held <date> <time>` for one just held, `meeting move <date> to <date> "
        "[time]`, `meeting cancel <date>`, or `meeting list`."
    )


def _move_meeting(text: str, today: date) -> MoveMeeting:
    """`meeting move 26/11/2026 to 03/12/2026 [14:00]`."""
    parts = re.split(r"\s+to\s+", text.strip(), maxsplit=1, flags=re.IGNORECASE)
    if len(parts) != 2:
        raise _Invalid("Say which meeting and where to: `meeting move 26/11/2026 to 03/12/2026`.")
    from_day, rest = parse_leading_date(parts[0], today, allow_past=True)
    if rest:
        raise _Invalid(f"I only need the meeting's date before `to`, not {quote(rest)}.")
    to_day, after = parse_leading_date(parts[1], today)
    to_time = None
    if after:
        to_time, left = _take_time(after)
        if left:
            raise _Invalid(f"I didn't understand {quote(left)} after the new time.")
    return MoveMeeting(from_day, to_day, to_time)


def _next_meeting(text: str, today: date, held: bool = False) -> SetNextMeeting:
    """`<date> [<time>] [<kind>[:] <title>] [at|@ <venue>]`."""
    if not text:
        raise _Invalid("When is it? Like `meeting next 26/11/2026 10:00 Monthly at Hindlip`.")
    starts_on, after = parse_leading_date(text, today, allow_past=held)
    if held and starts_on > today:
        raise _Invalid(f"{starts_on:%d/%m/%Y} is still to come; use `meeting next` for it.")
    starts_time, after = _take_time(after)
    body, venue = _split_venue(after)
    kind, title = _kind_and_title(body)
    return SetNextMeeting(starts_on, starts_time, kind, title, venue, held)


def _take_time(text: str) -> tuple[time, str]:
    """A leading time (10:00, 10am, 2.30pm, @ 19:00), or 10:00 when none is given."""
    if not _TIME_START_RE.match(text):
        return DEFAULT_MEETING_TIME, text
    match = _TIME_RE.match(text)
    found = _clock_time(match) if match else None
    if match is None or found is None:
        shown = quote(text.split(None, 1)[0] if text.split() else text)
        raise _Invalid(
            f"I couldn't read the time {shown}; write it as 10:00, 14.30, 1430, 10am or 2.30pm."
        )
    return found, text[match.end() :].strip().lstrip(",;.").strip()


def _clock_time(match: re.Match[str]) -> time | None:
    """The time a _TIME_RE match names, or None when it is no real time (25:00, a bare 10)."""
    if match["hhmm"]:
        if match["half"]:
            return None  # "1430pm" is no time
        hour, minute = int(match["hhmm"][:2]), int(match["hhmm"][2:])
        return time(hour, minute) if hour <= 23 and minute <= 59 else None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"].lower() == "p" else 0)
    elif match["minute"] is None and not match["hrs"]:
        # A bare "10" could be a time or the start of a title; make the user say which.
        return None
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _split_venue(text: str) -> tuple[str, str | None]:
    """Split off the venue after the first " at " or " @ "."""
    at = next(iter(_find_words(text, "at|@")), None)
    if at is None:
        return text.strip(), None
    venue = text[at.end() :].strip()
    if not venue:
        raise _Invalid("Where is it? Put the venue after `at`, like `at Hindlip, room 1.38`.")
    return text[: at.start()].strip(), _meeting_field(venue, "venue")


# A kind the secretariat names: one to three words before a colon ("Board: Finance").
_NAMED_KIND_RE = re.compile(r"(?P<kind>[A-Za-z][A-Za-z&'’\- ]{0,19}?)\s*:\s*")


def _kind_and_title(text: str) -> tuple[str, str]:
    """The meeting kind from a leading word ("Thematic: Covid-19"), defaulting to monthly."""
    for kind, pattern in _KINDS:
        match = pattern.match(text)
        if match:
            title = text[match.end() :].strip()
            return kind, _meeting_field(title, "title") if title else DEFAULT_TITLES[kind]
    named = _NAMED_KIND_RE.match(text)
    if named and len(named["kind"].split()) <= 3:
        kind = named["kind"].strip()
        title = text[named.end() :].strip() or f"{kind[:1].upper()}{kind[1:]} meeting"
        return _kind_word(kind), _meeting_field(title, "title")
    if text:
        return MeetingKind.MONTHLY, _meeting_field(text, "title")
    return MeetingKind.MONTHLY, DEFAULT_TITLES[MeetingKind.MONTHLY]


def _kind_word(text: str) -> str:
    """A kind as stored: a built-in kind's code, or the words as named, in lower case."""
    words = " ".join(text.split())
    for kind, pattern in _KINDS:
        match = pattern.match(words)
        if match and match.end() == len(words):
            return str(kind)
    return words.lower()


def _meeting_field(text: str, what: str) -> str:
    if len(text) > MAX_MEETING_FIELD_LENGTH:
        raise _Invalid(
            f"The meeting {what} is {len(text):,} characters long; "
            f"keep it under {MAX_MEETING_FIELD_LENGTH}."
        )
    return text


def _role(args: str, today: date) -> Command:
    """`role DCC @person`, `role <title> none`, `role new <title> (CODE)`, `role external …`."""
    head, rest = _split_first(args)
    if head.lower() == "new":
        return _new_role(rest)
    if head.lower() in ("external", "internal"):
        return _role_external(rest, external=head.lower() == "external")
    found = _HOLDER_RE.search(args)
    written = args[: found.start()].strip() if found else ""
    if found is None or not written:
        raise _Invalid(
            "Say which role and who holds it, like `role DCC @name`, "
            "or `role DCC none` when it is vacant."
        )
    holder = found["holder"]
    code = _role_code_or_title(written)
    if holder.lower() in _VACANT:
        return SetRole(code, None, written)
    user_id = parse_user_mention(holder)
    if user_id is None:
        raise _Invalid(
            f"I can't find anyone called {quote(holder)} in this workspace. Pick the person "
            f"from Slack's @ list, or say `none` to leave {code} vacant."
        )
    return SetRole(code, user_id, written)


# The holder ends a `role` command: a mention (display names may have spaces) or a word.
_HOLDER_RE = re.compile(r"(?:^|\s)(?P<holder><@[^<>]*>|\S+)\s*$")


def _role_code_or_title(written: str) -> str:
    """A role named in a `role` command: a built-in name or code, else the title as written."""
    try:
        return parse_role_code(written)
    except OwnerParseError:
        if "<" in written or ">" in written or not any(ch.isalpha() for ch in written):
            raise
        return written.strip()


_CONTACT_RE = re.compile(r"\s*(?:[-–—;,]\s*)?\bcontact\s*:\s*", re.IGNORECASE)
_CODE_SUFFIX_RE = re.compile(r"\s*\((?P<code>[A-Za-z0-9&_]{2,12})\)\s*$")
_ROLE_FLAGS = {"external": "external", "person": "person"}


def _new_role(text: str) -> CreateRole:
    """`role new [external] [person] <title> [(CODE)] [contact: <note>]`."""
    flags: set[str] = set()
    while True:
        word, rest = _split_first(text)
        if word.lower() not in _ROLE_FLAGS:
            break
        flags.add(_ROLE_FLAGS[word.lower()])
        text = rest
    contact = None
    found = _CONTACT_RE.search(text)
    if found:
        text, contact = text[: found.start()], text[found.end() :].strip()
        if not contact:
            raise _Invalid("Write the contact note after `contact:`, or leave `contact:` out.")
        if "external" not in flags:
            raise _Invalid(
                "A contact note is for owners outside Slack: write `role new external …`."
            )
    code = None
    suffix = _CODE_SUFFIX_RE.search(text)
    if suffix:
        code, text = suffix["code"].upper(), text[: suffix.start()]
    title = " ".join(text.split())
    if not title or not any(ch.isalpha() for ch in title):
        raise _Invalid(
            "Give the role's title as the minutes write it, like "
            "`role new Director of Business Services (DBS)`."
        )
    if "<" in title or ">" in title:
        raise _Invalid("A role's title is words, not a mention or a channel.")
    if len(title) > MAX_MEETING_FIELD_LENGTH:
        raise _Invalid(
            f"The title is {len(title):,} characters long; keep it under "
            f"{MAX_MEETING_FIELD_LENGTH}."
        )
    return CreateRole(title, code, "external" in flags, contact, "person" in flags)


def _role_external(text: str, *, external: bool) -> MarkExternal:
    """`role external <role> [contact: <note>]` or `role internal <role>`."""
    contact = None
    found = _CONTACT_RE.search(text)
    if found:
        text, contact = text[: found.start()], text[found.end() :].strip() or None
        if not external:
            raise _Invalid("Only owners outside Slack have a contact note.")
    written = " ".join(text.split())
    if not written:
        word = "external" if external else "internal"
        raise _Invalid(f"Which role? Like `role {word} Director of Business Services`.")
    return MarkExternal(_role_code_or_title(written), external, contact, written)


_CHANNEL_RE = re.compile(r"<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>")
_ON_OFF = {"on": True, "off": False, "yes": True, "no": False}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _settings(args: str, today: date) -> Command:
    """`settings` shows them; `settings <what> <value>` changes one."""
    words = args.lower().split()
    if not words:
        return ShowSettings()
    what, rest = words[0], words[1:]
    if what == "channel" and len(rest) == 1:
        match = _CHANNEL_RE.fullmatch(args.split()[1])
        if match is None:
            raise _Invalid(
                f"I can't find a channel called {quote(args.split()[1])} that I can see. Pick "
                "it from Slack's # list: `settings channel #team`. A private channel must "
                "invite me first: `/invite @Action Log` in it."
            )
        return ChangeSetting("team_channel_id", match["id"])
    if what in ("reminders", "summary", "digest") and len(rest) == 1 and rest[0] in _ON_OFF:
        field = {"reminders": "reminders_enabled", "summary": "summary_enabled",
                 "digest": "digest_enabled"}[what]
        return ChangeSetting(field, _ON_OFF[rest[0]])
    if what == "reminders" and len(rest) == 1 and re.fullmatch(r"[0-9]{1,2}(,[0-9]{1,2})*",
                                                               rest[0]):
        return ChangeSetting("reminder_lead_days", rest[0])
    if what == "time" and len(rest) == 1 and re.fullmatch(r"[0-9]{1,2}:[0-9]{2}", rest[0]):
        hours, minutes = (int(p) for p in rest[0].split(":"))
        if hours < 24 and minutes < 60:
            return ChangeSetting("send_time", f"{hours:02d}:{minutes:02d}")
    if what == "summary" and len(rest) == 1 and rest[0].isdigit() and int(rest[0]) <= 20:
        return ChangeSetting("summary_lead_days", int(rest[0]))
    if what == "digest" and len(rest) == 1 and rest[0] in _WEEKDAYS:
        return ChangeSetting("digest_weekday", _WEEKDAYS.index(rest[0]))
    if what in ("organisation", "organization", "org"):
        name = args.split(None, 1)[1].strip() if len(rest) else ""
        if not name:
            raise _Invalid("Give the name the papers show: `settings organisation OPCC for "
                           "West Mercia` (or `settings organisation none`).")
        if len(name) > MAX_MEETING_FIELD_LENGTH:
            raise _Invalid(f"The organisation's name is {len(name):,} characters long; the "
                           f"limit is {MAX_MEETING_FIELD_LENGTH}.")
        return ChangeSetting("organisation_name", None if name.lower() in _VACANT else name)
    if what == "summary" and len(rest) == 2 and rest[0] in ("attach", "file", "word") \
            and rest[1] in _ON_OFF:
        return ChangeSetting("summary_attach_log", _ON_OFF[rest[1]])
    if what == "digest" and len(rest) == 2 and rest[0] == "empty" and rest[1] in _ON_OFF:
        return ChangeSetting("digest_when_empty", _ON_OFF[rest[1]])
    if what in ("next-meeting", "next") and rest:
        return ChangeSetting("next_meeting_kinds", _counting_kinds(args.split(None, 1)[1]))
    if what in ("own-date", "own-dates", "own") and len(rest) == 1:
        if rest[0] in ("off", "no", "none"):
            return ChangeSetting("own_date_lead_days", "")
        if re.fullmatch(r"[0-9]{1,2}(,[0-9]{1,2})*", rest[0]):
            return ChangeSetting("own_date_lead_days", rest[0])
    if what in ("overdue-nudge", "nudge", "nudges") and len(rest) == 1 and rest[0] in _ON_OFF:
        return ChangeSetting("overdue_nudge", _ON_OFF[rest[0]])
    raise _Invalid(f"I can't change {quote(args)}. These work:")


def _counting_kinds(text: str) -> str:
    """`all` (""), or the kinds that count as "the next meeting": `monthly, thematic`."""
    if text.strip().lower() in ("all", "any", "every kind", "all kinds"):
        return ""
    text = re.sub(r"police\s+and\s+crime\s+panel", "panel", text, flags=re.IGNORECASE)
    parts = [p for p in re.split(r"\s*(?:,|;|&|\band\b)\s*", text.strip(), flags=re.I) if p]
    kinds = list(dict.fromkeys(_kind_word(p) for p in parts))
    if not kinds or any(len(k) > 20 for k in kinds):
        raise _Invalid("Name the kinds, like `settings next-meeting monthly, thematic`, "
                       "or `settings next-meeting all`.")
    return ",".join(kinds)


_SUBTEAM_RE = re.compile(r"<!subteam\^(?P<id>[A-Z0-9]+)(?:\|[^>]*)?>")


def _secretariat(args: str, today: date) -> Command:
    """`secretariat add @person` or `secretariat group @group` (or `group none`)."""
    word, rest = _split_first(args)
    rest = rest.strip()
    if word.lower() == "add":
        user_id = parse_user_mention(rest)
        if user_id is None:
            found = f"I can't find anyone called {quote(rest)} in this workspace. " if rest else ""
            raise _Invalid(f"{found}Say who to add, picking them from Slack's @ list: "
                           "`secretariat add @name`.")
        return AddSecretariat(user_id)
    if word.lower() == "group":
        if rest.lower() in _VACANT:
            return SetSecretariatGroup(None)
        match = _SUBTEAM_RE.fullmatch(rest)
        if match is None:
            found = f"I can't find a user group called {quote(rest)}. " if rest else ""
            raise _Invalid(f"{found}Pick the user group from Slack's @ list: "
                           "`secretariat group @policy-team`.")
        return SetSecretariatGroup(match["id"])
    raise _Invalid("Say `secretariat add @person` or `secretariat group @group`.")


def _roles(args: str, today: date) -> Command:
    _no_args(args, "roles")
    return ListRoles()


# The words that pick a file format, and the format each means.
_EXPORT_FORMATS = {"docx": "docx", "word": "docx", "xlsx": "xlsx", "excel": "xlsx",
                   "csv": "csv"}


def _export(args: str, today: date) -> Command:
    """`export [all | open | meeting <date> | since <date>] [docx | xlsx | csv]`."""
    words = args.split()
    formats = [w for w in words if w.lower() in _EXPORT_FORMATS]
    if len(formats) > 1:
        raise _Invalid(f"Choose one format, not {' and '.join(quote(w) for w in formats)}.")
    fmt = _EXPORT_FORMATS[formats[0].lower()] if formats else "docx"
    rest = [w for w in words if w.lower() not in _EXPORT_FORMATS]
    head = rest[0].lower() if rest else ""
    if head in ("", "open") and len(rest) <= 1:
        return ExportLog(OpenActions(), fmt)
    if head == "all" and len(rest) == 1:
        return ExportLog(AllActions(), fmt)
    if head in ("meeting", "since"):
        if len(rest) == 1:
            raise _Invalid(f"Which day? Give it like `export {head} 28/10/2026`.")
        day = parse_date(" ".join(rest[1:]), today, allow_past=True)
        return ExportLog(FromMeeting(day) if head == "meeting" else Since(day), fmt)
    raise _Invalid(f"I can't export {quote(' '.join(rest))}. These work:")


def _import(args: str, today: date) -> Command:
    _no_args(args, "import")
    return OpenImport()


def _summary(args: str, today: date) -> Command:
    _no_args(args, "summary")
    return Summary()


_PARSERS: dict[str, Callable[[str, date], Command]] = {
    "help": _help,
    "add": _add,
    "update": _update,
    "start": _start,
    "done": _done,
    "close": _close,
    "reopen": _reopen,
    "drop": _drop,
    "more-time": _more_time,
    "stop": _end_recurrence,
    "edit": _edit,
    "correct": _edit,
    "moretime": _more_time,
    "due": _due,
    "assign": _assign,
    "show": _show,
    "list": _list,
    "meeting": _meeting,
    "role": _role,
    "roles": _roles,
    "summary": _summary,
    "export": _export,
    "import": _import,
    "secretariat": _secretariat,
    "settings": _settings,
}
