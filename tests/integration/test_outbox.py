"""The outbox under failure, on SQLite and PostgreSQL: nothing lost, nothing sent twice.

A recording sender stands in for a chat platform: it accepts what it is given (and
remembers it), or raises as a platform does when it is down, rate-limits, or refuses a
message for good. Time only moves when the test moves the ManualClock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

import bot.app
import bot.outbox
from bot.config import OutboxSettings
from bot.db import Database
from bot.messages import Reply
from bot.models import Incident, IncidentEvent, OutboxRow
from bot.outbox import (
    LEASE,
    Deliverer,
    Notice,
    Outbox,
    Recipient,
    RetryLater,
    Undeliverable,
    retry,
)
from tests.conftest import START, make_database

SUMMARY = "Printer on floor 3 jams on every page"
NO_DATABASE = Database("sqlite://")  # never connected: backoff is pure arithmetic
LABEL = "INC-000001 “Printer on floor 3 jams on every page”"


class Recorder:
    """A chat platform for tests: records what it accepted; fails when told to."""

    platform = "console"

    def __init__(self, name: str = "recorder") -> None:
        self.name = name
        self.sent: list[Notice] = []
        self.calls: list[int] = []  # every attempt, by row id, accepted or not
        self.down: Exception | None = None  # raised for every notice while set
        self.broken: dict[str, Exception] = {}  # channel id -> raised for that place only
        self.errors: list[Exception] = []  # raised once each, in order, before accepting

    async def send(self, notice: Notice) -> str:
        self.calls.append(notice.id)
        if self.down is not None:
            raise self.down
        if notice.recipient.channel_id in self.broken:
            raise self.broken[notice.recipient.channel_id]
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(notice)
        return f"{self.name}-{notice.id}"

    @property
    def sent_ids(self) -> list[int]:
        return [n.id for n in self.sent]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff without its random part, so waits can be compared exactly."""
    monkeypatch.setattr(bot.outbox, "random", SimpleNamespace(uniform=lambda low, high: high))


@pytest.fixture
def deliverer(database, recorder, clock, settings) -> Deliverer:
    return Deliverer(database, {"console": recorder}, clock, settings.outbox)


