"""Durable notifications: written with the change, delivered afterwards, never lost.

A service that changes something someone should hear about calls `Outbox.add` in
the same session, so the notification commits with the change or not at all. The
`Deliverer` then claims due rows (with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
two workers never take the same row; SQLite has one writer anyway), hands each to
the `Sender` of its platform outside any transaction, and records the outcome: a
row is marked delivered only after the platform accepted it. A failure is retried
with exponential backoff (or after the platform's Retry-After), and a row that
keeps failing ends as 'dead', which `deskbot outbox` lists and can retry.

A claimed row is leased: its next attempt is pushed a few minutes ahead, so if
the worker dies mid-send the row simply becomes due again. That makes delivery
at-least-once; a platform accepting a message and the worker dying before it
records so is the one case that can repeat a notification.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import OutboxSettings
from bot.db import Database
from bot.messages import Attachment, Button, Card, Field, Reply, Severity
from bot.models import OutboxRow

log = logging.getLogger(__name__)

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
LEASE = timedelta(minutes=5)
BATCH = 50
_ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who hears a notification, and where: a DM (channel = their account) or a thread."""

    key: str
    name: str
    platform: str
    channel_id: str
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification handed to a platform's sender."""

    id: int
    kind: str
    incident_id: int | None
    recipient: Recipient
    reply: Reply
    attempts: int = 0  # failed attempts before this one
    # The platform's id of a message this notice replaces (edit it rather than post).
    edit_of: str | None = None


class RetryLater(Exception):
    """The platform asked us to wait (a 429 with Retry-After): not the message's fault."""

    def __init__(self, seconds: float, reason: str = "rate limited") -> None:
        super().__init__(f"{reason}; retry after {seconds:g}s")
        self.seconds = seconds


class Undeliverable(Exception):
    """The platform refused the message for good (no such user or channel)."""


class Sender(Protocol):
    """A platform adapter's way of sending a notice; returns the platform's message id."""

    async def send(self, notice: Notice) -> str | None: ...


class Outbox:
    """Writes notifications in the caller's session (the caller commits)."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    def add(
        self,
        recipient: Recipient,
        reply: Reply,
        *,
        kind: str,
        incident_id: int | None = None,
        edit_of: int | None = None,
        reply_to: int | None = None,
    ) -> OutboxRow:
        """Queue a notice; `edit_of`/`reply_to` name the outbox row whose message it edits
        or answers in a thread (same place, so it is delivered after that one)."""
        payload = reply_to_payload(reply)
        row = OutboxRow(
            **_columns(recipient, payload, self.now, kind, incident_id, edit_of, reply_to)
        )
        self.session.add(row)
        return row


def _columns(
    recipient: Recipient,
    payload: dict[str, Any],
    now: datetime,
    kind: str,
    incident_id: int | None,
    edit_of: int | None,
    reply_to: int | None,
) -> dict[str, Any]:
    """A new pending outbox row's columns, as `Outbox` and `OutboxBatch` both write them."""
    return {
        "edit_of": edit_of,
        "reply_to": reply_to,
        "created_at": now,
        "kind": kind,
        "incident_id": incident_id,
        "recipient_key": recipient.key,
        "recipient_name": recipient.name,
        "platform": recipient.platform,
        "channel_id": recipient.channel_id,
        "thread_id": recipient.thread_id,
        "payload": payload,
        "state": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
    }


class OutboxBatch:
    """Queues notices as plain rows and inserts them with one executemany, for a job that
    notifies many at once (the SLA sweep): the same columns and values `Outbox.add`
    writes, without an ORM object per row. A reply queued for several recipients in a
    row becomes its payload once. Rows are inserted in the order they were queued, so a
    place's notices keep their order of ids, as with `Outbox`."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rows: list[dict[str, Any]] = []
        self._last: tuple[Reply | None, dict[str, Any]] = (None, {})

    def add(
        self,
        recipient: Recipient,
        reply: Reply,
        *,
        kind: str,
        incident_id: int | None = None,
        edit_of: int | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Queue a notice, as `Outbox.add` would write it."""
        if reply is not self._last[0]:
            self._last = (reply, reply_to_payload(reply))
        payload = self._last[1]
        self.rows.append(
            _columns(recipient, payload, self.now, kind, incident_id, edit_of, reply_to)
        )

    async def write(self, session: AsyncSession) -> int:
        """Insert the queued rows in the caller's transaction; returns how many."""
        rows, self.rows = self.rows, []
        if rows:
            await session.execute(insert(OutboxRow.__table__), rows)
        return len(rows)


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent: list[Notice] = field(default_factory=list)
    retrying: int = 0
    dead: int = 0


