"""The sweep finds due work through the `sla_next_check_at` index, never by reading every
open incident: the databases' own query plans say so, with 20k open incidents loaded."""

from __future__ import annotations

import pytest

from bench.sla_sweep import NOW, fill
from bot.db import Database
from bot.services.sla_sweep import due_query

INDEX = "ix_incidents_sla_next_check"


async def plan(database: Database) -> str:
    statement = due_query(NOW)
    async with database.engine.connect() as conn:
        compiled = statement.compile(dialect=conn.dialect)
        params = compiled.construct_params()
        processors = compiled._bind_processors  # the UTC datetime type's own conversion
        values = tuple(
            processors[name](params[name]) if name in processors else params[name]
            for name in compiled.positiontup or ()
        )
        prefix = "EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN "
        rows = await conn.exec_driver_sql(prefix + str(compiled), values)
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("size", [20_000])
async def test_the_sweep_reads_the_next_check_index(database: Database, size: int):
    due = await fill(database, size, 0.01)
    assert due == size // 100
    shown = await plan(database)
    assert INDEX in shown, shown
    if database.is_sqlite:
        assert "SCAN incidents\n" not in shown + "\n", shown  # no full table scan
    else:
        assert "Seq Scan" not in shown, shown
