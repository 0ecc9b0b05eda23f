"""The SLA sweep's writes for one batch: its timeline events, and its clocks moved on.

Each is one statement for the whole batch. On PostgreSQL that statement reads its rows
from arrays (`unnest`): one round trip instead of one per row, which was most of a
large sweep's time there. SQLite runs in the process, where an executemany costs no
round trips, so it gets one. Either way a clock moves only at the version read, as the
ORM's `version_id_col` would check, and a row that moved on fails the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, bindparam, column, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeEngine

from bot.models import Incident, IncidentEvent, UTCDateTime
from bot.services.people import Person


@dataclass(frozen=True, slots=True)
class EventRow:
    """One timeline event the sweep writes."""

    incident_id: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Advance:
    """An incident's clock stages and next check after the sweep, at the version read."""

    id: int
    version: int
    response: int
    resolution: int
    next_check: datetime | None


_EVENTS = IncidentEvent.__table__
_INCIDENTS = Incident.__table__


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
    ["incident_id", "at", "actor_key", "actor_name", "kind", "changes", "text"],
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

_MOVED = _arrays(
    "moved",
    id=Integer(),
    version=Integer(),
    response=Integer(),
    resolution=Integer(),
    next_check=UTCDateTime(),
)
_ADVANCE_PG = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == _MOVED.c.id, _INCIDENTS.c.version == _MOVED.c.version)
    .values(
        sla_response_stage=_MOVED.c.response,
        sla_resolution_stage=_MOVED.c.resolution,
        sla_next_check_at=_MOVED.c.next_check,
        version=_INCIDENTS.c.version + 1,
    )
)
_ADVANCE_MANY = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("_id"), _INCIDENTS.c.version == bindparam("_version"))
    .values(
        sla_response_stage=bindparam("_response", type_=Integer()),
        sla_resolution_stage=bindparam("_resolution", type_=Integer()),
        sla_next_check_at=bindparam("_next", type_=UTCDateTime()),
        version=_INCIDENTS.c.version + 1,
    )
)


async def insert_events(
    session: AsyncSession, events: Sequence[EventRow], actor: Person, at: datetime
) -> None:
    """Insert the batch's timeline events, all by `actor` at `at`, in the order given."""
    if not events:
        return
    if await _is_postgresql(session):
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
    common = {"at": at, "actor_key": actor.key, "actor_name": actor.name, "changes": {}}
    rows = [
        {**common, "incident_id": e.incident_id, "kind": e.kind, "text": e.text} for e in events
    ]
    await session.execute(insert(_EVENTS), rows)


async def advance(session: AsyncSession, moves: Sequence[Advance]) -> None:
    """Move the incidents' clock stages and next checks on, each at the version read,
    and their versions on by one. Raises the ORM's StaleDataError (on which
    `Database.run` retries the unit of work) if any row had moved on."""
    if not moves:
        return
    if await _is_postgresql(session):
        result = await session.execute(
            _ADVANCE_PG,
            {
                "moved_id": [m.id for m in moves],
                "moved_version": [m.version for m in moves],
                "moved_response": [m.response for m in moves],
                "moved_resolution": [m.resolution for m in moves],
                "moved_next_check": [m.next_check for m in moves],
            },
        )
    else:
        result = await session.execute(
            _ADVANCE_MANY,
            [
                {
                    "_id": m.id,
                    "_version": m.version,
                    "_response": m.response,
                    "_resolution": m.resolution,
                    "_next": m.next_check,
                }
                for m in moves
            ],
        )
    updated = getattr(result, "rowcount", -1)  # one statement, or sqlite3's sum: exact
    if updated != len(moves):
        raise StaleDataError(
            f"the SLA sweep updated {updated} of {len(moves)} incidents at the version read"
        )


async def _is_postgresql(session: AsyncSession) -> bool:
    return (await session.connection()).dialect.name == "postgresql"
