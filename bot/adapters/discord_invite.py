"""`deskbot discord invite`: the URL that adds the bot to a server, asking for exactly
the scopes and permissions it uses."""

from __future__ import annotations

import argparse
import os
import re
import sys

import discord

from bot.config import Settings

CLIENT_ID_ENV = "DISCORD_CLIENT_ID"
SCOPES = ("bot", "applications.commands")


def bot_permissions() -> discord.Permissions:
    """What the bot does in a server: see channels, answer, start and write in threads
    (one per mention), show cards (embeds), attach charts and cut-off text, read the
    history of its threads, and mark a staff member's message noted with a reaction.
    Nothing else: no mention of @everyone, no moderation."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        create_public_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        add_reactions=True,
    )


def invite_url(client_id: str, guild_id: str | None = None) -> str:
    guild = discord.Object(id=int(guild_id)) if guild_id else discord.utils.MISSING
    return discord.utils.oauth_url(
        client_id,
        permissions=bot_permissions(),
        scopes=SCOPES,
        guild=guild,
        disable_guild_select=bool(guild_id),
    )


def print_invite(args: argparse.Namespace, settings: Settings) -> int:
    client_id = (getattr(args, "client_id", None) or os.environ.get(CLIENT_ID_ENV, "")).strip()
    if not client_id:
        print(
            "deskbot: the invite needs the application's id. Copy it from the Discord "
            "developer portal (your application, General Information, Application ID) and "
            f"pass --client-id <id> or set {CLIENT_ID_ENV}.",
            file=sys.stderr,
        )
        return 2
    if not re.fullmatch(r"[0-9]{15,21}", client_id):
        print(
            f"deskbot: --client-id: expected the application id, a number like "
            f"1234567890123456789, got {client_id[:40]!r}",
            file=sys.stderr,
        )
        return 2
    print(invite_url(client_id, settings.discord.guild_id))
    return 0
