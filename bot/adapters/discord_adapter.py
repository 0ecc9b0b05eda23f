"""The Discord adapter: a discord.py client that hands the core what people do.

DMs to the bot and mentions of it are messages to the conversation; a mention in a
server channel is answered in a thread started from it, and what is written in the
bot's threads goes on without a mention. Application commands come from the
registry (`discord_commands`), buttons are `DeskButton`s rebuilt from their custom
ids, the `/incident open` form is read from its submission. Nothing here decides
anything about incidents: it translates and renders. Mentions are off for every
message the bot sends (`AllowedMentions.none()`), so nothing a user wrote can ping
@everyone, @here or a role through it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.adapters.discord_commands import build_tree, call_core, sync
from bot.adapters.discord_form import CommandForm, submitted_call
from bot.adapters.discord_interactions import (
    PLATFORM,
    actor_of,
    answer,
    interaction_place,
    place_of,
)
from bot.adapters.discord_render import NO_MENTIONS, DeskButton, render
from bot.adapters.discord_sender import DiscordSender, thread_name
from bot.app import Core
from bot.config import DiscordSettings, Settings
from bot.messages import Action, Actor, ChannelRef, FileLink, Message

log = logging.getLogger(__name__)
TOKEN_ENV = "DISCORD_BOT_TOKEN"
READY_WAIT = 15.0  # seconds start() waits for the gateway before returning anyway
_CHATTY = (discord.MessageType.default, discord.MessageType.reply)


def intents(settings: DiscordSettings) -> discord.Intents:
    """Servers (channels, threads, roles), messages in them and in DMs."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = settings.message_content
    return wanted


class DeskClient(discord.Client):
    """The bot's connection to Discord, speaking for one core."""

    def __init__(self, core: Core, settings: DiscordSettings, *, sync_commands: bool = True):
        # A rate limit longer than 30 s raises RateLimited instead of blocking: the outbox
        # then retries that notice later and the others go on.
        # The desk never joins voice: no warnings about voice libraries it doesn't need.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(settings), allowed_mentions=NO_MENTIONS, max_ratelimit_timeout=30.0
        )
        self.core, self.settings, self.sync_commands = core, settings, sync_commands
        self.tree = build_tree(self, core)

    async def setup_hook(self) -> None:
        # Buttons are read from their custom ids, so old messages' buttons keep working.
        self.add_dynamic_items(DeskButton)
        if self.sync_commands:
            await sync(self.tree, self.settings.guild_id)

    async def on_message(self, message: discord.Message) -> None:
        mine = self.user is not None and message.author.id == self.user.id
        if mine or message.author.bot or message.type not in _CHATTY:
            return  # other bots, itself, and system notices ("thread created", pins)
        mentioned = self.user is not None and any(u.id == self.user.id for u in message.mentions)
        text = self._without_mention(message.content)
        files = files_of(message)
        if not text and not files and not mentioned:
            # Nothing to read (without the Message Content intent, a message that does not
            # mention the bot comes empty).
            return
        found = await self._where(message, mentioned, text)
        if found is None:
            return
        place, target = found
        text, people = _mentions_named(text, message, self.user)
        inbound = Message(actor_of(message.author), place, text, str(message.id), files, people)
        for reply in await self.core.handle(inbound):
            if reply.receipt and message.guild is not None and await _reacted(message):
                continue  # no private reply to a message in a server: a reaction says it
            here = target if reply.in_thread else getattr(target, "parent", None) or target
            await here.send(**render(reply).send_kwargs())

    async def _where(
        self, message: discord.Message, mentioned: bool, text: str
    ) -> tuple[ChannelRef, Any] | None:
        """Where the conversation is and where to answer, or None for chatter to ignore.
        In the bot's own threads a message needs no mention when the desk follows what is
        said there (a report, its incident, a "same here" under a bulletin), as in Slack."""
        channel = message.channel
        if message.guild is None:
            return place_of(channel, message.author), channel
        if isinstance(channel, discord.PartialMessageable):
            channel = await self.fetch_channel(channel.id)  # a thread not cached yet
        if isinstance(channel, discord.Thread):
            place = place_of(channel, message.author)
            mine = self.user is not None and channel.owner_id == self.user.id
            if mentioned or (mine and await self.core.follows(place, text)):
                return place, channel
            return None
        if not mentioned:
            return None
        try:
            name = thread_name(self._without_mention(message.content), "Help request")
            thread = await message.create_thread(name=name)
        except discord.Forbidden:
            log.warning(
                "no permission to start a thread in %s; answering in the channel", channel.id
            )
            return ChannelRef(PLATFORM, str(channel.id)), channel
        return place_of(thread, message.author), thread

    def _without_mention(self, content: str) -> str:
        if self.user is None:
            return content.strip()
        return re.sub(rf"<@!?{self.user.id}>", " ", content).strip()

    async def on_button(
        self, interaction: discord.Interaction[Any], action_id: str, value: str
    ) -> None:
        """A pressed `DeskButton`: the action for the core, its answer in the message."""
        press = Action(
            actor_of(interaction.user),
            interaction_place(interaction),
            action_id,
            value,
            event_id=str(interaction.id),
        )
        form = self.core.form_for(press)
        if form is not None:
            spec, presets = form
            await interaction.response.send_modal(CommandForm(spec, self.core.rules, presets))
            return
        await answer(interaction, self.core.handle(press), update=True)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return  # commands go to the tree, buttons to their items
        found = submitted_call(interaction)
        if found is not None:
            path, options = found
            await call_core(interaction, self.core, path, options)


