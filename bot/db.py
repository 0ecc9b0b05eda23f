"""The database: URLs as people write them, the async engine, transactions, migrations.

Every unit of work runs in one transaction through `Database.run`, which
retries it from the start when a concurrent writer got there first (a stale
version counter, a PostgreSQL serialization failure, a busy SQLite file): the
retried work then sees the winner's change and answers accordingly.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm.exc import StaleDataError

from bot.errors import Conflict

T = TypeVar("T")

ATTEMPTS = 4
# SQLite checkpoints its write-ahead log by itself past this many pages (16 MB): a
# safety net, as the scheduler checkpoints after every tick (`Database.checkpoint`).
WAL_PAGES = 4000
_SQLITE = {"sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"}
_POSTGRES = {
    "postgres",
    "postgresql",
    "postgresql+psycopg2",
    "postgresql+psycopg",
    "postgresql+asyncpg",
    "postgresql+pg8000",
}
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


class DatabaseSetupError(Exception):
    """The database can't be used as it is; the message says what to run."""


def async_url(url: str) -> URL:
    """Map `sqlite:///x.db` or `postgresql://u@h/db` to their asyncio drivers."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseSetupError(_url_help(url)) from None
    if parsed.drivername in _SQLITE:
        path = parsed.database
        if path and path.startswith("~"):
            path = str(Path(path).expanduser())
        return parsed.set(drivername="sqlite+aiosqlite", database=path)
    if parsed.drivername in _POSTGRES:
        return parsed.set(drivername="postgresql+asyncpg")
    raise DatabaseSetupError(_url_help(url))


def _url_help(url: str) -> str:
    shown = url.split("@")[-1] if "@" in url else url
    return (
        f"unsupported database URL ({shown}): use sqlite:///deskbot.db or "
        "postgresql://user:password@host:5432/dbname"
    )


class Database:
    """One engine and its sessions; `run` is the unit of work."""

    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        self.display_url = make_url(url).render_as_string(hide_password=True)
        self.is_sqlite = self.url.drivername.startswith("sqlite")
        options: dict[str, Any] = {}
        if not self.is_sqlite:
            options = {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True}
        self.engine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            _tune_sqlite(self.engine.sync_engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction, committed on success."""
        async with self.sessions() as session, session.begin():
            yield session

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work` in a transaction, retrying it when a concurrent writer won."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self.transaction() as session:
                    return await work(session)
            except (StaleDataError, DBAPIError) as exc:
                if not _is_retryable(exc):
                    raise
                if attempt == ATTEMPTS:
                    raise Conflict(
                        "Someone else changed this at the same moment; try again."
                    ) from exc
            await asyncio.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    async def prepare(self) -> None:
        """Make the schema usable: migrate an embedded SQLite file, check anything else."""
        async with self.reachable():
            await self._prepare()

    async def _prepare(self) -> None:
        if self.is_sqlite:
            _make_parent_dir(self.url)
            await self.upgrade()
            return
        current, head = await self.revisions()
        if current != head:
            raise DatabaseSetupError(
                f"the database {self.display_url} is at schema revision {current or 'none'}, "
                f"this Deskbot needs {head}: run `deskbot db upgrade` once, then start again"
            )

    async def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations up to `revision`, in one transaction.

        On SQLite, a migration that drops a column copies the table and drops the old
        one, and with foreign keys enforced that drop fails while other tables' rows
        refer to it. So they are not enforced while migrating, as Alembic's batch mode
        asks, and checked in full before the transaction commits instead."""
        async with self.reachable(), self.engine.connect() as conn:
            if not self.is_sqlite:
                async with conn.begin():
                    await conn.run_sync(_upgrade, revision)
                return
            sqlite = (await conn.get_raw_connection()).driver_connection
            await _pragma(sqlite, "foreign_keys=OFF")  # outside a transaction, or ignored
            try:
                async with conn.begin():
                    await conn.run_sync(_upgrade, revision)
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise DatabaseSetupError(
                            f"migrating {self.display_url} would leave rows pointing at "
                            f"rows that don't exist: {broken[:5]}; nothing was changed"
                        )
            finally:
                await _pragma(sqlite, "foreign_keys=ON")

    async def revisions(self) -> tuple[str | None, str | None]:
        """The schema revision the database is at, and the newest this code knows."""
        async with self.reachable(), self.engine.connect() as conn:
            current = await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
        return current, ScriptDirectory.from_config(alembic_config()).get_current_head()

    @asynccontextmanager
    async def reachable(self) -> AsyncIterator[None]:
        """Turn 'can't connect' into a message for the admin instead of a traceback."""
        try:
            yield
        except (OSError, DBAPIError) as exc:
            reason = getattr(exc, "orig", None) or exc
            raise DatabaseSetupError(
                f"can't use the database {self.display_url}: {reason}. Check "
                "DESKBOT_DATABASE_URL (or database.url in config.yaml) and that the server is up."
            ) from None

    async def checkpoint(self) -> None:
        """Copy what SQLite's write-ahead log holds back into the database file.

        The scheduler calls this at the end of each tick, when nothing waits on it, so
        that no unit of work's commit pays for it: by SQLite's own automatic checkpoint
        (every 1,000 pages by default), each commit of a sweep batch did, half its time.
        PASSIVE waits for nobody; what a reader still needs is copied next time. The
        automatic checkpoint stays on, at `WAL_PAGES`, for processes that don't tick.
        A no-op on PostgreSQL."""
        if not self.is_sqlite:
            return
        async with self.engine.connect() as connection:
            # Outside any transaction: SQLite refuses to checkpoint inside one, and
            # SQLAlchemy would begin one (BEGIN IMMEDIATE, below) for any statement.
            sqlite = (await connection.get_raw_connection()).driver_connection
            await _pragma(sqlite, "wal_checkpoint(PASSIVE)")

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    """Alembic settings pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


async def _pragma(sqlite: Any, pragma: str) -> None:
    """A PRAGMA on aiosqlite's own connection, outside SQLAlchemy's transactions."""
    await (await sqlite.execute(f"PRAGMA {pragma}")).close()


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, StaleDataError):
        return True
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in _RETRY_SQLSTATES:
        return True
    return "database is locked" in str(orig)


def _tune_sqlite(sync_engine: Any) -> None:
    """WAL (its automatic checkpoint at WAL_PAGES), a busy timeout, foreign keys, and
    BEGIN IMMEDIATE so writers queue up."""

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "busy_timeout=15000",
            "foreign_keys=ON",
            f"wal_autocheckpoint={WAL_PAGES}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads then writes can't wait for a lock;
        # taking the write lock up front makes concurrent writers wait their turn.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _make_parent_dir(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
