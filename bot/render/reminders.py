"""Messages sent on a schedule: owner reminders, reports to the secretariat, summaries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.ids import ActionId
from bot.render.actions import action_line
from bot.render.common import (
    HEADER_TEXT_LIMIT,
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    Reply,
    clip,
    context,
    header,
    inline,
    section,
)
from bot.render.words import (
    day_words,
    due_words,
    meeting_words,
    owner_words,
    owners_words,
    status_words,
    time_words,
)
from reminders.messages import (
    DeliveryFailure,
    DigestOwner,
    DueDateReminder,
    FailureReport,
    MeetingSummary,
    MoreTimeRequest,
    OwnerReminder,
    Unreachable,
    UnreachableReport,
    WeeklyDigest,
)
from reminders.rag import RAG_EMOJI, Rag, is_overdue, rag_for
from storage.views import ActionView, MeetingView

# Sections are packed to this size, below Slack's 3,000, so one long line never tips them over.
PACK_LIMIT = 2800
SHORT_TEXT = 120
LONG_TEXT = 500
NOTE_TEXT = 300
REASON_TEXT = 1500
# Lines listed per owner and part before "…and N more", so one owner fits one section.
ITEMS_PER_PART = 10


def render_owner_reminder(reminder: OwnerReminder, now: datetime, zone: ZoneInfo) -> Reply:
    """An owner's direct message before a meeting: each open action with response buttons."""
    actions = sorted(reminder.actions, key=lambda a: _urgency(a, now, zone))
    total = len(actions)
    intro = (
        f"Ahead of {meeting_words(reminder.meeting)} on "
        f"{time_words(reminder.meeting.starts_at, zone)}, here are your open actions ({total})."
    )
    overdue = sum(1 for a in actions if is_overdue(a, now, zone))
    first = f":wave: Hello <@{reminder.user_id}>. {intro}"
    if overdue:
        first += f"\n{RAG_EMOJI[Rag.RED]} *{overdue} overdue*, listed first."
    if not actions:
        first = f":wave: Hello <@{reminder.user_id}>. You have no open actions due by then."
    blocks: list[Block] = [section(first)]
    footer = context(
        "*Add update* says how it is going, *Mark complete* tells the secretariat it is done, "
        "*Need more time* asks them for a later date."
    )
    fixed = len(blocks) + 1  # intro and footer
    shown = total
    if fixed + 2 * total > MESSAGE_BLOCK_LIMIT:
        shown = (MESSAGE_BLOCK_LIMIT - fixed - 1) // 2
    for action in actions[:shown]:
        blocks.append(section(clip(action_line(action, now, zone), SECTION_TEXT_LIMIT)))
        blocks.append(reminder_buttons(action))
    if actions:
        blocks.append(footer)
    if shown < total:
        blocks.append(context(f"{total - shown} more not shown: see `/actions list mine`"))
    return Reply(text=clip(intro, SECTION_TEXT_LIMIT), blocks=blocks)


def render_due_date_reminder(reminder: DueDateReminder, now: datetime, zone: ZoneInfo) -> Reply:
    """One action's own due date: coming up, or (the nudge) passed."""
    action = reminder.action
    assert action.due_day is not None
    when = day_words(action.due_day)
    if reminder.working_days_before is None:
        intro = (f"{RAG_EMOJI[Rag.RED]} <@{reminder.user_id}>, {action.ref_label} was due on "
                 f"{when} and is now overdue. Mark it complete, add an update, or ask for "
                 "more time.")
    else:
        days = reminder.working_days_before
        soon = "tomorrow" if days == 1 else f"in {days} working days"
        intro = f":alarm_clock: <@{reminder.user_id}>, {action.ref_label} is due {soon}, on {when}."
    blocks: list[Block] = [
        section(intro),
        section(clip(action_line(action, now, zone), SECTION_TEXT_LIMIT)),
        reminder_buttons(action),
    ]
    return Reply(text=clip(f"{intro} {action.ref_label} {_short(action.text, SHORT_TEXT)}",
                           SECTION_TEXT_LIMIT), blocks=blocks)


