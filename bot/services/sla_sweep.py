"""The SLA sweep: report the warnings and breaches that are due, and escalate.

One batch is one transaction: it locks the incidents whose indexed
`sla_next_check_at` has come (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a second
worker takes the next ones instead of waiting; SQLite has one writer), writes a
timeline event per crossed threshold, advances the clock's stage and the next
check, escalates if config.yaml says so, and writes the notifications, all in that
transaction. A threshold is therefore reported exactly once however many workers
sweep: whoever holds the row reports it and moves the stage on before letting go.
Open incidents that are not due are never read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, bindparam, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.cards import span, stamp
from bot.errors import DeskError
from bot.models import Incident, IncidentEvent, OutboxRow, UTCDateTime
from bot.notices import write_notices
from bot.services.incidents import SYSTEM, Incidents
from bot.services.rules import DeskRules
from bot.services.sla import RESOLUTION, RESPONSE, set_stage, stage_of

log = logging.getLogger(__name__)
BATCH = 200
WARNING, BREACH = "sla_warning", "sla_breach"
FUNCTIONAL, HIERARCHIC = "functional", "hierarchic"


@dataclass(slots=True)
class SweepReport:
    """What the sweep did: incidents looked at, events written, escalations."""

    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0

    def add(self, other: SweepReport) -> None:
        self.checked += other.checked
        self.warnings += other.warnings
        self.breaches += other.breaches
        self.escalations += other.escalations


def due_query(now: datetime, limit: int = BATCH) -> Select[tuple[Incident]]:
    """The incidents whose next SLA check has come, through the index on that column;
    rows another worker is sweeping right now are skipped, not waited for."""
    return (
        select(Incident)
        .where(Incident.sla_next_check_at <= now)
        .order_by(Incident.sla_next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def sweep_batch(
    session: AsyncSession, rules: DeskRules, now: datetime, limit: int = BATCH
) -> SweepReport:
    """Check up to `limit` due incidents in the caller's transaction."""
    due = await session.scalars(due_query(now, limit))
    report = SweepReport()
    incidents = Incidents(session, rules, now)
    advanced: list[dict[str, Any]] = []
    for incident in list(due):
        report.checked += 1
        moved = await _check(incidents, incident, report)
        if moved is not None:
            advanced.append(moved)
    await write_notices(session, rules, now)
    await _insert_in_bulk(session)
    if advanced:
        # One statement for the whole batch instead of one versioned UPDATE per row
        # (the row locks are held, and the version still moves on for other writers).
        await session.execute(_ADVANCE, advanced)
    return report


async def _insert_in_bulk(session: AsyncSession) -> None:
    """Write the batch's new timeline and outbox rows with one executemany per table.
    The ORM inserts them one at a time on SQLite (to read each new id back in order),
    and nothing here needs their ids."""
    inserts = []
    for model in (IncidentEvent, OutboxRow):
        table = model.__table__
        columns = [c for c in table.columns if not c.primary_key]
        # In the order they were added, as the ORM would: a place's notices go out in id order.
        new = sorted(
            (obj for obj in session.new if isinstance(obj, model)),
            key=lambda obj: inspect(obj).insert_order,
        )
        rows = [{c.key: getattr(obj, c.key) for c in columns} for obj in new]
        if not rows or any(
            r[c.key] is None and c.default is not None for r in rows for c in columns
        ):
            continue  # a column left to its default: let the ORM fill it in
        for obj in new:
            session.expunge(obj)
        inserts.append((insert(table), rows))
    for statement, rows in inserts:  # after every expunge: an execute autoflushes the rest
        await session.execute(statement, rows)


_TABLE = Incident.__table__
_ADVANCE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("_id"))
    .values(
        sla_response_stage=bindparam("_response", type_=Integer()),
        sla_resolution_stage=bindparam("_resolution", type_=Integer()),
        sla_next_check_at=bindparam("_next", type_=UTCDateTime()),
        version=_TABLE.c.version + 1,
    )
)