async def outbox_rows(database: Database) -> list[OutboxRow]:
    async with database.transaction() as session:
        return list(await session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


async def count(database: Database, model) -> int:
    async with database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def to(person: str, thread: str | None = None) -> Recipient:
    return Recipient(f"console:{person}", person, "console", person, thread)


async def add(database: Database, now, *notices: tuple[Recipient, str]) -> list[int]:
    """Write notices straight into the outbox, one transaction; returns their ids."""

    async def write(session) -> list[int]:
        box = Outbox(session, now)
        for recipient, text in notices:
            box.add(recipient, Reply(text=text), kind="note")
        await session.flush()
        rows = await session.scalars(
            select(OutboxRow.id).order_by(OutboxRow.id.desc()).limit(len(notices))
        )
        return sorted(rows)

    return await database.run(write)


def url_of(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


# -- written with the change ----------------------------------------------------


async def test_a_change_writes_its_notice_in_the_same_transaction(desk, database, clock):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    assert await outbox_rows(database) == []  # the reporter is not told of their own report
    clock.advance(minutes=7)
    await desk.ok("bob", "/incident claim 1")
    (row,) = await outbox_rows(database)
    assert (row.kind, row.incident_id, row.state, row.attempts, row.lease) == (
        "claimed",
        1,
        "pending",
        0,
        None,
    )
    assert (row.recipient_key, row.recipient_name, row.platform, row.channel_id) == (
        "console:alice",
        "alice",
        "console",
        "alice",
    )
    assert row.thread_id is None
    assert row.created_at == row.next_attempt_at == START + timedelta(minutes=7)
    assert row.payload["text"] == f"Bob Baker is working on {LABEL}."
    assert (row.delivered_at, row.message_id, row.last_error) == (None, None, None)


async def test_a_refused_command_writes_no_notice(desk, database):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.err("dave", "/incident claim 1")  # already claimed by Bob
    await desk.err("alice", "/incident resolve 1 fixed it myself")  # not an agent
    await desk.err("bob", "/incident assign 1 nobody")  # no such agent or group
    assert [r.kind for r in await outbox_rows(database)] == ["claimed"]


async def test_notices_roll_back_with_a_change_that_fails_to_commit(
    desk, core, database, monkeypatch
):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    real = bot.app.write_notices

    async def write_then_crash(session, rules, now):
        assert await real(session, rules, now) == 1
        await session.flush()  # the row is in the database, inside the transaction
        raise RuntimeError("the worker crashed before the commit")

    monkeypatch.setattr(bot.app, "write_notices", write_then_crash)
    (failed,) = await desk.say("bob", "/incident claim 1", event_id="claim-1")
    assert failed.is_error and "Something went wrong on our side" in failed.text
    assert await outbox_rows(database) == []
    async with database.transaction() as session:
        incident = await session.get(Incident, 1)
        assert (incident.state, incident.assignee) == ("new", None)
    assert await count(database, IncidentEvent) == 1  # only "opened"

    monkeypatch.setattr(bot.app, "write_notices", real)
    (done,) = await desk.say("bob", "/incident claim 1", event_id="claim-1")
    assert done.text == "You own INC-000001 now."
    assert [(r.kind, r.recipient_key) for r in await outbox_rows(database)] == [
        ("claimed", "console:alice")
    ]


# -- failing, then recovering ---------------------------------------------------


async def test_an_outage_delays_notices_and_loses_or_repeats_none(
    desk, database, deliverer, recorder, clock, no_jitter
):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 which printer model is it?")
    await desk.ok("bob", "/incident note 1 a spare part is ordered")
    recorder.down = ConnectionError("platform unreachable")

    report = await deliverer.deliver_due()
    assert (report.sent, report.retrying, report.dead) == ([], 1, 0)
    retry_at = START + timedelta(seconds=10)
    rows = await outbox_rows(database)
    assert [(r.kind, r.state, r.attempts, r.next_attempt_at, r.lease) for r in rows] == [
        ("claimed", "pending", 1, retry_at, None),
        ("pending", "pending", 0, retry_at, None),
        ("note", "pending", 0, retry_at, None),
    ]
    assert rows[0].last_error == "ConnectionError: platform unreachable"
    assert [r.last_error for r in rows[1:]] == [None, None]

    clock.advance(seconds=9)
    report = await deliverer.deliver_due()
    assert (report.sent, report.retrying, report.dead) == ([], 0, 0)
    assert recorder.calls == [1]  # nothing was due yet

    clock.advance(seconds=1)
    report = await deliverer.deliver_due()
    assert report.retrying == 1
    (first, *_) = await outbox_rows(database)
    assert (first.attempts, first.next_attempt_at) == (2, clock.now() + timedelta(seconds=20))

    recorder.down = None
    clock.advance(seconds=20)
    report = await deliverer.deliver_due()
    assert [n.id for n in report.sent] == [1, 2, 3]
    assert recorder.sent_ids == [1, 2, 3]
    rows = await outbox_rows(database)
    assert [(r.state, r.attempts, r.message_id, r.delivered_at, r.lease) for r in rows] == [
        ("delivered", 2, "recorder-1", clock.now(), None),
        ("delivered", 0, "recorder-2", clock.now(), None),
        ("delivered", 0, "recorder-3", clock.now(), None),
    ]
    assert recorder.sent[0].reply.text == f"Bob Baker is working on {LABEL}."
    assert recorder.sent[0].attempts == 2  # the sender is told how often it failed before

    clock.advance(days=3)
    report = await deliverer.deliver_due()
    assert report.sent == []
    assert recorder.sent_ids == [1, 2, 3]
    assert recorder.calls == [1, 1, 1, 2, 3]


async def test_backoff_doubles_and_is_capped(database, recorder, clock, no_jitter):
    settings = OutboxSettings(
        max_attempts=20, backoff=timedelta(seconds=10), backoff_cap=timedelta(minutes=1)
    )
    deliverer = Deliverer(database, {"console": recorder}, clock, settings)
    await add(database, clock.now(), (to("alice"), "hello"))
    recorder.down = TimeoutError("read timed out")
    waits = []
    for _ in range(6):
        await deliverer.deliver_due()
        (row,) = await outbox_rows(database)
        waits.append((row.attempts, (row.next_attempt_at - clock.now()).total_seconds()))
        clock.current = row.next_attempt_at
    assert waits == [(1, 10), (2, 20), (3, 40), (4, 60), (5, 60), (6, 60)]
    assert row.last_error == "TimeoutError: read timed out"


def test_backoff_of_the_shipped_config(settings, clock, no_jitter):
    deliverer = Deliverer(NO_DATABASE, {}, clock, settings.outbox)
    seconds = [deliverer.backoff(n).total_seconds() for n in range(1, 11)]
    assert seconds == [10, 20, 40, 80, 160, 320, 640, 1280, 1800, 1800]


def test_backoff_jitter_stays_within_a_fifth_below_the_nominal_wait(settings, clock):
    deliverer = Deliverer(NO_DATABASE, {}, clock, settings.outbox)
    for attempts, nominal in [(1, 10), (2, 20), (5, 160), (12, 1800)]:
        for _ in range(50):
            wait = deliverer.backoff(attempts).total_seconds()
            assert nominal * 0.8 <= wait <= nominal


async def test_a_notice_failing_past_attempt_44_keeps_retrying_at_the_cap(
    database, recorder, clock, no_jitter
):
    settings = OutboxSettings(max_attempts=100)
    (row_id,) = await add(database, clock.now(), (to("alice"), "hello"))
    await database.run(
        lambda s: s.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(attempts=50))
    )
    recorder.down = ConnectionError("down for days")
    deliverer = Deliverer(database, {"console": recorder}, clock, settings)
    report = await deliverer.deliver_due()
    assert (report.retrying, report.dead) == (1, 0)
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts, row.lease) == ("pending", 51, None)
    assert row.next_attempt_at == clock.now() + settings.backoff_cap