def reminder_buttons(action: ActionView) -> ActionsBlock:
    """An owner's three answers to a reminder; the value is the action's ref."""
    value = str(action.ref)
    return ActionsBlock(
        block_id=f"remind_{action.ref}",
        elements=[
            ButtonElement(text="Add update", action_id=ActionId.ADD_UPDATE, value=value),
            ButtonElement(
                text="Mark complete",
                action_id=ActionId.MARK_COMPLETE,
                value=value,
                style="primary",
            ),
            ButtonElement(text="Need more time", action_id=ActionId.NEED_MORE_TIME, value=value),
        ],
    )


def render_unreachable_report(report: UnreachableReport, now: datetime, zone: ZoneInfo) -> Reply:
    """For the secretariat: owners nobody could remind, why, and how to put it right."""
    meeting = f"{meeting_words(report.meeting)} on {time_words(report.meeting.starts_at, zone)}"
    count = len(report.unreachable)
    if not count and not report.to_chase:
        text = f"Every owner was reminded ahead of {meeting}."
        return Reply(text=text, blocks=[section(f":white_check_mark: {text}")])
    if not count:
        text = (f"{_plural(len(report.to_chase), 'owner')} outside Slack to chase "
                f"ahead of {meeting}.")
        blocks: list[Block] = [header("To chase"), section(f":telephone_receiver: {text}")]
    else:
        text = f"{_plural(count, 'owner')} could not be reminded ahead of {meeting}."
        blocks = [header("Reminders not delivered"), section(f":warning: {text}")]
    entries = [_unreachable_entry(u) for u in report.unreachable]
    if report.to_chase and count:
        # Owners outside Slack are the secretariat's to chase, not a fault to fix.
        entries += ["*To chase* (owners outside Slack)"]
    entries += [_chase_entry(u) for u in report.to_chase]
    count = len(entries)
    room = MESSAGE_BLOCK_LIMIT - len(blocks) - 1
    chunks, placed = _pack(entries, room)
    blocks += [section(c) for c in chunks]
    if placed < count:
        rest = [u for u in (report.unreachable + _chase_heading_gap(report))[placed:] if u]
        refs = {a.ref for u in rest for a in u.actions}
        blocks.append(
            context(
                f"{_plural(len(rest), 'more owner')} not shown ({_plural(len(refs), 'action')}): "
                "see `/actions roles` and `/actions list`."
            )
        )
    return Reply(text=clip(text, SECTION_TEXT_LIMIT), blocks=blocks)


def _chase_heading_gap(report: UnreachableReport) -> tuple[Unreachable | None, ...]:
    """The entries after the unreachable ones, aligned with `entries` (None: the heading)."""
    heading: tuple[None, ...] = (None,) if report.to_chase and report.unreachable else ()
    return heading + report.to_chase


def _chase_entry(item: Unreachable) -> str:
    contact = f" ({_short(item.owner.contact, NOTE_TEXT)})" if item.owner.contact else ""
    lines = [f"• *{owner_words(item.owner)}*{contact}"]
    lines += _ref_lines(item.actions, indent="    ", more_hint=None)
    return "\n".join(lines)


def _unreachable_entry(item: Unreachable) -> str:
    lines = [f"• *{owner_words(item.owner)}*: {_short(item.reason, NOTE_TEXT)}"]
    lines += _ref_lines(item.actions, indent="    ", more_hint=None)
    if item.owner.role is not None:
        lines.append(f"    To fix: `/actions role {item.owner.role} @person`")
    elif item.actions:
        each = " for each" if len(item.actions) > 1 else ""
        lines.append(f"    To fix: `/actions assign {item.actions[0].ref_label} @person`{each}")
    return "\n".join(lines)