class Deliverer:
    """Sends due outbox rows through the senders of the platforms this process serves."""

    def __init__(
        self,
        database: Database,
        senders: Mapping[str, Sender],
        clock: Clock,
        settings: OutboxSettings,
    ) -> None:
        self.database, self.senders, self.clock, self.settings = database, senders, clock, settings

    async def deliver_due(self, limit: int = BATCH) -> DeliveryReport:
        """One pass: claim what is due, send it (one conversation at a time, in order)."""
        report = DeliveryReport()
        if not self.senders:
            return report
        lease, notices = await self.database.run(lambda s: self._claim(s, limit))
        by_place: dict[tuple[str, str, str | None], list[Notice]] = {}
        for notice in notices:
            r = notice.recipient
            by_place.setdefault((r.platform, r.channel_id, r.thread_id), []).append(notice)
        await asyncio.gather(*(self._send_in_order(q, lease, report) for q in by_place.values()))
        return report

    async def _claim(self, session: AsyncSession, limit: int) -> tuple[str, list[Notice]]:
        now = self.clock.now()
        rows = await session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.state == PENDING,
                OutboxRow.next_attempt_at <= now,
                OutboxRow.platform.in_(list(self.senders)),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        lease = secrets.token_hex(8)
        claimed = await _in_turn(session, list(rows))
        anchors, unsent = await _anchors(session, claimed)
        claimed = _before_unsent_anchors(claimed, unsent)
        for row in claimed:
            row.lease, row.next_attempt_at = lease, now + LEASE
        return lease, [_notice(row, anchors) for row in claimed]

    async def _send_in_order(
        self, queue: Sequence[Notice], lease: str, report: DeliveryReport
    ) -> None:
        """Send one place's notices in order; after a failure the rest wait with it."""
        for position, notice in enumerate(queue):
            sender = self.senders[notice.recipient.platform]
            try:
                message_id = await sender.send(notice)
            except Exception as exc:
                # The delivery boundary (as app.py is the request boundary): whatever a
                # platform raises, the row is kept and retried, and the others go on.
                retry_at = await self._failed(notice, lease, exc, report)
                await self._hold([n.id for n in queue[position + 1 :]], lease, retry_at)
                return
            await self._mark(notice.id, lease, state=DELIVERED, message_id=message_id)
            report.sent.append(notice)

    async def _failed(
        self, notice: Notice, lease: str, exc: Exception, report: DeliveryReport
    ) -> datetime:
        now = self.clock.now()
        attempts = notice.attempts + (0 if isinstance(exc, RetryLater) else 1)
        error = f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS]
        if isinstance(exc, Undeliverable) or attempts >= self.settings.max_attempts:
            log.warning("outbox row %s is dead after %s attempt(s): %s", notice.id, attempts, error)
            report.dead += 1
            await self._mark(notice.id, lease, state=DEAD, attempts=attempts, last_error=error)
            return now
        wait = (
            timedelta(seconds=exc.seconds)
            if isinstance(exc, RetryLater)
            else self.backoff(attempts)
        )
        log.info("outbox row %s failed (%s); retrying in %s", notice.id, error, wait)
        report.retrying += 1
        await self._mark(
            notice.id, lease, attempts=attempts, last_error=error, next_attempt_at=now + wait
        )
        return now + wait

    def backoff(self, attempts: int) -> timedelta:
        """Exponential, capped, with jitter so that recovering senders aren't stampeded."""
        # The exponent is bounded before multiplying: 2**43 times 10 s overflows timedelta.
        doublings = min(attempts - 1, 30)
        wait = min(self.settings.backoff * (2**doublings), self.settings.backoff_cap)
        return wait * random.uniform(0.8, 1.0)

    async def _hold(self, ids: list[int], lease: str, until: datetime) -> None:
        if ids:
            await self.database.run(
                lambda s: s.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(ids), OutboxRow.lease == lease)
                    .values(next_attempt_at=until, lease=None)
                )
            )

    async def _mark(self, row_id: int, lease: str, **values: Any) -> None:
        """Record an outcome, unless another worker has taken the row over since."""
        if values.get("state") == DELIVERED:
            values["delivered_at"] = self.clock.now()
        await self.database.run(
            lambda s: s.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row_id, OutboxRow.lease == lease)
                .values(lease=None, **values)
            )
        )


async def _in_turn(session: AsyncSession, due: list[OutboxRow]) -> list[OutboxRow]:
    """Keep a place's rows only if its oldest pending row is among them: a notice written
    after one that is waiting for a retry (or held by another worker) waits behind it."""
    places = {_place(row) for row in due}
    if not places:
        return due
    oldest = await session.execute(
        select(
            OutboxRow.platform, OutboxRow.channel_id, OutboxRow.thread_id, func.min(OutboxRow.id)
        )
        .where(OutboxRow.state == PENDING, OutboxRow.channel_id.in_([p[1] for p in places]))
        .group_by(OutboxRow.platform, OutboxRow.channel_id, OutboxRow.thread_id)
    )
    first = {(platform, channel, thread): row_id for platform, channel, thread, row_id in oldest}
    firsts_due = {row.id for row in due if first.get(_place(row)) == row.id}
    open_places = {_place(row) for row in due if row.id in firsts_due}
    return [row for row in due if _place(row) in open_places]


