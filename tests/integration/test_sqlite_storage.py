"""The embedded SQLite file: how times are stored and read, and when the write-ahead log
is copied back into the database file."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import DATETIME
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.exc import StatementError

from bot.app import Core
from bot.db import WAL_PAGES, Database
from bot.models import Incident, ProcessedEvent
from tests.conftest import Desk
from tests.integration.test_outbox import Recorder
from tests.integration.test_scheduler import SUMMARY, make_scheduler

# Two hours east of UTC, with microseconds: stored as 12:05:09.000042 UTC.
NOON_IN_CAIRO = datetime(2026, 11, 23, 14, 5, 9, 42, tzinfo=timezone(timedelta(hours=2)))


async def stored(database: Database, sql: str) -> list[tuple[object, ...]]:
    async with database.engine.connect() as connection:
        return list((await connection.exec_driver_sql(sql)).all())


async def test_a_time_is_stored_as_utc_text_in_sqlalchemys_own_form(sqlite_database):
    """The text is what SQLAlchemy's SQLite DATETIME writes: rows written before the type
    wrote it itself compare (as text, in `WHERE next_check_at <= ?`) with new ones."""
    async with sqlite_database.transaction() as session:
        session.add(ProcessedEvent(platform="slack", event_id="Ev1", at=NOON_IN_CAIRO))
    sqlalchemys = DATETIME().bind_processor(aiosqlite_dialect())
    assert sqlalchemys is not None
    expected = sqlalchemys(NOON_IN_CAIRO.astimezone(UTC).replace(tzinfo=None))
    assert expected == "2026-11-23 12:05:09.000042"
    assert await stored(sqlite_database, "SELECT at FROM processed_events") == [(expected,)]
    async with sqlite_database.transaction() as session:
        back = await session.scalar(select(ProcessedEvent.at))
    assert back == NOON_IN_CAIRO
    assert back is not None and back.tzinfo is UTC


async def test_times_sqlite_wrote_itself_are_read_as_utc(sqlite_database):
    async with sqlite_database.engine.begin() as connection:
        await connection.exec_driver_sql(
            "INSERT INTO processed_events (platform, event_id, at) VALUES "
            "('slack', 'whole-seconds', '2026-11-23 12:05:09'), "  # CURRENT_TIMESTAMP's form
            "('slack', 'with-offset', '2026-11-23 14:05:09+02:00')"
        )
    async with sqlite_database.transaction() as session:
        found = dict(
            (await session.execute(select(ProcessedEvent.event_id, ProcessedEvent.at))).all()
        )
    noon = datetime(2026, 11, 23, 12, 5, 9, tzinfo=UTC)
    assert found == {"whole-seconds": noon, "with-offset": noon}
    assert {at.tzinfo for at in found.values()} == {UTC}


async def test_a_time_without_a_zone_is_refused(sqlite_database):
    with pytest.raises(StatementError, match="naive datetime"):
        async with sqlite_database.transaction() as session:
            session.add(ProcessedEvent(platform="slack", event_id="Ev1", at=datetime(2026, 1, 1)))
    assert await stored(sqlite_database, "SELECT * FROM processed_events") == []


async def test_a_tick_leaves_its_writes_in_the_database_file(
    settings, sqlite_database, clock, tmp_path: Path
):
    """The scheduler checkpoints the write-ahead log at the end of each tick, so that no
    unit of work's commit pays for it: a copy of the database file alone then holds
    everything written before."""
    core = Core(settings, sqlite_database, clock=clock)
    await sqlite_database.checkpoint()  # the tables, made by the migrations
    await Desk(core).ok("alice", f"/incident open {SUMMARY}")
    assert _summaries(_file_alone(sqlite_database, tmp_path / "before")) == []  # in the log
    await make_scheduler(core, Recorder(), clock).tick()
    assert _summaries(_file_alone(sqlite_database, tmp_path / "after")) == [SUMMARY]


async def test_sqlite_still_checkpoints_by_itself_past_a_limit(sqlite_database):
    """For processes that don't tick (`deskbot report`, `deskbot kb ...`)."""
    assert await stored(sqlite_database, "PRAGMA wal_autocheckpoint") == [(WAL_PAGES,)]


def _file_alone(database: Database, folder: Path) -> Path:
    """A copy of the database file without its write-ahead log beside it."""
    folder.mkdir()
    assert database.url.database is not None
    return Path(shutil.copy(database.url.database, folder / "copy.db"))


def _summaries(path: Path) -> list[str]:
    table = Incident.__tablename__
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute(f"SELECT summary FROM {table}")]
