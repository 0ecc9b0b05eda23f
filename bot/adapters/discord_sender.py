"""The outbox's way to Discord: a notice to a person (by DM), a channel or a thread.

A recipient's `channel_id` is a user id for a direct message (that is how the Discord
adapter names a DM place) or a channel id; the client's cache tells the two apart,
and an id it has not seen is tried as a user, then as a channel. discord.py already
waits out 429s; a refusal for good (no such user, channel or message; DMs closed)
is `Undeliverable`, a rate limit it would not wait out is `RetryLater`.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.adapters.discord_render import render
from bot.outbox import Notice, Recipient, RetryLater, Undeliverable

THREAD_NAME_LIMIT = 100


class DiscordSender:
    """Sends outbox notices through a logged-in discord.py client."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send(self, notice: Notice) -> str:
        try:
            channel = await self._channel(notice)
            message = await self._deliver(channel, notice)
        except discord.RateLimited as exc:
            raise RetryLater(exc.retry_after) from exc
        except (discord.NotFound, discord.Forbidden) as exc:
            raise Undeliverable(f"Discord refused it ({exc.status}): {exc.text}") from exc
        return str(message.id)

    async def _deliver(self, channel: Any, notice: Notice) -> discord.Message:
        rendered = render(notice.reply)
        if notice.edit_of is None:
            return await channel.send(**rendered.send_kwargs())
        try:
            return await channel.get_partial_message(int(notice.edit_of)).edit(
                **rendered.edit_kwargs()
            )
        except discord.NotFound:
            # The message was deleted: the news is posted afresh rather than lost.
            return await channel.send(**render(notice.reply).send_kwargs())

    async def _channel(self, notice: Notice) -> Any:
        recipient = notice.recipient
        if recipient.thread_id:
            return await self._thread(recipient, notice)
        target = int(recipient.channel_id)
        cached = self.client.get_channel(target)
        if cached is not None:
            return cached
        try:
            user = self.client.get_user(target) or await self.client.fetch_user(target)
        except discord.NotFound:
            return await self.client.fetch_channel(target)  # a channel not cached yet
        return await user.create_dm()

    async def _thread(self, recipient: Recipient, notice: Notice) -> Any:
        """The thread; one under a message that has none yet (an answer to an earlier
        notice names that message) is started from it."""
        assert recipient.thread_id is not None
        thread_id = int(recipient.thread_id)
        cached = self.client.get_channel(thread_id)
        if cached is not None:
            return cached
        try:
            return await self.client.fetch_channel(thread_id)
        except discord.NotFound:
            parent = self.client.get_channel(int(recipient.channel_id))
            if parent is None:
                parent = await self.client.fetch_channel(int(recipient.channel_id))
            anchor = parent.get_partial_message(thread_id)  # type: ignore[union-attr]
            return await anchor.create_thread(name=thread_name(notice.reply.text))


def thread_name(text: str, default: str = "Updates") -> str:
    """A thread's name from the first line of what started it (at most 100 characters)."""
    first = text.strip().splitlines()[0] if text.strip() else default
    return first if len(first) <= THREAD_NAME_LIMIT else first[: THREAD_NAME_LIMIT - 1] + "…"
