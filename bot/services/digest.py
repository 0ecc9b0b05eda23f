"""The weekly review digest: the week's figures, its SLA breaches with their incidents,
and the incidents reopened, posted once a week to a broadcast channel.

The digest is due at `reports.digest.day` and `.hour` in `reports.timezone` and covers
the seven days before that moment. Every scheduler tick asks whether the latest one is
posted; a digest missed while no worker ran is posted late, until the next is due.

Posting exactly once with several workers: the post is a row in `report_digests`,
keyed by the ISO week of the moment it was due, inserted with ON CONFLICT DO NOTHING in
the same transaction as its outbox rows. Whichever worker inserts the row posts; on
PostgreSQL a second insert of the same week waits for the first transaction and then
inserts nothing, on SQLite writers take turns. The figures are computed before, in a
transaction of their own, so the write lock is held only for the insert.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import WEEKDAYS, Settings
from bot.db import Database
from bot.ids import format_id
from bot.messages import Reply
from bot.models import Incident, IncidentEvent, ReportDigest
from bot.outbox import Outbox, Recipient
from bot.report_card import report_card, summary_text
from bot.report_chart import render_chart
from bot.services.incidents import RATED
from bot.services.report_window import Window
from bot.services.reports import (
    RESOLVED_STATES,
    DeskReport,
    build_report,
    resolution_met,
    resolution_overdue,
    response_end,
    response_missed,
    response_overdue,
)
from bot.services.rules import DeskRules

T = TypeVar("T")
LISTED = 15  # breaches and reopened incidents listed by name; the rest are counted
KIND = "digest"


@dataclass(frozen=True, slots=True)
class Slot:
    """One week's digest: when it is due, the week it covers, and its key."""

    week: str  # ISO week of the due moment, "2026-W48"
    since: datetime
    until: datetime  # the due moment


def latest_slot(settings: Settings, now: datetime) -> Slot:
    """The most recent moment a digest was due at or before `now`."""
    digest = settings.reports.digest
    zone = ZoneInfo(settings.reports.timezone)
    local = now.astimezone(zone)
    back = (local.weekday() - WEEKDAYS.index(digest.day)) % 7
    day = local.date() - timedelta(days=back)
    if _at(day, digest.hour, zone) > now:
        day -= timedelta(days=7)
    year, week, _ = day.isocalendar()
    return Slot(
        f"{year}-W{week:02d}",
        _at(day - timedelta(days=7), digest.hour, zone),
        _at(day, digest.hour, zone),
    )


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Miss:
    """A clock that missed its SLA target in the week: which incident, which clock."""

    incident: int
    summary: str
    priority: str
    clock: str  # "response" or "resolution"
    running: bool  # still open and overdue, rather than stopped late


@dataclass(frozen=True, slots=True)
class Reopening:
    incident: int
    summary: str
    times: int  # reopened this many times in the week


@dataclass(frozen=True, slots=True)
class PoorRating:
    incident: int
    summary: str
    comment: str  # what went wrong, in the reporter's words ("" when they said nothing)


async def post_due_digest(database: Database, rules: DeskRules, now: datetime) -> str | None:
    """Post the latest week's digest unless it is posted already; returns the week posted
    by this call, or None."""
    settings = rules.settings.reports.digest
    if not settings.enabled or settings.channel is None:
        return None
    slot = latest_slot(rules.settings, now)
    if await database.run(lambda s: s.get(ReportDigest, slot.week)) is not None:
        return None
    window = Window(slot.since, slot.until, "the week", rules.settings.reports.timezone)
    report, misses, reopened, poor = await database.run(lambda s: _figures(s, rules, window))
    image = await asyncio.to_thread(render_chart, report)
    reply = digest_reply(report, misses, reopened, image, poor)
    posted = await database.run(lambda s: _post_once(s, rules, slot, reply, now))
    return slot.week if posted else None


async def _figures(
    session: AsyncSession, rules: DeskRules, window: Window
) -> tuple[
    DeskReport,
    tuple[list[Miss], int],
    tuple[list[Reopening], int],
    tuple[list[PoorRating], int],
]:
    report = await build_report(session, rules, window)
    misses = await sla_misses(session, window)
    return report, misses, await reopenings(session, window), await poor_ratings(session, window)


