"""One Deskbot worker process for tests/integration/test_workers.py.

    python -m tests.integration.worker_proc <database url> <sender url> <name>

It builds what `deskbot run` builds (bot.app.Core, the outbox Deliverer, the
Scheduler) on the shared database, with a clock the test sets and, as the platform,
a Sender that POSTs each notice to the test's recording HTTP server. It then obeys
one JSON command per stdin line and answers one JSON line on stdout:

    {"op": "claim", "incident": 1, "agents": ["U01", ...], "at": iso}  all at once
    {"op": "sweep", "at": iso}                                          the SLA sweep
    {"op": "deliver", "at": iso}                                        outbox delivery
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bot.app import Core
from bot.config import parse_settings
from bot.db import Database
from bot.messages import Actor, ChannelRef, CommandCall
from bot.outbox import Deliverer, Notice
from bot.scheduler import Scheduler

ROOT = Path(__file__).resolve().parents[2]
AGENT_GROUP = "desk-agents"  # the Slack user group config maps to the agent role


class SetClock:
    """The time the test says it is."""

    def __init__(self) -> None:
        self.current = datetime.fromisoformat("2026-11-23T09:00:00+00:00")

    def now(self) -> datetime:
        return self.current


class HttpSender:
    """The 'platform': POST the notice; the outbox row id travels as an idempotency key."""

    def __init__(self, url: str, worker: str) -> None:
        self.url, self.worker = url, worker
        self.session: aiohttp.ClientSession | None = None

    async def send(self, notice: Notice) -> str:
        if self.session is None:
            self.session = aiohttp.ClientSession()
        body = {
            "row": notice.id,
            "kind": notice.kind,
            "incident": notice.incident_id,
            "to": notice.recipient.key,
            "text": notice.reply.text,
        }
        headers = {"X-Worker": self.worker, "Idempotency-Key": str(notice.id)}
        async with self.session.post(self.url, json=body, headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"platform answered {response.status}")
            return str((await response.json())["id"])


class Worker:
    def __init__(self, database_url: str, sender_url: str, name: str) -> None:
        raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        raw["roles"] = {"agent": {"slack_groups": [AGENT_GROUP]}}
        settings = parse_settings(raw, source=str(ROOT / "config.yaml"))
        self.clock = SetClock()
        self.database = Database(database_url)
        self.core = Core(settings, self.database, clock=self.clock)
        self.sender = HttpSender(sender_url, name)
        self.deliverer = Deliverer(
            self.database, {"console": self.sender}, self.clock, settings.outbox
        )
        self.scheduler = Scheduler(self.database, self.core.rules, self.clock, self.deliverer)

    async def claim(self, incident: int, agents: list[str]) -> list[list[Any]]:
        async def one(user: str) -> list[Any]:
            actor = Actor("slack", user, f"Agent {user}", roles=(AGENT_GROUP,))
            call = CommandCall(
                actor,
                ChannelRef("slack", "C-DESK"),
                path=("incident",),
                event_id=uuid.uuid4().hex,
                text=f"claim {incident}",
            )
            [reply] = await self.core.handle(call)
            return [user, reply.is_error, reply.text]

        return list(await asyncio.gather(*(one(user) for user in agents)))

    async def obey(self, command: dict[str, Any]) -> dict[str, Any]:
        self.clock.current = datetime.fromisoformat(command["at"])
        if command["op"] == "claim":
            return {"claims": await self.claim(command["incident"], command["agents"])}
        if command["op"] == "sweep":
            report = await self.scheduler.sweep_sla()
            return {"breaches": report.breaches, "warnings": report.warnings}
        if command["op"] == "deliver":
            done = await self.deliverer.deliver_due()
            return {"sent": [n.id for n in done.sent], "retrying": done.retrying}
        raise ValueError(f"unknown op {command['op']!r}")


async def main(database_url: str, sender_url: str, name: str) -> None:
    worker = Worker(database_url, sender_url, name)
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": name}), flush=True)
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        print(json.dumps(await worker.obey(json.loads(line))), flush=True)
    await worker.database.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
