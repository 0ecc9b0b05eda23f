"""The SLA sweep's writes for one batch: its timeline events, and its clocks moved on
(`sla_clocks`: the incidents rows themselves are not written).

On PostgreSQL each is one statement that reads the batch's rows from arrays
(`unnest`): one round trip instead of one per row, which was most of a large sweep's
time there. SQLite runs in the process, where an executemany costs no round trips;
there the cost was SQLAlchemy preparing every row's parameters, so the driver gets
the rows as it takes them. Either way a clock moves only at the version read, as the
ORM's `version_id_col` would check, and a row that moved on fails the whole batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Integer,
    String,
    Text,
    bindparam,
    column,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeEngine

from bot.models import IncidentEvent, SlaClock, UTCDateTime
from bot.services.people import Person


@dataclass(frozen=True, slots=True)
class EventRow:
    """One timeline event the sweep writes."""

    incident_id: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Advance:
    """An incident's clock stages and next check after the sweep, at the clock's
    version read."""

    incident_id: int
    version: int
    response: int
    resolution: int
    next_check: datetime | None


_EVENTS = IncidentEvent.__table__
_CLOCKS = SlaClock.__table__
_EVENT_COLUMNS = ("incident_id", "at", "actor_key", "actor_name", "kind", "changes", "text")


def _arrays(name: str, **columns: TypeEngine[Any]) -> Any:
    """`unnest(:name_a, :name_b, ...) WITH ORDINALITY AS name(a, b, ..., n)`: one array
    parameter per column, read as rows in the order given. (The parameters are prefixed:
    SQLAlchemy keeps a table's own column names for the values it writes.)"""
    return (
        func.unnest(
            *(bindparam(f"{name}_{key}", type_=ARRAY(kind)) for key, kind in columns.items())
        )
        .table_valued(*(column(key, kind) for key, kind in columns.items()), with_ordinality="n")
        .render_derived(name=name)
    )


_NEW = _arrays("new", incident_id=Integer(), kind=String(), text=Text())
_INSERT_EVENTS_PG = insert(_EVENTS).from_select(
    list(_EVENT_COLUMNS),
    select(
        _NEW.c.incident_id,
        bindparam("new_at", type_=UTCDateTime()),
        bindparam("new_actor_key", type_=String()),
        bindparam("new_actor_name", type_=String()),
        _NEW.c.kind,
        bindparam("new_changes", type_=JSON()),
        _NEW.c.text,
    ).order_by(_NEW.c.n),  # event ids in the order written: the timeline's order
)
_INSERT_EVENTS_MANY = insert(_EVENTS).values({key: bindparam(key) for key in _EVENT_COLUMNS})

_MOVED = _arrays(
    "moved",
    id=Integer(),
    version=Integer(),
    response=Integer(),
    resolution=Integer(),
    next_check=UTCDateTime(),
)
_ADVANCE_PG = (
    update(_CLOCKS)
    .where(_CLOCKS.c.incident_id == _MOVED.c.id, _CLOCKS.c.version == _MOVED.c.version)
    .values(
        response_stage=_MOVED.c.response,
        resolution_stage=_MOVED.c.resolution,
        next_check_at=_MOVED.c.next_check,
        version=_CLOCKS.c.version + 1,
    )
)
_ADVANCE_MANY = (
    update(_CLOCKS)
    .where(_CLOCKS.c.incident_id == bindparam("_id"), _CLOCKS.c.version == bindparam("_version"))
    .values(
        response_stage=bindparam("_response"),
        resolution_stage=bindparam("_resolution"),
        next_check_at=bindparam("_next"),
        version=_CLOCKS.c.version + literal_column("1"),  # no parameter: `_compiled`
    )
)


async def insert_events(
    session: AsyncSession, events: Sequence[EventRow], actor: Person, at: datetime
) -> None:
    """Insert the batch's timeline events, all by `actor` at `at`, in the order given."""
    if not events:
        return
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await session.execute(
            _INSERT_EVENTS_PG,
            {
                "new_incident_id": [e.incident_id for e in events],
                "new_kind": [e.kind for e in events],
                "new_text": [e.text for e in events],
                "new_at": at,
                "new_actor_key": actor.key,
                "new_actor_name": actor.name,
                "new_changes": {},
            },
        )
        return
    common = {
        "at": _to_driver(connection, _EVENTS.c.at.type)(at),
        "actor_key": actor.key,
        "actor_name": actor.name,
        "changes": _to_driver(connection, _EVENTS.c.changes.type)({}),
    }
    rows = [
        {**common, "incident_id": e.incident_id, "kind": e.kind, "text": e.text} for e in events
    ]
    await _executemany(connection, _INSERT_EVENTS_MANY, rows)


async def advance(session: AsyncSession, moves: Sequence[Advance]) -> None:
    """Move the incidents' clock stages and next checks on, each at the clock's version
    read, and those versions on by one. Raises the ORM's StaleDataError (on which
    `Database.run` retries the unit of work) if any row had moved on."""
    if not moves:
        return
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        result = await session.execute(
            _ADVANCE_PG,
            {
                "moved_id": [m.incident_id for m in moves],
                "moved_version": [m.version for m in moves],
                "moved_response": [m.response for m in moves],
                "moved_resolution": [m.resolution for m in moves],
                "moved_next_check": [m.next_check for m in moves],
            },
        )
        updated = getattr(result, "rowcount", -1)  # one statement: exact
    else:
        to_text = _to_driver(connection, _CLOCKS.c.next_check_at.type)
        rows = [
            {
                "_id": m.incident_id,
                "_version": m.version,
                "_response": m.response,
                "_resolution": m.resolution,
                "_next": to_text(m.next_check),
            }
            for m in moves
        ]
        updated = await _executemany(connection, _ADVANCE_MANY, rows)  # sqlite3's sum: exact
    if updated != len(moves):
        raise StaleDataError(
            f"the SLA sweep updated {updated} of {len(moves)} incidents at the version read"
        )


def _to_driver(connection: AsyncConnection, kind: TypeEngine[Any]) -> Callable[[Any], Any]:
    """What turns a value into the form its column's type hands the driver (a time
    into SQLite's text)."""
    dialect = connection.dialect
    return kind.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


async def _executemany(
    connection: AsyncConnection, statement: Executable, rows: list[dict[str, Any]]
) -> int:
    """SQLite: run `statement` once per row through the driver's own executemany, the
    rows' values already as the driver takes them (`_to_driver`). Returns the rows changed.

    SQLAlchemy's executemany would prepare each row's parameters in Python, through the
    compiled statement and each type; for a batch of 500 that was half the time of
    these writes, and the batch's values need none of it."""
    sql, in_order = _compiled(statement, connection.dialect)
    result = await connection.exec_driver_sql(sql, [in_order(row) for row in rows])
    return int(getattr(result, "rowcount", -1))


_COMPILED: dict[tuple[int, str], tuple[str, itemgetter[Any]]] = {}


def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, itemgetter[Any]]:
    """The statement's SQL for the driver, and what picks a row's values in the order
    of its placeholders (the statements bind nothing else: no literal parameters)."""
    key = (id(statement), dialect.name)  # the statements are module constants
    if key not in _COMPILED:
        compiled: Compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        names = compiled.positiontup or []
        literals = [name for name, value in compiled.params.items() if value is not None]
        assert len(names) > 1 and not literals, f"{compiled.string}: {names}, {literals}"
        _COMPILED[key] = (compiled.string, itemgetter(*names))
    return _COMPILED[key]
