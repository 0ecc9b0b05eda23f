"""SLA clocks through the sweep, on SQLite and PostgreSQL, with the clock moved by hand:
warnings and breaches once each, pauses, reclassification, business hours, escalation."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import column, insert, select, table

from bench.sla_sweep import incident_row
from bot.app import Core
from bot.config import SlaSettings
from bot.db import Database
from bot.models import Incident, IncidentEvent, OutboxRow
from bot.outbox import Notice
from tests.conftest import START, Desk
from tests.integration.test_outbox import Recorder
from tests.integration.test_scheduler import make_scheduler

PRINTER = "Printer on floor 3 jams on every page"  # P4, service-desk: response 8h, resolution 3d
LABEL = "INC-000001 “Printer on floor 3 jams on every page”"
DESK_AGENTS = ["bob", "erin"]  # the agents of service-desk; carol is its manager


def sla_desk(settings, database, clock, **sla: object) -> Desk:
    changed = settings.model_copy(update={"sla": SlaSettings.model_validate(sla)})
    return Desk(Core(changed, database, clock=clock))


async def load(desk: Desk, number: int = 1) -> Incident:
    async with desk.core.database.transaction() as session:
        found = await session.get(Incident, number)
    assert found is not None
    return found


async def events(desk: Desk, number: int = 1) -> list[IncidentEvent]:
    async with desk.core.database.transaction() as session:
        query = select(IncidentEvent).where(IncidentEvent.incident_id == number)
        return list(await session.scalars(query.order_by(IncidentEvent.id)))


async def sla_events(desk: Desk, number: int = 1) -> list[tuple[str, str]]:
    return [(e.kind, e.text or "") for e in await events(desk, number) if e.kind.startswith("sla")]


async def outbox(desk: Desk, kind: str) -> list[str]:
    async with desk.core.database.transaction() as session:
        query = select(OutboxRow.recipient_key).where(OutboxRow.kind == kind)
        return sorted(await session.scalars(query.order_by(OutboxRow.id)))


@pytest.fixture
def scheduler(core, clock):
    return make_scheduler(core, Recorder(), clock)


async def at(clock, scheduler, **since_start: float):
    clock.current = START + timedelta(**since_start)
    return (await scheduler.tick()).sla


async def test_warnings_and_the_breach_fire_once_each(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    assert (await load(desk)).clock.next_check_at == START + timedelta(hours=6)
    assert (await at(clock, scheduler, hours=6, seconds=-1)).checked == 0

    first = await at(clock, scheduler, hours=6)
    assert (first.checked, first.warnings, first.breaches) == (1, 1, 0)
    assert await sla_events(desk) == [
        ("sla_warning", "response clock at 75% of 8h; due 2026-11-23 17:00 UTC (in 2h)")
    ]
    assert await outbox(desk, "sla_warning") == DESK_AGENTS  # nobody owns it: the group
    assert (await at(clock, scheduler, hours=7)).checked == 0  # nothing new, nothing read

    second = await at(clock, scheduler, hours=7, minutes=12)
    assert (second.warnings, second.breaches) == (1, 0)
    breach = await at(clock, scheduler, hours=8)
    assert (breach.warnings, breach.breaches) == (0, 1)
    assert [kind for kind, _ in await sla_events(desk)] == [
        "sla_warning",
        "sla_warning",
        "sla_breach",
    ]
    assert (await sla_events(desk))[-1][1] == (
        "response target of 8h missed; it was due 2026-11-23 17:00 UTC"
    )
    assert await outbox(desk, "sla_breach") == ["bob", "carol", "erin"]  # + the manager
    # Ticking on reports nothing again until the resolution clock's first warning (54h).
    for hours in (9, 20, 53):
        assert (await at(clock, scheduler, hours=hours)).warnings == 0
    assert len(await sla_events(desk)) == 3
    assert (await at(clock, scheduler, hours=54)).warnings == 1
    assert (await sla_events(desk))[-1][1].startswith("resolution clock at 75% of 3d")


async def test_a_claim_stops_the_response_clock_and_the_owner_hears_the_rest(
    desk, scheduler, clock
):
    await desk.ok("alice", f"/incident open {PRINTER}")
    clock.advance(hours=1)
    await desk.ok("bob", "/incident claim 1")
    assert (await load(desk)).clock.next_check_at == START + timedelta(hours=54)
    assert (await at(clock, scheduler, hours=12)).checked == 0
    report = await at(clock, scheduler, hours=72)
    # Both warnings were overtaken by the breach: only the breach is reported.
    assert (report.warnings, report.breaches) == (0, 1)
    assert await outbox(desk, "sla_breach") == ["bob", "carol"]
    assert await outbox(desk, "sla_warning") == []


async def test_the_first_answer_stops_the_response_clock(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    clock.advance(hours=2)
    await desk.ok("erin", "/incident note 1 Which tray do you print from?")
    assert (await at(clock, scheduler, hours=8)).checked == 0
    reply = await desk.ok("erin", "/incident sla 1")
    assert reply.text == "INC-000001: response met, resolution running."


async def test_an_internal_note_is_no_answer_to_the_reporter(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("erin", "/incident note 1 probably the fuser again --internal")
    reply = await desk.ok("erin", "/incident sla 1")
    assert reply.text == "INC-000001: response running, resolution running."


async def test_pending_pauses_the_resolution_clock(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("bob", "/incident claim 1")
    clock.advance(hours=2)
    await desk.ok("bob", "/incident pending 1 which tray do you print from?")
    assert (await load(desk)).clock.next_check_at is None
    # Three days pending: the 54h warning would have fired long ago, but the clock stood still.
    assert (await at(clock, scheduler, days=3, hours=2)).checked == 0
    shown = await desk.ok("bob", "/incident sla 1")
    assert shown.text == "INC-000001: response met, resolution paused."
    resolution = next(f.value for f in shown.card.fields if f.label == "Resolution")
    assert resolution.startswith("paused · 2h of 3d used (3%), 2d 22h left · paused 3d in all")

    await desk.ok("bob", "/incident resume 1")
    found = await load(desk)
    assert found.sla_paused_seconds == 3 * 86400
    assert found.resolution_due_at == START + timedelta(days=6)
    resumed = (await events(desk))[-1]
    assert resumed.changes["resolution_due_at"] == [
        (START + timedelta(days=3)).isoformat(),
        (START + timedelta(days=6)).isoformat(),
    ]
    assert found.clock.next_check_at == START + timedelta(hours=54 + 72)
    assert (await at(clock, scheduler, hours=54 + 72, seconds=-1)).warnings == 0
    assert (await at(clock, scheduler, hours=54 + 72)).warnings == 1


async def test_the_reporters_answer_restarts_the_paused_clock(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("bob", "/incident claim 1")
    clock.advance(hours=2)
    await desk.ok("bob", "/incident pending 1 which tray do you print from?")
    assert (await at(clock, scheduler, days=1, hours=2)).checked == 0
    # A day later alice answers: nobody at the desk has to notice for the clock to run.
    await desk.ok("alice", "/incident note 1 tray 2")
    found = await load(desk)
    assert found.state == "in_progress"
    assert found.sla_paused_seconds == 86400
    assert found.resolution_due_at == START + timedelta(days=4)
    assert found.clock.next_check_at == START + timedelta(hours=54 + 24)


async def test_resolved_time_does_not_count_after_a_reopen(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("bob", "/incident claim 1")
    clock.advance(hours=10)
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    assert (await load(desk)).clock.next_check_at is None
    clock.advance(days=2)
    await desk.ok("alice", "/incident reopen 1 it jams again")
    found = await load(desk)
    assert found.sla_paused_seconds == 2 * 86400
    assert found.resolution_due_at == START + timedelta(days=5)


async def test_closing_does_not_move_a_missed_resolution_into_the_future(desk, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("bob", "/incident claim 1")
    clock.advance(days=4)  # a day past the 3-day resolution target
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    clock.advance(days=2)
    await desk.ok("alice", "/incident confirm 1")
    found = await load(desk)
    assert (found.state, found.sla_paused_seconds) == ("closed", 0)
    assert found.resolution_due_at == START + timedelta(days=3)
    reply = await desk.ok("bob", "/incident sla 1")
    assert reply.text == "INC-000001: response met, resolution missed."


async def test_reclassification_moves_the_due_times_and_says_why(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    clock.advance(hours=1)
    await desk.ok(
        "bob", "/incident classify 1 --impact high --urgency high the whole floor is down"
    )
    found = await load(desk)
    assert found.priority == "P1"
    assert (found.response_due_at, found.resolution_due_at) == (
        START + timedelta(minutes=15),
        START + timedelta(hours=4),
    )
    event = (await events(desk))[-1]
    assert (event.kind, event.text) == ("reclassified", "the whole floor is down")
    assert event.changes["priority"] == ["P4", "P1"]
    assert event.changes["response_due_at"][1] == (START + timedelta(minutes=15)).isoformat()
    # Already past the new response target: one breach now, not two stale warnings first.
    report = await at(clock, scheduler, hours=1)
    assert (report.warnings, report.breaches) == (0, 1)
    assert [kind for kind, _ in await sla_events(desk)] == ["sla_breach"]


async def test_a_longer_target_warns_again_when_the_clock_gets_there(desk, scheduler, clock):
    await desk.ok("alice", f"/incident open {PRINTER} --impact medium")  # P3: 2h / 1d
    await desk.ok("bob", "/incident claim 1")
    assert (await at(clock, scheduler, hours=18)).warnings == 1  # 75% of 1d
    await desk.ok("bob", "/incident classify 1 --impact low")  # P4: 3d
    found = await load(desk)
    assert (found.clock.resolution_stage, found.clock.next_check_at) == (
        0,
        START + timedelta(hours=54),
    )
    assert (await at(clock, scheduler, hours=53)).warnings == 0
    assert (await at(clock, scheduler, hours=54)).warnings == 1
    texts = [text for _, text in await sla_events(desk)]
    assert texts[0].startswith("resolution clock at 75% of 1d")
    assert texts[1].startswith("resolution clock at 75% of 3d")


async def test_two_sweeps_at_once_report_each_threshold_once(desk, core, clock):
    for n in range(5):
        await desk.ok("alice", f"/incident open Laptop {n} will not boot")
    clock.advance(hours=8)
    one, two = Recorder("one"), Recorder("two")
    reports = await asyncio.gather(
        make_scheduler(core, one, clock).tick(), make_scheduler(core, two, clock).tick()
    )
    assert sum(r.sla.breaches for r in reports) == 5
    assert sum(r.sla.warnings for r in reports) == 0
    for n in range(1, 6):
        assert [kind for kind, _ in await sla_events(desk, n)] == ["sla_breach"]
    # Each person hears of each breach once: in a notice of its own, or in a digest
    # (more than three for one person in one batch), whichever worker swept it.
    heard = sorted(
        (n, notice.recipient.key) for notice in one.sent + two.sent for n in about(notice)
    )
    assert heard == sorted((n, who) for n in range(1, 6) for who in ("bob", "carol", "erin"))


def about(notice: Notice) -> list[int]:
    """The incidents a notice is about: its own, or those a digest lists."""
    if notice.incident_id is not None:
        return [notice.incident_id]
    assert notice.reply.card is not None
    return [int(n) for n in re.findall(r"^INC-0*(\d+)", notice.reply.card.body, re.MULTILINE)]


async def test_business_hours_carry_the_clock_over_the_weekend(settings, database, clock):
    hours = {"timezone": "Europe/Berlin", "hours": "09:00-17:00"}
    desk = sla_desk(settings, database, clock, business_hours={"service-desk": hours})
    scheduler = make_scheduler(desk.core, Recorder(), clock)
    clock.current = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # Friday 16:00 in Berlin
    await desk.ok("alice", f"/incident open {PRINTER} --impact medium")  # P3: 2h response
    found = await load(desk)
    assert found.response_due_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Mon 10:00
    clock.current = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # Sunday
    assert (await scheduler.tick()).sla.checked == 0
    clock.current = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # Monday 09:30: 1h30m used
    assert (await scheduler.tick()).sla.warnings == 1
    shown = await desk.ok("bob", "/incident sla 1")
    fields = {f.label: f.value for f in shown.card.fields}
    assert fields["Working hours"] == (
        "service-desk: mon,tue,wed,thu,fri 09:00-17:00 Europe/Berlin"
    )
    assert fields["Response"] == (
        "running · 1h 30m of 2h used (75%), 30m left · due 2026-11-30 09:00 UTC"
    )


async def test_a_managers_queue_holds_what_was_escalated_to_them(desk, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("alice", "/incident open Scanner jams too")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident escalate 1 the supplier won't answer --hierarchic")
    # Before: "No open incidents for you." although carol was asked to act on INC-1.
    queue = await desk.ok("carol", "/incident queue")
    assert queue.text.endswith("Escalated to you: 1.")
    assert queue.card.body.splitlines()[-2:] == [
        "Escalated to you: 1",
        "INC-000001 · P4 · resolution due in 3d · in progress · bob · " + PRINTER,
    ]
    assert (await desk.message("carol", "my queue")).text == queue.text
    assert "Escalated" not in (await desk.ok("bob", "/incident queue")).text  # an agent's


@pytest.mark.parametrize("pauses", [True, False])
async def test_waiting_on_a_third_party_pauses_the_clock_only_if_configured(
    settings, database, clock, pauses
):
    desk = sla_desk(settings, database, clock, pause_for_third_party=pauses)
    scheduler = make_scheduler(desk.core, Recorder(), clock)
    await desk.ok("alice", f"/incident open {PRINTER}")  # P4: resolution 3d
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 the supplier sends a fuser --on third-party")
    clock.advance(days=2)
    await scheduler.tick()
    resolution = {f.label: f.value for f in (await desk.ok("bob", "/incident sla 1")).card.fields}
    queue = (await desk.ok("bob", "/incident queue")).card.body
    await desk.ok("bob", "/incident resume 1")
    found = await load(desk)
    if pauses:  # the default: the two days waited are not the desk's
        assert resolution["Resolution"].startswith("paused · 0s of 3d used")
        assert "· paused, 3d left ·" in queue
        assert found.resolution_due_at == START + timedelta(days=5)
    else:  # the reporter waited all the same: the clock ran on
        assert resolution["Resolution"].startswith("running · 2d of 3d used (67%), 1d left")
        assert "· resolution due in 1d ·" in queue
        assert found.resolution_due_at == START + timedelta(days=3)
        assert found.sla_paused_seconds == 0
    # Waiting on the reporter pauses it either way.
    await desk.ok("bob", "/incident pending 1 which tray is it?")
    assert (await load(desk)).sla_paused_since == clock.now()


async def test_a_report_outside_working_hours_says_when_it_will_be_picked_up(
    settings, database, clock
):
    hours = {"timezone": "Europe/Berlin", "hours": "09:00-17:00"}
    desk = sla_desk(settings, database, clock, business_hours={"service-desk": hours})
    clock.current = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)  # Friday 18:30 in Berlin
    opened = await desk.ok("alice", f"/incident open {PRINTER}")
    assert opened.text.split("\n")[0] == (
        "Opened INC-000001 (P4, service-desk). We'll keep you posted here. It's outside the "
        "service-desk team's hours (mon,tue,wed,thu,fri 09:00-17:00 Europe/Berlin), so it "
        "will be picked up from 2026-11-30 08:00 UTC, when its SLA clock starts."
    )
    await desk.message("dina", "the scanner on floor 2 jams, just me, it can wait")
    assert (await desk.message("dina", "still need help")).text.startswith("Here is what")
    confirmed = await desk.message("dina", "yes")
    assert confirmed.text.startswith("Opened INC-000002 (P5, service-desk). I'll tell you")
    assert confirmed.text.endswith("from 2026-11-30 08:00 UTC, when its SLA clock starts.")
    network = await desk.ok("alice", "/incident open VPN drops --category vpn")
    assert "outside" not in network.text  # network works around the clock
    clock.current = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00: open
    assert "outside" not in (await desk.ok("alice", f"/incident open {PRINTER}")).text


async def test_unclaimed_at_the_response_target_goes_to_the_next_group(settings, database, clock):
    desk = sla_desk(settings, database, clock, escalate_unclaimed=True)
    scheduler = make_scheduler(desk.core, Recorder(), clock)
    await desk.ok("alice", f"/incident open {PRINTER}")
    report = await at(clock, scheduler, hours=8)
    assert (report.breaches, report.escalations) == (1, 1)
    found = await load(desk)
    assert (found.group, found.escalation_level) == ("desktop-support", 1)
    escalated = (await events(desk))[-1]
    assert (escalated.kind, escalated.actor_key) == ("escalated", "deskbot")
    assert escalated.changes["group"] == ["service-desk", "desktop-support"]
    assert await outbox(desk, "escalated") == ["console:alice", "dave"]


async def test_a_breached_p1_is_escalated_to_the_manager(settings, database, clock):
    desk = sla_desk(settings, database, clock, escalate_breached=["P1", "P2"])
    scheduler = make_scheduler(desk.core, Recorder(), clock)
    await desk.ok(
        "alice", "/incident open The VPN is down for everyone --impact high --urgency high"
    )
    await desk.ok("bob", "/incident claim 1")
    report = await at(clock, scheduler, hours=4)
    assert (report.breaches, report.escalations) == (1, 1)
    assert (await load(desk)).manager_escalated
    kinds = [e.kind for e in await events(desk)]
    assert kinds[-2:] == ["sla_breach", "escalated_to_manager"]
    assert await outbox(desk, "escalated_to_manager") == ["carol"]
    assert (await at(clock, scheduler, hours=30)).escalations == 0


async def test_the_sla_command_shows_both_clocks(desk, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")
    clock.advance(hours=9)
    reply = await desk.ok("bob", "/incident sla INC-000001")
    assert reply.text == "INC-000001: response breached, resolution running."
    fields = {f.label: f.value for f in reply.card.fields}
    assert fields["Priority"] == "P4 Low"
    assert fields["Working hours"] == "around the clock"
    assert fields["Response"] == (
        "breached · 9h of 8h used (112%), over by 1h · due 2026-11-23 17:00 UTC"
    )
    assert fields["Resolution"] == (
        "running · 9h of 3d used (12%), 2d 15h left · due 2026-11-26 09:00 UTC"
    )
    mine = await desk.ok("alice", "/incident sla 1")  # the reporter may look too
    assert mine.text == reply.text
    await desk.err("frank", "/incident sla 1")


async def test_the_queue_lists_the_closest_to_breach_first(desk, clock):
    await desk.ok("alice", f"/incident open {PRINTER}")  # P4: response due in 8h
    await desk.ok("alice", "/incident open Outlook crashes on start --impact medium")  # P3: 2h
    await desk.ok("alice", "/incident open VPN down --impact high --urgency high --category other")
    await desk.ok("alice", "/incident open Monitor flickers --impact medium")  # P3
    await desk.ok("bob", "/incident claim 4")
    await desk.ok("bob", "/incident pending 4 which cable?")
    clock.advance(minutes=20)
    reply = await desk.ok("bob", "/incident queue --group service-desk")
    lines = reply.card.body.splitlines()
    assert [line.split(" · ")[0] for line in lines] == [
        "INC-000003",
        "INC-000002",
        "INC-000001",
        "INC-000004",
    ]
    assert lines[0].split(" · ")[2] == "response overdue by 5m"
    assert lines[1].split(" · ")[2] == "response due in 1h 40m"
    assert lines[3].split(" · ")[2] == "paused, 1d left"  # pended before its clock ran
    await desk.ok("bob", "/incident claim 2")
    mine = await desk.ok("bob", "/incident queue")
    assert [line.split(" · ")[0] for line in mine.card.body.splitlines()] == [
        "INC-000002",
        "INC-000004",
    ]
    assert mine.text == "2 open incidents for you, closest to breach first"
    theirs = await desk.ok("carol", "/incident queue --agent bob")
    assert theirs.card.body == mine.card.body
    await desk.err("alice", "/incident queue")


async def test_ones_own_queue_points_to_work_waiting_for_an_owner_in_ones_groups(desk):
    await desk.ok("alice", f"/incident open {PRINTER}")  # service-desk
    await desk.ok("alice", "/incident open Wi-Fi drops on floor 3 --category network")
    empty = await desk.ok("bob", "/incident queue")  # bob works in service-desk only
    assert empty.text == (
        "No open incidents for you.\n"
        "Waiting for an owner: 1 in service-desk. "
        "`/incident queue --group service-desk` lists them."
    )
    await desk.ok("bob", "/incident claim 1")
    mine = await desk.ok("bob", "/incident queue")
    assert mine.card.footer == ""  # nothing else waits in service-desk
    both = await desk.ok("erin", "/incident queue")  # network and service-desk
    assert both.text.endswith(
        "Waiting for an owner: 1 in network. `/incident queue --group network` lists them."
    )
    theirs = await desk.ok("erin", "/incident queue --agent dave")
    assert theirs.text == "No open incidents for Dave Diaz (dave)."


async def test_the_whole_teams_queue_is_one_command_and_a_managers_plain_question(desk):
    """Before, carol's "what's about to breach?" said "No open incidents for you." while
    her teams' work ran towards its targets: a manager owns few incidents herself."""
    await desk.ok("alice", f"/incident open {PRINTER}")  # service-desk
    await desk.ok("alice", "/incident open Wi-Fi drops on floor 3 --category network")
    await desk.ok("alice", "/incident open Dock is dead --category hardware")
    await desk.ok("bob", "/incident assign 3 desktop-support")
    await desk.ok("dave", "/incident claim 3")
    teams = await desk.ok("carol", "/incident queue --all")
    assert teams.text == (
        "3 open incidents for your teams (service-desk, desktop-support, network), "
        "closest to breach first"
    )
    assert sorted(line.split(" · ")[0] for line in teams.card.body.splitlines()) == [
        "INC-000001",
        "INC-000002",
        "INC-000003",
    ]
    asked = await desk.message("carol", "what's about to breach?")
    assert (asked.text, asked.card.body) == (teams.text, teams.card.body)
    bobs = await desk.ok("bob", "/incident queue --all")  # bob works in service-desk only
    assert bobs.card.body.startswith("INC-000001") and len(bobs.card.body.splitlines()) == 1
    refused = await desk.err("bob", "/incident queue --all --group network")
    assert refused.text.startswith("Ask for one queue: --group, --agent or --all.")