async def test_retry_after_waits_that_long_and_is_not_a_failed_attempt(
    database, deliverer, recorder, clock
):
    await add(database, clock.now(), (to("alice"), "hello"))
    recorder.errors = [RetryLater(120)]
    report = await deliverer.deliver_due()
    assert (report.sent, report.retrying, report.dead) == ([], 1, 0)
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == START + timedelta(seconds=120)
    assert row.last_error == "RetryLater: rate limited; retry after 120s"

    clock.advance(seconds=119)
    assert (await deliverer.deliver_due()).sent == []
    clock.advance(seconds=1)
    assert [n.id for n in (await deliverer.deliver_due()).sent] == [row.id]
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts) == ("delivered", 0)


async def test_being_rate_limited_many_times_never_kills_a_notice(
    database, recorder, clock, settings
):
    deliverer = Deliverer(database, {"console": recorder}, clock, settings.outbox)
    await add(database, clock.now(), (to("alice"), "hello"))
    limits = settings.outbox.max_attempts + 3
    recorder.errors = [RetryLater(30, "429 Too Many Requests") for _ in range(limits)]
    for _ in range(limits):
        report = await deliverer.deliver_due()
        assert (report.retrying, report.dead) == (1, 0)
        clock.advance(seconds=30)
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts) == ("pending", 0)
    assert row.last_error == "RetryLater: 429 Too Many Requests; retry after 30s"
    assert len((await deliverer.deliver_due()).sent) == 1
    assert len(recorder.calls) == limits + 1


async def test_an_undeliverable_notice_is_dead_at_once_and_the_next_one_goes(
    database, deliverer, recorder, clock
):
    first, second, other = await add(
        database,
        clock.now(),
        (to("gone"), "to someone who left"),
        (to("gone"), "the next one to that place"),
        (to("alice"), "to someone else"),
    )
    recorder.errors = [Undeliverable("no such user")]
    report = await deliverer.deliver_due()
    assert (report.dead, report.retrying) == (1, 0)
    assert report.sent[0].id == other
    rows = {r.id: r for r in await outbox_rows(database)}
    assert (rows[first].state, rows[first].attempts) == ("dead", 1)
    assert rows[first].last_error == "Undeliverable: no such user"
    assert rows[first].delivered_at is None
    assert (rows[second].state, rows[second].attempts) == ("pending", 0)

    report = await deliverer.deliver_due()  # no time has to pass: the dead one is out of the way
    assert [n.id for n in report.sent] == [second]
    assert recorder.sent_ids == [other, second]


