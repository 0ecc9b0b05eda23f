"""SLA clocks as cards and lines of text: `/incident sla`, `/incident queue`, and the
digest a person gets when one sweep has many warnings or breaches for them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cards import span, stamp, state_label
from bot.ids import format_id
from bot.messages import Button, Card, Field, Reply, Severity
from bot.models import Incident
from bot.services.handover import Handover
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.services.sla import ClockView, is_paused
from bot.services.sla_queue import OwnerLoad, sla_queue, unowned
from bot.wording import counted

_SEVERITY = {"breached": Severity.DANGER, "missed": Severity.WARNING, "met": Severity.SUCCESS}


def after_hours(incident: Incident, rules: DeskRules, now: datetime) -> str:
    """For its reporter, when an incident opens outside its group's working hours: when
    they will pick it up ("" in working hours, or for a group that works around the
    clock)."""
    calendar = rules.sla.calendar(incident.group)
    opens = calendar.opens_after(now)
    if opens is None:
        return ""
    return (
        f"It's outside the {incident.group} team's hours ({calendar.hours_text()}), so it will "
        f"be picked up from {stamp(opens, rules.settings.desk.zone)}, when its SLA clock starts."
    )


def sla_reply(incident: Incident, rules: DeskRules, now: datetime) -> Reply:
    """Both clocks: how they stand, working time used and left, time paused, due times."""
    views = rules.sla.view(incident, now)
    priority = rules.settings.priorities[incident.priority]
    fields = [
        Field("Priority", f"{incident.priority} {priority.name}"),
        Field("State", state_label(incident.state)),
        Field("Working hours", rules.sla.calendar(incident.group).describe()),
        *(
            Field(v.name.capitalize(), clock_text(v, rules.settings.desk.zone), short=False)
            for v in views
        ),
    ]
    worst = next((v.status for v in views if v.status in _SEVERITY), "running")
    summary = ", ".join(f"{v.name} {v.status}" for v in views)
    return Reply(
        text=f"{format_id(incident.id)}: {summary}.",
        card=Card(
            title=f"{format_id(incident.id)} · {incident.summary}",
            fields=tuple(fields),
            severity=_SEVERITY.get(worst, Severity.INFO),
        ),
    )


def clock_text(view: ClockView, zone: tzinfo = UTC) -> str:
    """'running · 1h 30m of 2h used (75%), 30m left · due 2026-11-23 11:00 UTC'."""
    share = round(100 * view.elapsed / view.target)
    used = f"{span(view.elapsed)} of {span(view.target)} used ({share}%)"
    left = view.remaining
    rest = f"{span(left)} left" if left.total_seconds() > 0 else f"over by {span(left)}"
    paused = f" · paused {span(view.paused)} in all" if view.paused.total_seconds() else ""
    if view.status in ("met", "missed"):
        return f"{view.status} · {used}{paused} · was due {stamp(view.due, zone)}"
    return f"{view.status} · {used}, {rest}{paused} · due {stamp(view.due, zone)}"


async def own_queue(session: AsyncSession, rules: DeskRules, now: datetime, agent: Person) -> Reply:
    """An agent's own queue, and how much in their groups waits for an owner: what
    `/incident queue` and an agent's "my tickets" in chat answer."""
    rows, total = await sla_queue(session, assignee=agent.handle)
    waiting = await unowned(session, agent.groups)
    reply = queue_card(rows, total, "you", rules, now, waiting)
    managed = rules.directory.managed_by(agent)
    if managed:
        escalated, count = await sla_queue(session, escalated_in=managed)
        reply = _with_escalated(reply, escalated, count, rules, now) if escalated else reply
    return replace(reply, buttons=(TAKE_NEXT,)) if waiting else reply


TAKE_NEXT = Button("Take the next one", "incident.next", "", "primary")


def _with_escalated(
    reply: Reply, escalated: Sequence[Incident], count: int, rules: DeskRules, now: datetime
) -> Reply:
    """A manager's queue also holds what was escalated to them, whoever owns it."""
    heading = f"Escalated to you: {count}"
    lines = "\n".join(queue_line(i, rules, now) for i in escalated)
    card = reply.card or Card(title="Queue: you", body="")
    body = "\n".join(filter(None, (card.body, heading, lines)))
    return Reply(text=f"{reply.text}\n{heading}.", card=replace(card, body=body))


def queue_card(
    incidents: Sequence[Incident],
    total: int,
    whose: str,
    rules: DeskRules,
    now: datetime,
    unowned: Mapping[str, int] | None = None,
    load: Sequence[OwnerLoad] = (),
) -> Reply:
    waiting = _unowned_line(unowned or {})
    if not incidents:
        return Reply(text=f"No open incidents for {whose}." + (f"\n{waiting}" if waiting else ""))
    lines = "\n".join(queue_line(i, rules, now) for i in incidents)
    more = f"\nShowing the first {len(incidents)} of {total}." if total > len(incidents) else ""
    fields = (Field("By owner", _load_line(load, rules), short=False),) if load else ()
    return Reply(
        text=f"{counted(total, 'open incident')} for {whose}, closest to breach first",
        card=Card(title=f"Queue: {whose}", fields=fields, body=lines + more, footer=waiting),
    )