async def test_a_teams_queue_says_how_much_each_owner_holds(desk, clock):
    """Before, a manager had to count the queue's lines to see who was overloaded, and
    "who's overloaded?" was not understood."""
    for n in range(3):
        await desk.ok("alice", f"/incident open Laptop {n} will not boot")
    await desk.ok("alice", "/incident open Wi-Fi drops on floor 3 --category network")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident claim 2")
    clock.advance(hours=9)  # past the P4 response target (8h) of the two nobody answered
    teams = await desk.ok("carol", "/incident queue --all")
    load = {f.label: f.value for f in teams.card.fields}
    assert load == {"By owner": "Bob Baker (bob) 2 · nobody 2 (2 overdue)"}
    asked = await desk.message("carol", "who's overloaded?")
    assert (asked.text, asked.card) == (teams.text, teams.card)
    network = await desk.ok("carol", "/incident queue --group network")
    assert {f.label: f.value for f in network.card.fields} == {"By owner": "nobody 1 (1 overdue)"}


async def test_whats_on_my_plate_is_ones_own_queue_even_for_a_manager(desk):
    """Before, bob's "whats on my plate" began a problem report ("Who is affected?")."""
    await desk.ok("alice", f"/incident open {PRINTER}")
    await desk.ok("alice", "/incident open Wi-Fi drops on floor 3 --category network")
    await desk.ok("bob", "/incident claim 1")
    plate = await desk.message("bob", "whats on my plate?")
    assert plate.text == "1 open incident for you, closest to breach first"
    assert plate.card.body.startswith("INC-000001") and len(plate.card.body.splitlines()) == 1
    own = await desk.message("carol", "what's on my plate")  # a manager: hers, not her teams'
    assert own.text.startswith("No open incidents for you.")
    assert (await desk.ok("bob", "/incident queue --agent me")).card.body == plate.card.body