async def test_a_notice_that_keeps_failing_ends_dead_after_max_attempts(
    database, deliverer, recorder, clock, settings
):
    assert settings.outbox.max_attempts == 8
    (row_id,) = await add(database, clock.now(), (to("alice"), "hello"))
    recorder.down = ConnectionError("502 Bad Gateway")
    outcomes = []
    for _ in range(settings.outbox.max_attempts):
        report = await deliverer.deliver_due()
        outcomes.append((report.retrying, report.dead))
        clock.advance(hours=1)  # longer than any backoff
    assert outcomes == [(1, 0)] * 7 + [(0, 1)]
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts, row.last_error) == (
        "dead",
        8,
        "ConnectionError: 502 Bad Gateway",
    )
    clock.advance(days=30)
    assert (await deliverer.deliver_due()).sent == []
    assert recorder.calls == [row_id] * 8


async def test_max_attempts_comes_from_the_settings(database, recorder, clock):
    settings = OutboxSettings(max_attempts=2)
    deliverer = Deliverer(database, {"console": recorder}, clock, settings)
    await add(database, clock.now(), (to("alice"), "hello"))
    recorder.down = ConnectionError("down")
    assert (await deliverer.deliver_due()).retrying == 1
    clock.advance(hours=1)
    assert (await deliverer.deliver_due()).dead == 1
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts) == ("dead", 2)


async def test_retry_puts_dead_notices_back_and_they_are_delivered(
    database, deliverer, recorder, clock
):
    a, b, kept = await add(
        database, clock.now(), (to("alice"), "one"), (to("bob"), "two"), (to("carol"), "three")
    )
    recorder.errors = [Undeliverable("x"), Undeliverable("y")]
    report = await deliverer.deliver_due()
    assert (report.dead, [n.id for n in report.sent]) == (2, [kept])

    clock.advance(hours=2)
    assert await retry(database, [b, kept, 999], clock.now()) == 1  # only dead rows count
    rows = {r.id: r for r in await outbox_rows(database)}
    assert (rows[a].state, rows[b].state, rows[kept].state) == ("dead", "pending", "delivered")
    assert (rows[b].attempts, rows[b].next_attempt_at, rows[b].lease) == (0, clock.now(), None)

    assert [n.id for n in (await deliverer.deliver_due()).sent] == [b]
    assert await retry(database, None, clock.now()) == 1
    assert [n.id for n in (await deliverer.deliver_due()).sent] == [a]
    assert await retry(database, None, clock.now()) == 0
    assert sorted(recorder.sent_ids) == [a, b, kept]
    assert [r.state for r in await outbox_rows(database)] == ["delivered"] * 3


# -- order within a place ---------------------------------------------------------


async def test_after_a_failure_later_notices_to_that_place_wait_and_others_go(
    database, deliverer, recorder, clock, no_jitter
):
    a1, b1, a2, b2, a3 = await add(
        database,
        clock.now(),
        (to("alice"), "a1"),
        (to("bob"), "b1"),
        (to("alice"), "a2"),
        (to("bob"), "b2"),
        (to("alice"), "a3"),
    )
    recorder.broken["alice"] = ConnectionError("alice's workspace is unreachable")
    report = await deliverer.deliver_due()
    assert [n.id for n in report.sent] == [b1, b2]
    assert report.retrying == 1
    rows = {r.id: r for r in await outbox_rows(database)}
    later = START + timedelta(seconds=10)
    assert [(rows[i].attempts, rows[i].next_attempt_at, rows[i].lease) for i in (a1, a2, a3)] == [
        (1, later, None),
        (0, later, None),
        (0, later, None),
    ]
    assert recorder.calls == [a1, b1, b2]  # a2 and a3 were not even tried

    del recorder.broken["alice"]
    assert (await deliverer.deliver_due()).sent == []  # they wait with a1
    clock.advance(seconds=10)
    assert [n.id for n in (await deliverer.deliver_due()).sent] == [a1, a2, a3]
    assert [n.reply.text for n in recorder.sent] == ["b1", "b2", "a1", "a2", "a3"]


async def test_a_thread_is_a_place_of_its_own(database, deliverer, recorder, clock):
    _, direct = await add(
        database, clock.now(), (to("alice", "t-9"), "in the thread"), (to("alice"), "direct")
    )
    recorder.errors = [ConnectionError("thread is archived")]
    report = await deliverer.deliver_due()
    assert [n.id for n in report.sent] == [direct]
    assert recorder.sent[0].recipient == Recipient("console:alice", "alice", "console", "alice")


