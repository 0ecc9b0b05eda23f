"""Handing an agent's open incidents over at once: `/incident handover bob erin`, or
"give all of bob's tickets to erin", when bob is off."""

from __future__ import annotations

from bot.app import Core
from bot.config import Settings, StaffSettings
from tests.conftest import Desk
from tests.integration.test_conversation import incident, timeline
from tests.integration.test_notices import heard, texts


async def bobs(desk: Desk, count: int) -> None:
    """alice reports `count` problems and bob claims them all."""
    for n in range(1, count + 1):
        await desk.ok("alice", f"/incident open Laptop {n} will not boot")
        await desk.ok("bob", f"/incident claim {n}")


async def test_a_manager_hands_an_agents_open_incidents_to_another(desk):
    await bobs(desk, 3)
    await desk.ok("bob", "/incident resolve 3 reseated the battery")
    done = await desk.ok("carol", "/incident handover bob erin")
    assert done.text == "Handed over 2 open incidents, closest to breach first."
    assert done.card.title == "Handed over: 2"
    assert [(await incident(desk, n)).assignee for n in (1, 2, 3)] == ["erin", "erin", "bob"]
    assert (await incident(desk, 1)).state == "assigned"
    assert (await timeline(desk, 1))[-1][:2] == ("assigned", "carol")
    to_erin = [h for h in await heard(desk, "assigned", incident=None) if h.to == "erin"]
    assert [h.text for h in to_erin] == [
        f"Carol Chen assigned INC-00000{n} “Laptop {n} will not boot” to you." for n in (1, 2)
    ]


async def test_more_than_a_few_come_to_the_desk_as_one_digest(desk):
    await bobs(desk, 4)  # config.yaml: sla.digest_above 3
    await desk.ok("carol", "/incident handover bob erin")
    found = await heard(desk, "assigned", incident=None)
    desk_side = [(h.to, h.text, h.card_title) for h in found if not h.to.startswith("console:")]
    assert desk_side == [
        ("bob", "4 incidents reassigned, closest to breach first.", "Reassigned: 4 incidents"),
        ("erin", "4 incidents reassigned, closest to breach first.", "Reassigned: 4 incidents"),
    ]
    # the reporter hears of each of hers, as from `/incident assign`
    assert texts([h for h in found if h.to == "console:alice"]) == [
        ("console:alice", f"INC-00000{n} “Laptop {n} will not boot” is with Erin Evans (erin) now.")
        for n in range(1, 5)
    ]


async def test_back_to_the_queues_and_pending_ones_stay_pending(desk):
    await bobs(desk, 2)
    await desk.ok("bob", "/incident pending 2 which model is it?")
    done = await desk.ok("bob", "/incident handover me queue")
    assert done.text.startswith("Handed over 2 open incidents")
    one, two = await incident(desk, 1), await incident(desk, 2)
    assert (one.assignee, one.group, one.state) == (None, "service-desk", "assigned")
    assert (two.assignee, two.state) == (None, "pending")


async def test_in_chat_give_all_of_bobs_tickets_to_erin(desk):
    await bobs(desk, 1)
    for said, owner in (
        ("bob is off sick, give all of bob's tickets to erin", "erin"),
        ("hand over erins tickets to dave", "dave"),
    ):
        reply = await desk.message("carol", said)
        assert reply.text.startswith("Handed over 1 open incident"), reply.text
        assert (await incident(desk, 1)).assignee == owner


async def test_an_agent_hands_over_only_their_own(desk):
    await bobs(desk, 1)
    refused = await desk.err("erin", "/incident handover bob erin")
    assert refused.text == (
        "Only a manager hands over Bob Baker (bob)'s incidents; you can hand over your own: "
        "`/incident handover me erin`."
    )
    refused = await desk.err("alice", "/incident handover bob erin")
    assert refused.text.startswith("/incident handover is for the desk's agents")
    assert (await incident(desk, 1)).assignee == "bob"


async def test_what_is_wrong_is_said(desk):
    await bobs(desk, 1)
    assert (await desk.err("carol", "/incident handover bob bob")).text == (
        "Those are Bob Baker (bob)'s already."
    )
    unknown = await desk.err("carol", "/incident handover zed erin")
    assert unknown.text.startswith("'zed' is not an agent. Agents: bob, dave, erin, carol.")
    nowhere = await desk.err("carol", "/incident handover bob nowhere")
    assert nowhere.text.startswith("'nowhere' is neither an agent, a group nor `queue`.")
    assert "Example: `/incident handover bob erin`" in nowhere.text
    none = await desk.err("carol", "/incident handover dave erin")
    assert none.text == "Dave Diaz (dave) has no open incidents to hand over."


async def test_a_manager_moves_only_what_is_in_the_groups_they_manage(
    settings: Settings, database, clock
):
    groups = dict(settings.groups)
    groups["network"] = groups["network"].model_copy(update={"manager": "mia"})
    staff = settings.staff | {"mia": StaffSettings(name="Mia Moss", role="manager")}
    changed = settings.model_copy(update={"staff": staff, "groups": groups})
    desk = Desk(Core(changed, database, clock=clock))
    await desk.ok("alice", "/incident open Wifi drops on floor 3 --category network")
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    await desk.ok("erin", "/incident claim 1")
    await desk.ok("erin", "/incident claim 2")
    done = await desk.ok("mia", "/incident handover erin queue")
    assert done.text == (
        "Handed over 1 open incident, closest to breach first. 1 other stays with Erin "
        "Evans (erin): in service-desk, which you don't manage."
    )
    assert [(await incident(desk, n)).assignee for n in (1, 2)] == [None, "erin"]


async def test_after_a_handover_the_new_owner_puts_one_on_hold_without_claiming_it(desk):
    # Before: "You can't put INC-000001 on hold: it is assigned."
    await bobs(desk, 1)
    await desk.ok("carol", "/incident handover bob erin")
    held = await desk.ok("erin", "/incident pending 1 which model is it?")
    assert held.text.startswith("INC-000001 waits on"), held.text
    found = await incident(desk, 1)
    assert (found.state, found.assignee) == ("pending", "erin")


async def test_asking_first_about_one_nobody_owns_takes_it_and_answers_its_clock(desk):
    await desk.ok("alice", "/incident open Laptop will not boot")
    await desk.ok("bob", "/incident pending 1 is the charger light on?")
    found = await incident(desk, 1)
    assert (found.state, found.assignee) == ("pending", "bob")
    assert found.responded_at is not None
    assert (await timeline(desk, 1))[-1][:2] == ("pending", "bob")


async def test_one_assigned_to_someone_else_is_not_put_on_hold(desk):
    await desk.ok("alice", "/incident open Laptop will not boot")
    await desk.ok("bob", "/incident assign 1 erin")
    refused = await desk.err("bob", "/incident pending 1 is the charger light on?")
    assert refused.text.startswith("You can't put INC-000001 on hold: it is assigned.")
    assert (await incident(desk, 1)).assignee == "erin"
