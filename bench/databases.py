"""Throwaway databases for the benchmarks: a SQLite file in a temporary folder, and a
PostgreSQL database created on DESKBOT_BENCH_PG_URL (default: the local server) and
dropped afterwards, so a benchmark never touches data anyone keeps."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bot.db import Database

PG_URL = os.environ.get("DESKBOT_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class Unreachable(Exception):
    """The PostgreSQL server could not be reached; the message says where it looked."""


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[Database]:
    with tempfile.TemporaryDirectory(prefix="deskbot-bench-") as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            await database.prepare()
            yield database
        finally:
            await database.dispose()


@asynccontextmanager
async def postgresql_database() -> AsyncIterator[Database]:
    name = f"deskbot_bench_{uuid.uuid4().hex[:10]}"
    try:
        await _admin(f'CREATE DATABASE "{name}"')
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        shown = make_url(PG_URL).render_as_string(hide_password=True)
        raise Unreachable(f"PostgreSQL at {shown} is not reachable ({exc})") from exc
    try:
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        database = Database(url)
        try:
            await database.upgrade()
            yield database
        finally:
            await database.dispose()
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(sql: str) -> None:
    admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