async def test_a_notice_written_after_a_failure_waits_behind_the_failed_one(
    database, deliverer, recorder, clock, no_jitter
):
    (first,) = await add(database, clock.now(), (to("alice"), "first"))
    recorder.errors = [ConnectionError("down for a moment")]
    assert (await deliverer.deliver_due()).retrying == 1
    clock.advance(seconds=1)
    (second,) = await add(database, clock.now(), (to("alice"), "second"))
    await deliverer.deliver_due()
    clock.advance(seconds=10)
    await deliverer.deliver_due()
    assert recorder.sent_ids == [first, second]


# -- crashes and restarts ------------------------------------------------------


async def test_a_restart_between_a_change_and_its_delivery_delivers_it_once(
    desk, settings, database, clock
):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    claimed = await desk.ok("bob", "/incident claim 1")
    assert claimed.text == "You own INC-000001 now."
    url = url_of(database)
    await database.dispose()  # the process that made the change is gone

    recorders = []
    for _ in range(3):  # three later processes, one after the other
        fresh = Database(url)
        try:
            recorder = Recorder()
            recorders.append(recorder)
            await Deliverer(fresh, {"console": recorder}, clock, settings.outbox).deliver_due()
        finally:
            await fresh.dispose()
        clock.advance(hours=1)
    assert [[n.reply.text for n in r.sent] for r in recorders] == [
        [f"Bob Baker is working on {LABEL}."],
        [],
        [],
    ]
    check = Database(url)
    try:
        (row,) = await outbox_rows(check)
    finally:
        await check.dispose()
    assert (row.state, row.message_id) == ("delivered", f"recorder-{row.id}")


async def test_a_restart_after_a_failed_attempt_keeps_the_attempt_count(
    settings, database, clock, no_jitter
):
    (row_id,) = await add(database, clock.now(), (to("alice"), "hello"))
    before = Recorder("before")
    before.down = ConnectionError("down")
    await Deliverer(database, {"console": before}, clock, settings.outbox).deliver_due()
    url = url_of(database)
    await database.dispose()

    fresh = Database(url)
    try:
        after = Recorder("after")
        deliverer = Deliverer(fresh, {"console": after}, clock, settings.outbox)
        assert (await deliverer.deliver_due()).sent == []  # still backing off
        clock.advance(seconds=10)
        assert [n.attempts for n in (await deliverer.deliver_due()).sent] == [1]
        (row,) = await outbox_rows(fresh)
    finally:
        await fresh.dispose()
    assert (row.state, row.attempts, row.message_id) == ("delivered", 1, f"after-{row_id}")


async def test_a_notice_claimed_by_a_worker_that_died_is_due_again_after_the_lease(
    settings, database, clock
):
    (row_id,) = await add(database, clock.now(), (to("alice"), "hello"))
    inside = asyncio.Event()

    class Hangs:
        async def send(self, notice: Notice) -> str:
            inside.set()
            await asyncio.Event().wait()  # the platform never answers
            raise AssertionError("unreachable")

    dying = asyncio.create_task(
        Deliverer(database, {"console": Hangs()}, clock, settings.outbox).deliver_due()
    )
    await inside.wait()
    dying.cancel()  # the worker dies mid-send
    with pytest.raises(asyncio.CancelledError):
        await dying
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 0, START + LEASE)
    assert row.lease is not None

    fresh = Database(url_of(database))
    try:
        recorder = Recorder()
        other = Deliverer(fresh, {"console": recorder}, clock, settings.outbox)
        assert (await other.deliver_due()).sent == []
        clock.advance(seconds=LEASE.total_seconds() - 1)
        assert (await other.deliver_due()).sent == []
        clock.advance(seconds=1)
        assert [n.id for n in (await other.deliver_due()).sent] == [row_id]
        clock.advance(hours=1)
        assert (await other.deliver_due()).sent == []
    finally:
        await fresh.dispose()
    (row,) = await outbox_rows(database)
    assert (row.state, row.lease, row.message_id) == ("delivered", None, f"recorder-{row_id}")


