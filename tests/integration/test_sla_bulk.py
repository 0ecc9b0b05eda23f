"""The SLA sweep writes its rows in bulk: what it writes must be, column for column, what
the per-row ORM path writes (timeline events, notifications, the incidents' clocks and
versions), on SQLite and PostgreSQL. Each comparison runs both paths from the same state,
each in a transaction that is rolled back, and compares every column but the id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot.db import Database
from bot.messages import Button, Card, ChannelRef, Field, Reply, Severity
from bot.models import Conversation, Incident, IncidentEvent, OutboxRow, SlaClock
from bot.outbox import Outbox, OutboxBatch, Recipient
from bot.services.sla_sweep import SweepReport, sweep_batch
from bot.services.sla_writes import Advance, advance
from tests.conftest import START
from tests.integration.test_sla import PRINTER, sla_desk

Rows = list[dict[str, Any]]
# Filled in only when a notice is delivered (or fails): None on every new row.
DELIVERY = {"lease", "last_error", "delivered_at", "message_id"}


async def rows(session: AsyncSession, table: Table, *order: str) -> Rows:
    query = select(table).order_by(*(table.c[name] for name in order), *table.primary_key)
    return [dict(row) for row in (await session.execute(query)).mappings()]


def without_ids(found: Rows) -> Rows:
    return [{k: v for k, v in row.items() if k != "id"} for row in found]


async def rolled_back(database: Database, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """What `work` leaves in its transaction, which is then undone."""
    async with database.sessions() as session:
        try:
            return await work(session)
        finally:
            await session.rollback()


async def test_a_batch_of_notices_is_written_as_outbox_add_writes_each(database):
    card = Card(
        "INC-000001 · Printer",
        (Field("State", "new"), Field("Note", "long text", short=False)),
        body="It jams",
        footer="Last updates:\n- opened",
        severity=Severity.DANGER,
    )
    shared = Reply("SLA breached", card=card, buttons=(Button("Claim", "incident.claim", "1"),))
    notices = [
        # One reply for two people (its payload is made once), a thread, an edit and an
        # answer in a thread, an image: every column a new row has is set somewhere.
        (Recipient("bob", "Bob Baker", "slack", "U0BOB", "1700.01"), shared, 1, 7, None),
        (Recipient("erin", "Erin", "discord", "555"), shared, 1, None, 8),
        (
            Recipient("console:alice", "alice", "console", "alice"),
            Reply("x", image=b"\x89P"),
            2,
            None,
            None,
        ),
    ]

    async def write(session: AsyncSession, outbox: Outbox | OutboxBatch) -> Rows:
        for recipient, reply, incident_id, edit_of, reply_to in notices:
            outbox.add(
                recipient,
                reply,
                kind="sla_breach",
                incident_id=incident_id,
                edit_of=edit_of,
                reply_to=reply_to,
            )
        if isinstance(outbox, OutboxBatch):
            assert await outbox.write(session) == len(notices)
        await session.flush()
        return without_ids(await rows(session, OutboxRow.__table__))

    now = START + timedelta(hours=8)
    one_by_one = await rolled_back(database, lambda s: write(s, Outbox(s, now)))
    in_bulk = await rolled_back(database, lambda s: write(s, OutboxBatch(now)))
    assert in_bulk == one_by_one
    assert len(in_bulk) == len(notices)
    for column in (c.key for c in OutboxRow.__table__.columns):
        if column != "id" and column not in DELIVERY:
            assert any(row[column] is not None for row in in_bulk), f"{column} never set"


async def test_the_bulk_sweep_writes_what_the_per_row_sweep_writes(settings, database, clock):
    desk = sla_desk(settings, database, clock, escalate_unclaimed=True, escalate_breached=["P1"])
    await desk.ok("alice", "/incident open Outlook crashes on start --impact medium")  # P3
    await desk.ok("bob", "/incident claim 1")  # resolution 1d: warned at 18h, on the owner
    clock.advance(hours=12)
    # Asked in a thread, with frank affected as well: the escalation tells them both.
    desk.channel = ChannelRef("console", "help", thread_id="thread-1")
    await desk.ok("alice", f"/incident open {PRINTER}")  # P4, left unclaimed: escalated
    desk.channel = ChannelRef("console", "test", is_direct=True)
    await desk.ok("frank", "/incident open The floor 3 printer eats my pages too")
    await desk.ok("bob", "/incident link 3 2")
    clock.advance(hours=2)
    await desk.ok("alice", "/incident open Monitor flickers")  # P4, unclaimed: warned at 6h
    clock.advance(hours=1)
    await desk.ok("alice", "/incident open VPN down for everyone --impact high --urgency high")
    await desk.ok("erin", "/incident claim 5")  # P1: breached at 4h, the manager is called
    clock.advance(hours=5)  # START + 20h
    now = clock.now()
    before = await rolled_back(database, lambda s: rows(s, SlaClock.__table__))
    incidents_before = await rolled_back(database, lambda s: rows(s, Incident.__table__))

    async def sweep(session: AsyncSession, *, bulk: bool) -> tuple[SweepReport, list[Rows]]:
        report = await sweep_batch(session, desk.core.rules, now, bulk=bulk)
        await session.flush()
        written = [
            # A timeline is read per incident: the escalated incidents' events (always
            # written by the ORM) may take their ids before the batch's bulk insert.
            await rows(session, IncidentEvent.__table__, "incident_id"),
            await rows(session, OutboxRow.__table__),
            await rows(session, Conversation.__table__),
        ]
        incidents = await rows(session, Incident.__table__)
        clocks = await rows(session, SlaClock.__table__)
        return report, [*map(without_ids, written), incidents, clocks]

    per_row, one_by_one = await rolled_back(database, lambda s: sweep(s, bulk=False))
    bulk, in_bulk = await rolled_back(database, lambda s: sweep(s, bulk=True))
    assert bulk == per_row
    assert (bulk.checked, bulk.warnings, bulk.breaches, bulk.escalations) == (4, 2, 2, 2)
    for written, expected in zip(in_bulk, one_by_one, strict=True):
        assert written == expected
    events, outbox, _, incidents, clocks = in_bulk
    assert {e["kind"] for e in events} >= {"sla_warning", "sla_breach", "escalated"}
    assert {(o["kind"], o["recipient_key"], o["thread_id"]) for o in outbox} >= {
        ("sla_warning", "bob", None),  # the owner of INC-1
        ("sla_warning", "erin", None),  # INC-4 is nobody's yet: the group's agents
        ("sla_breach", "carol", None),  # the manager, of INC-5's breach
        ("escalated", "console:alice", "thread-1"),  # in the thread INC-2 came from
        ("escalated", "console:frank", None),
    }
    # Each swept incident's clock moved on by one version, in bulk as through the ORM;
    # the incidents themselves only where an escalation changed them.
    assert [c["version"] - b["version"] for c, b in zip(clocks, before, strict=True)] == [
        1,  # INC-1 warned (in bulk)
        1,  # INC-2 breached and escalated to the next group (by the ORM, in one UPDATE)
        0,  # INC-3 was cancelled as a duplicate: nothing due
        1,  # INC-4 warned (in bulk)
        1,  # INC-5 breached and escalated to the manager (by the ORM)
    ]
    moved = zip(incidents, incidents_before, strict=True)
    assert [i["version"] - b["version"] for i, b in moved] == [0, 1, 0, 0, 1]


async def test_the_bulk_update_leaves_a_row_changed_since_it_was_read(desk, database, clock):
    """The clocks are advanced at the version read, as the ORM's `version_id_col` does: a
    row changed meanwhile is not overwritten, and the sweep fails with the ORM's
    StaleDataError, which `Database.run` retries. (The row locks taken when reading keep
    it from happening; the check is there all the same, on both databases.)"""
    await desk.ok("alice", f"/incident open {PRINTER}")
    clock.advance(hours=6)

    async def advance_from_an_old_version(session: AsyncSession) -> tuple[bool, Rows]:
        incident = await session.get(Incident, 1)
        assert incident is not None
        read = incident.clock.version
        stale = Advance(1, read - 1, 1, 0, clock.now() + timedelta(hours=1))
        try:
            await advance(session, [stale])
            refused = False
        except StaleDataError:
            refused = True
        return refused, await rows(session, SlaClock.__table__)

    before = await rolled_back(database, lambda s: rows(s, SlaClock.__table__))
    refused, after = await rolled_back(database, advance_from_an_old_version)
    assert after == before
    assert refused
