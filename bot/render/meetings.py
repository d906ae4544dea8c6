"""Replies about meetings, the secretariat and the settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.render.common import Reply, inline, section
from bot.render.words import kind_label, meeting_words, time_words
from storage.models import Meeting, WorkspaceSettings
from storage.views import meeting_view


def _meeting_line(meeting: Meeting, zone: ZoneInfo) -> str:
    venue = f", {inline(meeting.venue)}" if meeting.venue else ""
    words = meeting_words(meeting_view(meeting))  # type: ignore[arg-type]
    return f"• {time_words(meeting.starts_at, zone)}: {words[0].upper()}{words[1:]}{venue}"


def render_meeting_set(
    meeting: Meeting, created: bool, zone: ZoneInfo, *, held: bool = False,
    counts: bool = True, is_next: bool = True, now_dated: Sequence[str] = (),
) -> Reply:
    """``counts``: its kind counts as "the next meeting"; ``is_next``: it is the next one."""
    if held:
        verb = "Meeting held recorded" if created else "Meeting held updated"
        lines = [f":calendar: {verb}:", _meeting_line(meeting, zone),
                 "Actions you add now are recorded as coming from it."]
    else:
        verb = "Meeting updated" if not created else (
            "Next meeting set" if counts and is_next else "Meeting set")
        lines = [f":calendar: {verb}:", _meeting_line(meeting, zone)]
        if not counts:
            label = kind_label(meeting.kind)
            lines.append(
                f"{label} meetings do not count as \u201cthe next meeting\u201d here, so actions "
                "due \u201cby next meeting\u201d are not due at it. To count them: "
                "`/actions settings next-meeting all`."
            )
    if now_dated:
        refs = ", ".join(now_dated)
        lines.append(f"Now due at it (recorded before any meeting was set): {refs}.")
    text = "\n".join(lines)
    return Reply(text=text, blocks=[section(text)])


def render_meeting_moved(meeting: Meeting, zone: ZoneInfo, moved: Sequence[str] = ()) -> Reply:
    text = (f":calendar: Meeting moved; actions due at it move with it:\n"
            f"{_meeting_line(meeting, zone)}")
    if moved:
        text += f"\nTheir owners have been told: {', '.join(moved)}."
    return Reply(text=text, blocks=[section(text)])


def render_meeting_cancelled(
    meeting: Meeting, following: Meeting | None, zone: ZoneInfo, moved: Sequence[str]
) -> Reply:
    where = (f"the next meeting:\n{_meeting_line(following, zone)}" if following else
             "no date until the next meeting is set (`/actions meeting next`).")
    text = f":calendar: Meeting cancelled:\n{_meeting_line(meeting, zone)}"
    if moved:
        text += f"\n{', '.join(moved)} now due at {where}\nTheir owners have been told."
    return Reply(text=text, blocks=[section(text)])


def render_owner_told_of_move(
    refs: Sequence[str], meeting: Meeting, old_start: datetime, new_start: datetime | None,
    zone: ZoneInfo, cancelled: bool,
) -> Reply:
    """One message per owner, however many of their actions moved."""
    words = meeting_words(meeting_view(meeting))  # type: ignore[arg-type]
    what = f"{words[0].upper()}{words[1:]} on {time_words(old_start, zone)}"
    new = (f"the meeting on {time_words(new_start, zone)}" if new_start is not None
           else "no date until the next meeting is set")
    change = "was cancelled" if cancelled else "has moved"
    which = "Your action" if len(refs) == 1 else "Your actions"
    verb = "is" if len(refs) == 1 else "are"
    text = f":calendar: {what} {change}. {which} {', '.join(refs)} {verb} now due at {new}."
    return Reply(text=text, blocks=[section(text)])


def render_meetings(past: Sequence[Meeting], future: Sequence[Meeting], zone: ZoneInfo) -> Reply:
    upcoming = "\n".join(_meeting_line(m, zone) for m in future) or "None set yet."
    recent = "\n".join(_meeting_line(m, zone) for m in past) or "None yet."
    text = f"*Upcoming meetings*\n{upcoming}\n\n*Recent meetings*\n{recent}"
    return Reply(text=text, blocks=[section(text)])


def render_secretariat(members: Sequence[str], added_user: str, added: bool) -> Reply:
    first = f"<@{added_user}> is now secretariat." if added else f"<@{added_user}> already was."
    text = f"{first} Secretariat: " + ", ".join(f"<@{m}>" for m in members)
    return Reply(text=text, blocks=[section(text)])


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _own_date_words(settings: WorkspaceSettings) -> str:
    leads = [d for d in settings.own_date_lead_days.split(",") if d]
    before = (f"{' and '.join(leads)} working days before, at {settings.send_time}"
              if leads else "*none before the date*")
    nudge = ("a nudge the working day after it passes" if settings.overdue_nudge
             else "*no* overdue nudge")
    return f"{before}; {nudge}"


def _kinds_words(settings: WorkspaceSettings) -> str:
    if not settings.next_meeting_kinds:
        return "meeting of any kind"
    kinds = [kind_label(k) for k in settings.next_meeting_kinds.split(",")]
    return " or ".join(kinds) + " meeting"


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
        f"• Reminders for an action's own date: {_own_date_words(settings)}",
        f"• \u201cThe next meeting\u201d is the next {_kinds_words(settings)}",
        "Change with `/actions settings reminders 5,1`, `time 09:00`, `summary 2`, "
        "`summary attach on`, `digest monday`, `digest off`, `digest empty on`, "
        "`organisation OPCC for West Mercia`, `own-date 3`, `own-date off`, "
        "`overdue-nudge off`, `next-meeting all`, `next-meeting monthly, thematic`.",
    ]
    text = "\n".join(lines)
    return Reply(text=text, blocks=[section(text)])
