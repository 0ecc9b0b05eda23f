"""Bulletins in Discord: a copy in every mapped channel, edited in place by its stored
message id (with a line in its thread), a rate-limited channel retried alone, and
only managers posting."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from bot.adapters.discord_sender import DiscordSender
from bot.config import Settings, parse_settings
from bot.models import OutboxRow
from bot.outbox import Deliverer
from tests.adapters.discord.harness import (
    AGENT_ROLE_ID,
    BOB_DISCORD_ID,
    CHANNEL_ID,
    EPHEMERAL,
    MANAGER_ROLE_ID,
    add_guild,
    callbacks,
    command,
    fixture,
    interact,
    message_create,
    receive,
)
from tests.conftest import ROOT

STATUS, ALL, FLOOR = str(CHANNEL_ID), "645027906669510700", "645027906669510701"
POST = {"text": "Email is down for everyone", "severity": "major", "service": "email"}
MANAGER = [MANAGER_ROLE_ID]


@pytest.fixture(scope="module")
def settings() -> Settings:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["roles"] = {"manager": {"discord_roles": [MANAGER_ROLE_ID]}}
    raw["staff"]["bob"]["discord"] = BOB_DISCORD_ID
    raw["discord"] = {"guild_id": "290926798626357999"}
    raw["bulletins"]["channels"] = {
        "it-status": {"discord": STATUS},
        "all-staff": {"discord": ALL},
        "floor-2": {"discord": FLOOR},
    }
    return parse_settings(raw, source=str(ROOT / "config.yaml"))


@pytest.fixture
def channels(client) -> None:
    add_guild(client, {ALL: "all-staff", FLOOR: "floor-2"})


async def deliver(core, client) -> None:
    senders = {"discord": DiscordSender(client)}
    await Deliverer(core.database, senders, core.clock, core.rules.settings.outbox).deliver_due()


async def posted_ids(core) -> dict[str, str]:
    """channel -> the id Discord gave the bulletin's first copy there (as stored)."""
    async with core.database.transaction() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.kind == "bulletin"))
        return {r.channel_id: r.message_id for r in rows if r.message_id}


async def test_post_update_resolve_edit_each_copy_in_place(client, fake, core, channels):
    await interact(client, command(("bulletin", "post"), POST, roles=MANAGER))
    assert callbacks(fake)[-1]["data"]["content"].startswith("Posted BUL-1 to #it-status")
    await deliver(core, client)
    ids = await posted_ids(core)
    assert set(ids) == {STATUS, ALL, FLOOR}
    for channel in ids:
        (copy,) = fake.sent("POST", rf"/channels/{channel}/messages")
        assert copy.body["embeds"][0]["description"].startswith("Email is down for everyone")
        assert copy.body["allowed_mentions"] == {"parse": []}

    await interact(
        client,
        command(
            ("bulletin", "update"), {"bulletin": "1", "text": "Fix rolling out"}, roles=MANAGER
        ),
    )
    await deliver(core, client)
    await interact(client, command(("bulletin", "resolve"), {"bulletin": "1"}, roles=MANAGER))
    await deliver(core, client)

    for channel, message_id in ids.items():
        edits = fake.sent("PATCH", rf"/channels/{channel}/messages/{message_id}")
        assert len(edits) == 2
        assert "Fix rolling out" in str(edits[0].body["embeds"])
        assert "Resolved" in str(edits[1].body["embeds"])
        assert fake.sent("POST", rf"/channels/{channel}/messages/{message_id}/threads")
        lines = [r.body["content"] for r in fake.sent("POST", rf"/channels/{message_id}/messages")]
        assert lines[0] == "Update: Fix rolling out"
        assert len(lines) == 2
        assert len(fake.sent("POST", rf"/channels/{channel}/messages")) == 1  # never anew


async def test_a_rate_limited_channel_is_retried_alone(client, fake, core, channels):
    limited = fixture("rate_limited_429.user.json")  # retry after 64.57 s
    fake.fail("POST", rf"/channels/{STATUS}/messages", limited["status"], limited["body"])
    await interact(client, command(("bulletin", "post"), POST, roles=MANAGER))
    await deliver(core, client)
    assert set(await posted_ids(core)) == {ALL, FLOOR}
    fake.failures.clear()
    await deliver(core, client)
    assert set(await posted_ids(core)) == {ALL, FLOOR}  # it waits as Discord asked
    core.clock.advance(seconds=65)
    await deliver(core, client)
    assert set(await posted_ids(core)) == {STATUS, ALL, FLOOR}


@pytest.mark.parametrize("roles", [[], [str(AGENT_ROLE_ID)]], ids=["user", "agent"])
async def test_only_managers_post(client, fake, core, channels, roles):
    await interact(client, command(("bulletin", "post"), POST, roles=roles))
    answer = callbacks(fake)[-1]["data"]
    assert answer["flags"] == EPHEMERAL
    assert "and you are not on that list" in answer["content"]
    await deliver(core, client)
    assert await posted_ids(core) == {}


async def test_in_the_bulletins_thread_same_here_follows_it_and_chatter_is_left_alone(
    client, fake, core, channels
):
    """The update thread under a bulletin is the bot's own: before, every message there
    reached the desk, and "ugh, again?" got an answer in the channel's thread."""
    await interact(client, command(("bulletin", "post"), POST, roles=MANAGER))
    await deliver(core, client)
    update = {"bulletin": "1", "text": "Fix rolling out"}
    await interact(client, command(("bulletin", "update"), update, roles=MANAGER))
    await deliver(core, client)
    thread = (await posted_ids(core))[STATUS]  # a thread from a message takes its id
    lines = len(fake.sent("POST", rf"/channels/{thread}/messages"))
    await receive(client, message_create("ugh, again?", channel_id=thread, guild=True))
    assert len(fake.sent("POST", rf"/channels/{thread}/messages")) == lines
    await receive(client, message_create("same here", channel_id=thread, guild=True))
    answers = fake.sent("POST", rf"/channels/{thread}/messages")[lines:]
    assert [a.body["content"] for a in answers] == [
        "Thanks, you're on the list for BUL-1: you'll hear each update and when it's resolved. "
        "Nothing new was opened."
    ]