NOTHING_OUTSTANDING = "No outstanding actions for this meeting."
SUMMARY_GROUPS = (
    ("Complete, awaiting closure", "complete"),
    ("In progress", "in_progress"),
    ("Not started", "not_started"),
    ("Overdue", "overdue"),
)


def render_meeting_summary(summary: MeetingSummary, now: datetime, zone: ZoneInfo) -> Reply:
    """The "matters arising" item, as agenda item 1 reads: what was brought back to this
    meeting first, then by the meeting each action came from (agenda item beside each),
    then recurring and undated actions on their own lines."""
    title = summary_title(summary, zone)
    counts = summary_counts(summary)
    blocks: list[Block] = [header(clip(title, HEADER_TEXT_LIMIT))]
    if not any(items for _, items in summary_groups(summary)):
        blocks.append(section(NOTHING_OUTSTANDING))
        text = clip(f"{title}. {NOTHING_OUTSTANDING}", SECTION_TEXT_LIMIT)
        return Reply(text=text, blocks=blocks)
    blocks.append(context(f"{counts} · Prepared {time_words(summary.generated_at, zone)}"))
    overdue_refs = {a.ref for a in summary.overdue}
    groups = agenda_groups(summary, zone)
    room = MESSAGE_BLOCK_LIMIT - len(blocks) - 1
    not_shown: list[str] = []
    for position, (label, items) in enumerate(groups):
        heading = f"*{label} ({len(items)})*"
        # Formatted lazily: with thousands of actions only the first few dozen fit.
        entries = _under_heading(heading, (
            agenda_entry(a, a.ref in overdue_refs, now, zone) for a in items))
        # Keep a section for each later group, so every heading and count is shown.
        later = len(groups) - position - 1
        chunks, placed = _pack(entries, room - later)
        room -= len(chunks)
        blocks += [section(c) for c in chunks]
        missing = len(items) - placed if items else 0
        if missing:
            not_shown.append(f"{missing} {label[:1].lower()}{label[1:]}")
    if not_shown:
        blocks.append(
            context(f"Not shown for lack of space: {'; '.join(not_shown)}. See `/actions list`.")
        )
    return Reply(text=clip(f"{title}. {counts}.", SECTION_TEXT_LIMIT), blocks=blocks)


def summary_title(summary: MeetingSummary, zone: ZoneInfo) -> str:
    """``Matters arising: Monthly assurance meeting — Thu 26 Nov 2026, 10:00``."""
    when = time_words(summary.meeting.starts_at, zone)
    return f"Matters arising: {_meeting_name(summary.meeting)} — {when}"


def summary_groups(summary: MeetingSummary) -> list[tuple[str, tuple[ActionView, ...]]]:
    """Each status group's heading and actions, in the order the agenda lists them."""
    return [(label, getattr(summary, name)) for label, name in SUMMARY_GROUPS]


def summary_counts(summary: MeetingSummary) -> str:
    """``Complete, awaiting closure: 1 · In progress: 2 · ...``."""
    return " · ".join(f"{label}: {len(items)}" for label, items in summary_groups(summary))


BROUGHT_BACK = "Brought back to this meeting"
_BRING_BACK_RE = re.compile(r"\b(?:brought|bring|come|coming|report)\s+back\b", re.IGNORECASE)
RECURRING = "Recurring"
UNDATED = "No date"
NO_SOURCE = "Source not recorded"


