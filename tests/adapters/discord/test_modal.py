"""`/incident open` without a summary opens a form; submitting it opens the incident,
even on a client that did not send the form."""

from __future__ import annotations

from bot.adapters.discord_adapter import DeskClient
from tests.adapters.discord.harness import (
    AGENT_ROLE_ID,
    CHANNEL_ID,
    EPHEMERAL,
    add_guild,
    callbacks,
    command,
    interact,
    logged_in,
    posted,
    press,
    submit,
)

MODAL = 9


def inputs(form: dict) -> dict[str, dict]:
    """custom id -> component, whether in an action row or under a label."""
    found = {}
    for row in form["components"]:
        for component in [*row.get("components", []), row.get("component") or {}]:
            if "custom_id" in component:
                found[component["custom_id"]] = component
    return found


async def test_open_without_a_summary_shows_the_form(client, fake, core):
    await interact(client, command(("incident", "open"), {"impact": "high"}))
    (answer,) = callbacks(fake)
    assert answer["type"] == MODAL
    form = answer["data"]
    assert form["custom_id"] == "deskbot-form:incident.open"
    fields = inputs(form)
    assert list(fields) == ["summary", "description", "category", "impact", "urgency"]
    assert fields["summary"]["required"] is True
    assert fields["description"]["required"] is False
    impact = [o["value"] for o in fields["impact"]["options"]]
    assert impact == list(core.rules.classifier.impacts)
    # What was given with the command is already chosen in the form.
    assert [o["value"] for o in fields["impact"]["options"] if o.get("default")] == ["high"]


async def test_submitting_the_form_opens_the_incident(client, fake, core, settings):
    await interact(client, command(("incident", "open"), {"type": "request"}))
    form = callbacks(fake)[-1]["data"]
    await client.close()
    restarted = await logged_in(DeskClient(core, settings.discord, sync_commands=False))
    add_guild(restarted)
    values = {
        "summary": "New starter needs a laptop",
        "description": "Starts Monday in Sales",
        "category": ["hardware/laptop"],
        "impact": ["low"],
        "urgency": [],
    }
    await interact(restarted, submit(form["custom_id"], values))
    await restarted.close()
    answer = callbacks(fake)[-1]
    assert answer["type"] == 4
    assert answer["data"]["content"].startswith("Opened INC-000001")
    fields = {f["name"]: f["value"] for f in answer["data"]["embeds"][0]["fields"]}
    assert fields["Category"] == "hardware/laptop"
    assert fields["Type"] == "request"  # given with the command, carried by the form
    assert "impact low" in fields["Priority"]
    assert answer["data"]["embeds"][0]["title"] == "INC-000001 · New starter needs a laptop"


async def test_a_form_with_a_bad_value_is_answered_privately(client, fake):
    values = {"summary": "Mouse broken", "category": "furniture"}
    await interact(client, submit("deskbot-form:incident.open", values))
    answer = callbacks(fake)[-1]
    assert answer["data"]["flags"] == EPHEMERAL
    assert "furniture" in answer["data"]["content"]


async def test_a_form_that_is_not_ours_is_left_alone(client, fake):
    await interact(client, submit("someone-else:form", {"summary": "x"}))
    assert callbacks(fake) == []


async def test_a_resolve_button_asks_for_the_note_in_a_form(client, fake, core):
    agent = [str(AGENT_ROLE_ID)]
    await interact(client, command(("incident", "open"), {"summary": "VPN down"}, roles=agent))
    card = posted(callbacks(fake)[-1]["data"], str(CHANNEL_ID))
    await interact(client, press("deskbot:incident.resolve:1", card, roles=agent))
    answer = callbacks(fake)[-1]
    assert answer["type"] == MODAL
    form = answer["data"]
    assert form["custom_id"] == "deskbot-form:incident.resolve?incident=1"
    fields = inputs(form)
    assert list(fields) == ["note", "code"]
    assert fields["note"]["required"] is True
    assert [o["value"] for o in fields["code"]["options"]] == list(
        core.rules.settings.resolution_codes
    )
    values = {"note": "Replaced the VPN profile", "code": ["workaround"]}
    await interact(client, submit(form["custom_id"], values, roles=agent))
    assert callbacks(fake)[-1]["data"]["content"] == "INC-000001 is resolved (workaround)."


async def test_a_user_pressing_resolve_gets_no_form(client, fake):
    agent = [str(AGENT_ROLE_ID)]
    await interact(client, command(("incident", "open"), {"summary": "VPN down"}, roles=agent))
    card = posted(callbacks(fake)[-1]["data"], str(CHANNEL_ID))
    await interact(client, press("deskbot:incident.resolve:1", card, roles=[]))
    answer = callbacks(fake)[-1]
    assert answer["data"]["flags"] == EPHEMERAL
    assert "/incident resolve is for the desk's agents" in answer["data"]["content"]


async def test_an_escalate_button_asks_why_and_where_in_a_form(client, fake, core):
    agent = [str(AGENT_ROLE_ID)]
    await interact(client, command(("incident", "open"), {"summary": "VPN down"}, roles=agent))
    card = posted(callbacks(fake)[-1]["data"], str(CHANNEL_ID))
    await interact(client, press("deskbot:incident.escalate:1", card, roles=agent))
    form = callbacks(fake)[-1]["data"]
    assert form["custom_id"] == "deskbot-form:incident.escalate?incident=1"
    fields = inputs(form)
    assert list(fields) == ["reason", "to"]  # a modal holds no checkbox: --hierarchic is typed
    assert fields["reason"]["required"] is False
    assert [o["value"] for o in fields["to"]["options"]] == list(core.rules.settings.groups)
    values = {"reason": "needs a new cert", "to": ["desktop-support"]}
    await interact(client, submit(form["custom_id"], values, roles=agent))
    assert callbacks(fake)[-1]["data"]["content"] == "INC-000001 is escalated to desktop-support."
