"""/report and `deskbot report` against a fixture whose every figure is worked out by hand.

The clock is moved by hand through ten incidents on SQLite and PostgreSQL. START is
Monday 2026-11-23 09:00 UTC; `t+` below is the time since START. The `network` group
works Mon-Fri 09:00-17:00 UTC, every other group around the clock. Targets (config.yaml):
P1 15m/4h, P3 2h/1d, P4 8h/3d (response/resolution).

    #1  X  P4 opened t-3d, claimed t-3d+1h, resolved t-2d: all before the window
    #2  A  P4 opened t+0, claimed t+1h, resolved t+10h
    #3  B  P3 opened t+2h, claimed t+2h30m, pending t+4h .. t+2d4h (48h), resolved t+2d20h:
           66h on the wall clock, 18h of working time against 1d: met thanks to the pause
    #4  E  P4 opened t+3h, claimed t+3h10m, reclassified to P1 at t+3h20m (response due
           t+3h15m: met; resolution due t+7h), resolved t+9h (missed), closed t+1d9h
           (which moves its stored due time by the 24h it waited: still missed)
    #5  D  P4 opened t+1d, claimed t+1d1h, resolved t+1d3h, reopened t+1d5h, resolved
           again t+2d (due moved by the 2h resolved: t+4d2h; met)
    #6  F  P4 opened t+1d2h, category changed at t+1d3h, never answered: response overdue
           at t+1d10h, resolution at t+4d2h (both missed, still open); its reporter said
           external-monitor did not help
    #7  G  P1 opened t+4d, claimed t+4d5m, pending from t+4d1h: its stored due time t+4d4h
           passed while paused, so it is not overdue
    #8  C  P3 network, opened Fri 27 Nov 16:00 (t+4d7h), claimed Mon 30 Nov 09:30 (response
           due Mon 10:00 in business hours: met, MTTA 65h30m), resolved Tue 1 Dec 12:00
           (due Wed 2 Dec 16:00: met, MTTR 92h)
    #9  H  P4 opened t+5d, cancelled t+5d1h: opened, but in no SLA figure
    #10 I  P4 opened t+6d, solved by its reporter with password-reset at t+6d1h (solved-by-kb,
           no agent response: the response clock stopped at the resolution, met)
    and at t+6d2h zoe's VPN problem is solved in the chat by vpn-keeps-disconnecting
    (a deflection: no incident). Ratings: xena rates X good (resolved before the window:
    not counted), alice A good and D ok, gina E poor: 1 good of 3 rated, 1 poor. The
    report is made at t+8d4h (Tue 1 Dec 13:00) with
    --since 2026-11-23: the window is [Mon 23 Nov 00:00, Tue 1 Dec 13:00) UTC.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.console import ConsoleChat, console_for
from bot.app import Core
from bot.cli import main
from bot.config import SlaSettings
from bot.models import OutboxRow
from bot.services.report_window import Window, parse_period
from bot.services.reports import (
    AgentRow,
    ArticleScore,
    Count,
    Day,
    DeskReport,
    GroupRow,
    Ratio,
    SlaRow,
    Spread,
    build_report,
)
from tests.conftest import START, Desk, ManualClock

NETWORK_HOURS = {"network": {"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "09:00-17:00"}}
REPORTED_AT = START + timedelta(days=8, hours=4)  # Tue 1 Dec 2026 13:00 UTC
H = 3600.0


def report_settings(settings, **reports: object):
    """The shipped settings with the network group on business hours (and report options)."""
    update = {"sla": SlaSettings.model_validate({"business_hours": NETWORK_HOURS})}
    if reports:
        update["reports"] = settings.reports.model_copy(update=reports)
    return settings.model_copy(update=update)


@pytest.fixture
def desk(settings, database, clock) -> Desk:
    return Desk(Core(report_settings(settings), database, clock=clock))


async def build_fixture(desk: Desk, clock: ManualClock) -> None:
    """The ten incidents of the module docstring, in the order things happened."""

    async def at(line: str, who: str, **since_start: float) -> None:
        clock.current = START + timedelta(**since_start)
        await desk.ok(who, line)

    await at("/incident open Old keyboard sticks --category hardware/peripherals", "xena", days=-3)
    await at("/incident claim 1", "bob", days=-3, hours=1)
    await at("/incident resolve 1 Replaced it", "bob", days=-2)
    await at("/incident open Printer on floor 3 jams --category hardware/printer", "alice")
    await at("/incident claim 2", "bob", hours=1)
    line = "/incident open Laptop will not boot --category hardware/laptop --impact medium"
    await at(line, "frank", hours=2)
    await at("/incident claim 3", "bob", hours=2, minutes=30)
    line = "/incident open Projector shows no picture --category hardware/peripherals"
    await at(line, "gina", hours=3)
    await at("/incident claim 4", "bob", hours=3, minutes=10)
    await at("/incident classify 4 --impact high --urgency high", "bob", hours=3, minutes=20)
    await at("/incident pending 3 waiting for the spare part", "bob", hours=4)
    await at("/incident resolve 4 Replaced the lamp", "bob", hours=9)
    await at("/incident resolve 2 Cleared the jam", "bob", hours=10)
    await at("/incident rate 2 good", "alice", hours=11)
    await at("/incident rate 1 good", "xena", hours=11)
    await at("/incident open Outlook is slow --category software/email", "alice", days=1)
    await at("/incident claim 5", "bob", days=1, hours=1)
    line = "/incident open Monitor flickers --category hardware/peripherals"
    await at(line, "hank", days=1, hours=2)
    await at("/kb unsolved 6 external-monitor", "hank", days=1, hours=2, minutes=30)
    await at("/incident resolve 5 Rebuilt the profile", "bob", days=1, hours=3)
    await at("/incident classify 6 --category hardware/laptop", "bob", days=1, hours=3)
    await at("/incident reopen 5 still slow", "alice", days=1, hours=5)
    await at("/incident close 4", "bob", days=1, hours=9)
    await at("/incident rate 4 poor the projector was out all day", "gina", days=1, hours=10)
    await at("/incident resolve 5 Cleared the cache", "bob", days=2)
    await at("/incident rate 5 ok", "alice", days=2, hours=1)
    await at("/incident resume 3", "bob", days=2, hours=4)
    await at("/incident resolve 3 New mainboard", "bob", days=2, hours=20)
    line = "/incident open Server room air conditioning alarm --impact high --urgency high"
    await at(line, "ivan", days=4)
    await at("/incident claim 7", "bob", days=4, minutes=5)
    await at("/incident pending 7 waiting for facilities", "bob", days=4, hours=1)
    line = "/incident open VPN drops every few minutes --category network/vpn --impact medium"
    await at(line, "alice", days=4, hours=7)
    await at("/incident open Test, please ignore", "jack", days=5)
    await at("/incident cancel 9 opened by mistake", "bob", days=5, hours=1)
    await at("/incident open Forgot my password --category access/password", "alice", days=6)
    await at("/kb solved 10 password-reset", "alice", days=6, hours=1)
    clock.current = START + timedelta(days=6, hours=2)
    await desk.message("zoe", "my vpn keeps dropping")
    solved = await desk.press("zoe", "intake.solved", "vpn-keeps-disconnecting")
    assert "Nothing was opened" in solved.text
    await at("/incident claim 8", "erin", days=7, minutes=30)
    await at("/incident resolve 8 Updated the VPN client", "erin", days=8, hours=3)
    clock.current = REPORTED_AT


DAYS = (
    Day(date(2026, 11, 23), opened=3, resolved=2),  # A, B, E opened; E, A resolved
    Day(date(2026, 11, 24), opened=2, resolved=0),  # D, F (D's first resolution was undone)
    Day(date(2026, 11, 25), opened=0, resolved=1),  # D
    Day(date(2026, 11, 26), opened=0, resolved=1),  # B
    Day(date(2026, 11, 27), opened=2, resolved=0),  # G, C
    Day(date(2026, 11, 28), opened=1, resolved=0),  # H
    Day(date(2026, 11, 29), opened=1, resolved=1),  # I
    Day(date(2026, 11, 30), opened=0, resolved=0),
    Day(date(2026, 12, 1), opened=0, resolved=1),  # C
)


def expected_report(window: Window) -> DeskReport:
    return DeskReport(
        desk="IT Service Desk",
        window=window,
        priorities=("P1", "P2", "P3", "P4", "P5"),
        backlog={"new": {"P4": 1}, "pending": {"P1": 1}},  # F, G
        days=DAYS,
        opened=9,
        resolved=6,  # A, E, D, B, I, C
        sla=(
            # Response: E and G met. Resolution: E missed; G paused before its due time.
            SlaRow("P1", Ratio(2, 2), Ratio(0, 1)),
            SlaRow("P2", Ratio(0, 0), Ratio(0, 0)),
            SlaRow("P3", Ratio(2, 2), Ratio(2, 2)),  # B, C
            # Response: A, D, I met, F overdue. Resolution: A, D, I met, F overdue.
            SlaRow("P4", Ratio(3, 4), Ratio(3, 4)),
            SlaRow("P5", Ratio(0, 0), Ratio(0, 0)),
        ),
        # 5m, 10m, 30m, 1h, 1h, 65h30m: median (30m + 1h) / 2, p90 1h + 0.5 * 64h30m.
        mtta=Spread(6, 2700.0, 119700.0),
        # 1h, 6h, 10h, 24h, 66h, 92h: median (10h + 24h) / 2, p90 66h + 0.5 * 26h.
        mttr=Spread(6, 17 * H, 79 * H),
        reopened=Ratio(1, 6),  # D
        reclassified=Ratio(2, 9),  # E (priority), F (category)
        category_changed=1,
        priority_changed=1,
        deflected=Ratio(1, 10),  # zoe, of zoe + 9 opened
        solved_by_kb=1,  # I
        satisfied=Ratio(1, 3),  # A good, D ok, E poor (X was resolved before the window)
        rated_poor=1,
        # external-monitor (0 of 1) helped nobody: not listed.
        articles=(
            ArticleScore("password-reset", 1, 1),
            ArticleScore("vpn-keeps-disconnecting", 1, 1),
        ),
        categories=(
            Count("hardware/laptop", 2),  # B, F (reclassified into it)
            Count("other", 2),  # G, H: opened with no category
            Count("access/password", 1),
            Count("hardware/peripherals", 1),  # E (F left it)
            Count("hardware/printer", 1),
            Count("network/vpn", 1),
            Count("software/email", 1),
        ),
        agents=(
            AgentRow("bob", "Bob Baker (bob)", 4, 1, rated_good=1, rated=3),  # A; D, E
            AgentRow("erin", "Erin Evans (erin)", 1, 0),
        ),
        groups=(GroupRow("service-desk", 8, 5, 2), GroupRow("network", 1, 1, 0)),
    )


async def report_for(desk: Desk, since: str = "2026-11-23", group: str | None = None):
    window = parse_period(since).window(desk.core.clock.now(), "UTC", group)
    return await desk.core.database.run(
        lambda session: build_report(session, desk.core.rules, window)
    )


async def test_every_figure_matches_the_hand_computed_fixture(desk, clock):
    await build_fixture(desk, clock)
    report = await report_for(desk)
    assert report.window.since == datetime(2026, 11, 23, tzinfo=UTC)
    assert report.window.until == REPORTED_AT
    assert report == expected_report(report.window)
    assert (report.response, report.resolution) == (Ratio(7, 8), Ratio(5, 7))
    assert report.backlog_total == 2


async def test_closing_a_late_resolution_does_not_turn_it_into_a_met_one(desk, clock):
    """#4 was resolved 2h after its due time and closed a day later. Closing keeps the
    stored due time; before that was fixed, closing moved it past the resolution and
    recorded the move on the closing row, and the report still reads such rows right."""
    from bot.models import Incident, IncidentEvent

    await build_fixture(desk, clock)
    async with desk.core.database.transaction() as session:
        late = await session.get(Incident, 4)
        assert late is not None and late.state == "closed"
        assert late.resolved_at == START + timedelta(hours=9)
        assert late.resolution_due_at < late.resolved_at  # as stored: missed
    report = await report_for(desk)
    assert report.sla[0] == SlaRow("P1", Ratio(2, 2), Ratio(0, 1))
    async with desk.core.database.transaction() as session:  # a row closed by an old version
        late = await session.get(Incident, 4)
        assert late is not None
        due, moved = late.resolution_due_at, late.resolution_due_at + timedelta(days=1)
        late.resolution_due_at = moved
        closing = await session.scalar(
            select(IncidentEvent).where(
                IncidentEvent.incident_id == 4, IncidentEvent.kind.in_(("closed", "confirmed"))
            )
        )
        assert closing is not None
        closing.changes = {
            **closing.changes,
            "resolution_due_at": [due.isoformat(), moved.isoformat()],
        }
    report = await report_for(desk)
    assert report.sla[0] == SlaRow("P1", Ratio(2, 2), Ratio(0, 1))


async def test_a_group_narrows_every_figure(desk, clock):
    await build_fixture(desk, clock)
    network = await report_for(desk, group="network")  # C alone
    assert (network.opened, network.resolved, network.backlog) == (1, 1, {})
    assert [r for r in network.sla if r.response.whole] == [SlaRow("P3", Ratio(1, 1), Ratio(1, 1))]
    assert network.mtta == Spread(1, 65.5 * H, 65.5 * H)  # wall clock: the weekend counts
    assert network.mttr == Spread(1, 92 * H, 92 * H)
    assert network.deflected is None  # a deflection has no group
    assert network.articles == ()  # password-reset's vote is on a service-desk incident
    assert network.agents == (AgentRow("erin", "Erin Evans (erin)", 1, 0),)
    assert network.groups == (GroupRow("network", 1, 1, 0),)
    desk_group = await report_for(desk, group="service-desk")
    assert (desk_group.opened, desk_group.resolved, desk_group.backlog_total) == (8, 5, 2)
    assert (desk_group.response, desk_group.resolution) == (Ratio(6, 7), Ratio(4, 6))
    assert desk_group.articles == (ArticleScore("password-reset", 1, 1),)


async def test_a_window_counts_only_what_happened_inside_it(desk, clock):
    await build_fixture(desk, clock)
    report = await report_for(desk, since="7d")  # [Tue 24 Nov 13:00, Tue 1 Dec 13:00)
    assert report.window.since == datetime(2026, 11, 24, 13, tzinfo=UTC)
    assert report.opened == 4  # G, C, H, I: F was opened at 11:00 on the 24th
    assert report.resolved == 4  # D, B, I, C
    # Response: F overdue at 19:00 on the 24th; G, C and I met; D answered before the window.
    assert report.response == Ratio(3, 4)
    # Resolution: D, B, I, C met; F overdue on the 27th.
    assert report.resolution == Ratio(4, 5)
    assert report.reopened == Ratio(1, 4)  # D, resolved before the window, reopened in it
    assert report.reclassified == Ratio(0, 4)
    assert report.days[0] == Day(date(2026, 11, 24), 0, 0)  # F came before 13:00
    assert report.days[-1] == Day(date(2026, 12, 1), 0, 1)


async def test_days_are_counted_in_the_reports_time_zone(settings, database, clock):
    """Two incidents an hour apart on each side of midnight in New York (UTC-5)."""
    core = Core(report_settings(settings), database, clock=clock)
    desk = Desk(core)
    for hours in (4.5, 5.5):  # 23:30 and 00:30 New York time
        clock.current = datetime(2026, 11, 24, tzinfo=UTC) + timedelta(hours=hours)
        await desk.ok("alice", "/incident open Printer jams")
    clock.current = datetime(2026, 11, 25, 12, tzinfo=UTC)
    window = parse_period("2026-11-23").window(clock.now(), "America/New_York")
    report = await database.run(lambda s: build_report(s, core.rules, window))
    assert [(d.day.isoformat(), d.opened) for d in report.days] == [
        ("2026-11-23", 1),
        ("2026-11-24", 1),
        ("2026-11-25", 0),
    ]


async def test_a_day_follows_the_zones_daylight_saving_change(settings, database, clock):
    """Berlin is UTC+2 until 01:00 UTC on 25 Oct 2026, UTC+1 after: 22:30 UTC on the 24th
    is 00:30 on the 25th there, and 22:30 UTC on the 25th is still 23:30 on the 25th."""
    core = Core(report_settings(settings), database, clock=clock)
    desk = Desk(core)
    for moment in (datetime(2026, 10, 24, 22, 30), datetime(2026, 10, 25, 22, 30)):
        clock.current = moment.replace(tzinfo=UTC)
        await desk.ok("alice", "/incident open Printer jams")
    clock.current = datetime(2026, 10, 27, 12, tzinfo=UTC)
    window = parse_period("2026-10-24").window(clock.now(), "Europe/Berlin")
    report = await database.run(lambda s: build_report(s, core.rules, window))
    assert [(d.day.isoformat(), d.opened) for d in report.days] == [
        ("2026-10-24", 0),
        ("2026-10-25", 2),
        ("2026-10-26", 0),
        ("2026-10-27", 0),
    ]


# -- /report in chat --------------------------------------------------------------------


async def test_report_answers_with_a_card_and_a_chart(desk, clock):
    await build_fixture(desk, clock)
    reply = await desk.ok("carol", "/report --since 2026-11-23")
    assert reply.text == (
        "IT Service Desk report, since 2026-11-23 (23 Nov 00:00 – 01 Dec 13:00 UTC): "
        "9 opened, 6 resolved, 2 open now."
    )
    fields = {f.label: f.value for f in reply.card.fields}
    assert fields["Backlog"] == "2 open · P1 1 · P4 1"
    assert fields["Response SLA met"] == "88% (7 of 8)"
    assert fields["Resolution SLA met"] == "71% (5 of 7)"
    assert fields["MTTA"] == "median 45m · p90 1d 9h 15m (6)"
    assert fields["MTTR"] == "median 17h · p90 3d 7h (6)"
    assert fields["Reopen rate"] == "17% (1 of 6)"
    assert fields["Reclassified"] == "22% (2 of 9): category 1, priority 1"
    assert fields["KB deflection"] == "10% (1 of 10); 1 more solved by an article"
    assert fields["Satisfaction"] == "33% good (1 of 3 rated) · 1 poor"
    assert fields["Agents"] == (
        "Bob Baker (bob): 4 resolved, 1 open, 1 of 3 rated good · "
        "Erin Evans (erin): 1 resolved, 0 open"
    )
    assert "P1: response 100% (2 of 2) · resolution 0% (0 of 1)" in reply.card.body
    assert "Backlog by state: new 1 (P4 1) · pending 1 (P1 1)" in reply.card.body
    assert reply.image is not None and reply.image.startswith(b"\x89PNG\r\n\x1a\n")
    # The incidents behind the figures, for review (before: only in the weekly digest).
    review = reply.card.body.split("\n\n", 1)[1].splitlines()
    assert review[0] == "SLA breaches in this period: 3"  # 1 response, 2 resolutions missed
    assert "• INC-000004 P1 resolution · Projector shows no picture" in review
    assert review[-4:] == [
        "Reopened in this period: 1",
        "• INC-000005 · Outlook is slow",
        "Rated poor in this period: 1",
        "• INC-000004 · Projector shows no picture: the projector was out all day",
    ]


async def test_the_reopen_rate_counts_the_reopenings_the_review_lists(desk, clock):
    """The rate is over reopenings in the window, as the Reopened list below it is: an
    incident reopened and still open, or resolved before the window and reopened in it,
    counts. Before, the rate counted only incidents whose latest resolution lay in the
    window, and read "- (none)" above "Reopened in this period: 1"."""
    await desk.ok("alice", "/incident open Printer jams")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Cleared the jam")
    await desk.ok("alice", "/incident reopen 1 it jams again")
    await desk.ok("frank", "/incident open Old laptop is slow")
    await desk.ok("bob", "/incident claim 2")
    await desk.ok("bob", "/incident resolve 2 More memory")
    clock.advance(days=8)
    await desk.ok("frank", "/incident reopen 2 slow again")
    await desk.ok("gina", "/incident open Mouse is broken")
    await desk.ok("bob", "/incident claim 3")
    await desk.ok("bob", "/incident resolve 3 New mouse")
    clock.advance(hours=1)
    week = await desk.ok("carol", "/report --since 7d")
    fields = {f.label: f.value for f in week.card.fields}
    assert fields["Opened / resolved"] == "1 / 1"  # the mouse
    assert fields["Reopen rate"] == "50% (1 of 2)"  # the laptop, of it and the mouse
    assert "Reopened in this period: 1\n• INC-000002 · Old laptop is slow" in week.card.body
    both = await desk.ok("carol", "/report --since 30d")
    fields = {f.label: f.value for f in both.card.fields}
    assert fields["Reopen rate"] == "67% (2 of 3)"  # the printer and the laptop, still open
    assert "Reopened in this period: 2" in both.card.body


async def test_a_report_with_nothing_to_review_lists_nothing(desk, clock):
    await desk.ok("alice", "/incident open Printer jams")
    reply = await desk.ok("carol", "/report")
    assert "\n\n" not in reply.card.body and "in this period" not in reply.card.body


async def test_an_agent_may_ask_and_a_user_may_not(desk):
    assert (await desk.ok("bob", "/report")).image is not None
    refused = await desk.err("alice", "/report")
    assert refused.text.startswith("/report is for the desk's agents")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("/report --since tuesday", ["'tuesday' is not a period", "7d, 30d, 2w", "2026-11-01"]),
        ("/report --since 0d", ["1 to 366 days"]),
        ("/report --since 2026-02-30", ["not a real date"]),
        ("/report --since 2027-01-01", ["not in the past", "today is 2026-11-23"]),
        ("/report --since 2025-01-01", ["more than 366 days ago"]),
        (
            "/report --group helpdesk",
            ["'helpdesk' is not a known group", "service-desk, desktop-support, network"],
        ),
    ],
)
async def test_a_bad_period_or_group_is_refused_saying_what_is_accepted(desk, line, words):
    refused = await desk.err("carol", line)
    for word in words:
        assert word in refused.text
    assert "7d, 30d, 2w" in refused.text or "Use one of" in refused.text


async def test_a_manager_posts_the_figures_to_a_broadcast_channel(desk, clock):
    # Found in use: "send the weekly report to #it-status" began a report of carol's own.
    await build_fixture(desk, clock)
    posted = await desk.message("carol", "send the weekly report to #it-status")
    assert posted.text == "Posted the report (last 7 days) to #it-status.", posted.text
    async with desk.core.database.transaction() as session:
        rows = list(await session.scalars(select(OutboxRow).where(OutboxRow.kind == "report_post")))
    assert [(r.recipient_key, r.platform, r.channel_id) for r in rows] == [
        ("channel:it-status", "console", "it-status")
    ]
    shown = await desk.ok("carol", "/report")
    (row,) = rows
    assert row.payload["text"] == f"{shown.text} Posted by Carol Chen."
    assert row.payload["image"] and row.payload["card"]["title"] == shown.card.title
    # the figures only: the incidents behind them (the review's lists) stay with the desk
    figures = row.payload["card"]["body"]
    assert shown.card.body.startswith(figures) and "INC-000006" in shown.card.body
    assert "INC-" not in figures
    everywhere = await desk.ok("carol", "/report --post all")
    assert everywhere.text == "Posted the report (last 7 days) to #it-status and #all-staff."


@pytest.mark.parametrize(
    ("who", "line", "words"),
    [
        ("bob", "/report --post it-status", ["--post is for the desk's managers"]),
        ("carol", "/report --post lobby", ["Unknown channel lobby", "it-status, all-staff"]),
        ("carol", "/report --post it-status --format csv", ["don't go together"]),
    ],
)
async def test_posting_the_report_is_a_managers_to_a_known_channel(desk, who, line, words):
    refused = await desk.err(who, line)
    for word in words:
        assert word in refused.text, refused.text
    async with desk.core.database.transaction() as session:
        assert not list(await session.scalars(select(OutboxRow)))


async def _carol_in_the_console(core: Core, said: list[str], charts: Path) -> str:
    """What the console prints while carol types `said`, saving images and files in
    `charts`."""
    out = StringIO()
    lines = iter([*(f"{line}\n" for line in said), ""])
    chat = ConsoleChat(
        core,
        "carol",
        console=console_for(out),
        readline=lambda: next(lines),
        interactive=False,
        charts=charts,
    )
    await chat.run()
    return out.getvalue()


async def test_the_console_saves_the_chart_and_prints_where(settings, database, clock, tmp_path):
    core = Core(report_settings(settings), database, clock=clock)
    await Desk(core).ok("alice", "/incident open Printer jams")
    transcript = await _carol_in_the_console(core, ["/report"], tmp_path / "charts")
    assert "IT Service Desk report, last 7 days" in transcript
    saved = [line for line in transcript.splitlines() if line.startswith("Chart saved to ")]
    assert len(saved) == 1
    path = Path(saved[0].removeprefix("Chart saved to "))
    assert path.parent == (tmp_path / "charts").resolve()
    assert path.suffix == ".png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


async def test_the_report_as_a_file_in_chat_is_the_clis(settings, database, monkeypatch, tmp_path):
    # Found in use as a manager: "export the report as csv" began a report of her own; the
    # CSV was only `deskbot report`'s, on the server.
    await _small_desk_now(settings, database)
    desk = Desk(Core(settings, database))
    said = await desk.message("carol", "export this month's report as csv")
    assert said.file is not None, said.text
    assert said.file.name.startswith("deskbot-report-") and said.file.name.endswith(".csv")
    assert said.text.endswith(f"The figures are attached as {said.file.name}.")
    out = tmp_path / "report.csv"
    args = ("--since", "30d", "--format", "csv", "--out", str(out))
    assert await asyncio.to_thread(_cli, database, monkeypatch, *args) == 0
    ours, theirs = said.file.data.decode().splitlines(), out.read_text().splitlines()
    # the same figures, but for the moments the two were made
    assert [r for r in ours if not r.startswith("window,")] == [
        r for r in theirs if not r.startswith("window,")
    ]
    typed = await desk.ok("carol", "/report --format json --group network")
    assert typed.file is not None and typed.file.name.endswith(".json")
    assert json.loads(typed.file.data)["window"]["group"] == "network"
    refused = await desk.err("carol", "/report --format pdf")
    assert "'pdf' is not a known format. Use one of: md, csv, json." in refused.text


async def test_the_console_saves_a_reports_file_and_prints_where(
    settings, database, clock, tmp_path
):
    core = Core(report_settings(settings), database, clock=clock)
    said = ["/report --format csv", "/report --format csv"]
    transcript = await _carol_in_the_console(core, said, tmp_path / "charts")
    saved = [
        Path(line.removeprefix("File saved to "))
        for line in transcript.splitlines()
        if line.startswith("File saved to ")
    ]
    assert len(saved) == 2 and saved[0] != saved[1]  # the second beside the first
    for path in saved:
        assert path.parent == (tmp_path / "charts").resolve() and path.suffix == ".csv"
        assert path.read_text().startswith("section,item,measure,value\n")


# -- deskbot report ----------------------------------------------------------------------


async def _small_desk_now(settings, database) -> datetime:
    """Two incidents in the last two days of the real clock (the CLI reads real time):
    one answered in 1h and resolved in 3h, one still new and past its 8h response target.
    Returns when it began."""
    began = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    clock = ManualClock(began)
    desk = Desk(Core(settings, database, clock=clock))
    await desk.ok("alice", "/incident open Printer jams --category hardware/printer")
    clock.advance(hours=1)
    await desk.ok("bob", "/incident claim 1")
    clock.advance(hours=2)
    await desk.ok("bob", "/incident resolve 1 Cleared it")
    await desk.ok("alice", "/incident open Outlook is slow --category software/email")
    return began


def _cli(database, monkeypatch, *args: str) -> int:
    url = database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DESKBOT_DATABASE_URL", url)
    config = str(Path(__file__).resolve().parents[2] / "config.yaml")
    return main(["--config", config, "report", *args])


async def test_deskbot_report_exports_json(settings, database, monkeypatch, capsys):
    await _small_desk_now(settings, database)
    code = await asyncio.to_thread(_cli, database, monkeypatch, "--format", "json")
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["opened"], data["resolved"]) == (2, 1)
    assert data["backlog"] == {"total": 1, "by_priority": {"P4": 1}, "by_state": {"new": {"P4": 1}}}
    assert data["sla"]["response"] == {"count": 1, "of": 2, "rate": 0.5}
    assert data["sla"]["resolution"] == {"count": 1, "of": 1, "rate": 1.0}
    assert data["mtta"] == {"count": 1, "median_seconds": 3600.0, "p90_seconds": 3600.0}
    assert data["mttr"] == {"count": 1, "median_seconds": 10800.0, "p90_seconds": 10800.0}
    assert data["reopen"] == {"count": 0, "of": 1, "rate": 0.0}
    assert data["deflection"] == {"count": 0, "of": 2, "rate": 0.0}
    assert data["satisfaction"] == {"count": 0, "of": 0, "rate": None, "poor": 0}
    assert data["window"]["label"] == "last 7 days"
    assert sum(day["opened"] for day in data["days"]) == 2
    # The incidents behind the figures (before: only in the chat card and the digest).
    assert data["review"] == {
        "sla_breaches": {
            "total": 1,
            "incidents": [
                {
                    "incident": "INC-000002",
                    "priority": "P4",
                    "clock": "response",
                    "still_open": True,
                    "summary": "Outlook is slow",
                }
            ],
        },
        "reopened": {"total": 0, "incidents": []},
        "rated_poor": {"total": 0, "incidents": []},
    }
    assert data["agents"] == [
        {
            "handle": "bob",
            "name": "Bob Baker (bob)",
            "resolved": 1,
            "open": 0,
            "rated": 0,
            "rated_good": 0,
        }
    ]


async def test_deskbot_report_exports_csv_to_a_file(settings, database, monkeypatch, tmp_path):
    await _small_desk_now(settings, database)
    out = tmp_path / "report.csv"
    code = await asyncio.to_thread(
        _cli, database, monkeypatch, "--since", "30d", "--format", "csv", "--out", str(out)
    )
    assert code == 0
    rows = out.read_text().splitlines()
    assert rows[0] == "section,item,measure,value"
    for row in (
        "totals,opened,,2",
        "totals,resolved,,1",
        "backlog,new,P4,1",
        "sla,all,response_met,1",
        "sla,all,response_decided,2",
        "sla,P4,resolution_met,1",
        "mtta,,median_seconds,3600.0",
        "rates,reclassification,rate,0.0",
        "categories,hardware/printer,opened,1",
        "groups,service-desk,open,1",
        "agents,bob,resolved,1",
        # the incidents behind the figures: before, only Markdown and JSON listed them
        "sla_breaches,total,,1",
        "reopened,total,,0",
        "rated_poor,total,,0",
    ):
        assert row in rows
    assert sum(row.startswith("sla_breaches,INC-") for row in rows) == 3


async def test_deskbot_report_exports_markdown_and_the_chart(
    settings, database, monkeypatch, capsys, tmp_path
):
    await _small_desk_now(settings, database)
    chart = tmp_path / "chart.png"
    code = await asyncio.to_thread(
        _cli,
        database,
        monkeypatch,
        "--format",
        "md",
        "--group",
        "service-desk",
        "--chart",
        str(chart),
    )
    assert code == 0
    text = capsys.readouterr().out
    assert text.startswith("# IT Service Desk report\n\nlast 7 days (")
    assert "| Opened | 2 |" in text
    assert "| Response SLA met | 50% (1 of 2) |" in text
    assert "| KB deflection | desk-wide only |" in text
    assert "| Satisfaction | – (none rated) |" in text
    assert "| new | 0 | 0 | 0 | 1 | 0 | 1 |" in text
    assert text.endswith(
        "## SLA breaches\n\n| Incident | Priority | Clock | Still open | Summary |\n"
        "|---|---|---|---|---|\n| INC-000002 | P4 | response | yes | Outlook is slow |\n"
    )
    assert "## Reopened" not in text  # a list with nothing in it is left out
    assert chart.read_bytes().startswith(b"\x89PNG")


async def test_deskbot_report_refuses_a_bad_period_or_group(database, monkeypatch, capsys):
    code = await asyncio.to_thread(_cli, database, monkeypatch, "--since", "lately")
    assert code == 2
    assert "'lately' is not a period. Write 7d, 30d, 2w" in capsys.readouterr().err
    code = await asyncio.to_thread(_cli, database, monkeypatch, "--group", "helpdesk")
    assert code == 2
    assert "service-desk, desktop-support, network" in capsys.readouterr().err


def test_the_period_names_what_it_covers():
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert parse_period("2w").window(now, "UTC").label == "last 2 weeks"