async def test_a_persons_sla_notices_are_queued_in_the_order_they_fell_due(desk, scheduler, clock):
    for n in range(3):  # config.yaml's sla.digest_above: more would come as one digest
        await desk.ok("alice", f"/incident open Laptop {n} will not boot")
        await desk.ok("bob", f"/incident claim {n + 1}")
        clock.advance(minutes=1)
    report = await at(clock, scheduler, hours=60)
    assert report.warnings == 3
    async with desk.core.database.transaction() as session:
        query = select(OutboxRow.incident_id).where(
            OutboxRow.kind == "sla_warning", OutboxRow.recipient_key == "bob"
        )
        assert list(await session.scalars(query.order_by(OutboxRow.id))) == [1, 2, 3]


async def test_incidents_open_before_the_upgrade_are_checked_by_the_first_sweep(
    tmp_path, settings, clock
):
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    await database.upgrade("0003")
    opened = START - timedelta(hours=9)
    rows = [
        {
            k: v
            for k, v in incident_row(n, wave=None).items()
            if not k.startswith("sla_")  # the columns 0004 adds
        }
        | {"id": n, "state": state, "opened_at": opened}
        | {"response_due_at": opened + timedelta(hours=8)}
        for n, state in enumerate(("new", "pending", "closed"), start=1)
    ]
    columns = Incident.__table__.columns
    old_table = table("incidents", *(column(k, columns[k].type) for k in rows[0]))
    async with database.engine.begin() as conn:
        await conn.execute(insert(old_table), rows)
    await database.upgrade()
    desk = Desk(Core(settings, database, clock=clock))
    old = [await load(desk, n) for n in (1, 2, 3)]
    assert [i.clock.next_check_at for i in old] == [START - timedelta(hours=9), None, None]
    assert old[1].sla_paused_since == old[1].updated_at
    report = (await make_scheduler(desk.core, Recorder(), clock).tick()).sla
    assert (report.checked, report.warnings, report.breaches) == (1, 0, 1)  # only the highest
    assert [kind for kind, _ in await sla_events(desk, 1)] == ["sla_breach"]
    await database.dispose()
