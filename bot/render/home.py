"""The Home tab: my open actions with buttons, the next meeting, and the team view."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render.actions import action_line, owner_buttons
from bot.render.common import VIEW_BLOCK_LIMIT, context, divider, header, section
from bot.render.words import STATUS_LABELS, meeting_words, time_words
from reminders.rag import is_overdue
from storage.models import ActionStatus
from storage.views import ActionView, MeetingView

# Each of my actions takes two blocks (line and buttons); keep room for the rest.
MY_ACTIONS_SHOWN = 20
TEAM_OVERDUE_SHOWN = 15


def render_home(
    *,
    mine: Sequence[ActionView],
    next_meeting: MeetingView | None,
    team_open: Sequence[ActionView] | None,
    now: datetime,
    zone: ZoneInfo,
) -> View:
    """``team_open`` is given only to the secretariat."""
    blocks: list[Block] = [header("Action Log")]
    if next_meeting:
        venue = f", {next_meeting.venue}" if next_meeting.venue else ""
        words = meeting_words(next_meeting)
        blocks.append(section(
            f":calendar: *Next meeting:* {words[4:] if words.startswith('the ') else words}, "
            f"{time_words(next_meeting.starts_at, zone)}{venue}"
        ))
    else:
        blocks.append(section(":calendar: No next meeting is set yet."))
    overdue = [a for a in mine if is_overdue(a, now, zone)]
    if overdue:
        refs = ", ".join(a.ref_label for a in overdue)
        blocks.append(section(f":red_circle: *You have {len(overdue)} overdue:* {refs}"))
    blocks += [divider(), header(f"Your open actions ({len(mine)})")]
    if not mine:
        blocks.append(section("Nothing open for you. :tada:"))
    for action in mine[:MY_ACTIONS_SHOWN]:
        blocks.append(section(action_line(action, now, zone)))
        if action.status != ActionStatus.COMPLETE:
            blocks.append(owner_buttons(action))
    if len(mine) > MY_ACTIONS_SHOWN:
        blocks.append(context(
            f"{len(mine) - MY_ACTIONS_SHOWN} more not shown: see `/actions list mine`."
        ))
    if team_open is not None:
        blocks += _team_view(team_open, now, zone)
    if len(blocks) > VIEW_BLOCK_LIMIT:
        blocks = blocks[: VIEW_BLOCK_LIMIT - 1] + [context("More in `/actions list`.")]
    return View(type="home", blocks=blocks)


def _team_view(team_open: Sequence[ActionView], now: datetime, zone: ZoneInfo) -> list[Block]:
    counts = Counter(a.status for a in team_open)
    overdue = [a for a in team_open if is_overdue(a, now, zone)]
    summary = " · ".join(
        f"{STATUS_LABELS[s]}: *{counts.get(s, 0)}*"
        for s in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE)
    )
    blocks: list[Block] = [
        divider(), header("Team view"), section(f"{summary} · Overdue: *{len(overdue)}*")
    ]
    for action in overdue[:TEAM_OVERDUE_SHOWN]:
        blocks.append(section(action_line(action, now, zone)))
    if len(overdue) > TEAM_OVERDUE_SHOWN:
        blocks.append(context(
            f"{len(overdue) - TEAM_OVERDUE_SHOWN} more overdue: see `/actions list overdue`."
        ))
    return blocks
