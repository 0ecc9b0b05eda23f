"""Two agents claiming the same incident at the same moment: exactly one wins."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.messages import Actor, ChannelRef
from bot.models import Incident, IncidentEvent
from bot.services.incidents import Incidents

AGENTS = ("bob", "erin", "dave", "carol")


async def claimed_events(core, number: int) -> int:
    async with core.database.transaction() as session:
        query = select(func.count()).where(
            IncidentEvent.incident_id == number, IncidentEvent.kind == "claimed"
        )
        return await session.scalar(query)


async def owner(core, number: int) -> str | None:
    async with core.database.transaction() as session:
        return (await session.get(Incident, number)).assignee


async def test_simultaneous_claims_one_winner_and_the_loser_is_told_who(desk, core):
    await desk.ok("alice", "/incident open Printer on floor 2 is jammed")
    results = await asyncio.gather(*(desk.say(agent, "/incident claim 1") for agent in AGENTS))
    replies = [r[0] for r in results]
    winners = [a for a, r in zip(AGENTS, replies, strict=True) if not r.is_error]
    assert len(winners) == 1, [r.text for r in replies]
    winner = winners[0]
    assert await owner(core, 1) == winner
    assert await claimed_events(core, 1) == 1
    name = core.rules.directory.name_of(winner)
    for agent, reply in zip(AGENTS, replies, strict=True):
        if agent != winner:
            assert reply.text == f"INC-000001 is already claimed by {name}."


async def test_many_incidents_claimed_concurrently_each_has_one_owner(desk, core):
    for n in range(6):
        await desk.ok("alice", f"/incident open Laptop {n} will not boot")
    calls = [desk.say(agent, f"/incident claim {n}") for n in range(1, 7) for agent in AGENTS]
    results = await asyncio.gather(*calls)
    wins = [r[0] for r in results if not r[0].is_error]
    assert len(wins) == 6
    for n in range(1, 7):
        assert await claimed_events(core, n) == 1
        assert await owner(core, n) in AGENTS


async def test_stale_version_is_caught_and_retried_into_a_clear_conflict(core, database):
    """Both units of work read version 1 before either writes (PostgreSQL, where
    readers don't queue): the second UPDATE matches no row, the unit of work is
    retried, and the retry tells the loser who won."""
    if database.is_sqlite:
        pytest.skip("SQLite takes the write lock at BEGIN: two writers can't both read first")
    desk_rules, now = core.rules, core.clock.now()
    async with database.transaction() as session:
        reporter = desk_rules.directory.person(Actor("console", "alice", "alice"))
        await Incidents(session, desk_rules, now).open(
            reporter=reporter, channel=ChannelRef("console", "test"), text="Wi-Fi drops in room 4"
        )
    both_read = asyncio.Barrier(2)
    attempts: list[str] = []

    async def claim_as(handle: str) -> str:
        async def work(session):
            attempts.append(handle)
            incidents = Incidents(session, desk_rules, now)
            await incidents.get(1)
            if len(attempts) <= 2:  # only the two first tries meet; the retry goes on
                await both_read.wait()
            await incidents.claim(1, desk_rules.directory.staff(handle))
            await session.flush()
            return handle

        try:
            return await database.run(work)
        except Exception as exc:  # the loser's Conflict, checked below
            return str(exc)

    outcomes = await asyncio.gather(claim_as("bob"), claim_as("erin"))
    winner = next(o for o in outcomes if o in ("bob", "erin"))
    loser_message = next(o for o in outcomes if o not in ("bob", "erin"))
    name = desk_rules.directory.name_of(winner)
    assert loser_message == f"INC-000001 is already claimed by {name}."
    assert len(attempts) == 3  # two first tries, one retry of the loser
    assert await owner(core, 1) == winner
    assert await claimed_events(core, 1) == 1
