"""Discord interactions in and out: who acted and where, and answering in time.

Discord wants a first response to every interaction within 3 seconds. The core's
answer usually comes much sooner; when it has not come after `DEFER_AFTER`, the
interaction is deferred (a "thinking" state for a command, a silent acknowledgement
for a button) and the answer follows. A button's answer replaces the message it was
pressed on; an error or private answer goes only to the person who pressed it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

import discord

from bot.adapters.discord_render import render
from bot.messages import Actor, ChannelRef, Reply

PLATFORM = "discord"
DEFER_AFTER = 1.5  # seconds; the platform's deadline for a first response is 3
ALREADY_DONE = "That was already done."
_DIRECT = (discord.ChannelType.private, discord.ChannelType.group)


def actor_of(user: discord.abc.User) -> Actor:
    """The account, with its roles' ids and names when it acts inside a server."""
    roles: tuple[str, ...] = ()
    if isinstance(user, discord.Member):
        roles = tuple(
            part
            for role in user.roles
            if not role.is_default()
            for part in (str(role.id), role.name)
        )
    return Actor(PLATFORM, str(user.id), user.display_name, roles)


def place_of(channel: object, user: discord.abc.User) -> ChannelRef:
    """A DM is the person's own place (keyed by their id, so notices reach them); a
    thread is its parent channel plus the thread, which ties it to an incident."""
    if channel is None or isinstance(channel, discord.DMChannel | discord.GroupChannel):
        return ChannelRef(PLATFORM, str(user.id), is_direct=True)
    if getattr(channel, "type", None) in _DIRECT:
        return ChannelRef(PLATFORM, str(user.id), is_direct=True)
    if isinstance(channel, discord.Thread):
        return ChannelRef(PLATFORM, str(channel.parent_id), thread_id=str(channel.id))
    return ChannelRef(PLATFORM, str(getattr(channel, "id", "")))


def interaction_place(interaction: discord.Interaction[Any]) -> ChannelRef:
    if interaction.guild_id is None:
        return ChannelRef(PLATFORM, str(interaction.user.id), is_direct=True)
    if interaction.channel is None:
        return ChannelRef(PLATFORM, str(interaction.channel_id))
    return place_of(interaction.channel, interaction.user)


async def answer(
    interaction: discord.Interaction[Any], work: Awaitable[list[Reply]], *, update: bool = False
) -> None:
    """Answer with the core's replies, deferring first if they are slow to come.

    `update` is for buttons: the first public reply replaces the pressed message. A
    command's answers in a server are private to whoever ran it (an incident's details
    are not for the whole channel); in a DM they stay in the conversation's history.
    """
    answering = _Answering(interaction, update)
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done:
        await interaction.response.defer(thinking=not update, ephemeral=answering.private)
    replies = await task
    if interaction.response.is_done():
        await answering.after_defer(replies)
    else:
        await answering.at_once(replies)


def _public(reply: Reply) -> bool:
    return not (reply.ephemeral or reply.is_error)


class _Answering:
    """The replies to one interaction, as its kind and place want them."""

    def __init__(self, interaction: discord.Interaction[Any], update: bool) -> None:
        self.interaction, self.update = interaction, update
        self.private = not update and interaction.guild_id is not None

    def hidden(self, reply: Reply) -> bool:
        return self.private or not _public(reply)

    async def at_once(self, replies: Sequence[Reply]) -> None:
        response = self.interaction.response
        if not replies:  # the same interaction, already handled
            if self.update:
                await response.defer()
            else:
                await response.send_message(ALREADY_DONE, ephemeral=True)
            return
        first, rest = replies[0], replies[1:]
        if self.update and _public(first):
            await response.edit_message(**render(first).edit_kwargs())
        else:
            await response.send_message(ephemeral=self.hidden(first), **render(first).send_kwargs())
        await self.follow_up(rest)

    async def after_defer(self, replies: Sequence[Reply]) -> None:
        if not replies:
            if not self.update:
                await self.interaction.delete_original_response()  # the "thinking" message
            return
        first, rest = replies[0], list(replies[1:])
        # A command's deferred message takes the first reply unless that must be private
        # and the deferred message is not; a button's, the pressed message, if public.
        fills = _public(first) if self.update else self.private or _public(first)
        if fills:
            await self.interaction.edit_original_response(**render(first).edit_kwargs())
        else:
            if not self.update:
                await self.interaction.delete_original_response()
            rest.insert(0, first)
        await self.follow_up(rest)

    async def follow_up(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            kwargs = render(reply).send_kwargs()
            await self.interaction.followup.send(ephemeral=self.hidden(reply), **kwargs)
