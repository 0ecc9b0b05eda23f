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
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import WEEKDAYS, Settings
from bot.db import Database
from bot.messages import Reply
from bot.models import ReportDigest
from bot.outbox import Outbox
from bot.report_card import report_card, summary_text
from bot.report_chart import render_chart
from bot.services.bulletins import broadcast_to
from bot.services.report_window import Window
from bot.services.reports import DeskReport, build_report
from bot.services.review import Review, review, review_lines
from bot.services.rules import DeskRules

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
    report, found = await database.run(lambda s: _figures(s, rules, window))
    image = await asyncio.to_thread(render_chart, report)
    reply = digest_reply(report, found, image)
    posted = await database.run(lambda s: _post_once(s, rules, slot, reply, now))
    return slot.week if posted else None


async def _figures(
    session: AsyncSession, rules: DeskRules, window: Window
) -> tuple[DeskReport, Review]:
    return await build_report(session, rules, window), await review(session, window)


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
    for recipient in broadcast_to(rules.settings.bulletins, channel):
        outbox.add(recipient, reply, kind=KIND)
    return True


# -- the message -------------------------------------------------------------------------


def digest_reply(report: DeskReport, found: Review, image: bytes | None) -> Reply:
    """The digest as a card: the report's figures, then the breaches, the reopenings and
    the poor ratings, each listed up to review.LISTED with a count of the rest."""
    lines = review_lines(found, "this week")
    card = report_card(report, title=f"Weekly review · {_days(report.window)}")
    return Reply(
        text=f"Weekly review. {summary_text(report)}",
        card=replace(card, body="\n".join([card.body, "", *lines])),
        image=image,
        in_thread=False,
    )


def _days(window: Window) -> str:
    zone = window.zone
    first = window.since.astimezone(zone)
    last = (window.until - timedelta(seconds=1)).astimezone(zone)
    return f"{first:%d %b} – {last:%d %b %Y}"
