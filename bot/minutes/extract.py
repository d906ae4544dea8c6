"""Find the actions agreed in minutes: blocks of text and tables in, proposals out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from bot.minutes.agenda import AgendaMark, AgendaTracker, agenda_mark
from bot.minutes.dues import find_due, find_recurrence, read_due_cell
from bot.minutes.forms import (
    ACTIONS_HEADING_RE,
    DETAILS_RE,
    LABEL_RE,
    RESOLVED_RE,
    Found,
    is_owner_only,
    owner_after,
    read_resolution,
    read_sentence,
)
from bot.minutes.lines import Line, sentences, to_lines
from bot.minutes.meeting import MeetingInfo, find_meeting, find_next_meeting
from bot.minutes.owners import resolve_owners
from bot.minutes.read import Block
from bot.minutes.tables import TableColumns, table_columns
from storage.due import DueSpec

# More than this is not one meeting's minutes; the rest is reported, never silently dropped.
MAX_PROPOSALS = 500

_MATTERS_ARISING_RE = re.compile(
    r"matters\s+arising(?!\s+from\s+(?!(?:the\s+)?(?:previous|last|earlier)))|"
    r"outstanding\s+(?:matters|actions)|brought\s+forward|previous\s+actions|"
    r"actions?\s+(?:log|tracker)\s+review|review\s+of\s+(?:the\s+)?(?:previous\s+)?actions|"
    r"actions\s+from\s+(?:the\s+)?(?:previous|last)|\baction\s+(?:log|tracker)\b",
    re.IGNORECASE,
)
_NEXT_MEETING_RE = re.compile(r"\bnext\s+meeting\b", re.IGNORECASE)
# The log's own reference for an action ("A-31"), as the matters arising cite it.
_ACTION_REF_RE = re.compile(r"\bA-\d{1,5}\b")


@dataclass(frozen=True)
class Proposal:
    """One action the minutes seem to agree, with where it came from and how sure we are."""

    text: str
    owners: tuple[str, ...]
    owners_as_written: str
    due: DueSpec | None
    due_text: str | None
    recurs: str | None
    first_due: str | None
    agenda_item: str | None
    source: str
    confidence: float
    rule: str
    due_problem: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What the minutes say: the meeting, the next one, the actions and what was unreadable."""

    meeting: MeetingInfo | None
    next_meeting: MeetingInfo | None
    proposals: tuple[Proposal, ...]
    brought_forward: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass
class _State:
    """Where the walk through the minutes has got to."""

    tracker: AgendaTracker = field(default_factory=AgendaTracker)
    matters_arising: bool = False
    matters_top: str | None = None
    in_actions: bool = False  # under an "Actions" heading until the next heading or item
    after_label: bool = False  # after "Actions arising:" until a line that is not an action
    resolved_list: bool = False
    expect_heading: bool = False
    after_next_meeting: bool = False
    last_sentence: str | None = None  # for an owner-only label such as "ACTION: DCC"
    previous_kept: bool = False  # whether that sentence was already taken as an action
    tables: dict[int, TableColumns | None] = field(default_factory=dict)


def extract_actions(blocks: list[Block], *, today: date,
                    meeting_date: date | None = None) -> Extraction:
    """Read minutes into proposals; dates count from the meeting's date, else from today.

    `meeting_date`, when given, is the meeting the minutes record, whatever they say.
    """
    lines = to_lines(blocks)
    header_end = next((line.index for line in lines
                       if line.table is None and agenda_mark(line.text)), len(lines))
    meeting = find_meeting(lines, header_end)
    if meeting_date is not None:
        meeting = replace(meeting, date=meeting_date) if meeting else MeetingInfo(
            meeting_date, None, None, None)
    next_meeting = find_next_meeting(lines, meeting)
    reference = meeting.date if meeting and meeting.date else today
    found: list[tuple[Found, str, str | None, str | None]] = []
    table_rows: list[Proposal] = []
    brought_forward: list[str] = []
    problems: list[str] = []
    if meeting is None or meeting.date is None:
        problems.append("I couldn't find the meeting's date, so dates such as “within a month” "
                        f"count from today ({today:%d/%m/%Y}). Check them in the review.")
    state = _State()
    for line in lines:
        if line.table is not None:
            _table_row(line, state, reference, table_rows, brought_forward)
            continue
        _text_line(line, state, found, brought_forward)
    proposals = [_proposal(item, source, agenda, reference, due_text)
                 for item, source, agenda, due_text in found]
    proposals = _merge_in_order(proposals, table_rows)
    proposals = _without_repeats(proposals)
    for number, proposal in enumerate(proposals, 1):
        if proposal.due_problem:
            problems.append(f"Action {number}: {proposal.due_problem}")
    if len(proposals) > MAX_PROPOSALS:
        problems.append(f"These minutes have {len(proposals)} actions; only the first "
                        f"{MAX_PROPOSALS} are proposed. Import the rest as a separate file.")
        proposals = proposals[:MAX_PROPOSALS]
    return Extraction(meeting, next_meeting, tuple(proposals), tuple(brought_forward),
                      tuple(problems))


