"""Buttons: their custom ids carry the action, so a press works on any client instance,
including one started after the message was sent."""

from __future__ import annotations

from bot.adapters.discord_adapter import DeskClient
from tests.adapters.discord.harness import (
    AGENT_ROLE_ID,
    APP_ID,
    CHANNEL_ID,
    EPHEMERAL,
    add_guild,
    callbacks,
    command,
    custom_ids,
    interact,
    logged_in,
    posted,
    press,
    slow_core,
    views_in_memory,
)


async def card_with_buttons(client, fake) -> dict:
    """An agent's /incident open: the card comes with the agent's one-click actions."""
    opened = command(
        ("incident", "open"), {"summary": "Shared drive is read-only"}, roles=[str(AGENT_ROLE_ID)]
    )
    await interact(client, opened)
    message = callbacks(fake)[-1]["data"]
    assert "deskbot:incident.claim:1" in custom_ids(message)
    return posted(message, str(CHANNEL_ID))


async def test_a_button_works_after_a_restart(client, fake, core, settings, errors):
    message = await card_with_buttons(client, fake)
    assert views_in_memory(client) == 0  # nothing about the message is kept in memory
    await client.close()
    # A new process: nothing in memory knows the message or its view.
    restarted = await logged_in(DeskClient(core, settings.discord, sync_commands=False))
    add_guild(restarted)
    assert views_in_memory(restarted) == 0
    await interact(
        restarted, press("deskbot:incident.claim:1", message, roles=[str(AGENT_ROLE_ID)])
    )
    await restarted.close()
    answer = callbacks(fake)[-1]
    assert answer["type"] == 7  # the pressed message is replaced by the answer
    assert answer["data"]["content"] == "You own INC-000001 now."
    assert answer["data"]["allowed_mentions"] == {"parse": []}
    assert "deskbot:incident.claim:1" not in custom_ids(answer["data"])


async def test_a_refused_press_leaves_the_message_alone(client, fake):
    message = await card_with_buttons(client, fake)
    await interact(client, press("deskbot:incident.claim:1", message, roles=[]))
    answer = callbacks(fake)[-1]
    assert answer["type"] == 4
    assert answer["data"]["flags"] == EPHEMERAL
    assert "for the desk's agents" in answer["data"]["content"]


async def test_a_pressed_button_is_done_once(client, fake):
    message = await card_with_buttons(client, fake)
    pressed = press("deskbot:incident.claim:1", message, roles=[str(AGENT_ROLE_ID)])
    await interact(client, pressed)
    await interact(client, pressed)  # the same interaction delivered twice
    first, again = callbacks(fake)[-2:]
    assert first["type"] == 7
    assert again["type"] == 6  # acknowledged, nothing changed


async def test_a_slow_press_is_acknowledged_then_the_message_edited(
    client, fake, core, monkeypatch
):
    message = await card_with_buttons(client, fake)
    slow_core(core, monkeypatch)
    await interact(client, press("deskbot:incident.claim:1", message, roles=[str(AGENT_ROLE_ID)]))
    assert callbacks(fake)[-1]["type"] == 6
    (edit,) = fake.sent("PATCH", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    assert edit.body["content"] == "You own INC-000001 now."
