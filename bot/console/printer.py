"""What the bot did, as the console prints it: one heading per message, view or form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.console import workspace
from bot.console.forms import Form
from bot.console.text import Button, Names, Rendered, indent, render_blocks, render_message
from bot.standin.server import Call

# Calls the bot makes to look things up; they are not something a person would see.
QUIET_METHODS = frozenset({
    "auth.test", "users.info", "users.list", "conversations.open", "conversations.info",
    "conversations.history", "usergroups.users.list", "team.info", "api.test",
    "files.getUploadURLExternal", "upload_url",
})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update"})


@dataclass(frozen=True)
class Pressable:
    """A numbered button and what Slack would send with a press of it."""

    number: int
    button: Button
    container: dict[str, Any]  # the `view`, or the `message` and `channel`, it was shown in


@dataclass
class Output:
    """Lines to print, the buttons numbered in them and the form they opened, if any."""

    first: int = 1
    lines: list[str] = field(default_factory=list)
    buttons: list[Pressable] = field(default_factory=list)
    form: Form | None = None


def names() -> Names:
    """How the pretend workspace's people and channel are named in mentions."""
    return Names(users=workspace.user_names(), channels=workspace.channel_names())


def who(user_id: str) -> str:
    """``@dana`` for UDCC; an unknown id stays as it is."""
    return "@" + workspace.user_names().get(user_id, user_id)


def where(channel: str) -> str:
    """`DM to @dana` for a user or DM channel, `#opcc-team` for a channel."""
    if channel[:1] in ("U", "W"):
        return f"DM to {who(channel)}"
    if channel[:1] == "D":
        return f"DM to {who(channel[1:])}"
    return "#" + workspace.channel_names().get(channel, channel)


def render_calls(calls: Sequence[Call], full_home_for: str | None = None,
                 first: int = 1) -> Output:
    """Every call a person would notice; Home tabs in full only for ``full_home_for``.

    Buttons are numbered from ``first``, so several batches can be shown as one output.
    """
    out = Output(first=first)
    last_home = {c.args.get("user_id"): i for i, c in enumerate(calls)
                 if c.method == "views.publish"}
    # Every change republishes the Home tabs it touches; name them once, show only yours.
    elsewhere = sorted(who(str(u)) for u in last_home if u != full_home_for)
    for index, call in enumerate(calls):
        if call.method in QUIET_METHODS:
            continue
        if call.status != 200 or not call.response.get("ok", False):
            out.lines.append(f"[Slack refused {call.method}: {call.response.get('error')}]")
        elif call.method == "response_url":
            _reply(out, call)
        elif call.method in ("chat.postMessage", "chat.update"):
            _message(out, call)
        elif call.method == "chat.postEphemeral":
            _ephemeral(out, call)
        elif call.method in VIEW_METHODS:
            view = {**call.args.get("view", {}), **call.response.get("view", {})}
            out.form = Form.of(view, names())
            out.lines += out.form.describe()
        elif call.method == "files.completeUploadExternal":
            _file(out, call)
        elif call.method == "views.publish" and last_home.get(call.args.get("user_id")) == index:
            _home(out, call, full_home_for)
    if elsewhere:
        out.lines.append(f"[Home tab updated for {', '.join(elsewhere)}: :home shows yours]")
    return out


def _shown(out: Output, heading: str, body: Rendered, container: dict[str, Any]) -> None:
    out.lines.append(heading)
    out.lines += indent(body.lines)
    for offset, button in enumerate(body.buttons):
        out.buttons.append(Pressable(body.first + offset, button, container))


def _next_number(out: Output) -> int:
    return out.first + len(out.buttons)


def _reply(out: Output, call: Call) -> None:
    """A response_url post: the private reply to whoever typed the command."""
    if call.args.get("delete_original"):
        return
    user = call.path.rsplit("/", 1)[-1].split("-", 1)[0]
    body = render_message(call.args, names(), _next_number(out))
    message = {"ts": "0", "text": call.args.get("text", ""), "blocks": call.args.get("blocks")}
    container = {"message": message, "channel": {"id": workspace.TEAM_CHANNEL.channel_id,
                                                 "name": workspace.TEAM_CHANNEL.name}}
    _shown(out, f"[only you, {who(user)}]", body, container)


def _ephemeral(out: Output, call: Call) -> None:
    """chat.postEphemeral: a message in a channel that only one person sees."""
    channel = str(call.args.get("channel", ""))
    message = {"ts": call.response.get("message_ts", "0"), "text": call.args.get("text", ""),
               "blocks": call.args.get("blocks")}
    container = {"message": message, "channel": {"id": channel, "name": channel.lower()}}
    heading = f"[only {who(str(call.args.get('user')))}, in {where(channel)}]"
    _shown(out, heading, render_message(call.args, names(), _next_number(out)), container)


def _message(out: Output, call: Call) -> None:
    channel = str(call.args.get("channel", ""))
    heading = f"[{where(channel)}]" if call.method == "chat.postMessage" else (
        f"[message updated in {where(channel)}]")
    message = call.response.get("message") or {"ts": call.response.get("ts", "0")}
    resolved = str(call.response.get("channel") or channel)
    container = {"message": {**message, "blocks": call.args.get("blocks")},
                 "channel": {"id": resolved, "name": resolved.lower()}}
    _shown(out, heading, render_message(call.args, names(), _next_number(out)), container)


def _file(out: Output, call: Call) -> None:
    """A file shared with the upload flow, e.g. the exported action log."""
    channel = str(call.args.get("channel_id") or "")
    out.lines.append(f"[file in {where(channel)}]" if channel else "[file, not shared]")
    comment = call.args.get("initial_comment")
    if comment:
        out.lines += indent([str(comment)])
    for shared in call.response.get("files") or []:
        size = int(shared.get("size") or 0)
        out.lines += indent([f"📎 {shared.get('name')} ({size / 1024:,.0f} KB): "
                             f"{shared.get('title')}"])


def _home(out: Output, call: Call, full_for: str | None) -> None:
    user = str(call.args.get("user_id"))
    if user != full_for:
        return
    view = {**call.args.get("view", {}), **call.response.get("view", {})}
    body = render_blocks(view.get("blocks") or [], names(), _next_number(out))
    container = {"view": {"id": view.get("id", "V0"), "type": "home",
                          "blocks": view.get("blocks"), "state": {"values": {}}}}
    _shown(out, f"[Home tab of {who(user)}]", body, container)
