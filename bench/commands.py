"""How many open+claim+resolve cycles per second the core sustains, on SQLite and PostgreSQL.

    python bench/commands.py                      # 300 cycles, one at a time, both databases
    python bench/commands.py --concurrency 8      # 8 asyncio tasks writing at once
    python bench/commands.py --only sqlite --cycles 1000

Each cycle is three slash commands sent to the real `bot.app.Core` (with the shipped
config.yaml) as `CommandCall` objects, exactly as an adapter sends them: alice opens an
incident, bob claims it, bob resolves it. Every command is one unit of work (one
transaction, its event id recorded with it). SQLite runs on a fresh temporary file;
PostgreSQL on a throwaway database created on DESKBOT_BENCH_PG_URL (default: the local
server) and dropped at the end. The run fails if any command is refused or if the number
of resolved incidents differs from the number of cycles.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.databases import Unreachable, postgresql_database, sqlite_database  # noqa: E402
from bot.app import Core  # noqa: E402
from bot.config import Settings, load_settings  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.messages import Actor, ChannelRef, CommandCall  # noqa: E402
from bot.models import Incident  # noqa: E402

WARMUP = 20
CHANNEL = ChannelRef("console", "bench", is_direct=True)
ALICE = Actor("console", "alice", "alice")
BOB = Actor("console", "bob", "bob")
_OPENED = re.compile(r"^Opened INC-0*(\d+) ")


@dataclass(frozen=True, slots=True)
class Result:
    database: str
    cycles: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.cycles / self.seconds

    @property
    def ms_per_cycle(self) -> float:
        return self.seconds * 1000 / self.cycles


class Driver:
    """Sends commands to the core as the console adapter would, with unique event ids."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.run_id = uuid.uuid4().hex[:8]
        self.serial = itertools.count(1)

    async def say(self, actor: Actor, text: str) -> str:
        event_id = f"bench-{self.run_id}-{next(self.serial)}"
        call = CommandCall(actor, CHANNEL, path=("incident",), event_id=event_id, text=text)
        replies = await self.core.handle(call)
        if len(replies) != 1 or replies[0].is_error:
            shown = replies[0].text if replies else "no reply"
            raise RuntimeError(f"/incident {text!r} was refused: {shown}")
        return replies[0].text

    async def cycle(self, label: str) -> None:
        opened = await self.say(ALICE, f"open {label} VPN drops --impact medium --urgency high")
        match = _OPENED.match(opened)
        if match is None:
            raise RuntimeError(f"unexpected reply to open: {opened!r}")
        number = match.group(1)
        await self.say(BOB, f"claim {number}")
        await self.say(BOB, f"resolve {number} Replaced the VPN profile --code fixed")


async def run_cycles(driver: Driver, prefix: str, cycles: int, concurrency: int) -> None:
    """`cycles` cycles, by `concurrency` tasks taking the next one until none are left."""
    numbers = iter(range(1, cycles + 1))

    async def worker() -> None:
        for n in numbers:  # one shared iterator: each number is taken once
            await driver.cycle(f"{prefix}-{n}")

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, cycles)):
            group.create_task(worker())


async def count_resolved(database: Database, prefix: str) -> tuple[int, int]:
    """Resolved incidents whose summary starts with `prefix`, and all incidents."""
    async with database.transaction() as session:
        resolved = await session.scalar(
            select(func.count(Incident.id)).where(
                Incident.state == "resolved", Incident.summary.like(f"{prefix}-%")
            )
        )
        total = await session.scalar(select(func.count(Incident.id)))
    return resolved or 0, total or 0


async def measure(
    name: str, settings: Settings, database: Database, cycles: int, concurrency: int
) -> Result:
    driver = Driver(Core(settings, database))
    warmup = min(WARMUP, cycles)
    await run_cycles(driver, "warmup", warmup, concurrency)
    started = time.perf_counter()
    await run_cycles(driver, "bench", cycles, concurrency)
    seconds = time.perf_counter() - started
    resolved, total = await count_resolved(database, "bench")
    assert resolved == cycles, f"{name}: {resolved} resolved incidents, expected {cycles}"
    assert total == warmup + cycles, f"{name}: {total} incidents, expected {warmup + cycles}"
    return Result(name, cycles, seconds)


async def bench_sqlite(settings: Settings, cycles: int, concurrency: int) -> Result:
    async with sqlite_database() as database:
        return await measure("sqlite", settings, database, cycles, concurrency)


async def bench_postgresql(
    settings: Settings, cycles: int, concurrency: int, *, alone: bool
) -> Result | None:
    try:
        async with postgresql_database() as database:
            return await measure("postgresql", settings, database, cycles, concurrency)
    except Unreachable as exc:
        then = "nothing to measure" if alone else "measuring SQLite only"
        print(f"{exc}; {then}.\n")
        return None


def report(results: list[Result], concurrency: int) -> None:
    warmup = min(WARMUP, results[0].cycles)
    mode = "sequential" if concurrency == 1 else f"{concurrency} concurrent tasks"
    print(
        f"open+claim+resolve cycles through bot.app.Core ({mode}; "
        f"3 commands = 3 transactions per cycle; {warmup} warm-up cycles not counted)"
    )
    print(f"{'database':<12}{'cycles':>8}{'seconds':>10}{'cycles/s':>10}{'ms/cycle':>10}")
    for r in results:
        print(
            f"{r.database:<12}{r.cycles:>8}{r.seconds:>10.2f}"
            f"{r.per_second:>10.1f}{r.ms_per_cycle:>10.2f}"
        )
    if concurrency > 1:
        print("(ms/cycle is wall-clock time divided by cycles, not the latency of one cycle)")
    found = {r.database: r for r in results}
    if "sqlite" in found and "postgresql" in found:
        ratio = found["postgresql"].per_second / found["sqlite"].per_second
        print(f"PostgreSQL/SQLite throughput ratio: {ratio:.2f}")
    print(f"All {sum(r.cycles for r in results)} measured incidents are resolved; none was lost.")


async def main_async(args: argparse.Namespace) -> None:
    settings = load_settings(ROOT / "config.yaml")
    results: list[Result] = []
    if args.only in (None, "sqlite"):
        results.append(await bench_sqlite(settings, args.cycles, args.concurrency))
    if args.only in (None, "postgresql"):
        alone = args.only == "postgresql"
        pg = await bench_postgresql(settings, args.cycles, args.concurrency, alone=alone)
        if pg is not None:
            results.append(pg)
    if not results:
        raise SystemExit(1)
    report(results, args.concurrency)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {text}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=positive, default=300, help="measured cycles (300)")
    parser.add_argument(
        "--concurrency",
        type=positive,
        default=1,
        help="asyncio tasks running cycles at once (1: one after another)",
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
