"""Files to Slack with its current upload flow: an upload URL, the bytes, then completion."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.papers.formats import Paper


def upload_to_dm(client: WebClient, user_id: str, paper: Paper, comment: str,
                 thread_ts: str | None = None) -> str:
    """Share ``paper`` in the direct message with ``user_id``; returns the file's id.

    slack_sdk's ``files_upload_v2`` runs files.getUploadURLExternal (name and length),
    POSTs the bytes to the URL it returns, then files.completeUploadExternal with the
    channel and comment. The DM's channel id comes from conversations.open, because
    completeUploadExternal takes channel ids, not user ids.
    """
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    return upload_to_channel(client, channel, paper, comment, thread_ts)


def upload_to_channel(client: WebClient, channel: str, paper: Paper, comment: str,
                      thread_ts: str | None = None) -> str:
    """Share ``paper`` in a channel (optionally in a thread); returns the file's id."""
    response = client.files_upload_v2(
        channel=channel, content=paper.content, filename=paper.filename, title=paper.title,
        initial_comment=comment, thread_ts=thread_ts,
    )
    return str(response["file"]["id"])
