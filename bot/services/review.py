"""The incidents behind a period's figures, for the manager's review: the SLA clocks
that missed their target, the incidents reopened, and those their reporters rated poor.
The weekly digest lists them for its week, and /report for any period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ids import format_id
from bot.models import Incident, IncidentEvent
from bot.services.incidents import RATED, REOPENED
from bot.services.report_window import Window
from bot.services.reports import (
    RESOLVED_STATES,
    resolution_met,
    resolution_overdue,
    response_end,
    response_missed,
    response_overdue,
)

T = TypeVar("T")
LISTED = 15  # incidents listed by name in each list; the rest are counted


@dataclass(frozen=True, slots=True)
class Miss:
    """A clock that missed its SLA target in the period: which incident, which clock."""

    incident: int
    summary: str
    priority: str
    clock: str  # "response" or "resolution"
    running: bool  # still open and overdue, rather than stopped late


@dataclass(frozen=True, slots=True)
class Reopening:
    incident: int
    summary: str
    times: int  # reopened this many times in the period


@dataclass(frozen=True, slots=True)
class PoorRating:
    incident: int
    summary: str
    comment: str  # what went wrong, in the reporter's words ("" when they said nothing)


@dataclass(frozen=True, slots=True)
class Review:
    """Each list: the incidents listed, and how many there are in all."""

    misses: tuple[list[Miss], int] = field(default_factory=lambda: ([], 0))
    reopened: tuple[list[Reopening], int] = field(default_factory=lambda: ([], 0))
    poor: tuple[list[PoorRating], int] = field(default_factory=lambda: ([], 0))


async def review(session: AsyncSession, window: Window, limit: int | None = LISTED) -> Review:
    """The three lists, each cut at `limit` (None: all of them, for the exports)."""
    return Review(
        await sla_misses(session, window, limit),
        await reopenings(session, window, limit),
        await poor_ratings(session, window, limit),
    )


async def sla_misses(
    session: AsyncSession, window: Window, limit: int | None = LISTED
) -> tuple[list[Miss], int]:
    """The clocks that missed their target in the window (as the report counts them),
    the first `limit` by incident number, and how many in all."""
    ended = response_end()
    group = [Incident.group == window.group] if window.group else []
    queries = [
        ("response", False, [response_missed(), ended >= window.since, ended < window.until]),
        (
            "resolution",
            False,
            [
                Incident.state.in_([s.value for s in RESOLVED_STATES]),
                Incident.resolved_at >= window.since,
                Incident.resolved_at < window.until,
                resolution_met() == 0,
            ],
        ),
    ]
    for clock, (due, where) in (
        ("response", response_overdue()),
        ("resolution", resolution_overdue()),
    ):
        queries.append((clock, True, [*where, due >= window.since, due < window.until]))
    misses: list[Miss] = []
    total = 0
    for clock, running, where in queries:
        total += int(await session.scalar(select(func.count()).where(*where, *group)) or 0)
        rows = await session.execute(
            select(Incident.id, Incident.summary, Incident.priority)
            .where(*where, *group)
            .order_by(Incident.id)
            .limit(limit)
        )
        misses += [Miss(n, summary, p, clock, running) for n, summary, p in rows]
    misses.sort(key=lambda m: (m.incident, m.clock != "response"))
    return misses[:limit], total


async def reopenings(
    session: AsyncSession, window: Window, limit: int | None = LISTED
) -> tuple[list[Reopening], int]:
    """Incidents reopened in the window (from their timeline), the first `limit`, and how
    many in all."""
    times = func.count(IncidentEvent.id)
    where = [
        IncidentEvent.kind == REOPENED,
        IncidentEvent.at >= window.since,
        IncidentEvent.at < window.until,
    ]
    if window.group:
        where.append(Incident.group == window.group)
    query = (
        select(Incident.id, Incident.summary, times)
        .join(Incident, Incident.id == IncidentEvent.incident_id)
        .where(*where)
        .group_by(Incident.id, Incident.summary)
        .order_by(Incident.id)
    )
    rows = list(await session.execute(query))
    return [Reopening(n, summary, count) for n, summary, count in rows[:limit]], len(rows)


async def poor_ratings(
    session: AsyncSession, window: Window, limit: int | None = LISTED
) -> tuple[list[PoorRating], int]:
    """Incidents their reporters rated poor in the window, and still do (the latest rating
    counts), with what went wrong: the first `limit`, and how many in all."""
    where = [
        IncidentEvent.kind == RATED,
        IncidentEvent.at >= window.since,
        IncidentEvent.at < window.until,
        Incident.satisfaction == "poor",
    ]
    if window.group:
        where.append(Incident.group == window.group)
    query = (
        select(Incident.id, Incident.summary, IncidentEvent.text)
        .join(Incident, Incident.id == IncidentEvent.incident_id)
        .where(*where)
        .order_by(IncidentEvent.id)
    )
    latest = {n: (summary, text or "") for n, summary, text in await session.execute(query)}
    found = [
        PoorRating(n, summary, text.partition(": ")[2])
        for n, (summary, text) in sorted(latest.items())
    ]
    return found[:limit], len(found)


# -- as lines of text -----------------------------------------------------------


def review_lines(found: Review, when: str, *, all_lists: bool = True) -> list[str]:
    """The three lists as lines ("SLA breaches this week: 2", "• INC-000012 …"); without
    `all_lists`, only those with something in them."""
    sections = [
        (
            f"SLA breaches {when}",
            found.misses,
            lambda m: (
                f"{format_id(m.incident)} {m.priority} {m.clock}"
                f"{' (still open, overdue)' if m.running else ''} · {_short(m.summary)}"
            ),
        ),
        (
            f"Reopened {when}",
            found.reopened,
            lambda r: (
                f"{format_id(r.incident)}{f' ({r.times}×)' if r.times > 1 else ''} · "
                f"{_short(r.summary)}"
            ),
        ),
        (
            f"Rated poor {when}",
            found.poor,
            lambda r: (
                f"{format_id(r.incident)} · {_short(r.summary)}"
                + (f": {r.comment}" if r.comment else "")
            ),
        ),
    ]
    lines: list[str] = []
    for title, listed, line in sections:
        if all_lists or listed[1]:
            lines += _section(title, listed, line)
    return lines


def _section(title: str, found: tuple[list[T], int], line: Callable[[T], str]) -> list[str]:
    listed, total = found
    more = [f"… and {total - len(listed)} more"] if total > len(listed) else []
    return [f"{title}: {total}", *(f"• {line(item)}" for item in listed), *more]


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
