"""Incidents as neutral cards and lines of text, for every adapter to render."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from bot.ids import format_id
from bot.messages import Button, Card, Field, Reply, Severity
from bot.models import Incident, IncidentEvent
from bot.services.incidents import waits_on_reporter
from bot.services.knowledge import Suggestion
from bot.services.lifecycle import OPEN, State, allowed_actions
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.wording import counted, times

# A card's buttons. Resolve needs a note the button can't carry, and Escalate offers to
# give a reason and a team: Slack and Discord ask in a form, the console shows the
# command to type.
ONE_CLICK = {
    "claim": "Claim",
    "resolve": "Resolve",
    "escalate": "Escalate",
    "resume": "Resume",
    "close": "Close",
    "reopen": "Reopen",
}
_SEVERITY = {"P1": Severity.DANGER, "P2": Severity.WARNING}
_FIELD_NAMES = {
    "assignee": "owner",
    "group": "group",
    "response_due_at": "response due",
    "resolution_due_at": "resolution due",
    "escalation_level": "escalation level",
}


# Changes a timeline line doesn't list: the event's kind or text already says them.
_SAID_ELSEWHERE = frozenset(
    {
        "updated_at",
        "resolved_at",
        "closed_at",
        "pending_reason",
        "pending_on",
        "resolution_note",
        "manager_escalated",
        "satisfaction",
        "duplicate_of_id",  # "duplicate of INC-000001", in the event's text
    }
)


def stamp(moment: datetime | None, zone: tzinfo = UTC) -> str:
    """2026-11-23 14:05 UTC, or in the desk's time zone: 2026-11-23 15:05 CET."""
    if moment is None:
        return "-"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def span(delta: timedelta) -> str:
    """1d 2h, 1h 55m, 12m, 30s."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    text = " ".join(p for p in parts if p)
    return text or f"{secs}s"


def ago(delta: timedelta) -> str:
    """How long ago: "just now" within a minute, else "12m ago"."""
    return "just now" if delta.total_seconds() < 60 else f"{span(delta)} ago"


def due(moment: datetime, now: datetime, met_at: datetime | None, zone: tzinfo = UTC) -> str:
    """A due time with how it stands: met, time left, or overdue."""
    if met_at is not None:
        verdict = "met" if met_at <= moment else "missed"
        return f"{stamp(moment, zone)} ({verdict})"
    left = moment - now
    state = f"in {span(left)}" if left.total_seconds() >= 0 else f"overdue by {span(left)}"
    return f"{stamp(moment, zone)} ({state})"


def state_label(state: str) -> str:
    return state.replace("_", " ")


def incident_card(
    incident: Incident,
    rules: DeskRules,
    now: datetime,
    recent: Sequence[IncidentEvent] = (),
    articles: Sequence[str] = (),
) -> Card:
    """Status, owner, group, priority, SLA due times and the last updates."""
    names, zone = rules.directory, rules.settings.desk.zone
    priority = rules.settings.priorities[incident.priority]
    fields = [
        Field("State", _state_text(incident)),
        Field(
            "Priority",
            f"{incident.priority} {priority.name} "
            f"(impact {incident.impact}, urgency {incident.urgency})",
        ),
        Field("Category", incident.category),
        Field("Type", incident.kind),
        Field("Group", incident.group),
        Field("Owner", names.name_of(incident.assignee)),
        Field("Reporter", incident.reporter_name),
        Field("Affected", _people(incident.people_affected)),
        Field("Opened", f"{stamp(incident.opened_at, zone)} ({ago(now - incident.opened_at)})"),
        Field("Response due", due(incident.response_due_at, now, incident.responded_at, zone)),
        Field("Resolution due", _resolution_due(incident, now, zone)),
        *_extra_fields(incident),
        *([Field("Articles", ", ".join(articles), short=False)] if articles else []),
    ]
    footer = "\n".join(describe_event(e, rules) for e in recent)
    return Card(
        title=f"{format_id(incident.id)} · {incident.summary}",
        fields=tuple(fields),
        body=incident.description,
        footer=f"Last updates:\n{footer}" if footer else "",
        severity=_severity(incident),
    )


def _people(count: int | None) -> str:
    count = count or 1
    return counted(count, "person", "people")


def _state_text(incident: Incident) -> str:
    text = state_label(incident.state)
    if incident.state == State.PENDING and incident.pending_reason:
        on = "the reporter" if waits_on_reporter(incident) else "a third party"
        text += f" on {on}: {incident.pending_reason}"
    return text


def _resolution_due(incident: Incident, now: datetime, zone: tzinfo) -> str:
    done = incident.resolved_at or (
        incident.closed_at if incident.state == State.CANCELLED else None
    )
    return due(incident.resolution_due_at, now, done, zone)


def _extra_fields(incident: Incident) -> list[Field]:
    extra = []
    if incident.escalation_level or incident.manager_escalated:
        parts = [f"level {incident.escalation_level}"] if incident.escalation_level else []
        parts += ["manager involved"] if incident.manager_escalated else []
        extra.append(Field("Escalation", ", ".join(parts)))
    if incident.resolution_note:
        # Reopened, the fix on record is one that did not hold: it is no resolution.
        label = "Resolution" if incident.state not in OPEN else "Tried before"
        fix = f"{incident.resolution_note} ({incident.resolution_code})"
        extra.append(Field(label, fix, short=False))
    if incident.duplicate_of_id:
        extra.append(Field("Duplicate of", format_id(incident.duplicate_of_id)))
    if incident.reopen_count:
        extra.append(Field("Reopened", times(incident.reopen_count)))
    return extra


def _severity(incident: Incident) -> Severity:
    if incident.state in (State.RESOLVED, State.CLOSED):
        return Severity.SUCCESS
    if incident.state == State.CANCELLED:
        return Severity.INFO
    return _SEVERITY.get(incident.priority, Severity.INFO)


def buttons_for(incident: Incident, viewer: Person) -> tuple[Button, ...]:
    """One-click actions the viewer may take now; each maps to a command."""
    if not viewer.is_agent:
        return ()
    value = str(incident.id)
    possible = allowed_actions(State(incident.state))
    return tuple(
        Button(label, f"incident.{action}", value, "primary" if action == "claim" else "default")
        for action, label in ONE_CLICK.items()
        if action in possible
    )


def incident_reply(
    text: str,
    incident: Incident,
    rules: DeskRules,
    now: datetime,
    viewer: Person,
    recent: Sequence[IncidentEvent] = (),
    articles: Sequence[str] = (),
    first: Sequence[Button] = (),
) -> Reply:
    """A confirmation line with the incident's card, and buttons (`first` before the rest)."""
    return Reply(
        text=text,
        card=incident_card(incident, rules, now, recent, articles),
        buttons=(*first, *buttons_for(incident, viewer)),
    )