def _place(row: OutboxRow) -> tuple[str, str, str | None]:
    return row.platform, row.channel_id, row.thread_id


async def rows(database: Database, state: str | None = None, limit: int = 100) -> list[OutboxRow]:
    """Outbox rows for `deskbot outbox list`, newest first."""

    async def read(session: AsyncSession) -> list[OutboxRow]:
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if state:
            query = query.where(OutboxRow.state == state)
        return list(await session.scalars(query))

    return await database.run(read)


async def retry(database: Database, ids: Iterable[int] | None, now: datetime) -> int:
    """Put dead rows (the given ids, or all) back in the queue; returns how many."""

    async def requeue(session: AsyncSession) -> int:
        query = update(OutboxRow).where(OutboxRow.state == DEAD)
        if ids is not None:
            query = query.where(OutboxRow.id.in_(list(ids)))
        result = await session.execute(
            query.values(state=PENDING, attempts=0, next_attempt_at=now, lease=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    return await database.run(requeue)


async def _anchors(
    session: AsyncSession, claimed: list[OutboxRow]
) -> tuple[dict[int, str], set[int]]:
    """For the rows that edit or answer an earlier one: that row's platform message id
    where it was sent, and which of them are still waiting to be sent."""
    wanted = {row.edit_of or row.reply_to for row in claimed} - {None}
    if not wanted:
        return {}, set()
    found = await session.execute(
        select(OutboxRow.id, OutboxRow.state, OutboxRow.message_id).where(OutboxRow.id.in_(wanted))
    )
    sent, unsent = {}, set()
    for row_id, state, message_id in found:
        if state == PENDING:
            unsent.add(row_id)
        elif message_id:
            sent[row_id] = message_id
    return sent, unsent


def _before_unsent_anchors(claimed: list[OutboxRow], unsent: set[int]) -> list[OutboxRow]:
    """Leave a place's rows from the first one whose anchor is unsent (it may go out in
    this very pass): they wait for the next pass, in order, to edit the right message."""
    if not unsent:
        return claimed
    stopped: set[tuple[str, str, str | None]] = set()
    kept = []
    for row in claimed:  # in id order, so a place's rows come in turn
        place = _place(row)
        if place not in stopped and (row.edit_of or row.reply_to) in unsent:
            stopped.add(place)
        if place not in stopped:
            kept.append(row)
    return kept


def _notice(row: OutboxRow, anchors: Mapping[int, str]) -> Notice:
    # An anchor that was never delivered (dead) leaves nothing to edit or thread under:
    # the notice is then posted on its own, so the news still arrives.
    thread = anchors.get(row.reply_to) if row.reply_to else row.thread_id
    recipient = Recipient(
        row.recipient_key, row.recipient_name, row.platform, row.channel_id, thread
    )
    reply = reply_from_payload(row.payload)
    edit_of = anchors.get(row.edit_of) if row.edit_of else None
    return Notice(row.id, row.kind, row.incident_id, recipient, reply, row.attempts, edit_of)


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A reply as JSON, to be rendered by whichever adapter delivers it."""
    card = reply.card
    return {
        "text": reply.text,
        "card": None
        if card is None
        else {
            "title": card.title,
            "fields": [[f.label, f.value, f.short] for f in card.fields],
            "body": card.body,
            "footer": card.footer,
            "severity": card.severity.value,
        },
        "buttons": [[b.label, b.action_id, b.value, b.style] for b in reply.buttons],
        "image": base64.b64encode(reply.image).decode() if reply.image else None,
        "file": [reply.file.name, base64.b64encode(reply.file.data).decode()]
        if reply.file
        else None,
    }


def reply_from_payload(payload: Mapping[str, Any]) -> Reply:
    raw_card = payload.get("card")
    card = (
        None
        if raw_card is None
        else Card(
            title=raw_card["title"],
            fields=tuple(Field(label, value, short) for label, value, short in raw_card["fields"]),
            body=raw_card["body"],
            footer=raw_card["footer"],
            severity=Severity(raw_card["severity"]),
        )
    )
    image, file = payload.get("image"), payload.get("file")
    return Reply(
        text=payload["text"],
        card=card,
        buttons=tuple(Button(*button) for button in payload.get("buttons", [])),
        image=base64.b64decode(image) if image else None,
        file=Attachment(file[0], base64.b64decode(file[1])) if file else None,
    )
