"""Fixtures for the Slack adapter: the fake Web API, the adapter serving on a free port.

Adapter tests run on SQLite only: they are about Slack, and the core's behaviour on
PostgreSQL is covered by the integration suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.adapters.slack_adapter import SlackAdapter, build
from bot.app import Core
from bot.config import Settings, parse_settings
from bot.db import Database
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET, SlackTester
from tests.conftest import ROOT, make_database

AGENT_GROUP = "desk-agents"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped config, plus Slack ids for bob (agent) and carol (manager), and the
    Slack user group `desk-agents` mapped to the agent role."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["staff"]["bob"]["slack"] = "UBOB"
    raw["staff"]["carol"]["slack"] = "UCAROL"
    raw["roles"] = {"agent": {"slack_groups": [AGENT_GROUP]}}
    raw["slack"] = {"host": "127.0.0.1", "path": "/slack/events"}
    return parse_settings(raw, source=str(ROOT / "config.yaml"))


@pytest.fixture
async def database(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    db = await make_database("sqlite", tmp_path, request)
    yield db
    await db.dispose()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


def slack_env(fake: FakeSlack) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }


@pytest.fixture
async def adapter(core: Core, settings: Settings, fake: FakeSlack) -> AsyncIterator[SlackAdapter]:
    built = build(core, settings, slack_env(fake))
    assert built is not None
    built.port = 0  # a free port, so tests can run side by side
    await built.start()
    yield built
    await built.stop()


@pytest.fixture
def slack(adapter: SlackAdapter, fake: FakeSlack, settings: Settings) -> SlackTester:
    return SlackTester(f"http://127.0.0.1:{adapter.port}{settings.slack.path}", fake)
