"""An agent takes the next incident from their groups' queues: `/incident next`, or
"take the next one" in chat."""

from __future__ import annotations

import asyncio

from bot.app import Core
from bot.config import Settings, StaffSettings
from tests.conftest import Desk
from tests.integration.test_conversation import incident

NOTHING = "Nothing is waiting in the service-desk queue"


async def test_next_takes_the_unowned_incident_that_falls_due_first(desk):
    await desk.ok("alice", "/incident open Printer jams now and then --impact low --urgency low")
    await desk.ok("alice", "/incident open Email is down for everyone --impact high --urgency high")
    taken = await desk.ok("bob", "/incident next")
    assert taken.text.startswith("You own INC-000002 now, the next due in the service-desk")
    assert (await incident(desk, 2)).assignee == "bob"
    assert (await incident(desk, 1)).assignee is None
    assert (await desk.ok("bob", "/incident next")).text.startswith("You own INC-000001 now")
    assert (await desk.err("bob", "/incident next")).text.startswith(NOTHING)


async def test_in_chat_take_the_next_one_claims_it(desk):
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    reply = await desk.message("bob", "ok, I'll take the next one")
    assert reply.text.startswith("You own INC-000001 now"), reply.text
    assert (await incident(desk, 1)).state == "in_progress"


async def test_next_leaves_owned_pending_and_other_groups_incidents(desk):
    await desk.ok("alice", "/incident open Wifi drops on floor 3 --category network")
    await desk.ok("alice", "/incident open Laptop fan is loud")
    await desk.ok("alice", "/incident open Monitor flickers")
    await desk.ok("bob", "/incident claim 2")
    await desk.ok("bob", "/incident claim 3")
    await desk.ok("bob", "/incident pending 3 which monitor model is it?")
    await desk.ok("bob", "/incident assign 3 service-desk")
    assert (await incident(desk, 3)).assignee is None
    assert (await incident(desk, 1)).group == "network"
    refused = await desk.err("bob", "/incident next")
    assert refused.text.startswith(NOTHING), refused.text
    assert (await desk.ok("erin", "/incident next")).text.startswith("You own INC-000001")


async def test_next_is_for_agents(desk):
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    refused = await desk.err("alice", "/incident next")
    assert refused.text.startswith("/incident next is for the desk's agents")
    assert (await incident(desk, 1)).assignee is None


async def test_an_agent_in_no_group_is_told_to_claim_by_number(settings: Settings, database, clock):
    staff = settings.staff | {"gus": StaffSettings(name="Gus Grey", role="agent")}
    desk = Desk(Core(settings.model_copy(update={"staff": staff}), database, clock=clock))
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    refused = await desk.err("gus", "/incident next")
    assert refused.text.startswith("You are in no support group"), refused.text
    assert "`/incident claim 42`" in refused.text


async def test_agents_asking_at_once_are_given_different_incidents(desk):
    for n in range(2):
        await desk.ok("alice", f"/incident open Laptop {n} will not boot")
    agents = ("bob", "erin", "carol")
    results = await asyncio.gather(*(desk.say(agent, "/incident next") for agent in agents))
    replies = [r[0] for r in results]
    taken = [r.text.split()[2] for r in replies if not r.is_error]
    assert sorted(taken) == ["INC-000001", "INC-000002"], [r.text for r in replies]
    refused = [r.text for r in replies if r.is_error]
    assert len(refused) == 1 and refused[0].startswith("Nothing is waiting in"), refused
    owners = {(await incident(desk, n)).assignee for n in (1, 2)}
    assert len(owners) == 2 and owners <= set(agents)


async def test_the_queue_offers_the_next_one_while_any_waits_for_an_owner(desk):
    assert not (await desk.ok("bob", "/incident queue")).buttons
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    queue = await desk.ok("bob", "/incident queue")
    assert [(b.label, b.action_id) for b in queue.buttons] == [
        ("Take the next one", "incident.next")
    ]
    taken = await desk.press("bob", "incident.next")
    assert taken.text.startswith("You own INC-000001 now"), taken.text
    assert not (await desk.ok("bob", "/incident queue")).buttons


async def test_whats_next_shows_the_queue_and_claims_nothing(desk):
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    for asked in ("what's next?", "what should i work on next?"):
        reply = await desk.message("bob", asked)
        assert reply.text == (await desk.ok("bob", "/incident queue")).text, asked
        assert [b.label for b in reply.buttons] == ["Take the next one"]
    assert (await incident(desk, 1)).assignee is None


async def test_after_taking_the_next_one_it_is_that_one(desk):
    # Before, "put it on hold" right after "take the next one" asked which incident.
    await desk.ok("alice", "/incident open Outlook calendar does not sync to my phone")
    await desk.message("bob", "take the next one")
    held = await desk.message("bob", "put it on hold, waiting for alice to re-add the account")
    assert held.text.startswith("INC-000001 waits on"), held.text
    assert (await incident(desk, 1)).state == "pending"