async def test_a_late_outcome_from_a_worker_whose_lease_ran_out_changes_nothing(
    settings, database, clock
):
    (row_id,) = await add(database, clock.now(), (to("alice"), "hello"))
    inside, release = asyncio.Event(), asyncio.Event()

    class Slow:
        async def send(self, notice: Notice) -> str:
            inside.set()
            await release.wait()
            raise ConnectionError("the answer came too late")

    slow = asyncio.create_task(
        Deliverer(database, {"console": Slow()}, clock, settings.outbox).deliver_due()
    )
    await inside.wait()
    clock.advance(seconds=LEASE.total_seconds())
    recorder = Recorder()
    taken_over = await Deliverer(
        database, {"console": recorder}, clock, settings.outbox
    ).deliver_due()
    assert [n.id for n in taken_over.sent] == [row_id]
    release.set()
    await slow
    (row,) = await outbox_rows(database)
    assert (row.state, row.attempts, row.last_error, row.message_id) == (
        "delivered",
        0,
        None,
        f"recorder-{row_id}",
    )


# -- the same platform event twice ------------------------------------------------


async def test_a_redelivered_event_makes_one_incident_and_one_set_of_notices(desk, database):
    first = await desk.say("alice", f"/incident open {SUMMARY}", event_id="slack-ev-1")
    again = await desk.say("alice", f"/incident open {SUMMARY}", event_id="slack-ev-1")
    assert first[0].text.startswith("Opened INC-000001")
    assert again == []
    claim = await desk.say("bob", "/incident claim 1", event_id="slack-ev-2")
    assert [r.text for r in claim] == ["You own INC-000001 now."]
    assert await desk.say("bob", "/incident claim 1", event_id="slack-ev-2") == []
    resolved = await desk.say("bob", "/incident resolve 1 new fuser", event_id="slack-ev-3")
    assert len(resolved) == 1
    assert await desk.say("bob", "/incident resolve 1 new fuser", event_id="slack-ev-3") == []
    assert await count(database, Incident) == 1
    assert await count(database, IncidentEvent) == 3
    assert [(r.kind, r.recipient_key) for r in await outbox_rows(database)] == [
        ("claimed", "console:alice"),
        ("resolved", "console:alice"),
    ]


async def test_the_same_event_twice_at_the_same_moment_notifies_once(desk, database):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    answers = await asyncio.gather(
        *(desk.say("bob", "/incident claim 1", event_id="slack-ev-7") for _ in range(3))
    )
    assert sorted(len(a) for a in answers) == [0, 0, 1]
    assert [(r.kind, r.recipient_key) for r in await outbox_rows(database)] == [
        ("claimed", "console:alice")
    ]
    assert await count(database, IncidentEvent) == 2


# -- several workers on PostgreSQL -------------------------------------------------


@pytest.fixture
async def pg_database(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    db = await make_database("postgresql", tmp_path, request)
    yield db
    await db.dispose()


async def test_two_workers_on_postgresql_send_every_notice_exactly_once(
    pg_database, settings, clock
):
    places = [f"user{n}" for n in range(20)]
    ids = await add(
        pg_database,
        clock.now(),
        *((to(places[n % len(places)]), f"notice {n}") for n in range(200)),
    )
    both_sending = asyncio.Event()
    sent: dict[str, list[int]] = {"w1": [], "w2": []}

    class Worker:
        def __init__(self, name: str) -> None:
            self.name = name

        async def send(self, notice: Notice) -> str:
            sent[self.name].append(notice.id)
            if all(sent.values()):
                both_sending.set()
            await both_sending.wait()  # neither finishes before the other has started
            return f"{self.name}-{notice.id}"

    async def drain(name: str) -> None:
        database = Database(url_of(pg_database))
        try:
            deliverer = Deliverer(database, {"console": Worker(name)}, clock, settings.outbox)
            while (await deliverer.deliver_due(limit=10)).sent:
                pass
        finally:
            await database.dispose()

    async with asyncio.timeout(120):
        await asyncio.gather(drain("w1"), drain("w2"))
    everything = sent["w1"] + sent["w2"]
    assert sorted(everything) == ids  # every row once: none missed, none twice
    assert sent["w1"] and sent["w2"]
    rows = await outbox_rows(pg_database)
    assert {r.state for r in rows} == {"delivered"}
    by_worker = {r.id: r.message_id.split("-")[0] for r in rows}
    assert sorted(i for i, w in by_worker.items() if w == "w1") == sorted(sent["w1"])