class DiscordAdapter:
    """`deskbot run`'s handle on Discord: start, stop, and the outbox's sender."""

    platform = PLATFORM

    def __init__(self, client: DeskClient, token: str) -> None:
        self.client, self._token = client, token
        self._sender = DiscordSender(client)
        self._connection: asyncio.Task[None] | None = None

    @property
    def sender(self) -> DiscordSender:
        return self._sender

    async def start(self) -> None:
        """Log in (a bad token fails here), connect to the gateway in the background
        (discord.py reconnects and resumes by itself) and wait a little for it to be
        ready, so that a refusal such as a privileged intent not enabled in the
        developer portal stops `deskbot run` with Discord's reason."""
        await self.client.login(self._token)
        self._connection = asyncio.create_task(self.client.connect(reconnect=True))
        self._connection.add_done_callback(_report_end)
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait(
            {self._connection, ready}, timeout=READY_WAIT, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if self._connection in done:
            self._connection.result()  # raises what ended it
        elif ready not in done:
            log.warning(
                "Discord is not ready after %ss; still trying in the background", READY_WAIT
            )

    async def stop(self) -> None:
        await self.client.close()
        if self._connection is not None and not self._connection.done():
            # How it ended was already reported (_report_end); only wait for the end.
            await asyncio.wait({self._connection}, timeout=10)


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the Discord connection ended: %s", task.exception())


def build(core: Core, settings: Settings, env: Mapping[str, str]) -> DiscordAdapter | None:
    """The adapter when DISCORD_BOT_TOKEN is set, else None."""
    token = env.get(TOKEN_ENV, "").strip()
    if not token:
        return None
    return DiscordAdapter(DeskClient(core, settings.discord), token)


RECEIPT = "\N{MEMO}"  # the reaction that says "noted"


async def _reacted(message: discord.Message) -> bool:
    """Mark the message noted; False when the bot may not react there (then it says so
    in words instead)."""
    try:
        await message.add_reaction(RECEIPT)
    except discord.HTTPException:
        return False
    return True


def files_of(message: discord.Message) -> tuple[FileLink, ...]:
    """The files attached to a message, by their links."""
    return tuple(FileLink(a.filename, a.url) for a in message.attachments)


def _mentions_named(
    text: str, message: discord.Message, bot: discord.ClientUser | None
) -> tuple[str, dict[str, Actor]]:
    """The text with each person it mentions ("<@42>", "<@!42>") as "@username", as
    Slack's are read, and those accounts by that name: a staff member's "show me the
    tickets @alice raised" names her account."""
    found: dict[str, Actor] = {}
    for user in message.mentions:
        if bot is not None and user.id == bot.id:
            continue
        named = f"@{user.name}"
        text = re.sub(rf"<@!?{user.id}>", named, text)
        found[named] = actor_of(user)
    return text, found
