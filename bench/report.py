"""How long /report's figures and its chart take over 100k incidents on SQLite.

    python bench/report.py                      # 100k incidents over a year, SQLite
    python bench/report.py --size 20000 --keep /tmp/desk.db

A fresh SQLite file gets `--size` incidents (core INSERTs, executemany in chunks) spread
over the year before NOW the way a desk fills up: more on weekdays and in working hours,
P1 2 % .. P4 45 %, eleven categories and their groups; older incidents mostly closed (with
the closing timeline row as the desk writes it), recent ones open in every state; some
answered late, resolved late, reopened, reclassified or cancelled; and helpful and
unhelpful article votes, a third of them deflections (no incident). Each incident has its
`opened`, `resolved` and `closed` timeline rows, as the real ones do; a reopened one
also the resolution its reporter sent back and the reopening (the reopen rate counts
those rows).

Then, with the shipped config.yaml, it times `build_report` (every figure of /report,
`deskbot report` and the digest) for the last 7 days, 30 days and 366 days (the whole
table), median of 5 runs each, and the chart alone (the first draw, which imports
matplotlib, and the median of 5 after it), and prints the 30-day figures as /report
shows them. It fails if the 366-day report does not count every incident opened.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.sla_sweep import clock_row  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.models import ArticleFeedback, Incident, IncidentEvent, SlaClock  # noqa: E402
from bot.report_card import report_fields, sla_lines  # noqa: E402
from bot.report_chart import render_chart  # noqa: E402
from bot.services.report_window import parse_period  # noqa: E402
from bot.services.reports import DeskReport, build_report  # noqa: E402
from bot.services.rules import DeskRules  # noqa: E402

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
CHUNK = 5000
REPEAT = 5
PRIORITIES = {"P1": 0.02, "P2": 0.08, "P3": 0.30, "P4": 0.45, "P5": 0.15}
CATEGORIES = [
    "access/password",
    "access/mfa",
    "network/vpn",
    "network/wifi",
    "hardware/laptop",
    "hardware/printer",
    "hardware/peripherals",
    "software/install",
    "software/email",
    "security/phishing",
    "other",
]
AGENTS = {"service-desk": ["bob", "erin", "carol"], "network": ["erin"]}
ARTICLES = ["vpn-cannot-connect", "password-reset", "printer-paper-jam", "mfa-new-phone"]


def _opened_at(rng: random.Random) -> datetime:
    """A moment in the last year, weighted to weekdays and working hours."""
    while True:
        moment = NOW - timedelta(seconds=rng.uniform(0, 365 * 86400))
        weight = (1.0 if moment.weekday() < 5 else 0.2) * (1.0 if 8 <= moment.hour < 18 else 0.3)
        if rng.random() < weight:
            return moment


class Desk:
    """Makes incident, timeline and vote rows with the desk's own due-time rules."""

    def __init__(self, rules: DeskRules, seed: int = 7) -> None:
        self.rules, self.rng = rules, random.Random(seed)
        self.targets = {p: rules.sla.targets(p) for p in PRIORITIES}

    def incident(self, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        opened = _opened_at(rng)
        priority = rng.choices(list(PRIORITIES), weights=list(PRIORITIES.values()))[0]
        initial_priority = priority if rng.random() > 0.08 else rng.choice(list(PRIORITIES))
        category = rng.choice(CATEGORIES)
        initial_category = category if rng.random() > 0.06 else rng.choice(CATEGORIES)
        group = "network" if category.startswith("network") else "service-desk"
        response, resolution = self.targets[priority]
        # Answered within about a third of the target, a tenth of them late.
        answer = response * rng.uniform(0.05, 0.6) * (3 if rng.random() < 0.1 else 1)
        work = resolution * rng.uniform(0.05, 0.7) * (2 if rng.random() < 0.12 else 1)
        responded: datetime | None = opened + answer
        resolved: datetime | None = opened + answer + work
        reopened = 1 if rng.random() < 0.05 else 0
        paused = int(work.total_seconds() * 0.2) if rng.random() < 0.15 else 0
        due = self.rules.sla.due_times(priority, opened, group, paused)
        closed = resolved + timedelta(days=5) if resolved else None
        state = "closed"
        assert responded is not None and resolved is not None and closed is not None
        if rng.random() < 0.03:
            state, responded, resolved = "cancelled", None, None
            closed = opened + timedelta(hours=1)
        elif resolved > NOW:
            state = rng.choice(["new", "assigned", "in_progress", "pending"])
            responded = responded if state != "new" and responded <= NOW else None
            resolved, closed = None, None
        elif closed > NOW:
            state, closed = "resolved", None
        events = [self._event(n, opened, "opened")]
        stored_due = due.resolution
        if reopened and state != "cancelled":
            # A first resolution that the reporter sent back, half-way through the work.
            first = opened + answer + work / 2
            if first <= NOW:
                events.append(self._event(n, first, "resolved"))
                events.append(self._event(n, first + work / 10, "reopened"))
        if resolved is not None:
            events.append(self._event(n, resolved, "resolved"))
        if state == "closed" and resolved is not None and closed is not None:
            # Closing counts the resolved days as a pause and moves the stored due time,
            # recording the one it moved from, as the desk does.
            stored_due = due.resolution + (closed - resolved)
            changes = {"resolution_due_at": [due.resolution.isoformat(), stored_due.isoformat()]}
            events.append(self._event(n, closed, "closed", changes))
        handle = rng.choice(AGENTS[group]) if responded else None
        row = {
            "id": n,
            "kind": "incident",
            "summary": f"Bench incident {n}",
            "description": "",
            "state": state,
            "category": category,
            "impact": "low",
            "urgency": "medium",
            "priority": priority,
            "initial_category": initial_category,
            "initial_impact": "low",
            "initial_urgency": "medium",
            "initial_priority": initial_priority,
            "support_group": group,
            "assignee": handle,
            "reporter_key": f"console:user{n % 997}",
            "reporter_name": f"user{n % 997}",
            "origin_platform": "console",
            "origin_channel": "bench",
            "escalation_level": 0,
            "manager_escalated": False,
            "reopen_count": sum(e["kind"] == "reopened" for e in events),
            "people_affected": 1,
            "resolution_code": "fixed" if resolved else None,
            "opened_at": opened,
            "updated_at": closed or resolved or opened,
            "responded_at": responded,
            "resolved_at": resolved,
            "closed_at": closed,
            "response_due_at": due.response,
            "resolution_due_at": stored_due,
            "sla_paused_seconds": paused,
            "sla_paused_since": NOW - timedelta(hours=1) if state == "pending" else None,
            "version": 1,
        }
        return row, events

    def _event(
        self, n: int, at: datetime, kind: str, changes: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return {
            "incident_id": n,
            "at": at,
            "actor_key": "bench",
            "actor_name": "Bench",
            "kind": kind,
            "changes": changes or {},
            "text": None,
        }

    def vote(self, size: int) -> dict[str, Any]:
        rng = self.rng
        deflection = rng.random() < 0.33
        return {
            "article_id": rng.choice(ARTICLES),
            "incident_id": None if deflection else rng.randint(1, size),
            "actor_key": f"console:user{rng.randint(1, 997)}",
            "helpful": deflection or rng.random() < 0.4,
            "at": _opened_at(rng),
        }


async def fill(database: Database, rules: DeskRules, size: int) -> None:
    desk = Desk(rules)
    for start in range(1, size + 1, CHUNK):
        incidents, events = [], []
        for n in range(start, min(start + CHUNK, size + 1)):
            row, rows = desk.incident(n)
            incidents.append(row)
            events += rows
        async with database.transaction() as session:
            await session.execute(insert(Incident.__table__), incidents)
            clocks = [clock_row(i["id"], None) for i in incidents]  # the reports don't read them
            await session.execute(insert(SlaClock.__table__), clocks)
            await session.execute(insert(IncidentEvent.__table__), events)
    votes = [desk.vote(size) for _ in range(size // 20)]
    async with database.transaction() as session:
        await session.execute(insert(ArticleFeedback.__table__), votes)
    async with database.engine.connect() as conn:
        await conn.exec_driver_sql("ANALYZE")


async def timed_report(database: Database, rules: DeskRules, since: str) -> tuple[float, Any]:
    window = parse_period(since).window(NOW, rules.settings.reports.timezone)
    times, report = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        report = await database.run(lambda s: build_report(s, rules, window))
        times.append(time.perf_counter() - started)
    return statistics.median(times), report


def show(report: DeskReport) -> None:
    print(f"\nThe {report.window.label} at {NOW:%Y-%m-%d %H:%M} UTC, as /report shows them:")
    for field in report_fields(report):
        print(f"  {field.label}: {field.value}")
    for line in sla_lines(report):
        print(f"  {line}")


async def measure(database: Database, rules: DeskRules, size: int, chart: str | None) -> None:
    print(f"\n{'window':<10}{'opened':>9}{'resolved':>10}{'report ms':>11}  (median of {REPEAT})")
    reports = {}
    for since in ("7d", "30d", "366d"):
        seconds, report = await timed_report(database, rules, since)
        reports[since] = report
        print(f"{since:<10}{report.opened:>9,}{report.resolved:>10,}{seconds * 1000:>11.0f}")
    everything = reports["366d"]
    assert everything.opened == size, f"{everything.opened} of {size} counted"
    started = time.perf_counter()
    render_chart(reports["30d"])
    first = time.perf_counter() - started
    draws = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        png = render_chart(reports["30d"])
        draws.append(time.perf_counter() - started)
    print(
        f"\nchart (30 days): first draw {first * 1000:.0f} ms (with the matplotlib import), "
        f"then {statistics.median(draws) * 1000:.0f} ms, {len(png) / 1024:.0f} KiB"
    )
    if chart:
        Path(chart).write_bytes(png)
        print(f"chart saved to {chart}")
    show(reports["30d"])


async def main_async(args: argparse.Namespace) -> None:
    settings = load_settings(ROOT / "config.yaml")
    rules = DeskRules.from_settings(settings)
    with tempfile.TemporaryDirectory(prefix="deskbot-bench-") as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        path.unlink(missing_ok=True)
        database = Database(f"sqlite:///{path}")
        try:
            await database.prepare()
            started = time.perf_counter()
            await fill(database, rules, args.size)
            loaded = time.perf_counter() - started
            print(f"Loaded {args.size:,} incidents into SQLite in {loaded:.1f} s")
            await measure(database, rules, args.size, args.chart)
        finally:
            await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="incidents (100000)")
    parser.add_argument("--keep", default=None, help="build the database in this file, and keep it")
    parser.add_argument("--chart", default=None, help="save the 30-day chart as this PNG")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
