"""Shared fixtures: settings, a moved clock, and the same database fixture on SQLite and PostgreSQL.

The PostgreSQL half uses a throwaway database on DESKBOT_TEST_PG_URL (default: the local
server). Where DESKBOT_REQUIRE_PG or CI is set, an unreachable server fails the run
instead of skipping it, so CI can never pass on SQLite alone.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import Core
from bot.config import Settings, load_settings
from bot.db import Database
from bot.messages import Action, Actor, ChannelRef, CommandCall, FileLink, Message, Reply
from bot.models import Base
from bot.services.classify import Classifier
from bot.services.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("DESKBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
_TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)  # emptied per test


class ManualClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(ROOT / "config.yaml")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def _pg_required() -> bool:
    return bool(os.environ.get("DESKBOT_REQUIRE_PG") or os.environ.get("CI"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"deskbot_test_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)

    async def execute(sql: str) -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def run(sql: str) -> None:
        # Its own thread and loop: this fixture is first asked for inside a running loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, execute(sql)).result()

    try:
        run(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError) as exc:
        message = f"PostgreSQL at {make_url(PG_URL).render_as_string()} is not usable: {exc}"
        if _pg_required():
            pytest.fail(message)
        pytest.skip(message + " (set DESKBOT_REQUIRE_PG=1 to make this an error)")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_migrated: set[str] = set()


async def make_database(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    """A migrated, empty database of the given kind."""
    if kind == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'deskbot.db'}")
        await database.prepare()
        return database
    url = request.getfixturevalue("pg_url")
    database = Database(url)
    if url not in _migrated:
        await database.upgrade()
        _migrated.add(url)
    async with database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The same tests run on the embedded SQLite file and on PostgreSQL."""
    db = await make_database(request.param, tmp_path, request)
    yield db
    await db.dispose()


@pytest.fixture
async def sqlite_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Database]:
    db = await make_database("sqlite", tmp_path, request)
    yield db
    await db.dispose()


@pytest.fixture
def core(settings: Settings, database: Database, clock: ManualClock) -> Core:
    return Core(settings, database, clock=clock)


class Desk:
    """Drives the core as people would: `await desk.ok("bob", "/incident claim 1")`."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.channel = ChannelRef("console", "test", is_direct=True)

    def call(self, user: str, line: str, *, event_id: str | None = None) -> CommandCall:
        word, _, rest = line.lstrip("/").partition(" ")
        return CommandCall(
            Actor("console", user, user),
            self.channel,
            path=(word,),
            event_id=event_id or uuid.uuid4().hex,
            text=rest,
        )

    async def say(self, user: str, line: str, *, event_id: str | None = None) -> list[Reply]:
        return await self.core.handle(self.call(user, line, event_id=event_id))

    async def message(
        self,
        user: str,
        text: str,
        *,
        channel: ChannelRef | None = None,
        event_id: str | None = None,
        files: tuple[FileLink, ...] = (),
    ) -> Reply:
        """A plain chat message to the bot (the conversation), answered with one reply."""
        inbound = Message(
            Actor("console", user, user),
            channel or self.channel,
            text,
            event_id or uuid.uuid4().hex,
            files,
        )
        replies = await self.core.handle(inbound)
        assert len(replies) == 1, replies
        return replies[0]

    async def press(
        self, user: str, action_id: str, value: str = "", *, channel: ChannelRef | None = None
    ) -> Reply:
        """A button press, as an adapter sends it."""
        inbound = Action(
            Actor("console", user, user),
            channel or self.channel,
            action_id,
            value,
            uuid.uuid4().hex,
        )
        replies = await self.core.handle(inbound)
        assert len(replies) == 1, replies
        return replies[0]

    async def ok(self, user: str, line: str) -> Reply:
        replies = await self.say(user, line)
        assert len(replies) == 1, replies
        assert not replies[0].is_error, replies[0].text
        return replies[0]

    async def err(self, user: str, line: str) -> Reply:
        replies = await self.say(user, line)
        assert len(replies) == 1, replies
        assert replies[0].is_error, f"expected an error, got: {replies[0].text}"
        return replies[0]


@pytest.fixture
def desk(core: Core) -> Desk:
    return Desk(core)


@pytest.fixture
def empty_kb(settings: Settings, tmp_path: Path) -> KnowledgeBase:
    folder = tmp_path / "no-articles"
    folder.mkdir()
    return KnowledgeBase(folder, Classifier(settings).category_paths())


@pytest.fixture
def quiet(
    settings: Settings, database: Database, clock: ManualClock, empty_kb: KnowledgeBase
) -> Desk:
    """The desk with no articles to suggest."""
    return Desk(Core(settings, database, clock=clock, knowledge=empty_kb))