async def _post_once(
    session: AsyncSession, rules: DeskRules, slot: Slot, reply: Reply, now: datetime
) -> bool:
    channel = rules.settings.reports.digest.channel
    assert channel is not None
    dialect_insert = sqlite_insert if session.bind.dialect.name == "sqlite" else pg_insert
    inserted = await session.execute(
        dialect_insert(ReportDigest)
        .values(week=slot.week, channel=channel, since=slot.since, until=slot.until, posted_at=now)
        .on_conflict_do_nothing(index_elements=["week"])
    )
    if not inserted.rowcount:  # type: ignore[attr-defined]
        return False  # another worker posted this week's digest
    outbox = Outbox(session, now)
    for platform, where in rules.settings.bulletins.channels[channel].places().items():
        recipient = Recipient(f"channel:{channel}", f"#{channel}", platform, where)
        outbox.add(recipient, reply, kind=KIND)
    return True


# -- the week's lists ------------------------------------------------------------------


async def sla_misses(session: AsyncSession, window: Window) -> tuple[list[Miss], int]:
    """The clocks that missed their target in the window (as the report counts them),
    the first LISTED by incident number, and how many in all."""
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
            .limit(LISTED)
        )
        misses += [Miss(n, summary, p, clock, running) for n, summary, p in rows]
    misses.sort(key=lambda m: (m.incident, m.clock != "response"))
    return misses[:LISTED], total


async def reopenings(session: AsyncSession, window: Window) -> tuple[list[Reopening], int]:
    """Incidents reopened in the window (from their timeline), the first LISTED, and how
    many in all."""
    times = func.count(IncidentEvent.id)
    where = [
        IncidentEvent.kind == "reopened",
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
    return [Reopening(n, summary, count) for n, summary, count in rows[:LISTED]], len(rows)


async def poor_ratings(session: AsyncSession, window: Window) -> tuple[list[PoorRating], int]:
    """Incidents their reporters rated poor in the window, and still do (the latest rating
    counts), with what went wrong: the first LISTED, and how many in all."""
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
    return found[:LISTED], len(found)


# -- the message -------------------------------------------------------------------------


def digest_reply(
    report: DeskReport,
    misses: tuple[list[Miss], int],
    reopened: tuple[list[Reopening], int],
    image: bytes | None,
    poor: tuple[list[PoorRating], int] = ([], 0),
) -> Reply:
    """The digest as a card: the report's figures, then the breaches, the reopenings and
    the poor ratings, each listed up to LISTED with a count of the rest."""
    lines = _section(
        "SLA breaches this week",
        misses,
        lambda m: (
            f"{format_id(m.incident)} {m.priority} {m.clock}"
            f"{' (still open, overdue)' if m.running else ''} · {_short(m.summary)}"
        ),
    )
    lines += _section(
        "Reopened this week",
        reopened,
        lambda r: (
            f"{format_id(r.incident)}{f' ({r.times}×)' if r.times > 1 else ''} · "
            f"{_short(r.summary)}"
        ),
    )
    lines += _section(
        "Rated poor this week",
        poor,
        lambda r: (
            f"{format_id(r.incident)} · {_short(r.summary)}"
            + (f": {r.comment}" if r.comment else "")
        ),
    )
    card = report_card(report, title=f"Weekly review · {_days(report.window)}")
    return Reply(
        text=f"Weekly review. {summary_text(report)}",
        card=replace(card, body="\n".join([card.body, "", *lines])),
        image=image,
        in_thread=False,
    )


def _section(title: str, found: tuple[list[T], int], line: Callable[[T], str]) -> list[str]:
    listed, total = found
    more = [f"… and {total - len(listed)} more"] if total > len(listed) else []
    return [f"{title}: {total}", *(f"• {line(item)}" for item in listed), *more]


def _days(window: Window) -> str:
    zone = window.zone
    first = window.since.astimezone(zone)
    last = (window.until - timedelta(seconds=1)).astimezone(zone)
    return f"{first:%d %b} – {last:%d %b %Y}"


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
