"""Application commands: the synced tree matches the registry, options reach the core
typed, roles come from the member's Discord roles, and slow answers are deferred."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from bot.adapters import discord_options
from bot.adapters.discord_adapter import DeskClient
from bot.app import Core
from bot.messages import Actor, ChannelRef, CommandCall, Reply
from bot.models import Incident, ProcessedEvent
from bot.registry import INCIDENT, PERSON
from tests.adapters.discord.harness import (
    AGENT_ROLE_ID,
    APP_ID,
    BOB_DISCORD_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MANAGER_ROLE_ID,
    USER_ID,
    callbacks,
    command,
    interact,
    logged_in,
    slow_core,
)

STRING, INTEGER, BOOLEAN, SUBCOMMAND, USER = 3, 4, 5, 1, 6


async def show(core: Core, number: int, user: str = str(USER_ID)):
    """The incident as its reporter sees it, through the core."""
    call = CommandCall(
        Actor("discord", user, "Mason"),
        ChannelRef("discord", user, is_direct=True),
        ("incident", "show"),
        event_id=uuid.uuid4().hex,
        options={"incident": number},
    )
    (reply,) = await core.handle(call)
    return reply


# -- the tree against the registry ----------------------------------------------------


async def synced_tree(core, settings, fake):
    client = await logged_in(DeskClient(core, settings.discord))
    await client.close()
    (sync,) = fake.sent("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    return {c["name"]: c for c in sync.body}


def _expected_type(param) -> int:
    if param.type.switch:
        return BOOLEAN
    if param.type is PERSON:
        return USER  # picked from the server's members, not typed
    return INTEGER if param.type is INCIDENT else STRING


async def test_the_synced_tree_is_the_registry(core, settings, fake):
    tree = await synced_tree(core, settings, fake)
    specs = core.registry.specs()  # hidden (button-only) commands are not synced
    assert set(tree) == {s.path[0] for s in specs}
    for spec in specs:
        found = tree[spec.path[0]]
        if len(spec.path) == 2:
            subs = {o["name"]: o for o in found["options"]}
            assert set(subs) == {s.path[1] for s in specs if s.path[0] == spec.path[0]}
            found = subs[spec.path[1]]
            assert found["type"] == SUBCOMMAND
        assert 1 <= len(found["description"]) <= 100
        options = {o["name"]: o for o in found.get("options", [])}
        assert list(options) == sorted(options, key=lambda name: not options[name]["required"]), (
            f"{spec.name}: required options come first"
        )
        assert set(options) == {p.name for p in spec.params}, spec.name
        for param in spec.params:
            option = options[param.name]
            assert option["type"] == _expected_type(param), (spec.name, param.name)
            assert 1 <= len(option["description"]) <= 100
            if spec.path == ("incident", "open") and param.name == "summary":
                assert option["required"] is False  # left out, it opens the form
            else:
                assert option["required"] == param.required, (spec.name, param.name)
            if param.type.choices is not None:
                declared = list(param.type.choices(core.rules))
                assert [c["value"] for c in option["choices"]] == declared, (spec.name, param.name)
            if param.type is INCIDENT:
                assert option["autocomplete"] is True
                assert option["min_value"] == 1


async def test_the_tree_stays_within_discords_limits(core, settings, fake):
    for top in (await synced_tree(core, settings, fake)).values():
        assert len(top["description"]) <= 100
        assert len(top.get("options", [])) <= 25
        text = [top["name"], top["description"]]
        for sub in top.get("options", []):
            text += [sub["name"], sub["description"]]
            for option in sub.get("options", []):
                text += [option["name"], option["description"]]
                text += [c["name"] + str(c["value"]) for c in option.get("choices", [])]
                assert len(option.get("choices", [])) <= 25
        assert len("".join(text)) <= 8000, top["name"]


async def test_without_a_guild_the_tree_syncs_globally(core, settings, fake):
    general = settings.discord.model_copy(update={"guild_id": None})
    client = await logged_in(DeskClient(core, general))
    await client.close()
    assert fake.sent("PUT", rf"/applications/{APP_ID}/commands")
    assert not fake.sent("PUT", rf"/applications/{APP_ID}/guilds/\d+/commands")


# -- parsing: the options reach the core ----------------------------------------------


async def test_incident_open_with_options_opens_it_classified(client, fake, core):
    options = {"summary": "VPN drops every few minutes", "impact": "high", "urgency": "high"}
    await interact(client, command(("incident", "open"), {**options, "category": "network/vpn"}))
    (answer,) = callbacks(fake)
    assert answer["type"] == 4
    assert answer["data"]["content"].startswith("Opened INC-000001 (P1")
    card = await show(core, 1)
    fields = {f.label: f.value for f in card.card.fields}
    assert fields["Category"] == "network/vpn"
    assert "impact high, urgency high" in fields["Priority"]


async def test_kb_search_answers_with_articles(client, fake):
    await interact(client, command(("kb", "search"), {"text": "vpn keeps disconnecting"}))
    (answer,) = callbacks(fake)
    embed = answer["data"]["embeds"][0]
    assert embed["title"] == "Knowledge base"
    assert "vpn" in embed["description"].lower()


async def test_a_switch_arrives_as_a_boolean(client, fake):
    await interact(client, command(("incident", "open"), {"summary": "Printer jams"}))
    await interact(
        client, command(("incident", "list"), {"mine": True}, roles=[str(AGENT_ROLE_ID)])
    )
    listed = callbacks(fake)[-1]["data"]
    # An agent's --mine is what they own: nothing yet.
    assert listed["content"] == "No incidents match."


async def test_a_bad_choice_typed_anyway_is_refused_by_the_core(client, fake):
    await interact(client, command(("incident", "open"), {"summary": "x", "impact": "enormous"}))
    (answer,) = callbacks(fake)
    assert answer["data"]["flags"] == EPHEMERAL
    assert "'enormous' is not a known impact level" in answer["data"]["content"]


# -- roles --------------------------------------------------------------------------


async def test_a_plain_member_may_not_claim(client, fake):
    await interact(client, command(("incident", "open"), {"summary": "Outlook asks for password"}))
    await interact(client, command(("incident", "claim"), {"incident": 1}, roles=[]))
    answer = callbacks(fake)[-1]
    assert answer["data"]["flags"] == EPHEMERAL
    assert "/incident claim is for the desk's agents" in answer["data"]["content"]


@pytest.mark.parametrize("role", [str(AGENT_ROLE_ID), MANAGER_ROLE_ID])
async def test_a_member_with_a_mapped_role_may_claim(client, fake, core, role):
    await interact(client, command(("incident", "open"), {"summary": "Outlook asks for password"}))
    await interact(client, command(("incident", "claim"), {"incident": 1}, roles=[role]))
    answer = callbacks(fake)[-1]
    assert answer["data"]["content"] == "You own INC-000001 now."
    fields = {f.label: f.value for f in (await show(core, 1)).card.fields}
    assert fields["State"] == "in progress"


async def test_staff_are_known_by_their_discord_id_anywhere(client, fake, core):
    await interact(client, command(("incident", "open"), {"summary": "Outlook asks for password"}))
    claim = command(("incident", "claim"), {"incident": 1}, direct=True)
    claim["user"]["id"] = BOB_DISCORD_ID
    await interact(client, claim)
    assert callbacks(fake)[-1]["data"]["content"] == "You own INC-000001 now."
    fields = {f.label: f.value for f in (await show(core, 1)).card.fields}
    assert fields["Owner"] == "Bob Baker (bob)"


async def test_roles_are_empty_in_direct_messages(client, fake):
    await interact(client, command(("incident", "open"), {"summary": "Laptop broken"}))
    await interact(client, command(("incident", "claim"), {"incident": 1}, direct=True))
    assert "for the desk's agents" in callbacks(fake)[-1]["data"]["content"]


# -- autocomplete -------------------------------------------------------------------


async def test_incident_ids_autocomplete_from_what_the_user_can_see(client, fake, core):
    await interact(client, command(("incident", "open"), {"summary": "VPN down"}))
    await interact(client, command(("incident", "open"), {"summary": "Printer jams"}))
    await interact(client, command(("incident", "show"), {"incident": "vpn"}, focused="incident"))
    answer = callbacks(fake)[-1]
    assert answer["type"] == 8
    assert [c["value"] for c in answer["data"]["choices"]] == [1]
    assert answer["data"]["choices"][0]["name"].startswith("INC-000001 · ")
    # Someone else sees none of Mason's incidents.
    other = command(("incident", "show"), {"incident": ""}, focused="incident")
    other["member"]["user"]["id"] = "1100000000000000999"
    await interact(client, other)
    assert callbacks(fake)[-1]["data"]["choices"] == []
    # Suggesting is a read: only the two commands were recorded as processed events.
    async with core.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 2


# -- answering within 3 seconds -----------------------------------------------------


async def test_a_slow_answer_is_deferred_then_followed_up(client, fake, core, monkeypatch):
    slow_core(core, monkeypatch)
    await interact(client, command(("incident", "open"), {"summary": "Wifi down"}))
    (answer,) = callbacks(fake)
    assert answer["type"] == 5  # "Deskbot is thinking…"
    (follow,) = fake.sent("PATCH", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    assert follow.body["content"].startswith("Opened INC-000001")
    assert follow.body["allowed_mentions"] == {"parse": []}


async def test_a_slow_error_in_a_dm_stays_private(client, fake, core, monkeypatch):
    slow_core(core, monkeypatch)
    await interact(client, command(("incident", "claim"), {"incident": 7}, direct=True))
    (deferred,) = callbacks(fake)
    assert deferred["type"] == 5 and not deferred.get("data", {}).get("flags")
    # The public "thinking" message goes; the refusal comes privately.
    assert fake.sent("DELETE", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    (private,) = fake.sent("POST", rf"/webhooks/{APP_ID}/[^/]+")
    assert private.body["flags"] == EPHEMERAL
    assert "for the desk's agents" in private.body["content"]


async def test_in_a_server_answers_are_private_to_whoever_asked(client, fake, core, monkeypatch):
    await interact(client, command(("incident", "open"), {"summary": "Teams crashes"}))
    assert callbacks(fake)[-1]["data"]["flags"] == EPHEMERAL
    # In a DM the answer stays in the conversation.
    await interact(client, command(("incident", "show"), {"incident": 1}, direct=True))
    assert not callbacks(fake)[-1]["data"].get("flags")
    slow_core(core, monkeypatch)
    await interact(client, command(("incident", "show"), {"incident": 1}))
    assert callbacks(fake)[-1] == {"type": 5, "data": {"flags": EPHEMERAL}}
    (filled,) = fake.sent("PATCH", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    assert filled.body["content"] == "INC-000001 is new."
    assert not fake.sent("DELETE", rf"/webhooks/{APP_ID}/.*")


async def test_a_slow_autocomplete_answers_nothing_in_time(client, fake, core, monkeypatch):
    lookup, release = core.open_incidents_for, asyncio.Event()

    async def slowly(actor):
        await release.wait()  # slower than the budget, for as long as the test wants
        return await lookup(actor)

    monkeypatch.setattr(core, "open_incidents_for", slowly)
    monkeypatch.setattr(discord_options, "AUTOCOMPLETE_BUDGET", 0.01)
    await interact(client, command(("incident", "show"), {"incident": ""}, focused="incident"))
    assert callbacks(fake)[-1] == {"type": 8, "data": {"choices": []}}
    (kept,) = discord_options._unfinished  # left to finish, not cancelled
    release.set()
    assert (await asyncio.wait_for(kept, 10)) == []  # it ends in the background
    await asyncio.sleep(0)
    assert not discord_options._unfinished


def sample(param, rules):
    """A valid value for a parameter, of the type Discord would send."""
    if param.type.switch:
        return True
    if param.type is INCIDENT:
        return 1
    if param.type.choices is not None:
        return list(param.type.choices(rules))[-1]
    return "the vpn drops" if param.type.rest else "vpn-cannot-connect"


async def test_every_command_reaches_the_core_with_its_typed_options(
    client, fake, core, monkeypatch
):
    received = []

    async def record(inbound):
        received.append(inbound)
        return [Reply(text="ok")]

    monkeypatch.setattr(core, "handle", record)
    for spec in core.registry.specs():
        options = {p.name: sample(p, core.rules) for p in spec.params}
        await interact(client, command(spec.path, options, roles=[MANAGER_ROLE_ID]))
        assert received, spec.name
        call = received.pop()
        assert isinstance(call, CommandCall)
        assert call.path == spec.path
        assert dict(call.options) == options, spec.name
        assert call.actor.roles == (MANAGER_ROLE_ID, "Desk Managers")
        assert call.channel == ChannelRef("discord", str(CHANNEL_ID))
        assert callbacks(fake)[-1]["data"]["content"] == "ok"


async def test_report_attaches_the_chart_to_its_embed(client, fake):
    await interact(client, command(("report",), {"since": "30d"}, roles=[MANAGER_ROLE_ID]))
    (request,) = fake.sent("POST", r"/interactions/\d+/[^/]+/callback")
    answer = request.body["data"]
    assert answer["embeds"][0]["title"] == "Desk report · last 30 days"
    assert answer["embeds"][0]["image"]["url"] == "attachment://deskbot-image.png"
    (png,) = request.files.values()
    assert png.startswith(b"\x89PNG")


async def test_a_deferred_report_brings_its_chart_in_the_follow_up(client, fake, core, monkeypatch):
    slow_core(core, monkeypatch)
    await interact(client, command(("report",), {"since": "30d"}, roles=[MANAGER_ROLE_ID]))
    (deferred,) = callbacks(fake)
    assert deferred["type"] == 5
    (follow,) = fake.sent("PATCH", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    assert follow.body["embeds"][0]["title"] == "Desk report · last 30 days"
    assert follow.body["embeds"][0]["image"]["url"] == "attachment://deskbot-image.png"
    (png,) = follow.files.values()
    assert png.startswith(b"\x89PNG")


async def test_an_agent_logs_an_incident_for_a_picked_member(client, fake, core):
    """The reporter option is a user picker: the core gets "@name" and that account.
    Before, an agent had no way to log what someone told them in person."""
    payload = command(
        ("incident", "open"), {"summary": "Laptop screen cracked"}, roles=[str(AGENT_ROLE_ID)]
    )
    picked = {
        "id": "4242",
        "username": "alice",
        "global_name": "Alice",
        "discriminator": "0",
        "avatar": None,
    }
    payload["data"]["options"][0]["options"].append(
        {"name": "reporter", "type": 6, "value": "4242"}
    )
    payload["data"]["resolved"] = {
        "users": {"4242": picked},
        "members": {"4242": {"roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "flags": 0}},
    }
    await interact(client, payload)
    (answer,) = callbacks(fake)
    assert answer["data"]["content"].startswith("Opened INC-000001 (P4, service-desk) for Alice")
    async with core.database.transaction() as session:
        incident = await session.get(Incident, 1)
        assert (incident.reporter_key, incident.reporter_name) == ("discord:4242", "Alice")
