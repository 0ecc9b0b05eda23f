"""How long one SLA sweep takes over many open incidents, on SQLite and PostgreSQL.

    python bench/sla_sweep.py                         # 10k and 100k incidents, both databases
    python bench/sla_sweep.py --sizes 10000 100000 1000000
    python bench/sla_sweep.py --only postgresql --due 0.01

For each size N, a fresh database gets N open incidents by bulk insert (core INSERTs,
executemany in chunks), of which `--due` (1 %) have just crossed their 75 % response
warning, as many more cross it in each of the next WAVES minutes, and the rest are due
hours later. Then it times, with the shipped config.yaml:

- lookup: the sweep's own query for one batch (WHERE next_check_at <= now ORDER BY
  it LIMIT 500, FOR UPDATE SKIP LOCKED on PostgreSQL), alone, median of 20;
- first sweep: `Scheduler.sweep_sla()` once, which reports every due warning (a timeline
  event each, in batches of 500, one transaction per batch, two at once on PostgreSQL;
  the group's agents get them as digests, config.yaml `sla.digest_above`). It is the
  process's first, so it also pays for compiling its SQL statements, once per process;
- sweep: the sweeps of the next WAVES minutes, one wave each (median): what a running
  scheduler pays for 1 % of the incidents coming due at once;
- idle: the same sweep when nothing is due (what every tick costs), median of 20;
- cpu ms: the processor time of the timed sweeps (median): this process's, with
  SQLite's thread, plus, for a PostgreSQL server on this machine, its backends' (read
  from /proc in clock ticks of 10 ms). On a shared machine wall time is noisy; this is
  what a sweep costs in all, on however many processors;
- ckpt ms: on SQLite, the checkpoint of the write-ahead log that the scheduler runs
  after each sweep, at the end of its tick (`Database.checkpoint`), median: work moved
  out of the sweep's commits, not saved, so it is shown beside the sweep;
- ref ms: a fixed piece of plain Python work (`reference_ms`), timed just before each
  timed sweep, median: how fast the machine is running at that moment. On a shared
  machine the same code's figures move by up to twice between spells; a sweep is
  compared across runs by its ratio to this (`sweep/ref`), not by its milliseconds.

Before timing, the heap is settled as `deskbot run` settles it once it has started
(`bot.runner.settle_heap`: start-up's objects frozen out of the garbage collector's
full collections).

SQLite runs on a temporary file; PostgreSQL on a throwaway database created on
DESKBOT_BENCH_PG_URL (default: the local server), ANALYZEd after the bulk load, dropped
at the end. The run fails if the sweep did not report exactly the due incidents.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from bot.models import Incident, IncidentEvent, SlaClock  # noqa: E402
from bot.outbox import Deliverer  # noqa: E402
from bot.runner import settle_heap  # noqa: E402
from bot.scheduler import Scheduler  # noqa: E402
from bot.services.rules import DeskRules  # noqa: E402
from bot.services.sla_sweep import BATCH, due_query  # noqa: E402

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
CHUNK = 5000
REPEAT = 20
WAVES = 5  # timed sweeps after the first, a minute apart


class StepClock:
    """The bench's clock: NOW, until `later` moves it on by a minute."""

    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at

    def later(self) -> None:
        self.at += timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Result:
    database: str
    incidents: int
    due: int
    load_s: float
    lookup_ms: float
    first_ms: float
    sweep_ms: float
    cpu_ms: float
    checkpoint_ms: float
    idle_ms: float
    reference_ms: float


def incident_row(n: int, wave: int | None) -> dict[str, Any]:
    """A P4 service-desk incident (response 8h: warned at 6h). Wave 0 crossed 6h just
    now, wave w crosses it in the w-th minute from now; the rest are hours from it."""
    if wave is None:
        opened = NOW - timedelta(seconds=n % 18000)
    elif wave == 0:
        opened = NOW - timedelta(hours=6, seconds=n % 600)
    else:
        opened = NOW - timedelta(hours=6) + timedelta(minutes=wave - 1, seconds=1 + n % 59)
    return {
        "id": n + 1,
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
        "version": 1,
    }


def clock_row(incident_id: int, next_check_at: datetime | None) -> dict[str, Any]:
    """An incident's SLA clock row, nothing reported yet (every incident row needs one)."""
    return {
        "incident_id": incident_id,
        "response_stage": 0,
        "resolution_stage": 0,
        "next_check_at": next_check_at,
        "version": 1,
    }


