"""The sweep finds due work through the index on `sla_clocks.next_check_at`, never by
reading every open incident: the databases' own query plans say so.

PostgreSQL's planner weighs costs: with 20k incidents it may hash-join the due clocks
with all the incidents (a few milliseconds), so it is asked at 100k, where reading them
all would cost and the bench (`bench/sla_sweep.py`) measures the sweep."""

from __future__ import annotations

from bench.sla_sweep import NOW, fill
from bot.db import Database
from bot.services.sla_sweep import due_query

INDEX = "ix_sla_clocks_next_check_at"


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


async def test_the_sweep_reads_the_next_check_index(database: Database):
    size = 20_000 if database.is_sqlite else 100_000
    due = await fill(database, size, 0.01)
    assert due == size // 100
    shown = await plan(database)
    assert INDEX in shown, shown
    if database.is_sqlite:
        assert "SCAN incidents\n" not in shown + "\n", shown  # no full table scan
        assert "SCAN sla_clocks\n" not in shown + "\n", shown
    else:
        assert "Seq Scan" not in shown, shown
