"""The scheduler's jobs on both databases: auto-close, draft expiry, and delivery.

The clock is moved by hand; each `tick` runs every job once, as the scheduler loop
(or the console after each line) does.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.messages import Reply
from bot.models import Conversation, Incident, IncidentEvent, OutboxRow, ProcessedEvent
from bot.outbox import Deliverer, Outbox, Recipient
from bot.scheduler import Scheduler
from tests.conftest import START
from tests.integration.test_outbox import Recorder

SUMMARY = "Printer on floor 3 jams on every page"
LABEL = "INC-000001 “Printer on floor 3 jams on every page”"
OUTAGE = "The VPN is down for the whole office, nobody can work"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def make_scheduler(core, recorder, clock) -> Scheduler:
    settings = core.rules.settings
    deliverer = Deliverer(core.database, {"console": recorder}, clock, settings.outbox)
    return Scheduler(core.database, core.rules, clock, deliverer)


@pytest.fixture
def scheduler(core, recorder, clock) -> Scheduler:
    return make_scheduler(core, recorder, clock)


async def incident(core, number: int = 1) -> Incident:
    async with core.database.transaction() as session:
        found = await session.get(Incident, number)
    assert found is not None
    return found


async def events(core, number: int = 1) -> list[IncidentEvent]:
    async with core.database.transaction() as session:
        query = select(IncidentEvent).where(IncidentEvent.incident_id == number)
        return list(await session.scalars(query.order_by(IncidentEvent.id)))


async def outbox(core, kind: str) -> list[OutboxRow]:
    async with core.database.transaction() as session:
        query = select(OutboxRow).where(OutboxRow.kind == kind).order_by(OutboxRow.id)
        return list(await session.scalars(query))


async def resolved_with_affected(desk) -> None:
    """INC-1 by alice, frank affected (his INC-2 linked to it), resolved by Bob at START."""
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("frank", "/incident open The floor 3 printer eats my pages too")
    await desk.ok("bob", "/incident link 2 1")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")


# -- auto-close -----------------------------------------------------------------


async def test_a_resolved_incident_closes_by_itself_after_the_configured_time(
    desk, core, scheduler, recorder, clock, settings
):
    assert settings.desk.auto_close_after == timedelta(days=5)
    await resolved_with_affected(desk)
    first = await scheduler.tick()
    assert first.auto_closed == 0
    # Places are served side by side, so the order is only kept within one place.
    assert sorted((n.kind, n.recipient.key) for n in first.delivered) == [
        ("cancelled", "console:frank"),
        ("claimed", "console:alice"),
        ("claimed", "console:frank"),
        ("resolved", "console:alice"),
        ("resolved", "console:frank"),
    ]

    alice = [n.kind for n in first.delivered if n.recipient.key == "console:alice"]
    assert alice == ["claimed", "resolved"]

    clock.advance(days=5, seconds=-1)
    early = await scheduler.tick()
    assert (early.auto_closed, early.delivered) == (0, [])
    assert (await incident(core)).state == "resolved"

    clock.advance(seconds=1)
    report = await scheduler.tick()
    assert report.auto_closed == 1
    closed = await incident(core)
    assert (closed.state, closed.closed_at) == ("closed", START + timedelta(days=5))
    last = (await events(core))[-1]
    assert (last.kind, last.actor_key, last.actor_name, last.at) == (
        "closed",
        "deskbot",
        "Deskbot",
        START + timedelta(days=5),
    )
    assert last.text == "closed automatically: resolved, and no reply from the reporter since"
    assert last.changes["state"] == ["resolved", "closed"]
    assert sorted((n.kind, n.recipient.key, n.reply.text) for n in report.delivered) == [
        ("closed", "console:alice", f"{LABEL} is closed. How did we do?"),
        ("closed", "console:frank", f"{LABEL} is closed."),
    ]
    (rating,) = [n.reply.buttons for n in report.delivered if n.recipient.key == "console:alice"]
    assert [(b.label, b.action_id, b.value) for b in rating] == [
        ("Good", "incident.rate", "1 good"),
        ("OK", "incident.rate", "1 ok"),
        ("Poor", "incident.rate", "1 poor"),
    ]


async def test_ticking_again_closes_and_notifies_only_once(desk, core, scheduler, recorder, clock):
    await resolved_with_affected(desk)
    clock.advance(days=6)
    assert (await scheduler.tick()).auto_closed == 1
    again = await scheduler.tick()
    assert (again.auto_closed, again.delivered) == (0, [])
    clock.advance(days=30)
    assert (await scheduler.tick()).auto_closed == 0
    assert sorted(n.recipient.key for n in recorder.sent if n.kind == "closed") == [
        "console:alice",
        "console:frank",
    ]
    assert [e.kind for e in await events(core)].count("closed") == 1
    assert len(await outbox(core, "closed")) == 2


async def test_two_schedulers_at_once_close_an_incident_once(desk, core, clock):
    await resolved_with_affected(desk)
    clock.advance(days=6)
    one, two = Recorder("one"), Recorder("two")
    reports = await asyncio.gather(
        make_scheduler(core, one, clock).tick(), make_scheduler(core, two, clock).tick()
    )
    assert sorted(r.auto_closed for r in reports) == [0, 1]
    assert [e.kind for e in await events(core)].count("closed") == 1
    closed = [n.recipient.key for n in one.sent + two.sent if n.kind == "closed"]
    assert sorted(closed) == ["console:alice", "console:frank"]


async def test_only_resolved_incidents_close_by_themselves(desk, core, scheduler, clock):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("alice", "/incident open Monitor flickers")
    await desk.ok("bob", "/incident claim 2")
    await desk.ok("bob", "/incident pending 2 which cable do you use?")
    clock.advance(days=60)
    assert (await scheduler.tick()).auto_closed == 0
    assert [(await incident(core, n)).state for n in (1, 2)] == ["new", "pending"]


async def test_the_time_counts_from_the_last_resolution(desk, core, scheduler, clock):
    await resolved_with_affected(desk)
    clock.advance(days=4)
    await desk.ok("alice", "/incident reopen 1 it jams again")
    clock.advance(hours=1)
    await desk.ok("bob", "/incident resolve 1 Replaced the rollers too")
    clock.advance(days=1)  # five days after the first resolution
    assert (await scheduler.tick()).auto_closed == 0
    clock.advance(days=4, seconds=-1)  # five days after the second, less a second
    assert (await scheduler.tick()).auto_closed == 0
    clock.advance(seconds=1)
    assert (await scheduler.tick()).auto_closed == 1


async def test_a_confirmed_incident_is_not_closed_again(desk, core, scheduler, clock):
    await resolved_with_affected(desk)
    await desk.press("alice", "incident.confirm", "1")
    clock.advance(days=6)
    assert (await scheduler.tick()).auto_closed == 0
    assert [e.kind for e in await events(core)][-1] == "confirmed"
    assert await outbox(core, "closed") == []


# -- draft expiry -----------------------------------------------------------------


async def test_a_draft_left_too_long_is_dropped_with_a_message(
    desk, core, scheduler, recorder, clock, settings
):
    assert settings.intake.draft_expiry == timedelta(hours=4)
    summary = await desk.message("alice", OUTAGE)
    assert summary.text == "Here is what I'll open for you. Shall I?"

    clock.advance(hours=4, seconds=-1)
    assert (await scheduler.tick()).expired_drafts == 0
    clock.advance(seconds=1)
    report = await scheduler.tick()
    assert report.expired_drafts == 1
    expected = (
        f"Your unfinished report “{OUTAGE}” waited too long for an answer, so I dropped it; "
        "nothing was opened. Tell me again if it still matters."
    )
    assert [(n.kind, n.incident_id, n.recipient, n.reply.text) for n in report.delivered] == [
        ("draft_expired", None, Recipient("console:alice", "alice", "console", "test"), expected)
    ]
    async with core.database.transaction() as session:
        chat = await session.scalar(
            select(Conversation).where(Conversation.person_key == "console:alice")
        )
        assert (chat.step, chat.text, chat.expires_at) == ("idle", "", None)

    # "yes" would have opened the report; now it starts afresh and opens nothing.
    answer = await desk.message("alice", "yes")
    assert "waited too long" not in answer.text
    assert "Opened" not in answer.text
    async with core.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Incident)) == 0

    clock.advance(days=1)
    assert (await scheduler.tick()).expired_drafts == 0
    assert [n.kind for n in recorder.sent] == ["draft_expired"]


async def test_each_answer_gives_a_draft_more_time(desk, core, scheduler, clock):
    await desk.message("alice", "my laptop screen flickers")  # articles first
    clock.advance(hours=3)
    await desk.message("alice", "still need help")
    clock.advance(hours=3)  # six hours after the report, three after the last answer
    assert (await scheduler.tick()).expired_drafts == 0
    clock.advance(hours=1)
    assert (await scheduler.tick()).expired_drafts == 1


async def test_a_draft_found_expired_in_chat_is_told_once(desk, core, scheduler, recorder, clock):
    await desk.message("alice", OUTAGE)
    clock.advance(hours=5)
    answer = await desk.message("alice", "hello")
    assert answer.text.startswith(f"Your unfinished report “{OUTAGE}” waited too long")
    assert answer.text.endswith("Say “help” for more.")
    assert (await scheduler.tick()).expired_drafts == 0
    assert recorder.sent == []
    assert await outbox(core, "draft_expired") == []


async def test_a_person_without_a_draft_hears_nothing(desk, core, scheduler, recorder, clock):
    await desk.message("alice", "hello")
    clock.advance(days=2)
    report = await scheduler.tick()
    assert (report.expired_drafts, report.delivered) == (0, [])


# -- delivery --------------------------------------------------------------------


async def test_a_tick_delivers_more_than_one_batch(core, scheduler, recorder, clock):
    async def write(session) -> None:
        box = Outbox(session, clock.now())
        for n in range(120):
            box.add(
                Recipient(f"console:u{n % 7}", f"u{n % 7}", "console", f"u{n % 7}"),
                Reply(text=f"notice {n}"),
                kind="note",
            )

    await core.database.run(write)
    report = await scheduler.tick()
    assert len(report.delivered) == 120
    assert sorted(int(n.reply.text.split()[1]) for n in recorder.sent) == list(range(120))
    assert (await scheduler.tick()).delivered == []


async def test_a_tick_reports_failed_deliveries_and_a_later_tick_sends_them(
    desk, scheduler, recorder, clock
):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    recorder.down = ConnectionError("no route to host")
    report = await scheduler.tick()
    assert (report.delivered, report.retrying, report.dead) == ([], 1, 0)
    recorder.down = None
    assert (await scheduler.tick()).delivered == []  # backing off
    clock.advance(seconds=10)
    (notice,) = (await scheduler.tick()).delivered
    assert (notice.kind, notice.recipient.key, notice.attempts) == (
        "claimed",
        "console:alice",
        1,
    )
    assert notice.reply.text == f"Bob Baker is working on {LABEL}."


async def test_handled_event_ids_are_forgotten_after_a_week(desk, core, scheduler, clock):
    await desk.say("alice", f"/incident open {SUMMARY}", event_id="Ev1")
    clock.advance(days=6)
    assert (await scheduler.tick()).forgotten_events == 0
    assert await desk.say("alice", f"/incident open {SUMMARY}", event_id="Ev1") == []  # a retry
    clock.advance(days=1, seconds=1)
    assert (await scheduler.tick()).forgotten_events == 1
    async with core.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


# -- a question to the reporter left unanswered ---------------------------------------


async def pending_on_alice(desk) -> None:
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 which tray do you print from?")


async def test_an_unanswered_question_is_put_to_the_reporter_again_once(
    desk, core, scheduler, clock, settings
):
    # Before, an incident waiting on its reporter waited for ever, its SLA clock stopped.
    assert settings.desk.remind_pending_after == timedelta(days=2)
    await pending_on_alice(desk)
    await scheduler.tick()
    clock.advance(days=2, seconds=-1)
    assert (await scheduler.tick()).reminded == 0
    clock.advance(seconds=1)
    report = await scheduler.tick()
    assert report.reminded == 1
    last = (await events(core))[-1]
    assert (last.kind, last.actor_key, last.text) == (
        "reminded",
        "deskbot",
        "no answer yet to: which tray do you print from?",
    )
    # Places are served side by side, so the order is only kept within one place.
    assert sorted((n.kind, n.recipient.key, n.reply.text) for n in report.delivered) == [
        (
            "reminded",
            "bob",
            f"alice hasn't answered on {LABEL} in 2d; they were reminded. "
            "If nothing comes, you may resolve it.",
        ),
        (
            "reminded",
            "console:alice",
            f"A reminder: Bob Baker (bob) still needs your answer on {LABEL}: "
            "which tray do you print from?\nReply here and work on it carries on.",
        ),
    ]
    clock.advance(days=10)
    assert (await scheduler.tick()).reminded == 0
    assert (await incident(core)).state == "pending"
    answered = await desk.message("alice", "tray 2")  # the reminder's chat follows it
    assert answered.text.startswith("Added to INC-000001; it is back in progress")
    assert (await incident(core)).state == "in_progress"


async def test_asked_again_later_the_reporter_is_reminded_again(desk, core, scheduler, clock):
    await pending_on_alice(desk)
    clock.advance(days=3)
    assert (await scheduler.tick()).reminded == 1
    await desk.ok("alice", "/incident note 1 tray 2")  # answered: back in progress
    await desk.ok("bob", "/incident pending 1 does it jam with other paper?")
    clock.advance(days=2)
    assert (await scheduler.tick()).reminded == 1


async def test_a_wait_on_a_third_party_reminds_nobody(desk, core, scheduler, clock):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 the supplier sends a fuser --on third-party")
    clock.advance(days=5)
    assert (await scheduler.tick()).reminded == 0


async def test_reminders_can_be_turned_off(database, clock, settings, recorder):
    from bot.app import Core
    from tests.conftest import Desk

    quiet = settings.model_copy(
        update={"desk": settings.desk.model_copy(update={"remind_pending_after": None})}
    )
    core = Core(quiet, database, clock=clock)
    desk = Desk(core)
    await pending_on_alice(desk)
    clock.advance(days=5)
    assert (await make_scheduler(core, recorder, clock).tick()).reminded == 0