def agenda_groups(
    summary: MeetingSummary, zone: ZoneInfo
) -> list[tuple[str, list[ActionView]]]:
    """The summary's actions in agenda order: brought back, by source meeting (oldest
    first, then those with no source), recurring, undated; by agenda item within each."""
    actions = [a for _, name in SUMMARY_GROUPS for a in getattr(summary, name)]
    starts = summary.meeting.starts_at
    held = [a.source_meeting.starts_at for a in actions
            if a.source_meeting is not None and a.source_meeting.starts_at < starts]
    previous = max(held, default=None)  # the last meeting before this one with actions

    def brought_back(action: ActionView) -> bool:
        """Due at this meeting on purpose: from a meeting before the last, or said so."""
        if action.due_meeting is None or action.due_meeting.id != summary.meeting.id:
            return False
        if _BRING_BACK_RE.search(action.text):
            return True
        source = action.source_meeting
        return source is not None and previous is not None and source.starts_at < previous

    brought, recurring, undated = [], [], []
    by_source: dict[int | None, list[ActionView]] = {}
    sources: dict[int, MeetingView] = {}
    for action in actions:
        if action.recurs:
            recurring.append(action)
        elif action.due_day is None:
            undated.append(action)
        elif brought_back(action):
            brought.append(action)
        else:
            source = action.source_meeting
            by_source.setdefault(source.id if source else None, []).append(action)
            if source is not None:
                sources[source.id] = source
    ordered = sorted(sources.values(), key=lambda m: m.starts_at)
    groups: list[tuple[str, list[ActionView]]] = []
    if brought:
        groups.append((BROUGHT_BACK, brought))
    for meeting in ordered:
        day = day_words(meeting.starts_at.astimezone(zone).date())
        groups.append((f"From {meeting_words(meeting)} of {day}", by_source[meeting.id]))
    if None in by_source:
        groups.append((NO_SOURCE, by_source[None]))
    if recurring:
        groups.append((RECURRING, recurring))
    if undated:
        groups.append((UNDATED, undated))
    return [(label, sorted(items, key=_agenda_order)) for label, items in groups]


def _agenda_order(action: ActionView) -> tuple[tuple[int, ...], str, int]:
    """Agenda item 2.4 before 2.10 before 3; actions without an item after; then by ref."""
    item = action.agenda_item or ""
    numbers = tuple(int(n) for n in re.findall(r"[0-9]+", item)) or (10**9,)
    return numbers, item, action.ref


def _under_heading(heading: str, entries: Iterator[str]) -> Iterator[str]:
    """The entries with the heading on the first, or the heading over "None."."""
    first = next(entries, None)
    yield f"{heading}\n{'None.' if first is None else first}"
    yield from entries


def agenda_entry(action: ActionView, overdue: bool, now: datetime, zone: ZoneInfo) -> str:
    rag = rag_for(action, now, zone)
    mark = RAG_EMOJI[rag] if rag else "•"
    item = f" (item {_short(action.agenda_item, 40)})" if action.agenda_item else ""
    details = [owners_words(action), f"due {due_words(action)}",
               status_words(action, None) + (" — overdue" if overdue else "")]
    lines = [
        f"{mark} *{action.ref_label}*{item} {_short(action.text, LONG_TEXT)}",
        f"    {' · '.join(details)}",
    ]
    if action.latest_note:
        lines.append(f"    _Latest:_ {_short(action.latest_note, NOTE_TEXT)}")
    return "\n".join(lines)


_PARTS = (
    ("New this week", "new"),
    ("Completed or closed this week", "finished"),
    ("Overdue", "overdue"),
    ("Due before the next meeting", "due_before_next"),
)