def list_line(incident: Incident, rules: DeskRules) -> str:
    owner = incident.assignee or f"({incident.group})"
    return (
        f"{format_id(incident.id)} · {incident.priority} · {state_label(incident.state)} · "
        f"{owner} · {incident.summary}"
    )


def describe_event(event: IncidentEvent, rules: DeskRules) -> str:
    """One timeline row as a line: when, who, what, what changed."""
    zone = rules.settings.desk.zone
    parts = [f"{stamp(event.at, zone)} · {event.actor_name} · {event.kind.replace('_', ' ')}"]
    if event.kind != "opened":
        changes = ", ".join(
            f"{_FIELD_NAMES.get(name, name.replace('_', ' '))} "
            f"{_shown(before, zone)} → {_shown(after, zone)}"
            for name, (before, after) in event.changes.items()
            if name not in _SAID_ELSEWHERE
        )
        if changes:
            parts.append(changes)
    if event.text:
        parts.append(f'"{event.text}"')
    return " · ".join(parts)


def _shown(value: Any, zone: tzinfo) -> str:
    if value is None:
        return "-"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        return stamp(datetime.fromisoformat(value), zone)
    return state_label(str(value)) if isinstance(value, str) else str(value)


def suggestion_line(s: Suggestion) -> str:
    """One result and why it came up (its ranking score is for `deskbot kb search --json`)."""
    return f"{s.article.id} · {s.article.title} — matched {s.reason}"


def suggestions_text(opened: str, found: Sequence[Suggestion]) -> str:
    """The suggestions come first: what the reporter can try before an agent gets to it."""
    lines = "\n".join(f"{n}. {suggestion_line(s)}" for n, s in enumerate(found, start=1))
    return (
        f"{opened}\nThese articles may fix it right away:\n{lines}\n"
        "If one does, press “This solved it”; if not, “I still need help” and the desk takes it."
    )


def feedback_buttons(incident: int, found: Sequence[Suggestion]) -> tuple[Button, ...]:
    solved = tuple(
        Button(
            f"This solved it: {_short(s.article.title)}",
            "kb.solved",
            f"{incident} {s.article.id}",
            "primary",
        )
        for s in found
    )
    ids = " ".join(s.article.id for s in found)
    return (*solved, Button("I still need help", "kb.unsolved", f"{incident} {ids}"))


def _short(title: str, width: int = 40) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"
