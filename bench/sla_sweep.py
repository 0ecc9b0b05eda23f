"""How long one SLA sweep takes over many open incidents, on SQLite and PostgreSQL.

    python bench/sla_sweep.py                         # 10k and 100k incidents, both databases
    python bench/sla_sweep.py --sizes 10000 100000 1000000
    python bench/sla_sweep.py --only postgresql --due 0.01

For each size N, a fresh database gets N open incidents by bulk insert (core INSERTs,
executemany in chunks), of which `--due` (1 %) have just crossed their 75 % response
warning; the rest are due later. Then it times, with the shipped config.yaml:

- lookup: the sweep's own query for one batch (WHERE sla_next_check_at <= now ORDER BY
  it LIMIT 200, FOR UPDATE SKIP LOCKED on PostgreSQL), alone, median of 20;
- sweep: `Scheduler.sweep_sla()` once, which reports every due warning (a timeline event
  and two notifications each, in batches of 200, one transaction per batch);
- idle: the same sweep when nothing is due (what every tick costs), median of 20.

SQLite runs on a temporary file; PostgreSQL on a throwaway database created on
DESKBOT_BENCH_PG_URL (default: the local server), ANALYZEd after the bulk load, dropped
at the end. The run fails if the sweep did not report exactly the due incidents.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.databases import Unreachable, postgresql_database, sqlite_database  # noqa: E402
from bot.config import Settings, load_settings  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.models import Incident, IncidentEvent  # noqa: E402
from bot.outbox import Deliverer  # noqa: E402
from bot.scheduler import Scheduler  # noqa: E402
from bot.services.rules import DeskRules  # noqa: E402
from bot.services.sla_sweep import BATCH, due_query  # noqa: E402

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
CHUNK = 5000
REPEAT = 20


class FixedClock:
    def now(self) -> datetime:
        return NOW


@dataclass(frozen=True, slots=True)
class Result:
    database: str
    incidents: int
    due: int
    load_s: float
    lookup_ms: float
    sweep_ms: float
    idle_ms: float


def incident_row(n: int, due: bool) -> dict[str, Any]:
    """A P4 service-desk incident (response 8h: warned at 6h). Due ones crossed 6h just now."""
    opened = (
        NOW - timedelta(hours=6, seconds=n % 600) if due else NOW - timedelta(seconds=n % 18000)
    )
    return {
        "kind": "incident",
        "summary": f"Bench incident {n}",
        "description": "",
        "state": "new",
        "category": "other",
        "impact": "low",
        "urgency": "medium",
        "priority": "P4",
        "initial_category": "other",
        "initial_impact": "low",
        "initial_urgency": "medium",
        "initial_priority": "P4",
        "support_group": "service-desk",
        "reporter_key": f"console:user{n % 997}",
        "reporter_name": f"user{n % 997}",
        "origin_platform": "console",
        "origin_channel": "bench",
        "escalation_level": 0,
        "manager_escalated": False,
        "reopen_count": 0,
        "people_affected": 1,
        "opened_at": opened,
        "updated_at": opened,
        "response_due_at": opened + timedelta(hours=8),
        "resolution_due_at": opened + timedelta(days=3),
        "sla_paused_seconds": 0,
        "sla_response_stage": 0,
        "sla_resolution_stage": 0,
        "sla_next_check_at": opened + timedelta(hours=6),
        "version": 1,
    }


async def fill(database: Database, size: int, due_share: float) -> int:
    """Bulk-insert `size` open incidents; every 1/due_share-th one is due. Returns how many."""
    every = max(1, round(1 / due_share))
    table = Incident.__table__
    due = 0
    for start in range(0, size, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, size)):
            is_due = n % every == 0
            due += is_due
            rows.append(incident_row(n, is_due))
        async with database.transaction() as session:
            await session.execute(insert(table), rows)
    if not database.is_sqlite:
        async with database.engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE incidents"))
    return due


async def lookup_ms(database: Database) -> float:
    """The sweep's query for one batch, alone (rolled back: nothing is changed)."""
    query = due_query(NOW)
    times = []
    for _ in range(REPEAT):
        async with database.sessions() as session:
            started = time.perf_counter()
            found = list(await session.scalars(query))
            times.append((time.perf_counter() - started) * 1000)
            await session.rollback()
        assert found, "the lookup found nothing due"
    return statistics.median(times)


async def measure(
    name: str, settings: Settings, database: Database, size: int, share: float
) -> Result:
    rules = DeskRules.from_settings(settings)
    clock = FixedClock()
    scheduler = Scheduler(database, rules, clock, Deliverer(database, {}, clock, settings.outbox))
    started = time.perf_counter()
    due = await fill(database, size, share)
    load_s = time.perf_counter() - started
    lookup = await lookup_ms(database)
    started = time.perf_counter()
    report = await scheduler.sweep_sla()
    sweep_ms = (time.perf_counter() - started) * 1000
    assert (report.checked, report.warnings) == (due, due), f"{name}: {report} for {due} due"
    idle = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        assert (await scheduler.sweep_sla()).checked == 0
        idle.append((time.perf_counter() - started) * 1000)
    async with database.transaction() as session:
        written = await session.scalar(select(func.count(IncidentEvent.id)))
    assert written == due, f"{name}: {written} events for {due} due incidents"
    return Result(name, size, due, load_s, lookup, sweep_ms, statistics.median(idle))


async def bench_sqlite(settings: Settings, size: int, share: float) -> Result:
    async with sqlite_database() as database:
        return await measure("sqlite", settings, database, size, share)


async def bench_postgresql(settings: Settings, size: int, share: float) -> Result | None:
    try:
        async with postgresql_database() as database:
            return await measure("postgresql", settings, database, size, share)
    except Unreachable as exc:
        print(f"{exc}; skipping it.")
        return None


def report(results: list[Result]) -> None:
    print(
        "One SLA sweep over N open incidents, a share of them due "
        f"(batches of {BATCH}, one transaction each; lookup and idle: median of {REPEAT})"
    )
    header = (
        "database",
        "incidents",
        "due",
        "load s",
        "lookup ms",
        "sweep ms",
        "ms/due",
        "idle ms",
    )
    print(f"{header[0]:<12}" + "".join(f"{h:>11}" for h in header[1:]))
    for r in results:
        print(
            f"{r.database:<12}{r.incidents:>11,}{r.due:>11,}{r.load_s:>11.1f}"
            f"{r.lookup_ms:>11.2f}{r.sweep_ms:>11.1f}{r.sweep_ms / r.due:>11.3f}{r.idle_ms:>11.2f}"
        )


async def main_async(args: argparse.Namespace) -> None:
    settings = load_settings(ROOT / "config.yaml")
    results: list[Result] = []
    for size in args.sizes:
        if args.only in (None, "sqlite"):
            results.append(await bench_sqlite(settings, size, args.due))
        if args.only in (None, "postgresql"):
            found = await bench_postgresql(settings, size, args.due)
            if found is not None:
                results.append(found)
    if not results:
        raise SystemExit(1)
    report(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="open incidents"
    )
    parser.add_argument("--due", type=float, default=0.01, help="share that is due (0.01)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