def render_weekly_digest(digest: WeeklyDigest, now: datetime, zone: ZoneInfo) -> Reply:
    """The team channel's weekly digest: per owner, what is new, finished, late and due."""
    title = f"Weekly action digest, {day_words(digest.week_start)}–{day_words(digest.week_end)}"
    blocks: list[Block] = [header(title)]
    if digest.next_meeting is not None:
        when = time_words(digest.next_meeting.starts_at, zone)
        blocks.append(
            section(f":calendar: *Next meeting:* {_meeting_name(digest.next_meeting)}, {when}")
        )
    else:
        blocks.append(section(":calendar: No next meeting is set yet."))
    totals = [
        f"{len({a.ref for o in digest.owners for a in getattr(o, name)})} {label.lower()}"
        for label, name in _PARTS
    ]
    text = f"{title}: {', '.join(totals)}."
    owners = [o for o in digest.owners if any(getattr(o, name) for _, name in _PARTS)]
    if not owners:
        blocks.append(section("Nothing new, finished, overdue or due this week."))
        return Reply(text=clip(text, SECTION_TEXT_LIMIT), blocks=blocks)
    blocks.append(context(" · ".join(t[0].upper() + t[1:] for t in totals)))
    entries: list[str] = []
    owner_of_entry: list[int] = []
    for index, owner in enumerate(owners):
        parts = _digest_entries(owner)
        entries += parts
        owner_of_entry += [index] * len(parts)
    room = MESSAGE_BLOCK_LIMIT - len(blocks) - 1
    chunks, placed = _pack(entries, room)
    blocks += [section(c) for c in chunks]
    if placed < len(entries):
        first_cut = owner_of_entry[placed]
        rest = owners[first_cut:]
        refs = {a.ref for o in rest for _, name in _PARTS for a in getattr(o, name)}
        blocks.append(
            context(
                f"{_plural(len(rest), 'more owner')} not shown in full "
                f"({_plural(len(refs), 'action')}): see `/actions list <owner>`."
            )
        )
    return Reply(text=clip(text, SECTION_TEXT_LIMIT), blocks=blocks)


def _digest_entries(owner: DigestOwner) -> list[str]:
    """One owner's parts as one entry, or one entry per part when they are too long together."""
    name = f"*{', '.join(owner_words(o) for o in (owner.owner, *owner.others))}*"
    parts = []
    for label, attr in _PARTS:
        items: tuple[ActionView, ...] = getattr(owner, attr)
        if items:
            lines = [f"_{label} ({len(items)})_"]
            lines += _ref_lines(items, indent="• ", more_hint="`/actions list <owner>`")
            parts.append("\n".join(lines))
    whole = "\n".join([name, *parts])
    if len(whole) <= PACK_LIMIT:
        return [whole]
    return [f"{name}\n{parts[0]}"] + [f"{name} (continued)\n{p}" for p in parts[1:]]


def render_more_time_request(request: MoreTimeRequest, now: datetime, zone: ZoneInfo) -> Reply:
    """For the secretariat: an owner asks for a later date; nothing changes until they agree."""
    action = request.action
    ref = action.ref_label
    asked = (
        f":hourglass_flowing_sand: <@{request.requested_by}> asks for more time on *{ref}* "
        f"({_short(action.text, NOTE_TEXT)}): new date *{day_words(request.new_date)}*, "
        f"reason: {_short(request.reason, REASON_TEXT) or 'none given'}; "
        f"current due {due_words(action)}."
    )
    agree = f"Nothing has changed; to agree, type `/actions due {ref} {request.new_date:%d/%m/%Y}`."
    status = status_words(action, rag_for(action, now, zone))
    blocks: list[Block] = [
        section(clip(asked, SECTION_TEXT_LIMIT)),
        section(agree),
        context(f"{ref}: {owners_words(action)} · {status}"),
    ]
    return Reply(text=clip(f"{asked}\n{agree}", SECTION_TEXT_LIMIT), blocks=blocks)


def render_failure_report(report: FailureReport) -> Reply:
    """For the secretariat: messages that could not be delivered, why, and what fixes it."""
    count = len(report.failures)
    if not count:
        text = "Every message was delivered."
        return Reply(text=text, blocks=[section(f":white_check_mark: {text}")])
    text = f"{_plural(count, 'message')} could not be delivered after retries."
    blocks: list[Block] = [section(f":warning: {text}")]
    lines = [
        f"• {_short(f.kind, 40)} to {_recipient(f.recipient)}: `{_code(f.error)}`. "
        f"{failure_fix(f)}"
        for f in report.failures
    ]
    room = MESSAGE_BLOCK_LIMIT - len(blocks) - 1
    chunks, placed = _pack(lines, room)
    blocks += [section(c) for c in chunks]
    if placed < count:
        blocks.append(context(f"{count - placed} more failures not shown."))
    return Reply(text=text, blocks=blocks)