def _text_line(line: Line, state: _State, found: list, brought_forward: list[str]) -> None:
    text = line.text.strip()
    if not text:
        state.resolved_list = False
        return
    mark = None if line.bullet else agenda_mark(text)
    if mark is not None and state.in_actions and _numbered_action(mark):
        # "1. ACC – set out …" under "Action points" is a list, not agenda item 1.
        mark, text = None, mark.rest
    if mark is None and _apply_details(text, state, found):
        return
    heading: str | None = None
    numbered = mark is not None or state.expect_heading
    if mark is not None:
        if state.tracker.see(mark):
            _new_item(state)
            if not mark.rest:
                state.expect_heading = True
                return
            heading = mark.rest
        else:
            text = mark.rest or text
    elif line.heading or state.expect_heading:
        heading = text
        if line.heading and not state.expect_heading:
            state.tracker.reset()
            _new_item(state)
    state.expect_heading = False
    if heading is not None and _is_heading_text(heading):
        _heading(heading, state, numbered=numbered)
        if not (state.in_actions or _MATTERS_ARISING_RE.search(heading)):
            # A short numbered line can be an action itself: "2.3 DCC to circulate the report".
            _sentences(heading, line, state, found, brought_forward)
        return
    if heading is None and ACTIONS_HEADING_RE.match(text) and not text.endswith(":"):
        # A bare "Actions" line starts the list of actions at the end of the minutes.
        state.tracker.reset()
        _new_item(state)
        state.in_actions = True
        return
    if heading is None and _is_heading_text(text) and _MATTERS_ARISING_RE.search(text):
        _heading(text, state, numbered=False)
        return
    if heading is not None:
        text = heading
    if state.matters_arising and heading is None and (line.bullet or _ACTION_REF_RE.search(text)):
        # "- A-31 (DCC) rural vacancies: complete": an earlier action, whatever its wording.
        brought_forward.append(text)
        return
    _sentences(text, line, state, found, brought_forward)


def _numbered_action(mark: AgendaMark) -> bool:
    """A numbered line in a list of actions that reads as an action itself."""
    return not mark.labelled and "." not in mark.number and "/" not in mark.number and \
        bool(mark.rest) and read_sentence(mark.rest, in_actions=True) is not None


def _apply_details(text: str, state: _State, found: list) -> bool:
    """A "Responsible: ACC   Deadline: 30/11/2027" line completes the action above it."""
    details = DETAILS_RE.fullmatch(text)
    if details is None or not found or not state.previous_kept:
        return False
    item, source, agenda, due_text = found[-1]
    owners = details["owner"].strip() if details["owner"] else ""
    if owners and not item.owners:
        item = replace(item, owners=owners)
    found[-1] = (item, f"{source} {text}", agenda, (details["due"] or "").strip() or due_text)
    return True


def _new_item(state: _State) -> None:
    state.in_actions = state.after_label = state.resolved_list = False
    if state.matters_arising and state.tracker.top != state.matters_top:
        state.matters_arising = False


def _is_heading_text(text: str) -> bool:
    """Short and without a full stop: a heading, not a sentence."""
    if ACTIONS_HEADING_RE.match(text.strip()):
        return True
    return len(text) <= 100 and not text.rstrip().endswith((".", ";")) and \
        not re.search(r"[.;]\s", text) and not LABEL_RE.match(text)


def _heading(text: str, state: _State, *, numbered: bool) -> None:
    if _MATTERS_ARISING_RE.search(text):
        state.matters_arising = True
        state.matters_top = state.tracker.top if numbered else None
        return
    if ACTIONS_HEADING_RE.match(text.strip()):
        state.in_actions = True
        return
    if _NEXT_MEETING_RE.search(text):
        state.after_next_meeting = True
    if not numbered:
        state.matters_arising = False


