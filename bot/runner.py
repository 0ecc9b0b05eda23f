"""`deskbot run`: the long-running service. One core, every configured platform.

Each chat adapter module offers `build(core, settings, env) -> Adapter | None`,
returning None when its tokens are not in the environment. The runner starts
every adapter it got in one event loop, gives the outbox one sender per
platform, and runs the scheduler (SLA sweep, delivery, expiry) beside them
until it is stopped (SIGINT/SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import signal
from collections.abc import Mapping
from typing import Protocol

from bot.app import Core
from bot.config import Settings
from bot.db import Database
from bot.outbox import Deliverer, Sender
from bot.scheduler import INTERVAL, Scheduler

log = logging.getLogger(__name__)

# The adapter modules `deskbot run` asks, in order. Each is imported only when asked,
# so a missing optional platform library never breaks the others.
ADAPTER_MODULES = ("bot.adapters.slack_adapter", "bot.adapters.discord_adapter")


class Adapter(Protocol):
    """A started platform: receives events for the core, sends the outbox's notices."""

    platform: str

    @property
    def sender(self) -> Sender: ...

    async def start(self) -> None:
        """Connect or start serving, then return; the work goes on in the background."""

    async def stop(self) -> None:
        """Disconnect and stop serving."""


class NoAdapters(Exception):
    """`deskbot run` was asked to run with no platform configured."""


class AdapterFailed(Exception):
    """A platform refused to start (bad token, intent not enabled, port taken, ...)."""


def configured_adapters(core: Core, settings: Settings, env: Mapping[str, str]) -> list[Adapter]:
    """Every adapter whose tokens are present in `env`."""
    adapters: list[Adapter] = []
    for name in ADAPTER_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that platform is not built yet
            raise
        adapter = module.build(core, settings, env)
        if adapter is not None:
            adapters.append(adapter)
    return adapters


async def run_service(
    settings: Settings,
    database: Database,
    env: Mapping[str, str],
    *,
    stop: asyncio.Event | None = None,
    interval: float = INTERVAL,
) -> None:
    """Run every configured adapter and the scheduler until `stop` is set (or a signal)."""
    core = Core(settings, database)
    adapters = configured_adapters(core, settings, env)
    if not adapters:
        raise NoAdapters(
            "no chat platform is configured. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
            "(or SLACK_APP_TOKEN for Socket Mode) for Slack, or DISCORD_BOT_TOKEN for "
            "Discord. To try the desk without either, run `deskbot chat`."
        )
    senders = {adapter.platform: adapter.sender for adapter in adapters}
    deliverer = Deliverer(database, senders, core.clock, settings.outbox)
    scheduler = Scheduler(database, core.rules, core.clock, deliverer)
    stop = stop or _stop_on_signals()
    started: list[Adapter] = []
    jobs = asyncio.create_task(scheduler.run(interval))
    try:
        for adapter in adapters:
            if not await _start_unless_stopped(adapter, stop):
                return
            started.append(adapter)
            log.info("%s adapter started", adapter.platform)
        settle_heap()
        await stop.wait()
    finally:
        jobs.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await jobs
        for adapter in reversed(started):
            await adapter.stop()


def settle_heap() -> None:
    """Take what start-up built (the imported libraries, the config, the knowledge
    index: over a hundred thousand objects) out of the garbage collector's sight. A full
    collection would otherwise walk them all, about 65 ms here, landing in whichever
    event or SLA sweep happens to be running. They live as long as the process anyway."""
    gc.collect()
    gc.freeze()


async def _start_unless_stopped(adapter: Adapter, stop: asyncio.Event) -> bool:
    """Start the adapter, unless told to stop first: a platform that can't be reached
    is retried by its library for ever, and Ctrl-C or SIGTERM must still end the run.
    False when stopped; what it half-opened is closed then."""
    log.info("%s adapter starting", adapter.platform)
    starting = asyncio.create_task(_start(adapter))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait((starting, stopping), return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if starting.done():
        starting.result()  # its failure, if it failed
        return True
    starting.cancel()
    with contextlib.suppress(asyncio.CancelledError, AdapterFailed):
        await starting
    with contextlib.suppress(Exception):
        await adapter.stop()
    log.info("%s adapter: stopped while starting", adapter.platform)
    return False


async def _start(adapter: Adapter) -> None:
    try:
        await adapter.start()
    except Exception as exc:
        # Whatever the platform library raised, the admin gets its reason in one line;
        # what this adapter half-opened is closed here, the others by the caller.
        with contextlib.suppress(Exception):
            await adapter.stop()
        reason = str(exc) or type(exc).__name__
        raise AdapterFailed(f"the {adapter.platform} adapter could not start: {reason}") from exc


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    return stop
