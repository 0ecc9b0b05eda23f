"""The outbox's way into Slack: post (or edit) a notice in a DM, a channel or a thread.

A recipient that is a user id is reached in their direct chat with the bot
(`conversations.open`, remembered). The client used here has no rate-limit retry
handler on purpose: a 429 becomes `RetryLater` with Slack's Retry-After, so the
outbox reschedules the notice instead of a worker sleeping on one channel while
others wait. Refusals that no retry can fix become `Undeliverable`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_render import render
from bot.messages import Reply
from bot.outbox import Notice, RetryLater, Undeliverable

log = logging.getLogger(__name__)
PLATFORM = "slack"
# Slack's errors that mean this message can never be delivered as addressed.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "invalid_blocks",
        "msg_too_long",
    }
)


def is_user_id(address: str) -> bool:
    return address[:1] in ("U", "W")


class DirectChats:
    """A user's direct chat with the bot, opened once and remembered."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._channels: dict[str, str] = {}

    async def channel_for(self, address: str) -> str:
        """A channel id as is; a user id as their DM channel."""
        if not is_user_id(address):
            return address
        if address not in self._channels:
            opened = await self.client.conversations_open(users=address)
            self._channels[address] = opened["channel"]["id"]
        return self._channels[address]


class SlackSender:
    """`bot.outbox.Sender` for Slack; returns the message's ts as its id."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, chats: DirectChats | None = None) -> None:
        self.client = client
        self.chats = chats or DirectChats(client)

    async def send(self, notice: Notice) -> str:
        try:
            return await self._send(notice)
        except SlackApiError as exc:
            raise _translated(exc) from exc

    async def _send(self, notice: Notice) -> str:
        recipient = notice.recipient
        channel = await self.chats.channel_for(recipient.channel_id)
        message = render(notice.reply)
        if notice.edit_of:
            done = await self.client.chat_update(channel=channel, ts=notice.edit_of, **message)
        else:
            thread: dict[str, Any] = (
                {"thread_ts": recipient.thread_id} if recipient.thread_id else {}
            )
            done = await self.client.chat_postMessage(channel=channel, **thread, **message)
        await upload_files(self.client, channel, str(done["ts"]), notice.reply)
        return str(done["ts"])


async def upload_files(
    client: AsyncWebClient, channel: str, thread: str | None, reply: Reply
) -> None:
    """Attach a reply's chart and file under a message that already went out. A refusal
    is logged, not raised: the text is delivered, and a retry would post it again."""
    files = [("deskbot.png", reply.image)] if reply.image else []
    if reply.file:
        files.append((reply.file.name, reply.file.data))
    for name, data in files:
        try:
            await client.files_upload_v2(
                channel=channel, file=data, filename=name, thread_ts=thread
            )
        except SlackApiError as exc:
            log.warning("Slack refused the upload of %s: %s", name, exc.response.get("error"))


def retry_after(headers: dict[str, Any]) -> float:
    """Slack's Retry-After in seconds (1 when it is missing or unreadable)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    value = value[0] if isinstance(value, list) else value
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except ValueError:
        return 1.0


def _translated(exc: SlackApiError) -> Exception:
    response = exc.response
    if response.status_code == 429:
        return RetryLater(retry_after(response.headers), "Slack rate limit")
    error = str(response.get("error") or "")
    if error in PERMANENT:
        return Undeliverable(f"Slack refused it: {error}")
    return exc
