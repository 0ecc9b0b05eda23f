"""Fixtures for the Discord adapter: the fake API, a logged-in client, role settings."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import discord
import pytest
import yaml

from bot.adapters import discord_interactions
from bot.adapters.discord_adapter import DeskClient
from bot.app import Core
from bot.config import Settings, parse_settings
from tests.adapters.discord.harness import (
    AGENT_ROLE_NAME,
    BOB_DISCORD_ID,
    MANAGER_ROLE_ID,
    ErrorLog,
    FakeDiscord,
    add_guild,
    logged_in,
)
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped config, plus Discord roles (an agent role by name, a manager role by
    id) and a Discord account for the agent bob."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["roles"] = {
        "agent": {"discord_roles": [AGENT_ROLE_NAME]},
        "manager": {"discord_roles": [MANAGER_ROLE_ID]},
    }
    raw["staff"]["bob"]["discord"] = BOB_DISCORD_ID
    raw["discord"] = {"guild_id": "290926798626357999"}
    return parse_settings(raw, source=str(ROOT / "config.yaml"))


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", f"{server.url}/api/v10")
    yield server
    await server.close()


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    """Exceptions discord.py swallowed in callbacks fail the test that caused them."""
    handler = ErrorLog()
    logger = logging.getLogger("discord")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert not handler.records, [logging.Formatter().format(r) for r in handler.records]


@pytest.fixture
async def client(
    core: Core,
    settings: Settings,
    fake: FakeDiscord,
    errors: ErrorLog,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[DeskClient]:
    """A logged-in client that knows the samples' server (no command sync).

    Its answers come in time however slow the machine is (a report's chart took longer
    than the adapter's 1.5 s once, in CI); `harness.slow_core` is the deferred case."""
    monkeypatch.setattr(discord_interactions, "DEFER_AFTER", 60.0)
    desk = await logged_in(DeskClient(core, settings.discord, sync_commands=False))
    add_guild(desk)
    yield desk
    await desk.close()
