"""Two real Deskbot worker processes on one PostgreSQL database.

Each worker (tests/integration/worker_proc.py) builds Core, Deliverer and Scheduler
as `deskbot run` does, and the platform is a recording HTTP server owned by this
test on 127.0.0.1. Shown here:

- 50 concurrent claims of one incident, 25 from each process: one owner, 49 clear
  refusals naming the winner;
- both processes sweeping at the same moment: one breach event, one notification
  per person who should hear it;
- SIGKILL of a worker in the middle of delivering: nothing lost, and nothing the
  platform never saw twice. The one repeat possible is stated and checked exactly:
  a notice the platform accepted but whose acceptance the killed worker had not yet
  recorded is sent again by the survivor once the lease runs out (at-least-once).
  It carries the same outbox row id as its idempotency key, so a platform that
  honours one (Discord's enforced nonce) shows it once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.app import Core
from bot.db import Database
from bot.models import Incident, IncidentEvent, OutboxRow
from bot.outbox import LEASE
from tests.conftest import START, Desk, ManualClock, make_database

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30


class Platform:
    """The recording chat platform. Requests from `held_from` are held open and never
    answered; the first of them is accepted (recorded) before it is held."""

    def __init__(self) -> None:
        self.accepted: list[tuple[int, str]] = []  # (outbox row, worker)
        self.arrived: list[tuple[int, str]] = []
        self.held_from: str | None = None
        self.release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        worker, row = request.headers["X-Worker"], int(request.headers["Idempotency-Key"])
        assert row == body["row"]
        self.arrived.append((row, worker))
        if worker == self.held_from:
            if not any(w == worker for _, w in self.accepted):
                self.accepted.append((row, worker))  # accepted; the answer never comes
            await self.release.wait()
            return web.Response(status=503)
        self.accepted.append((row, worker))
        return web.json_response({"id": f"msg-{len(self.accepted)}"})


@pytest.fixture
async def platform() -> AsyncIterator[tuple[Platform, str]]:
    recorder = Platform()
    app = web.Application()
    app.router.add_post("/send", recorder.handle)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield recorder, f"http://127.0.0.1:{port}/send"
    recorder.release.set()
    await runner.cleanup()


class WorkerProcess:
    """A worker process, driven one JSON line at a time."""

    def __init__(self, process: asyncio.subprocess.Process, name: str) -> None:
        self.process, self.name = process, name

    @classmethod
    async def start(cls, database_url: str, sender_url: str, name: str) -> WorkerProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.worker_proc",
            database_url,
            sender_url,
            name,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(process, name)
        assert await worker.answer() == {"ready": name}
        return worker

    async def answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), TIMEOUT)
        assert line, f"worker {self.name} exited with {await self.process.wait()}"
        return json.loads(line)

    def send(self, op: str, at: timedelta, **fields: Any) -> None:
        assert self.process.stdin is not None
        command = {"op": op, "at": (START + at).isoformat(), **fields}
        self.process.stdin.write((json.dumps(command) + "\n").encode())

    async def ask(self, op: str, at: timedelta, **fields: Any) -> dict[str, Any]:
        self.send(op, at, **fields)
        return await self.answer()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


@pytest.fixture
async def pg(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    database = await make_database("postgresql", tmp_path, request)
    yield database
    await database.dispose()


@pytest.fixture
async def workers(pg: Database, platform, pg_url: str) -> AsyncIterator[list[WorkerProcess]]:
    _, url = platform
    started = await asyncio.gather(
        WorkerProcess.start(pg_url, url, "A"), WorkerProcess.start(pg_url, url, "B")
    )
    yield list(started)
    for worker in started:
        await worker.stop()


async def rows(database: Database, model: Any, *where: Any) -> list[Any]:
    async with database.transaction() as session:
        return list(await session.scalars(select(model).where(*where).order_by(model.id)))


async def test_two_workers_claim_sweep_and_deliver_exactly_once(
    pg: Database, settings, platform, workers
):
    recorder, _ = platform
    a, b = workers
    desk = Desk(Core(settings, pg, clock=ManualClock()))
    await desk.ok("alice", "/incident open Printer on floor 3 jams on every page")
    await desk.ok("frank", "/incident open The scanner sends empty pages")  # P4: 8h response
    for n in range(8):  # notices waiting for eight more people, one place each
        await desk.ok(f"user{n}", f"/incident open Laptop {n} will not boot")
        await desk.ok("bob", f"/incident claim {n + 3}")

    # 50 claims of INC-1 at once, 25 from each process.
    agents = [f"U{n:02d}" for n in range(50)]
    a.send("claim", timedelta(minutes=5), incident=1, agents=agents[:25])
    b.send("claim", timedelta(minutes=5), incident=1, agents=agents[25:])
    claims = [c for w in (a, b) for c in (await w.answer())["claims"]]
    winners = [user for user, is_error, _ in claims if not is_error]
    assert len(claims) == 50 and len(winners) == 1, claims
    [incident] = await rows(pg, Incident, Incident.id == 1)
    assert incident.assignee == f"slack:{winners[0]}"
    refusals = {text for _, is_error, text in claims if is_error}
    assert refusals == {f"INC-000001 is already claimed by slack:{winners[0]}."}
    claimed = await rows(pg, IncidentEvent, IncidentEvent.kind == "claimed")
    assert [e.incident_id for e in claimed].count(1) == 1

    # Both sweep when INC-2's response target has passed: one breach, reported once.
    a.send("sweep", timedelta(hours=8))
    b.send("sweep", timedelta(hours=8))
    sweeps = [await a.answer(), await b.answer()]
    assert sorted(s["breaches"] for s in sweeps) == [0, 1]
    breach = await rows(pg, IncidentEvent, IncidentEvent.kind == "sla_breach")
    assert [e.incident_id for e in breach] == [2]
    notified = await rows(pg, OutboxRow, OutboxRow.kind == "sla_breach")
    assert sorted(r.recipient_key for r in notified) == ["bob", "carol", "erin"]

    # A starts delivering everything; the platform accepts its first notice without
    # answering and holds the others unanswered; then A is killed.
    pending = await rows(pg, OutboxRow, OutboxRow.state == "pending")
    places = {(r.platform, r.channel_id, r.thread_id) for r in pending}
    recorder.held_from = "A"
    a.send("deliver", timedelta(hours=8))
    await until(lambda: len(recorder.arrived) == len(places))
    a.process.send_signal(signal.SIGKILL)
    assert await a.process.wait() == -signal.SIGKILL
    [(accepted_unrecorded, _)] = recorder.accepted

    # B finds every row A took still leased; when the lease runs out, it sends them.
    assert (await b.ask("deliver", timedelta(hours=8)))["sent"] == []
    after_lease = timedelta(hours=8) + LEASE + timedelta(seconds=1)
    sent: list[int] = []
    while batch := (await b.ask("deliver", after_lease))["sent"]:
        sent += batch
    all_rows = await rows(pg, OutboxRow)
    assert {r.state for r in all_rows} == {"delivered"}  # none lost
    assert sorted(sent) == sorted(r.id for r in pending)
    by_row = Counter(row for row, _ in recorder.accepted)
    assert set(by_row) == {r.id for r in pending}
    repeated = {row for row, count in by_row.items() if count > 1}
    assert repeated == {accepted_unrecorded}  # the at-least-once window, and only it
    assert by_row[accepted_unrecorded] == 2


async def until(condition: Any, timeout: float = TIMEOUT) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)
