"""SQL pieces the report needs that SQLite and PostgreSQL spell differently.

`epoch(x)` is a moment as seconds since 1970 (a float), so that durations and
comparisons work on either database; `whole_days(x)` is a number of seconds as whole
days, rounded down, which with the time zone's offset added (`local_day`) numbers the
local calendar day a moment falls on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

DAY = 86400


class epoch(FunctionElement[float]):  # lower case: an SQL function, named like one
    """Seconds since 1970-01-01 UTC of a stored moment or of an ISO-8601 text."""

    type = Float()
    name = "epoch"
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() reads SQLAlchemy's stored 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) and
    # ISO-8601 with an offset alike.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    moment = f"CAST({compiler.process(element.clauses, **kw)} AS TIMESTAMP WITH TIME ZONE)"
    return f"CAST(EXTRACT(EPOCH FROM {moment}) AS DOUBLE PRECISION)"


class whole_days(FunctionElement[int]):  # lower case: an SQL function
    """floor(seconds / 86400), for seconds since 1970 (so never negative here)."""

    type = Integer()
    name = "whole_days"
    inherit_cache = True


@compiles(whole_days, "sqlite")
def _days_sqlite(element: whole_days, compiler: SQLCompiler, **kw: Any) -> str:
    # CAST truncates toward zero in SQLite: the floor, for moments after 1970.
    return f"CAST(({compiler.process(element.clauses, **kw)}) / {DAY} AS INTEGER)"


@compiles(whole_days, "postgresql")
def _days_postgresql(element: whole_days, compiler: SQLCompiler, **kw: Any) -> str:
    # CAST rounds in PostgreSQL: floor() first.
    return f"CAST(FLOOR(({compiler.process(element.clauses, **kw)}) / {DAY}) AS INTEGER)"


def local_day(column: Any, offsets: Sequence[tuple[datetime | None, int]]) -> ColumnElement[int]:
    """The local calendar day (days since 1970-01-01) of a stored moment, given the time
    zone's UTC offsets in seconds as (until, offset) pairs in time order, the last one
    with until None: few, since a zone changes its offset a couple of times a year."""
    *changing, (_, last) = offsets
    if changing:
        offset: ColumnElement[Any] = case(
            *((column < until, literal(seconds)) for until, seconds in changing), else_=last
        )
    else:
        offset = literal(last)
    return whole_days(epoch(column) + offset)