def _sentences(text: str, line: Line, state: _State, found: list,
               brought_forward: list[str]) -> None:
    """Read the actions in one line of text."""
    resolved = RESOLVED_RE.match(text)
    if resolved:
        rest = resolved["rest"].strip()
        if not rest or rest.endswith(":"):
            state.resolved_list = True
            return
        _keep_all(read_resolution(rest), text, state, found, brought_forward)
        return
    if state.resolved_list and (line.bullet or re.match(r"^\(?[a-z0-9]{1,3}\)", text)):
        _keep_all(read_resolution(text), text, state, found, brought_forward)
        return
    listed = state.in_actions or state.after_label
    kept = False
    previous = state.last_sentence
    for sentence in sentences(text):
        label = LABEL_RE.match(sentence)
        if label:
            rest = (label["rest"] or "").strip()
            if not rest:
                state.after_label = True
                continue
            if is_owner_only(rest):
                # "The DCC will confirm the date. ACTION: DCC": the action is the sentence before.
                if previous:
                    if state.previous_kept:
                        _unkeep(state, found, brought_forward)
                    _keep(owner_after(previous, rest), f"{previous} {sentence}", state, found,
                          brought_forward)
                    kept = True
                previous = None
                continue
            item = read_sentence(rest, in_actions=True) or Found(
                "", rest.rstrip("."), "labelled", 0.6)
            # The source keeps its label: "ACTION: DCC to ..." is how the minutes have it.
            _keep(item, sentence, state, found, brought_forward)
            kept = True
            state.previous_kept = not state.matters_arising
            previous = sentence
            continue
        else:
            item = read_sentence(sentence, in_actions=listed)
            state.previous_kept = item is not None and not state.matters_arising
            if item is not None:
                _keep(item, sentence, state, found, brought_forward)
                kept = True
            previous = sentence
            continue
        state.previous_kept = False
        previous = sentence
    state.last_sentence = previous
    if state.after_label and not kept and not LABEL_RE.match(text):
        state.after_label = False


def _unkeep(state: _State, found: list, brought_forward: list[str]) -> None:
    """Take back the last action kept: an owner-only label that follows restates it."""
    if state.matters_arising:
        if brought_forward:
            brought_forward.pop()
    elif found:
        found.pop()


def _keep_all(items: list[Found], source: str, state: _State, found: list,
              brought_forward: list[str]) -> None:
    for item in items:
        _keep(item, source, state, found, brought_forward)


def _keep(item: Found, source: str, state: _State, found: list,
          brought_forward: list[str]) -> None:
    if state.matters_arising:
        brought_forward.append(source.strip())
        return
    found.append((item, source.strip(), state.tracker.item, None))


def _table_row(line: Line, state: _State, reference: date, rows: list[Proposal],
               brought_forward: list[str]) -> None:
    assert line.table is not None
    if line.table not in state.tables:
        # The first row of a table is its header: it says whether this is an action table.
        state.tables[line.table] = table_columns(line.cells)
        return
    columns = state.tables[line.table]
    if columns is None:
        return
    cells = line.cells
    text = columns.cell(cells, columns.action)
    if not text:
        return
    if state.matters_arising:
        brought_forward.append(text)
        return
    owners_written = columns.cell(cells, columns.owner)
    due_cell = columns.cell(cells, columns.due)
    due = read_due_cell(due_cell, reference) if due_cell else find_due(text, reference)
    ref = columns.cell(cells, columns.ref)
    mark = agenda_mark(ref) if ref else None
    recurs, first_due = find_recurrence(f"{text} {due_cell}", reference)
    rows.append(Proposal(
        text=text.strip().rstrip("."),
        owners=tuple(resolve_owners(owners_written)) if owners_written else (),
        owners_as_written=owners_written,
        due=due.spec,
        due_text=due.phrase,
        recurs=recurs,
        first_due=first_due,
        agenda_item=mark.number if mark else state.tracker.item,
        source=" | ".join(cell for cell in cells if cell),
        confidence=0.95 if owners_written else 0.8,
        rule="table",
        due_problem=due.problem,
    ))


def _proposal(item: Found, source: str, agenda: str | None, reference: date,
              due_text: str | None) -> Proposal:
    due = find_due(item.text, reference)
    if due.spec is None and due_text:
        given = read_due_cell(due_text, reference)
        due = replace(given, text=due.text)
    text = due.text.strip().rstrip(".").strip()
    recurs, first_due = find_recurrence(text, reference)
    owners = tuple(resolve_owners(item.owners)) if item.owners else ()
    confidence = item.confidence - (0.0 if owners or item.rule == "to-be-brought-back" else 0.1)
    return Proposal(
        text=text,
        owners=owners,
        owners_as_written=item.owners.strip(),
        due=due.spec,
        due_text=due.phrase,
        recurs=recurs,
        first_due=first_due,
        agenda_item=agenda,
        source=source,
        confidence=round(max(0.1, min(1.0, confidence)), 2),
        rule=item.rule,
        due_problem=due.problem,
    )


def _merge_in_order(text_items: list[Proposal], table_items: list[Proposal]) -> list[Proposal]:
    """Text actions first, then table rows: a table usually restates or lists the actions."""
    return text_items + table_items


def _without_repeats(proposals: list[Proposal]) -> list[Proposal]:
    """Drop an action that repeats one already proposed word for word (tables restating text)."""
    seen: set[str] = set()
    kept = []
    for proposal in proposals:
        key = " ".join(re.findall(r"[a-z0-9]+", proposal.text.lower()))
        if key in seen:
            continue
        seen.add(key)
        kept.append(proposal)
    return kept
