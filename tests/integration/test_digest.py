"""The weekly review digest, on SQLite and PostgreSQL: posted by the scheduler once a week,
once however many ticks and workers, with the week's figures, breaches and reopenings.

The desk is the hand-computed fixture of test_reports.py. The digest is due on Tuesdays at
09:00 UTC: the one due Tue 1 Dec 2026 (ISO week 2026-W49) covers [Tue 24 Nov 09:00,
Tue 1 Dec 09:00), in which (worked out from that fixture):

- opened: #5 D (at 09:00 sharp, so inside), #6 F, #7 G, #8 C, #9 H, #10 I = 6;
  resolved: D, #3 B, I = 3 (C was resolved on 1 Dec at 12:00, after the week);
- response clocks decided: D, G, I, C met, F overdue since 24 Nov 19:00 = 4 of 5;
  resolution: D, B, I met, F overdue since 27 Nov 11:00 = 3 of 4;
- so the breaches are F's two clocks, and the one incident reopened is D.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.app import Core
from bot.config import BroadcastChannel, DigestSettings
from bot.db import Database
from bot.messages import Reply
from bot.models import OutboxRow, ReportDigest
from bot.outbox import Deliverer
from bot.scheduler import Scheduler
from bot.services.digest import Slot, _post_once, latest_slot
from tests.conftest import Desk
from tests.integration.test_outbox import Recorder
from tests.integration.test_reports import REPORTED_AT, build_fixture, report_settings

DIGEST = DigestSettings(enabled=True, day="tue", hour=9, channel="it-status")
CHANNELS = {"it-status": BroadcastChannel(console="it-status", slack="C0STATUS")}


def digest_settings(settings, digest: DigestSettings = DIGEST):
    changed = report_settings(settings, digest=digest)
    bulletins = changed.bulletins.model_copy(update={"channels": CHANNELS})
    return changed.model_copy(update={"bulletins": bulletins})


@pytest.fixture
def core(settings, database, clock) -> Core:
    return Core(digest_settings(settings), database, clock=clock)


@pytest.fixture
def desk(core) -> Desk:
    return Desk(core)


def scheduler_for(core: Core, database: Database, recorder: Recorder, clock) -> Scheduler:
    deliverer = Deliverer(database, {"console": recorder}, clock, core.rules.settings.outbox)
    return Scheduler(database, core.rules, clock, deliverer)


async def digests(database: Database) -> list[tuple[str, str, datetime, datetime]]:
    async with database.transaction() as session:
        rows = await session.scalars(select(ReportDigest).order_by(ReportDigest.week))
        return [(r.week, r.channel, r.since, r.until) for r in rows]


async def digest_rows(database: Database) -> list[tuple[str, str]]:
    async with database.transaction() as session:
        rows = await session.execute(
            select(OutboxRow.platform, OutboxRow.channel_id)
            .where(OutboxRow.kind == "digest")
            .order_by(OutboxRow.id)
        )
        return [tuple(row) for row in rows]


async def test_the_digest_is_posted_once_with_the_weeks_figures(desk, core, database, clock):
    await build_fixture(desk, clock)
    recorder = Recorder()
    scheduler = scheduler_for(core, database, recorder, clock)
    first = await scheduler.tick()
    assert first.digest == "2026-W49"
    assert await digests(database) == [
        (
            "2026-W49",
            "it-status",
            datetime(2026, 11, 24, 9, tzinfo=UTC),
            datetime(2026, 12, 1, 9, tzinfo=UTC),
        )
    ]
    # One copy per platform of the channel; this worker serves the console.
    assert await digest_rows(database) == [("console", "it-status"), ("slack", "C0STATUS")]
    [notice] = [n for n in first.delivered if n.kind == "digest"]
    assert notice.recipient.key == "channel:it-status"
    card = notice.reply.card
    assert card.title == "Weekly review · 24 Nov – 01 Dec 2026"
    fields = {f.label: f.value for f in card.fields}
    assert fields["Opened / resolved"] == "6 / 3"
    assert fields["Response SLA met"] == "80% (4 of 5)"
    assert fields["Resolution SLA met"] == "75% (3 of 4)"
    assert fields["Reopen rate"] == "33% (1 of 3)"
    body = card.body.splitlines()
    at = body.index("SLA breaches this week: 2")
    assert body[at : at + 5] == [
        "SLA breaches this week: 2",
        "• INC-000006 P4 response (still open, overdue) · Monitor flickers",
        "• INC-000006 P4 resolution (still open, overdue) · Monitor flickers",
        "Reopened this week: 1",
        "• INC-000005 · Outlook is slow",
    ]
    assert body[at + 5 :] == [
        "Rated poor this week: 1",
        "• INC-000004 · Projector shows no picture: the projector was out all day",
    ]
    assert notice.reply.image is not None and notice.reply.image.startswith(b"\x89PNG")

    again = await scheduler.tick()
    clock.advance(hours=20)
    later = await scheduler.tick()
    assert (again.digest, later.digest) == (None, None)
    assert len(await digest_rows(database)) == 2
    assert [n.kind for n in recorder.sent].count("digest") == 1


async def test_the_next_week_gets_its_own_digest_when_it_is_due(desk, core, database, clock):
    recorder = Recorder()
    scheduler = scheduler_for(core, database, recorder, clock)
    clock.current = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert (await scheduler.tick()).digest == "2026-W49"
    clock.current = datetime(2026, 12, 8, 8, 59, 59, tzinfo=UTC)
    assert (await scheduler.tick()).digest is None
    clock.current = datetime(2026, 12, 8, 9, tzinfo=UTC)
    assert (await scheduler.tick()).digest == "2026-W50"
    assert [week for week, *_ in await digests(database)] == ["2026-W49", "2026-W50"]
    assert len(await digest_rows(database)) == 4


async def test_two_workers_ticking_at_once_post_it_once(core, database, clock):
    """Two `deskbot run` processes on one database: two engines, two schedulers."""
    clock.current = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    other = Database(database.url.render_as_string(hide_password=False))
    try:
        recorders = [Recorder("one"), Recorder("two")]
        schedulers = [
            scheduler_for(core, database, recorders[0], clock),
            scheduler_for(core, other, recorders[1], clock),
        ]
        for _ in range(3):
            reports = await asyncio.gather(*(s.tick() for s in schedulers))
            assert [r.digest for r in reports].count("2026-W49") <= 1
        assert len(await digests(database)) == 1
        assert await digest_rows(database) == [("console", "it-status"), ("slack", "C0STATUS")]
        sent = [n for r in recorders for n in r.sent if n.kind == "digest"]
        assert len(sent) == 1
    finally:
        await other.dispose()


async def test_a_worker_that_loses_the_race_writes_nothing(core, database, clock):
    """Both workers found no digest and computed one; the second insert finds the first."""
    slot = latest_slot(core.rules.settings, datetime(2026, 12, 1, 10, tzinfo=UTC))
    assert slot == Slot(
        "2026-W49", datetime(2026, 11, 24, 9, tzinfo=UTC), datetime(2026, 12, 1, 9, tzinfo=UTC)
    )
    reply = Reply(text="Weekly review")
    now = clock.now()
    won = await database.run(lambda s: _post_once(s, core.rules, slot, reply, now))
    lost = await database.run(lambda s: _post_once(s, core.rules, slot, reply, now))
    assert (won, lost) == (True, False)
    assert len(await digest_rows(database)) == 2
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ReportDigest)) == 1


async def test_nothing_is_posted_while_the_digest_is_disabled(settings, database, clock):
    core = Core(
        digest_settings(settings, DigestSettings(channel="it-status")), database, clock=clock
    )
    clock.current = datetime(2026, 12, 1, 9, tzinfo=UTC)
    report = await scheduler_for(core, database, Recorder(), clock).tick()
    assert report.digest is None
    assert await digests(database) == []
    assert await digest_rows(database) == []


async def test_the_console_channel_shows_the_digest_and_saves_its_chart(
    settings, database, clock, tmp_path
):
    """The console delivers a channel's digest like any notice, its chart as a file."""
    from io import StringIO

    from bot.adapters.console import ConsoleSender, console_for

    core = Core(digest_settings(settings), database, clock=clock)
    clock.current = REPORTED_AT
    out = StringIO()
    sender = ConsoleSender(console_for(out), tmp_path)
    deliverer = Deliverer(database, {"console": sender}, clock, core.rules.settings.outbox)
    assert (await Scheduler(database, core.rules, clock, deliverer).tick()).digest == "2026-W49"
    shown = out.getvalue()
    assert "→ in #it-status:" in shown
    assert "Weekly review · 24 Nov – 01 Dec 2026" in shown
    [saved] = [line for line in shown.splitlines() if line.startswith("Chart saved to ")]
    assert saved.endswith(".png")
    [png] = tmp_path.glob("*.png")
    assert saved == f"Chart saved to {png.resolve()}"
    assert png.read_bytes().startswith(b"\x89PNG")
