"""`deskbot run`: every configured adapter starts in one loop with the scheduler, and stops.

The adapter here is a test double of the Adapter protocol (the real ones have their own
tests); what is under test is the runner: which adapters it asks, that the outbox gets
each adapter's sender, and that everything started is stopped again.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import types

import pytest

from bot import runner
from bot.cli import main
from bot.messages import Actor, ChannelRef, CommandCall
from bot.outbox import Notice


class RecordingAdapter:
    platform = "console"

    def __init__(self, env):
        self.env = env
        self.events: list[str] = []
        self.notices: list[Notice] = []

    @property
    def sender(self):
        return self

    async def send(self, notice: Notice) -> str:
        self.notices.append(notice)
        return f"sent-{notice.id}"

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")


@pytest.fixture
def adapter_module(monkeypatch):
    """A module offering build(), as bot.adapters.slack_adapter does, on the runner's list."""
    built: list[RecordingAdapter] = []
    module = types.ModuleType("tests_fake_adapter")

    def build(core, settings, env):
        if "FAKE_TOKEN" not in env:
            return None
        built.append(RecordingAdapter(env))
        built[-1].core = core
        return built[-1]

    module.build = build
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(runner, "ADAPTER_MODULES", (module.__name__, "bot.adapters.not_built"))
    return built


def test_run_without_any_platform_says_what_to_set(capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    for words in ("SLACK_BOT_TOKEN", "DISCORD_BOT_TOKEN", "deskbot chat"):
        assert words in err


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN is set, but neither SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_SIGNING_SECRET is set, but not SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_APP_TOKEN is set, but not SLACK_BOT_TOKEN"),
    ],
)
def test_half_of_slacks_settings_says_what_is_missing(monkeypatch, capsys, env, said):
    """Before, Slack was silently left out, or "no chat platform is configured" named
    every setting without saying which one was missing."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "")  # Discord, if set, would not hide it either
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert f"deskbot: {said}" in err


async def test_configured_adapters_skip_platforms_without_tokens(
    adapter_module, settings, database
):
    core = runner.Core(settings, database)
    assert runner.configured_adapters(core, settings, {}) == []
    (adapter,) = runner.configured_adapters(core, settings, {"FAKE_TOKEN": "x"})
    assert adapter.core is core


async def test_run_service_starts_delivers_through_the_adapter_and_stops(
    adapter_module, settings, database
):
    stop = asyncio.Event()
    service = asyncio.create_task(
        runner.run_service(settings, database, {"FAKE_TOKEN": "x"}, stop=stop, interval=0.05)
    )
    while not adapter_module or adapter_module[0].events != ["start"]:
        await asyncio.sleep(0.01)
    adapter = adapter_module[0]
    # A change that notifies someone: the scheduler delivers it through this adapter.
    alice = Actor("console", "alice", "alice")
    where = ChannelRef("console", "c1", is_direct=True)
    opened = CommandCall(alice, where, ("incident",), "e1", text="open VPN down")
    assert not (await adapter.core.handle(opened))[0].is_error
    bob = Actor("console", "bob", "bob")
    claim = CommandCall(bob, where, ("incident",), "e2", text="claim 1")
    assert not (await adapter.core.handle(claim))[0].is_error
    for _ in range(500):
        if adapter.notices:
            break
        await asyncio.sleep(0.02)
    assert gc.get_freeze_count() > 0  # start-up's objects are out of the collector's way
    gc.unfreeze()  # (the test process goes on)
    stop.set()
    await asyncio.wait_for(service, 10)
    assert [n.recipient.key for n in adapter.notices] == ["console:alice"]
    assert "is working on INC-000001" in adapter.notices[0].reply.text
    assert adapter.events == ["start", "stop"]


async def test_stopping_while_a_platform_is_still_starting_ends_the_run(
    adapter_module, monkeypatch, settings, database
):
    # Before, with Slack unreachable (its library retries for ever), Ctrl-C and SIGTERM
    # set the stop event nobody waited on yet, and only SIGKILL ended `deskbot run`.
    async def unreachable(self) -> None:
        self.events.append("start")
        await asyncio.Event().wait()

    monkeypatch.setattr(RecordingAdapter, "start", unreachable)
    stop = asyncio.Event()
    service = asyncio.create_task(
        runner.run_service(settings, database, {"FAKE_TOKEN": "x"}, stop=stop, interval=0.05)
    )
    while not adapter_module or adapter_module[0].events != ["start"]:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(service, 5)
    assert adapter_module[0].events == ["start", "stop"]  # what it half-opened is closed


def test_a_platform_refusing_to_start_is_one_clear_line(adapter_module, monkeypatch, capsys):
    async def refuse(self) -> None:
        self.events.append("start")
        raise OSError(98, "address already in use")

    monkeypatch.setattr(RecordingAdapter, "start", refuse)
    monkeypatch.setenv("FAKE_TOKEN", "x")
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "deskbot: the console adapter could not start: [Errno 98] address already in use" in err
    assert "Traceback" not in err
    assert adapter_module[0].events == ["start", "stop"]  # what it half-opened is closed