BOT_MENTION = "@Action Log"
TOKEN_ERRORS = frozenset({"token_revoked", "invalid_auth", "not_authed", "account_inactive",
                          "token_expired"})
MEMBERSHIP_ERRORS = frozenset({"not_in_channel", "channel_not_found"})


def invite_line(channel_id: str) -> str:
    """How the secretariat adds the bot to a channel it cannot post in."""
    return (f"Action Log is not a member of {_recipient(channel_id)}: type "
            f"`/invite {BOT_MENTION}` in that channel.")


def failure_fix(failure: DeliveryFailure) -> str:
    """What went wrong in words, what puts it right, and whether it will be sent later."""
    error, channel = failure.error, failure.recipient[:1] in ("C", "G")
    if error in TOKEN_ERRORS:
        why = ("Slack no longer accepts the bot's own token (the app was removed, its token "
               "revoked or the workspace deactivated): reinstall Action Log and update "
               "SLACK_BOT_TOKEN. This is not about the person or channel.")
    elif error == "missing_scope":
        scope = f"the `{_code(failure.needed)}` scope" if failure.needed else "a scope"
        why = (f"The app lacks {scope}: add it under OAuth & Permissions in the app's "
               "settings and reinstall the app.")
    elif error in MEMBERSHIP_ERRORS and channel:
        why = invite_line(failure.recipient)
    elif error in ("ratelimited", "internal_error", "service_unavailable", "fatal_error",
                   "request_timeout") or error.startswith("HTTP ") or "Error" in error:
        why = "Slack was busy or could not be reached."
    else:
        why = ""
    then = ("It is sent again on a later round once this is fixed." if failure.retried
            else "It will not be tried again.")
    return f"{why} {then}".strip()


def _recipient(recipient: str) -> str:
    if re.fullmatch(r"[UW][A-Z0-9]+", recipient):
        return f"<@{recipient}>"
    if re.fullmatch(r"[CG][A-Z0-9]+", recipient):
        return f"<#{recipient}>"
    return f"`{_code(recipient)}`"


def _code(text: str) -> str:
    """User or API text safe inside inline code: escaped, one line, no backticks."""
    return _short(text.replace("`", "'"), NOTE_TEXT)


def _ref_lines(actions: Sequence[ActionView], *, indent: str, more_hint: str | None) -> list[str]:
    lines = [
        f"{indent}*{a.ref_label}* {_short(a.text, SHORT_TEXT)}" for a in actions[:ITEMS_PER_PART]
    ]
    if len(actions) > ITEMS_PER_PART:
        hint = f": see {more_hint}" if more_hint else ""
        lines.append(f"{indent}…and {len(actions) - ITEMS_PER_PART} more{hint}")
    return lines


def _pack(entries: Iterable[str], room: int, limit: int = PACK_LIMIT) -> tuple[list[str], int]:
    """Join entries, in order, into at most ``room`` texts of at most ``limit`` characters.

    Returns the texts and how many entries they hold; an entry is never split.
    """
    chunks: list[str] = []
    placed = 0
    for entry in entries:
        entry = clip(entry, limit)
        if chunks and len(chunks[-1]) + 1 + len(entry) <= limit:
            chunks[-1] += "\n" + entry
        elif len(chunks) < room:
            chunks.append(entry)
        else:
            break
        placed += 1
    return chunks, placed


def _urgency(action: ActionView, now: datetime, zone: ZoneInfo) -> tuple[bool, date, int]:
    """Sort key: overdue first, then by due date (undated last), then by ref."""
    return (not is_overdue(action, now, zone), action.due_day or date.max, action.ref)


def _meeting_name(meeting: MeetingView) -> str:
    """``Thematic meeting on Covid-19``: the meeting's words without the leading "the"."""
    words = meeting_words(meeting)
    words = words[4:] if words.startswith("the ") else words
    return words[:1].upper() + words[1:]


def _short(text: str, limit: int) -> str:
    """User text on one line, escaped and clipped to ``limit`` characters."""
    return clip(inline(text), limit)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