async def fill(database: Database, size: int, due_share: float) -> int:
    """Bulk-insert `size` open incidents: every 1/due_share-th one is due now, as many
    others in each of the next WAVES minutes. Returns how many are in each wave."""
    every = max(WAVES + 1, round(1 / due_share))
    waves = {w * every // (WAVES + 1): w for w in range(WAVES + 1)}
    due = 0
    for start in range(0, size, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, size)):
            wave = waves.get(n % every)
            due += wave == 0
            rows.append(incident_row(n, wave))
        async with database.transaction() as session:
            await session.execute(insert(Incident.__table__), rows)
            warnings = [clock_row(r["id"], r["opened_at"] + timedelta(hours=6)) for r in rows]
            await session.execute(insert(SlaClock.__table__), warnings)  # at 75 % of 8 h
    if not database.is_sqlite:
        async with database.engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE incidents"))
            await conn.execute(text("ANALYZE sla_clocks"))
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
    clock = StepClock()
    scheduler = Scheduler(database, rules, clock, Deliverer(database, {}, clock, settings.outbox))
    started = time.perf_counter()
    due = await fill(database, size, share)
    load_s = time.perf_counter() - started
    await database.checkpoint()  # as a running scheduler would have
    settle_heap()  # as `deskbot run` does once it has started
    lookup = await lookup_ms(database)
    first_ms, _ = await timed_sweep(name, scheduler, due, database)
    await database.checkpoint()
    sweeps, cpu, checkpoints, reference = [], [], [], []
    for _ in range(WAVES):
        clock.later()
        reference.append(reference_ms())
        wall, used = await timed_sweep(name, scheduler, due, database)
        sweeps.append(wall)
        cpu.append(used)
        started = time.perf_counter()
        await database.checkpoint()  # as the scheduler's tick does after the sweep
        checkpoints.append((time.perf_counter() - started) * 1000)
    idle = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        assert (await scheduler.sweep_sla()).checked == 0
        idle.append((time.perf_counter() - started) * 1000)
    async with database.transaction() as session:
        written = await session.scalar(select(func.count(IncidentEvent.id)))
    waves = WAVES + 1
    assert written == waves * due, f"{name}: {written} events for {due} due, {waves} times"
    return Result(
        name,
        size,
        due,
        load_s,
        lookup,
        first_ms,
        statistics.median(sweeps),
        statistics.median(cpu),
        statistics.median(checkpoints),
        statistics.median(idle),
        statistics.median(reference),
    )


def reference_ms() -> float:
    """A fixed piece of the kind of work a sweep does in Python (objects made, sorted,
    times worded), in milliseconds: the machine's speed at the moment."""
    started = time.perf_counter()
    rows = [{"id": n, "at": NOW + timedelta(seconds=n), "text": f"row {n}"} for n in range(20_000)]
    rows.sort(key=lambda row: row["text"])
    worded = [f"{row['id']}: {row['at']:%Y-%m-%d %H:%M}" for row in rows]
    assert len(worded) == len(rows)
    return (time.perf_counter() - started) * 1000


async def timed_sweep(
    name: str, scheduler: Scheduler, due: int, database: Database
) -> tuple[float, float]:
    """One sweep, which must report exactly the `due` warnings: its wall and its
    processor milliseconds."""
    pids = [] if database.is_sqlite else await server_pids(database)
    started, used = time.perf_counter(), time.process_time() + server_cpu(pids)
    report = await scheduler.sweep_sla()
    elapsed = (time.perf_counter() - started) * 1000
    used = time.process_time() + server_cpu(pids) - used
    assert (report.checked, report.warnings) == (due, due), f"{name}: {report} for {due} due"
    return elapsed, used * 1000


async def server_pids(database: Database) -> list[int]:
    """The PostgreSQL backends serving this database (the pool's connections)."""
    async with database.transaction() as session:
        found = await session.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        )
        return list(found)


def server_cpu(pids: list[int]) -> float:
    """Processor seconds the backends have used, read from /proc (0 when the server is
    elsewhere: then only this process is counted)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (after pid and comm)
    return total / os.sysconf("SC_CLK_TCK")


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
        f"(batches of {BATCH}, one transaction each; sweep: median of {WAVES}, "
        f"lookup and idle: median of {REPEAT})"
    )
    header = (
        "database",
        "incidents",
        "due",
        "load s",
        "lookup ms",
        "first ms",
        "sweep ms",
        "cpu ms",
        "ckpt ms",
        "ms/due",
        "idle ms",
        "ref ms",
        "sweep/ref",
    )
    print(f"{header[0]:<12}" + "".join(f"{h:>11}" for h in header[1:]))
    for r in results:
        print(
            f"{r.database:<12}{r.incidents:>11,}{r.due:>11,}{r.load_s:>11.1f}"
            f"{r.lookup_ms:>11.2f}{r.first_ms:>11.1f}{r.sweep_ms:>11.1f}{r.cpu_ms:>11.1f}"
            f"{r.checkpoint_ms:>11.1f}"
            f"{r.sweep_ms / r.due:>11.3f}{r.idle_ms:>11.2f}"
            f"{r.reference_ms:>11.1f}{r.sweep_ms / r.reference_ms:>11.2f}"
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
