"""`/incident open` without a summary opens a form; submitting it opens the incident,
even on a client that did not send the form."""

from __future__ import annotations

from bot.adapters.discord_adapter import DeskClient
from tests.adapters.discord.harness import (
    EPHEMERAL,
    add_guild,
    command,
    interact,
    logged_in,
    submit,
)

MODAL = 9


def callbacks(fake):
    return [r.body for r in fake.sent("POST", r"/interactions/\d+/[^/]+/callback")]


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
