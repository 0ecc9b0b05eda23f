"""Setting up: the invite URL asks for exactly what the bot uses; `deskbot run` builds
the adapter only with a token, and it starts and stops cleanly."""

from __future__ import annotations

import argparse
import asyncio
from urllib.parse import parse_qs, urlparse

import discord
import pytest
import yaml

from bot import runner
from bot.adapters.discord_adapter import DeskClient, DiscordAdapter, build
from bot.adapters.discord_invite import print_invite
from bot.adapters.discord_sender import DiscordSender
from bot.app import Core
from bot.cli import main
from bot.config import parse_settings
from bot.errors import ConfigError
from tests.adapters.discord.harness import logged_in, point_gateway
from tests.conftest import ROOT

CLIENT_ID = "290926444748734465"
USED = {
    "view_channel",
    "send_messages",
    "send_messages_in_threads",
    "create_public_threads",
    "embed_links",
    "attach_files",
    "read_message_history",
    "add_reactions",
}


def invite(capsys, settings, client_id: str | None = CLIENT_ID) -> tuple[int, str, str]:
    code = print_invite(argparse.Namespace(client_id=client_id), settings)
    out, err = capsys.readouterr()
    return code, out.strip(), err


def test_the_invite_asks_for_exactly_the_scopes_and_permissions_used(capsys, settings):
    code, url, _ = invite(capsys, settings)
    assert code == 0
    query = parse_qs(urlparse(url).query)
    assert urlparse(url).netloc == "discord.com"
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split()) == {"bot", "applications.commands"}
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == discord.Permissions(**dict.fromkeys(USED, True))
    assert not (granted.administrator or granted.mention_everyone or granted.manage_messages)
    # The configured server is preselected.
    assert query["guild_id"] == [settings.discord.guild_id]


def test_the_client_id_can_come_from_the_environment(capsys, settings, monkeypatch):
    monkeypatch.setenv("DISCORD_CLIENT_ID", CLIENT_ID)
    code, url, _ = invite(capsys, settings, None)
    assert code == 0 and f"client_id={CLIENT_ID}" in url


def test_a_missing_or_bad_client_id_is_explained(capsys, settings, monkeypatch):
    monkeypatch.delenv("DISCORD_CLIENT_ID", raising=False)
    code, out, err = invite(capsys, settings, None)
    assert code == 2 and out == ""
    assert "--client-id" in err and "DISCORD_CLIENT_ID" in err
    code, _, err = invite(capsys, settings, "my-bot")
    assert code == 2 and "'my-bot'" in err


def test_deskbot_discord_invite_prints_it(capsys, monkeypatch):
    monkeypatch.delenv("DISCORD_CLIENT_ID", raising=False)
    assert main(["discord", "invite", "--client-id", CLIENT_ID]) == 0
    assert capsys.readouterr().out.startswith("https://discord.com/oauth2/authorize?")


async def test_the_adapter_is_built_only_with_a_token(core, settings):
    assert build(core, settings, {}) is None
    assert build(core, settings, {"DISCORD_BOT_TOKEN": "  "}) is None
    adapter = build(core, settings, {"DISCORD_BOT_TOKEN": "secret"})
    assert isinstance(adapter, DiscordAdapter)
    assert adapter.platform == "discord"
    assert isinstance(adapter.sender, DiscordSender)
    client = adapter.client
    assert client.allowed_mentions is not None
    assert client.allowed_mentions.to_dict() == {"parse": []}
    assert client.intents.message_content and client.intents.dm_messages
    assert not client.intents.members and not client.intents.presences
    (found,) = runner.configured_adapters(core, settings, {"DISCORD_BOT_TOKEN": "secret"})
    assert isinstance(found, DiscordAdapter)
    await client.close()


async def test_start_connects_and_returns_when_ready_then_stop_disconnects(
    sqlite_database, settings, fake, monkeypatch
):
    core = Core(settings, sqlite_database)  # the database plays no part here
    point_gateway(monkeypatch, fake)
    adapter = DiscordAdapter(DeskClient(core, settings.discord, sync_commands=False), "token")
    await asyncio.wait_for(adapter.start(), 5)
    assert adapter.client.is_ready()
    assert fake.sent("GET", "/users/@me")
    (identify,) = fake.identified
    assert identify["token"] == "token"
    wanted = discord.Intents(identify["intents"])
    assert wanted.message_content and wanted.dm_messages and wanted.guild_messages
    assert not wanted.members and not wanted.presences  # no privileged intent it does not use
    assert adapter._connection is not None and not adapter._connection.done()
    await asyncio.wait_for(adapter.stop(), 5)
    assert adapter.client.is_closed()
    assert adapter._connection.done()


async def test_a_connection_refused_for_good_stops_the_start(core, settings, fake):
    adapter = DiscordAdapter(DeskClient(core, settings.discord, sync_commands=False), "token")

    async def refused(*, reconnect: bool) -> None:
        raise discord.PrivilegedIntentsRequired(None)

    adapter.client.connect = refused  # what discord.py raises on close code 4014
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await adapter.start()
    await adapter.stop()


async def test_commands_refused_by_discord_are_reported_not_fatal(core, settings, fake, caplog):
    fake.fail(
        "PUT",
        r"/applications/\d+/guilds/\d+/commands",
        403,
        {"message": "Missing Access", "code": 50001},
    )
    client = await logged_in(DeskClient(core, settings.discord))
    await client.close()
    assert "applications.commands" in caplog.text


def test_the_server_id_is_read_quoted_or_not_and_checked():
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for written in ("123456789012345678", 123456789012345678):
        settings = parse_settings({**raw, "discord": {"guild_id": written}})
        assert settings.discord.guild_id == "123456789012345678"
    with pytest.raises(ConfigError, match=r"discord\.guild_id: expected a server id"):
        parse_settings({**raw, "discord": {"guild_id": "#it-help"}})


async def test_deskbot_run_serves_discord_until_stopped(
    sqlite_database, settings, fake, monkeypatch
):
    point_gateway(monkeypatch, fake)
    stop = asyncio.Event()
    env = {"DISCORD_BOT_TOKEN": "token"}
    service = asyncio.create_task(
        runner.run_service(settings, sqlite_database, env, stop=stop, interval=0.05)
    )
    for _ in range(200):
        if fake.identified:
            break
        await asyncio.sleep(0.02)
    assert fake.identified, "the client connected to the gateway"
    assert fake.sent("PUT", rf"/applications/\d+/guilds/{settings.discord.guild_id}/commands")
    stop.set()
    await asyncio.wait_for(service, 10)