def handover_card(done: Handover, rules: DeskRules, now: datetime) -> Reply:
    """What a handover moved, where each went, and what stayed (in groups the manager
    doesn't manage)."""
    moved, name_of = done.moved, rules.directory.name_of
    previous = done.kept[0].assignee if done.kept else None
    text = f"Handed over {counted(len(moved), 'open incident')}, closest to breach first."
    if done.kept:
        groups = ", ".join(sorted({i.group for i in done.kept}))
        text += (
            f" {counted(len(done.kept), 'other')} {'stays' if len(done.kept) == 1 else 'stay'}"
            f" with {name_of(previous)}: "
            f"in {groups}, which you don't manage."
        )
    lines = "\n".join(queue_line(i, rules, now) for i in sorted(moved, key=_due))
    return Reply(text=text, card=Card(title=f"Handed over: {len(moved)}", body=lines))


def _load_line(load: Sequence[OwnerLoad], rules: DeskRules) -> str:
    """ "Bob Baker (bob) 4 (1 overdue) · nobody 2": who holds how much of a team's queue."""
    parts = []
    for held in load:
        who = rules.directory.name_of(held.owner) if held.owner else "nobody"
        late = f" ({held.overdue} overdue)" if held.overdue else ""
        parts.append(f"{who} {held.open}{late}")
    return " · ".join(parts)


def _unowned_line(unowned: Mapping[str, int]) -> str:
    """Work waiting for an owner in one's groups, which one's own queue leaves out."""
    if not unowned:
        return ""
    counts = ", ".join(f"{count} in {group}" for group, count in unowned.items())
    first = next(iter(unowned))
    return f"Waiting for an owner: {counts}. `/incident queue --group {first}` lists them."


def queue_line(incident: Incident, rules: DeskRules, now: datetime) -> str:
    owner = incident.assignee or f"({incident.group})"
    return (
        f"{format_id(incident.id)} · {incident.priority} · {_next_breach(incident, rules, now)}"
        f" · {state_label(incident.state)} · {owner} · {incident.summary}"
    )


def _next_breach(incident: Incident, rules: DeskRules, now: datetime) -> str:
    if is_paused(incident):
        left = rules.sla.time_to_breach(incident, now)
        return f"paused, {span(left)} left" if left and left.total_seconds() > 0 else "paused"
    if incident.responded_at is None:
        clock, due = "response", incident.response_due_at
    else:
        clock, due = "resolution", incident.resolution_due_at
    left = due - now
    if left.total_seconds() < 0:
        return f"{clock} overdue by {span(left)}"
    return f"{clock} due in {span(left)}"


DIGEST_LINES = 10  # the most urgent; the queue command lists the rest
# each digested kind: the card's title, and what the notice says of n incidents
_DIGEST_WORDS = {
    "sla_warning": ("SLA warnings", "SLA warnings on {n} incidents"),
    "sla_breach": ("SLA breaches", "SLA breaches on {n} incidents"),
    "assigned": ("Reassigned", "{n} incidents reassigned"),  # a handover
}


_DIGEST_SEVERITY = {"sla_warning": Severity.WARNING, "sla_breach": Severity.DANGER}


def sla_digest(kind: str, incidents: Sequence[Incident], rules: DeskRules, now: datetime) -> Reply:
    """One notice for many SLA warnings (or breaches, or incidents handed over): the
    incidents closest to breach first, and a button per support group to open its whole
    queue."""
    ordered = sorted(incidents, key=_due)
    lines = "\n".join(queue_line(i, rules, now) for i in ordered[:DIGEST_LINES])
    rest = len(ordered) - DIGEST_LINES
    more = f"\n… and {rest} more: `/incident queue` lists them all." if rest > 0 else ""
    title, said = _DIGEST_WORDS.get(kind, (kind, kind + " on {n} incidents"))
    groups = sorted({i.group for i in ordered})
    return Reply(
        text=f"{said.format(n=len(ordered))}, closest to breach first.",
        card=Card(
            title=f"{title}: {len(ordered)} incidents",
            body=lines + more,
            severity=_DIGEST_SEVERITY.get(kind, Severity.INFO),
        ),
        buttons=tuple(
            Button(f"{group} queue", "incident.queue", f"--group {group}") for group in groups[:3]
        ),
    )


def _due(incident: Incident) -> datetime:
    """The due time of the clock the SLA sweep watches first."""
    if incident.responded_at is None:
        return incident.response_due_at
    return incident.resolution_due_at
