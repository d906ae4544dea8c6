"""Replies about meetings, roles and the secretariat."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.render.common import Reply, inline, section
from bot.render.words import meeting_words, time_words
from storage.models import Meeting, Role, WorkspaceSettings
from storage.views import meeting_view


def _meeting_line(meeting: Meeting, zone: ZoneInfo) -> str:
    venue = f", {inline(meeting.venue)}" if meeting.venue else ""
    words = meeting_words(meeting_view(meeting))  # type: ignore[arg-type]
    return f"• {time_words(meeting.starts_at, zone)}: {words[0].upper()}{words[1:]}{venue}"


def render_meeting_set(meeting: Meeting, created: bool, zone: ZoneInfo) -> Reply:
    verb = "Next meeting set" if created else "Meeting updated"
    text = f":calendar: {verb}:\n{_meeting_line(meeting, zone)}"
    return Reply(text=text, blocks=[section(text)])


def render_meeting_moved(meeting: Meeting, zone: ZoneInfo) -> Reply:
    text = (f":calendar: Meeting moved; actions due at it move with it:\n"
            f"{_meeting_line(meeting, zone)}")
    return Reply(text=text, blocks=[section(text)])


def render_meetings(past: Sequence[Meeting], future: Sequence[Meeting], zone: ZoneInfo) -> Reply:
    upcoming = "\n".join(_meeting_line(m, zone) for m in future) or "None set yet."
    recent = "\n".join(_meeting_line(m, zone) for m in past) or "None yet."
    text = f"*Upcoming meetings*\n{upcoming}\n\n*Recent meetings*\n{recent}"
    return Reply(text=text, blocks=[section(text)])


def render_role_set(code: str, user_id: str | None, previous: str | None) -> Reply:
    holder = f"<@{user_id}>" if user_id else "nobody (vacant)"
    text = f":bust_in_silhouette: {code} is now held by {holder}."
    if previous and previous != user_id:
        text += f" Before: <@{previous}>. Actions owned by {code} follow the new holder."
    return Reply(text=text, blocks=[section(text)])


def render_roles(roles: Sequence[Role]) -> Reply:
    lines = [
        f"• *{r.code}*: " + (f"<@{r.holder_user_id}>" if r.holder_user_id else "_vacant_")
        for r in roles
    ]
    text = "*Roles*\n" + ("\n".join(lines) or "None yet. Add one with `/actions role DCC @person`.")
    return Reply(text=text, blocks=[section(text)])


def render_secretariat(members: Sequence[str], added_user: str, added: bool) -> Reply:
    first = f"<@{added_user}> is now secretariat." if added else f"<@{added_user}> already was."
    text = f"{first} Secretariat: " + ", ".join(f"<@{m}>" for m in members)
    return Reply(text=text, blocks=[section(text)])


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def render_settings(settings: WorkspaceSettings, changed: bool = False) -> Reply:
    """When reminders, the summary and the digest go out, and where."""
    def on(flag: bool) -> str:
        return "on" if flag else "*off*"

    leads = " and ".join(settings.reminder_lead_days.split(","))
    channel = f"<#{settings.team_channel_id}>" if settings.team_channel_id else (
        "*not set*: choose one with `/actions settings channel #team`"
    )
    lines = [
        ":white_check_mark: Setting changed." if changed else "*Action Log settings*",
        f"• Team channel: {channel}",
        f"• Owner reminders ({on(settings.reminders_enabled)}): {leads} working days before "
        f"each meeting, at {settings.send_time}",
        f"• Status summary ({on(settings.summary_enabled)}): {settings.summary_lead_days} "
        f"working days before each meeting, at {settings.send_time}, to the channel and "
        "the secretariat",
        f"• Weekly digest ({on(settings.digest_enabled)}): "
        f"{WEEKDAY_NAMES[settings.digest_weekday]}s at {settings.send_time} to the channel"
        + (", even when there is nothing to say" if settings.digest_when_empty else ""),
        "• The Word action log is "
        + ("attached" if settings.summary_attach_log else "*not* attached")
        + " to the status summary",
        "• Organisation on the exported action log: "
        + (inline(settings.organisation_name) if settings.organisation_name else "*not set*"),
        "Change with `/actions settings reminders 5,1`, `time 09:00`, `summary 2`, "
        "`summary attach on`, `digest monday`, `digest off`, `digest empty on`, "
        "`organisation OPCC for West Mercia`.",
    ]
    text = "\n".join(lines)
    return Reply(text=text, blocks=[section(text)])