async def _check(
    incidents: Incidents, incident: Incident, report: SweepReport
) -> dict[str, Any] | None:
    """Report the highest threshold each running clock has newly crossed (a warning
    overtaken by the breach, say after a reclassification, is not reported late).
    Returns the columns to advance in bulk, or None when an escalation changed the
    incident through the incident service (which saves it itself)."""
    policy, now = incidents.rules.sla, incidents.now
    crossed: dict[str, int] = {}
    for clock in policy.running(incident):
        count = policy.crossed(incident, clock, now)
        if count > stage_of(incident, clock):
            crossed[clock] = count
    breached = [c for c, count in crossed.items() if policy.thresholds[count - 1] >= 1]
    escalating = _escalations(incidents, incident, breached)
    for clock, count in crossed.items():
        fraction = policy.thresholds[count - 1]
        if fraction >= 1:
            report.breaches += 1
            incidents.record(incident, BREACH, _breach_text(incidents, incident, clock))
        else:
            report.warnings += 1
            incidents.record(incident, WARNING, _warning_text(incidents, incident, clock, fraction))
        set_stage(incident, clock, count, quietly=not escalating)
    if escalating:
        incident.sla_next_check_at = policy.next_check(incident)
        report.escalations += await _escalate(incidents, incident, escalating)
        return None
    after = policy.next_check(incident)
    set_committed_value(incident, "sla_next_check_at", after)
    return {
        "_id": incident.id,
        "_response": incident.sla_response_stage,
        "_resolution": incident.sla_resolution_stage,
        "_next": after,
    }


def _escalations(incidents: Incidents, incident: Incident, breached: list[str]) -> list[str]:
    """Which of the optional automatic escalations (config.yaml `sla`) are due now."""
    sla, groups = incidents.rules.settings.sla, incidents.rules.settings.groups
    group = groups[incident.group]
    wanted = []
    unclaimed = incident.assignee is None and group.escalates_to is not None
    if RESPONSE in breached and sla.escalate_unclaimed and unclaimed:
        wanted.append(FUNCTIONAL)
    if RESOLUTION in breached and incident.priority in sla.escalate_breached:
        wanted.append(HIERARCHIC)
    return wanted


async def _escalate(incidents: Incidents, incident: Incident, wanted: list[str]) -> int:
    done = 0
    if FUNCTIONAL in wanted:
        done += await _try_escalate(incidents, incident, hierarchic=False)
    # The group's manager, of the group it is with now (it may just have moved on).
    manager = incidents.rules.settings.groups[incident.group].manager
    if HIERARCHIC in wanted and manager and not incident.manager_escalated:
        done += await _try_escalate(incidents, incident, hierarchic=True)
    return done


async def _try_escalate(incidents: Incidents, incident: Incident, *, hierarchic: bool) -> int:
    """An automatic escalation the incident service refuses (it checks before changing
    anything) is logged and skipped: the breach is reported all the same, and one odd
    incident must not stop the sweep for every other."""
    try:
        await incidents.escalate(incident.id, SYSTEM, to_group=None, hierarchic=hierarchic)
    except DeskError as exc:
        log.warning("SLA escalation of incident %s skipped: %s", incident.id, exc)
        return 0
    return 1


def _warning_text(incidents: Incidents, incident: Incident, clock: str, fraction: float) -> str:
    target = _target(incidents, incident, clock)
    due = incident.response_due_at if clock == RESPONSE else incident.resolution_due_at
    return (
        f"{clock} clock at {round(fraction * 100)}% of {span(target)}; "
        f"due {stamp(due)} (in {span(due - incidents.now)})"
    )


def _breach_text(incidents: Incidents, incident: Incident, clock: str) -> str:
    target = _target(incidents, incident, clock)
    due = incident.response_due_at if clock == RESPONSE else incident.resolution_due_at
    return f"{clock} target of {span(target)} missed; it was due {stamp(due)}"


def _target(incidents: Incidents, incident: Incident, clock: str) -> timedelta:
    response, resolution = incidents.rules.sla.targets(incident.priority)
    return response if clock == RESPONSE else resolution
