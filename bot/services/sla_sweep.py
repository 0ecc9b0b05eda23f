"""The SLA sweep: report the warnings and breaches that are due, and escalate.

One batch is one transaction: it locks the incidents whose indexed next check
(`sla_clocks.next_check_at`) has come (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a second
worker takes the next ones instead of waiting; SQLite has one writer), writes a
timeline event per crossed threshold, advances the clock's stage and the next
check, escalates if config.yaml says so, and writes the notifications, all in that
transaction. A threshold is therefore reported exactly once however many workers
sweep: whoever holds the row reports it and moves the stage on before letting go.
Open incidents that are not due are never loaded (though PostgreSQL, by its costs,
may join a small incidents table by scanning it: tests/integration/test_sla_index.py).

The batch's timeline events, notifications and clock updates are written with one
statement per table (services/sla_writes.py) rather than an ORM object per row
(building those was most of a large sweep's time); an incident that is escalated goes
through the incident service and the ORM as any change does. Many warnings for one
person in a batch reach them as one digest (notices.py).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from bot.cards import span, stamp
from bot.errors import DeskError
from bot.models import Incident, SlaClock
from bot.notices import write_notices
from bot.outbox import OutboxBatch
from bot.services.incidents import CHANGES, SYSTEM, Incidents
from bot.services.rules import DeskRules
from bot.services.sla import RESOLUTION, RESPONSE, set_stage, stage_of
from bot.services.sla_writes import Advance, EventRow, advance, insert_events

log = logging.getLogger(__name__)
BATCH = 500
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
        .join(Incident.clock)
        .options(contains_eager(Incident.clock))  # the join above, not a second one
        .where(SlaClock.next_check_at <= now)
        .order_by(SlaClock.next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def sweep_batch(
    session: AsyncSession,
    rules: DeskRules,
    now: datetime,
    limit: int = BATCH,
    *,
    bulk: bool = True,
) -> SweepReport:
    """Check up to `limit` due incidents in the caller's transaction.

    The timeline events, notifications and clock updates are written in bulk, one
    executemany per table for the batch, through the same notification rules as any
    change. `bulk=False` writes the same rows one ORM object at a time, as an escalated
    incident always is: the reference the bulk path is tested against."""
    due = list(await session.scalars(due_query(now, limit)))
    report = SweepReport()
    incidents = Incidents(session, rules, now)
    timeline = _Timeline(incidents) if bulk else None
    advanced: list[Advance] = []
    for incident in due:
        report.checked += 1
        moved = await _check(incidents, incident, report, timeline)
        if moved is not None:
            advanced.append(moved)
    outbox = OutboxBatch(now) if bulk else None
    await write_notices(session, rules, now, outbox)
    if timeline is not None:
        await timeline.write(session)
    if outbox is not None:
        await outbox.write(session)
    await advance(session, advanced)  # the batch's last statement: see `_check`
    return report


class _Timeline:
    """`Incidents.record` for the bulk path: the events are kept for one insert
    (services/sla_writes.py), and the notification rules see each as any other."""

    def __init__(self, incidents: Incidents) -> None:
        self.incidents = incidents
        self.rows: list[EventRow] = []

    def record(self, incident: Incident, kind: str, text: str) -> None:
        row = EventRow(incident.id, kind, text)  # `write` inserts it; the rules read it
        self.rows.append(row)
        self.incidents.session.info.setdefault(CHANGES, []).append((incident, row, SYSTEM))

    async def write(self, session: AsyncSession) -> None:
        rows, self.rows = self.rows, []
        await insert_events(session, rows, SYSTEM, self.incidents.now)


async def _check(
    incidents: Incidents,
    incident: Incident,
    report: SweepReport,
    timeline: _Timeline | None,
) -> Advance | None:
    """Report the highest threshold each running clock has newly crossed (a warning
    overtaken by the breach, say after a reclassification, is not reported late).
    Returns the columns to advance in bulk, or None when the ORM saves the incident: on
    the per-row path, and when an escalation changed it through the incident service.

    An incident advanced in bulk keeps, in the session, its clock (stages, next check,
    version) as read: the batch's unit of work ends with that write. (Keeping the copies
    in step cost more than its clocks' checks.) The rows are held since they were read
    (BEGIN IMMEDIATE on SQLite, FOR UPDATE on PostgreSQL); `advance` checks the
    versions all the same."""
    policy = incidents.rules.sla
    crossed, next_check = policy.progress(incident, incidents.now)
    breached = [c for c, count in crossed.items() if policy.thresholds[count - 1] >= 1]
    escalating = _escalations(incidents, incident, breached)
    # An escalated incident's events go through the ORM, in order: the timeline must
    # read threshold, then escalation.
    if timeline is None or escalating:
        per_row, record = True, incidents.record
    else:
        per_row, record = False, timeline.record
    for clock, count in crossed.items():
        fraction = policy.thresholds[count - 1]
        if fraction >= 1:
            report.breaches += 1
            record(incident, BREACH, _breach_text(incidents, incident, clock))
        else:
            report.warnings += 1
            record(incident, WARNING, _warning_text(incidents, incident, clock, fraction))
    if per_row:
        for clock, count in crossed.items():
            set_stage(incident, clock, count)
        incident.clock.next_check_at = next_check
        if escalating:
            report.escalations += await _escalate(incidents, incident, escalating)
        return None
    return Advance(
        incident.id,
        incident.clock.version,
        crossed.get(RESPONSE) or stage_of(incident, RESPONSE),
        crossed.get(RESOLUTION) or stage_of(incident, RESOLUTION),
        next_check,
    )


def _escalations(incidents: Incidents, incident: Incident, breached: list[str]) -> list[str]:
    """Which of the optional automatic escalations (config.yaml `sla`) are due now."""
    if not breached:  # most checks are warnings: nothing to look up
        return []
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
    target = _target_text(incidents, incident, clock)
    due = incident.response_due_at if clock == RESPONSE else incident.resolution_due_at
    return (
        f"{clock} clock at {round(fraction * 100)}% of {target}; "
        f"due {stamp(due, incidents.rules.settings.desk.zone)} (in {span(due - incidents.now)})"
    )


def _breach_text(incidents: Incidents, incident: Incident, clock: str) -> str:
    target = _target_text(incidents, incident, clock)
    due = incident.response_due_at if clock == RESPONSE else incident.resolution_due_at
    zone = incidents.rules.settings.desk.zone
    return f"{clock} target of {target} missed; it was due {stamp(due, zone)}"


def _target_text(incidents: Incidents, incident: Incident, clock: str) -> str:
    response, resolution = incidents.rules.sla.targets(incident.priority)
    return _span_of_target(response if clock == RESPONSE else resolution)


@functools.lru_cache(maxsize=64)
def _span_of_target(target: timedelta) -> str:
    return span(target)  # a handful of targets, worded for every due incident
