"""An agent's or a group's open incidents, the one closest to breaching its SLA first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Incident
from bot.services.lifecycle import OPEN

LIMIT = 25


async def sla_queue(
    session: AsyncSession,
    *,
    assignee: str | None = None,
    groups: Sequence[str] | None = None,
    escalated_in: Sequence[str] | None = None,
) -> tuple[list[Incident], int]:
    """Open incidents owned by `assignee`, held by one of the `groups`, or
    escalated to the manager in one of the groups `escalated_in`: running clocks first in
    the order they fall due (the response while nobody has answered, else the
    resolution), then the pending ones, whose clocks stand still; and how many in all."""
    conditions = [Incident.state.in_([s.value for s in OPEN])]
    if assignee is not None:
        conditions.append(Incident.assignee == assignee)
    if groups is not None:
        conditions.append(Incident.group.in_(groups))
    if escalated_in is not None:
        conditions += [Incident.manager_escalated.is_(True), Incident.group.in_(escalated_in)]
    total = await session.scalar(select(func.count(Incident.id)).where(*conditions))
    paused = case((Incident.sla_paused_since.is_not(None), 1), else_=0)
    rows = await session.scalars(
        select(Incident).where(*conditions).order_by(paused, _next_due(), Incident.id).limit(LIMIT)
    )
    return list(rows), total or 0


def _next_due() -> ColumnElement[datetime]:
    """The due time of the clock that runs: the response while nobody has answered."""
    return case(
        (Incident.responded_at.is_(None), Incident.response_due_at),
        else_=Incident.resolution_due_at,
    )


@dataclass(frozen=True, slots=True)
class OwnerLoad:
    """What one owner (None: nobody yet) holds of a queue, and how much of it is late."""

    owner: str | None
    open: int
    overdue: int


async def load_by_owner(
    session: AsyncSession, groups: Sequence[str], now: datetime
) -> list[OwnerLoad]:
    """The open incidents of the `groups` per owner, the busiest first and nobody's last:
    counted in the database, so that it covers the whole queue, not the lines shown."""
    late = and_(Incident.sla_paused_since.is_(None), _next_due() < now)
    rows = await session.execute(
        select(Incident.assignee, func.count(Incident.id), func.sum(case((late, 1), else_=0)))
        .where(Incident.state.in_([s.value for s in OPEN]), Incident.group.in_(groups))
        .group_by(Incident.assignee)
    )
    loads = [OwnerLoad(owner, count, int(overdue or 0)) for owner, count, overdue in rows]
    return sorted(loads, key=lambda load: (load.owner is None, -load.open, load.owner or ""))


async def unowned_incidents(
    session: AsyncSession, groups: Sequence[str], *, owned_too: bool = False
) -> list[Incident]:
    """The open incidents nobody owns in `groups` (or every open one there, with
    `owned_too`), the newest first (at most LIMIT)."""
    if not groups:
        return []
    conditions = [Incident.state.in_([s.value for s in OPEN]), Incident.group.in_(groups)]
    if not owned_too:
        conditions.append(Incident.assignee.is_(None))
    rows = await session.scalars(
        select(Incident).where(*conditions).order_by(Incident.id.desc()).limit(LIMIT)
    )
    return list(rows)


async def next_unowned(session: AsyncSession, groups: Sequence[str]) -> Incident | None:
    """The open incident nobody owns in `groups` that falls due first, for an agent to
    take next. Pending ones wait on someone else, so they are not offered. The row is
    locked and another worker's locked one skipped (PostgreSQL), so that two agents
    asking at once are given two incidents, not one between them."""
    if not groups:
        return None
    return await session.scalar(
        select(Incident)
        .where(
            Incident.state.in_([s.value for s in OPEN]),
            Incident.assignee.is_(None),
            Incident.group.in_(groups),
            Incident.sla_paused_since.is_(None),
        )
        .order_by(_next_due(), Incident.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


async def unowned(session: AsyncSession, groups: Sequence[str]) -> dict[str, int]:
    """How many open incidents nobody owns yet, per group of `groups` that has any: the
    work an agent's own queue does not show them."""
    if not groups:
        return {}
    rows = await session.execute(
        select(Incident.group, func.count(Incident.id))
        .where(
            Incident.state.in_([s.value for s in OPEN]),
            Incident.assignee.is_(None),
            Incident.group.in_(groups),
        )
        .group_by(Incident.group)
    )
    found: dict[str, int] = {group: count for group, count in rows}
    return {group: found[group] for group in groups if found.get(group)}
