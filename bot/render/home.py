"""The Home tab: my open actions with buttons, the next meeting, and the team view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render.actions import action_line, owner_buttons
from bot.render.common import VIEW_BLOCK_LIMIT, context, divider, header, inline, section
from bot.render.words import STATUS_LABELS, meeting_words, time_words
from reminders.rag import is_overdue
from storage.models import ActionStatus
from storage.services.home import TeamView
from storage.views import ActionView, MeetingView

# Each of my actions takes two blocks (line and buttons); keep room for the rest.
MY_ACTIONS_SHOWN = 20


def render_home(
    *,
    mine: Sequence[ActionView],
    next_meeting: MeetingView | None,
    team: TeamView | None,
    now: datetime,
    zone: ZoneInfo,
) -> View:
    """``team`` is given only to the secretariat."""
    blocks: list[Block] = [header("Action Log")]
    if next_meeting:
        venue = f", {inline(next_meeting.venue)}" if next_meeting.venue else ""
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
    if team is not None:
        blocks += _team_view(team, now, zone)
    if len(blocks) > VIEW_BLOCK_LIMIT:
        blocks = blocks[: VIEW_BLOCK_LIMIT - 1] + [context("More in `/actions list`.")]
    return View(type="home", blocks=blocks)


def _team_view(team: TeamView, now: datetime, zone: ZoneInfo) -> list[Block]:
    summary = " · ".join(
        f"{STATUS_LABELS[s]}: *{team.by_status.get(s, 0)}*"
        for s in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE)
    )
    blocks: list[Block] = [
        divider(), header("Team view"), section(f"{summary} · Overdue: *{team.overdue}*")
    ]
    for action in team.first_overdue:
        blocks.append(section(action_line(action, now, zone)))
    if team.overdue > len(team.first_overdue):
        blocks.append(context(
            f"{team.overdue - len(team.first_overdue)} more overdue: "
            "see `/actions list overdue`."
        ))
    return blocks
