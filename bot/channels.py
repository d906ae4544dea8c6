"""The bot's membership of the team channel: it must be in it to post the summary and
the digest there. A public channel it joins by itself; a private one must invite it."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.reminders import BOT_MENTION


@dataclass(frozen=True)
class Membership:
    """Whether the bot can post in a channel, and what the secretariat should know."""

    can_post: bool
    note: str  # mrkdwn, for the reply to whoever set the channel


def invite_instructions(channel_id: str) -> str:
    return (f"I am not a member of <#{channel_id}>, so I cannot post the summary and the "
            f"digest there. Type `/invite {BOT_MENTION}` in <#{channel_id}> to add me.")


def ensure_member(client: WebClient, channel_id: str) -> Membership:
    """Check the bot is in the channel; join it if it is public."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "channel_not_found":  # how a private channel looks from outside it
            return Membership(False, f":warning: {invite_instructions(channel_id)}")
        return Membership(False, f":warning: I could not check that I am a member of "
                                 f"<#{channel_id}> (`{error}`). "
                                 f"{invite_instructions(channel_id)}")
    if channel.get("is_archived"):
        return Membership(False, f":warning: <#{channel_id}> is archived: choose another "
                                 "channel with `/actions settings channel #team`.")
    if channel.get("is_member"):
        return Membership(True, f"I am a member of <#{channel_id}> and can post there.")
    if channel.get("is_private"):
        return Membership(False, f":warning: <#{channel_id}> is private. "
                                 f"{invite_instructions(channel_id)}")
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        return Membership(False, f":warning: I could not join <#{channel_id}> "
                                 f"(`{exc.response.get('error')}`). "
                                 f"{invite_instructions(channel_id)}")
    return Membership(True, f"I joined <#{channel_id}> so I can post there.")
