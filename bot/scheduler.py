"""Periodic jobs: report SLA warnings and breaches, deliver the outbox, expire unanswered
drafts and bulletins, close resolved incidents, remind reporters of a question left
unanswered, post the weekly review digest, forget platform event ids too old to be
redelivered.

Each job is its own unit of work, safe to run in several processes at once: the
rows a job changes are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL (and
SQLite has a single writer), and each change writes its notifications in the
same transaction. `tick` runs every job once, then lets SQLite checkpoint its
write-ahead log; `run` repeats it until cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.conversation_store import expire_drafts
from bot.db import Database
from bot.models import ProcessedEvent
from bot.notices import write_notices
from bot.outbox import BATCH, Deliverer, Notice
from bot.services.bulletins import Bulletins
from bot.services.digest import post_due_digest
from bot.services.incidents import Incidents
from bot.services.rules import DeskRules
from bot.services.sla_sweep import BATCH as SLA_BATCH
from bot.services.sla_sweep import SweepReport, sweep_batch

log = logging.getLogger(__name__)
INTERVAL = 5.0  # seconds between ticks
SWEEP_LANES = 2  # SLA batches at once on PostgreSQL (see `sweep_sla`)


@dataclass(slots=True)
class TickReport:
    expired_drafts: int = 0
    auto_closed: int = 0
    reminded: int = 0
    expired_bulletins: int = 0
    forgotten_events: int = 0
    sla: SweepReport = field(default_factory=SweepReport)
    digest: str | None = None  # the week whose review digest this tick posted
    delivered: list[Notice] = field(default_factory=list)
    retrying: int = 0
    dead: int = 0


class Scheduler:
    """Runs the desk's periodic jobs against one database."""

    def __init__(
        self, database: Database, rules: DeskRules, clock: Clock, deliverer: Deliverer
    ) -> None:
        self.database, self.rules, self.clock, self.deliverer = database, rules, clock, deliverer

    async def tick(self) -> TickReport:
        report = TickReport()
        report.expired_drafts = await self.database.run(self._expire)
        report.auto_closed = await self.database.run(self._auto_close)
        report.reminded = await self.database.run(self._remind)
        report.sla = await self.sweep_sla()
        report.expired_bulletins = await self.database.run(self._expire_bulletins)
        report.forgotten_events = await self.database.run(self._forget_events)
        report.digest = await post_due_digest(self.database, self.rules, self.clock.now())
        while True:
            done = await self.deliverer.deliver_due()
            report.delivered += done.sent
            report.retrying += done.retrying
            report.dead += done.dead
            if len(done.sent) + done.retrying + done.dead < BATCH:
                break
        await self.database.checkpoint()  # now, rather than in some unit of work's commit
        return report

    async def run(self, interval: float = INTERVAL) -> None:
        """Tick forever; a failing tick is logged and the next one tries again."""
        while True:
            try:
                await self.tick()
            except Exception:
                # The scheduler's own boundary: a database hiccup must not stop the jobs.
                log.exception("scheduler tick failed; trying again in %ss", interval)
            await asyncio.sleep(interval)

    async def sweep_sla(self) -> SweepReport:
        """Report every due SLA warning and breach, a batch per transaction, before the
        delivery below sends what they wrote.

        On PostgreSQL two batches run at once, each in its own transaction on its own
        connection (SKIP LOCKED gives each different incidents): while the server
        writes one batch, this process checks the next, so a burst of due incidents
        takes the longer of the two halves rather than their sum. SQLite has one writer,
        so there the batches run one after another."""
        total = SweepReport()

        async def lane() -> None:
            while True:
                batch = await self.database.run(self._sweep)
                total.add(batch)
                if batch.checked < SLA_BATCH:
                    return

        lanes = 1 if self.database.is_sqlite else SWEEP_LANES
        await asyncio.gather(*(lane() for _ in range(lanes)))
        return total

    async def _sweep(self, session: AsyncSession) -> SweepReport:
        return await sweep_batch(session, self.rules, self.clock.now())

    async def _expire(self, session: AsyncSession) -> int:
        return await expire_drafts(session, self.clock.now())

    async def _expire_bulletins(self, session: AsyncSession) -> int:
        return await Bulletins(session, self.rules, self.clock.now()).expire_due()

    async def _forget_events(self, session: AsyncSession) -> int:
        """Drop handled event ids older than any redelivery, so the table stays small."""
        before = self.clock.now() - self.rules.settings.desk.remember_events
        done = await session.execute(delete(ProcessedEvent).where(ProcessedEvent.at < before))
        return int(done.rowcount or 0)  # type: ignore[attr-defined]

    async def _remind(self, session: AsyncSession) -> int:
        after = self.rules.settings.desk.remind_pending_after
        if not after:  # null or 0: never
            return 0
        now = self.clock.now()
        reminded = await Incidents(session, self.rules, now).remind_unanswered(now - after)
        await write_notices(session, self.rules, now)
        return len(reminded)

    async def _auto_close(self, session: AsyncSession) -> int:
        now = self.clock.now()
        before = now - self.rules.settings.desk.auto_close_after
        closed = await Incidents(session, self.rules, now).close_resolved(before)
        await write_notices(session, self.rules, now)
        return len(closed)
