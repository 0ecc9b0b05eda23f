"""Many SLA warnings or breaches for one person in one sweep come as one digest.

A sweep that finds hundreds of incidents due at once (a burst of reports, a group
back from a holiday) would otherwise send each agent hundreds of cards, burying the
one that matters and taking the platforms' rate limits many minutes to deliver.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.models import IncidentEvent, OutboxRow
from tests.conftest import START, Desk
from tests.integration.test_outbox import Recorder
from tests.integration.test_scheduler import make_scheduler
from tests.integration.test_sla import sla_desk

LAPTOP = "Laptop {n} will not boot"  # P4, service-desk: response 8h (warned at 6h)


async def open_incidents(desk: Desk, clock, count: int) -> None:
    """`count` incidents, a minute apart: INC-1 falls due first."""
    for n in range(count):
        await desk.ok("alice", "/incident open " + LAPTOP.format(n=n))
        clock.advance(minutes=1)


async def sweep_at(desk: Desk, clock, **since_start: float) -> Recorder:
    clock.current = START + timedelta(**since_start)
    recorder = Recorder()
    await make_scheduler(desk.core, recorder, clock).tick()
    return recorder


def to(recorder: Recorder, who: str) -> list[tuple[str, int | None]]:
    """The SLA notices `who` was sent: (kind, incident id, or None for a digest)."""
    return [
        (n.kind, n.incident_id)
        for n in recorder.sent
        if n.recipient.key == who and n.kind.startswith("sla_")
    ]


async def test_more_warnings_than_the_limit_come_as_one_digest_per_person(desk, clock):
    await open_incidents(desk, clock, 5)
    sent = await sweep_at(desk, clock, hours=6, minutes=5)
    for agent in ("bob", "erin"):  # service-desk's agents: nobody owns these yet
        assert to(sent, agent) == [("sla_warning", None)]
    digest = next(n.reply for n in sent.sent if n.recipient.key == "bob")
    assert digest.text == "SLA warnings on 5 incidents, closest to breach first."
    assert digest.card is not None
    assert digest.card.title == "SLA warnings: 5 incidents"
    lines = digest.card.body.splitlines()
    # The first opened is the first due; each line is the queue's line for it.
    assert [line.split(" · ")[0] for line in lines] == [f"INC-00000{n}" for n in range(1, 6)]
    assert lines[0].split(" · ")[2] == "response due in 1h 55m"
    assert [(b.label, b.action_id, b.value) for b in digest.buttons] == [
        ("service-desk queue", "incident.queue", "--group service-desk")
    ]
    # The timeline is unchanged: every warning is an event of its incident.
    async with desk.core.database.transaction() as session:
        kinds = await session.scalars(
            select(IncidentEvent.incident_id).where(IncidentEvent.kind == "sla_warning")
        )
        assert sorted(kinds) == [1, 2, 3, 4, 5]


async def test_up_to_the_limit_each_warning_is_a_card_of_its_own(desk, clock):
    await open_incidents(desk, clock, 3)  # config.yaml: digest_above 3
    sent = await sweep_at(desk, clock, hours=6, minutes=5)
    assert to(sent, "bob") == [("sla_warning", 1), ("sla_warning", 2), ("sla_warning", 3)]
    assert all(n.reply.text.startswith("SLA warning on INC-") for n in sent.sent)


async def test_the_limit_counts_per_person_not_per_sweep(desk, clock):
    await open_incidents(desk, clock, 5)
    for n in (1, 2, 3, 4):
        await desk.ok("bob", f"/incident claim {n}")
    await desk.ok("erin", "/incident claim 5")
    # Claimed, so only the resolution clocks run: 75 % of 3d is 54h.
    sent = await sweep_at(desk, clock, hours=54, minutes=5)
    assert to(sent, "bob") == [("sla_warning", None)]  # four: one digest
    assert to(sent, "erin") == [("sla_warning", 5)]  # one: a card of its own
    digest = next(n.reply for n in sent.sent if n.incident_id is None)
    assert digest.card is not None
    assert [line[:10] for line in digest.card.body.splitlines()] == [
        f"INC-00000{n}" for n in (1, 2, 3, 4)
    ]
    assert "resolution due in" in digest.card.body


async def test_breaches_reach_the_manager_as_a_digest_too(desk, clock):
    await open_incidents(desk, clock, 4)
    sent = await sweep_at(desk, clock, hours=9)  # past the 8h response target
    assert to(sent, "carol") == [("sla_breach", None)]  # service-desk's manager
    assert to(sent, "bob") == [("sla_breach", None)]
    digest = next(n.reply for n in sent.sent if n.recipient.key == "carol")
    assert digest.text == "SLA breaches on 4 incidents, closest to breach first."
    assert digest.card is not None and "response overdue by" in digest.card.body


async def test_a_long_digest_shows_the_ten_closest_and_points_to_the_queue(desk, clock):
    await open_incidents(desk, clock, 12)
    sent = await sweep_at(desk, clock, hours=6, minutes=15)
    digest = next(n.reply for n in sent.sent if n.recipient.key == "bob")
    assert digest.card is not None
    lines = digest.card.body.splitlines()
    assert len(lines) == 11
    assert lines[-1] == "… and 2 more: `/incident queue` lists them all."
    assert lines[9].startswith("INC-000010")


async def test_the_digest_button_opens_the_groups_queue(desk, clock):
    await open_incidents(desk, clock, 4)
    sent = await sweep_at(desk, clock, hours=6, minutes=5)
    button = next(n.reply for n in sent.sent if n.recipient.key == "erin").buttons[0]
    queue = await desk.press("erin", button.action_id, button.value)
    assert queue.text == "4 open incidents for the service-desk team, closest to breach first"


async def test_the_limit_comes_from_config(settings, database, clock):
    desk = sla_desk(settings, database, clock, digest_above=1)
    await open_incidents(desk, clock, 2)
    sent = await sweep_at(desk, clock, hours=6, minutes=5)
    assert to(sent, "bob") == [("sla_warning", None)]
    async with database.transaction() as session:
        rows = await session.scalars(select(OutboxRow.kind).where(OutboxRow.incident_id.is_(None)))
        assert sorted(rows) == ["sla_warning", "sla_warning"]  # bob's and erin's
