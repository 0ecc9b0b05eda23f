"""The database tables, as SQLAlchemy 2 ORM classes.

Timestamps are timezone-aware UTC in Python whatever the database stores.
`Incident.version` is SQLAlchemy's version counter: an UPDATE that finds the
row changed since it was read fails, so two agents can't both claim one incident.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = _in_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    # On SQLite, times are text. Both directions are done here in one step each instead
    # of SQLAlchemy's chain (its DATETIME formats or parses the text, and the methods
    # above move the zone with `replace`, the slow part): reading the SLA sweep's due
    # incidents spent a third of its time there. The text is SQLAlchemy's own format.

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name == "sqlite":
            return _to_sqlite
        return super().bind_processor(dialect)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None] | None:
        if dialect.name == "sqlite":
            return _from_sqlite
        return super().result_processor(dialect, coltype)


_SQLITE_TEXT = len("2026-11-23 14:51:40.000000")  # SQLAlchemy's form for SQLite, UTC


def _in_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: Deskbot stores aware UTC times only")
    return value.astimezone(UTC)


def _to_sqlite(value: datetime | None) -> str | None:
    if value is None:
        return None
    return _in_utc(value).isoformat(" ", "microseconds")[:_SQLITE_TEXT]


def _from_sqlite(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value + "+00:00")  # UTC without an offset, as written
    except ValueError:  # written with an offset, by something else
        return datetime.fromisoformat(value).astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 (SQLAlchemy's own hook)


class Incident(Base):
    """An incident or service request, with its classification, owner and clocks."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))

    category: Mapped[str] = mapped_column(String(80))
    impact: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16))
    initial_category: Mapped[str] = mapped_column(String(80))
    initial_impact: Mapped[str] = mapped_column(String(32))
    initial_urgency: Mapped[str] = mapped_column(String(32))
    initial_priority: Mapped[str] = mapped_column(String(16))

    group: Mapped[str] = mapped_column("support_group", String(80))
    assignee: Mapped[str | None] = mapped_column(String(120))
    reporter_key: Mapped[str] = mapped_column(String(200))
    reporter_name: Mapped[str] = mapped_column(String(200))
    origin_platform: Mapped[str] = mapped_column(String(16))
    origin_channel: Mapped[str] = mapped_column(String(200))
    origin_thread: Mapped[str | None] = mapped_column(String(200))

    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    manager_escalated: Mapped[bool] = mapped_column(default=False)
    pending_reason: Mapped[str | None] = mapped_column(Text)
    pending_on: Mapped[str | None] = mapped_column(String(16))  # see services.incidents
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolution_code: Mapped[str | None] = mapped_column(String(64))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    # How the reporter rated the handling once it was fixed: good, ok or poor (or none).
    satisfaction: Mapped[str | None] = mapped_column(String(8))
    # The reporter plus everyone who said they are affected by the same thing.
    people_affected: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    response_due_at: Mapped[datetime]
    resolution_due_at: Mapped[datetime]
    # Pauses of the resolution clock (services/sla.py): the working seconds it stood
    # still, and since when it stands still now. The rest of the clocks' state is `clock`.
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sla_paused_since: Mapped[datetime | None]

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    events: Mapped[list[IncidentEvent]] = relationship(
        back_populates="incident", order_by="IncidentEvent.id", lazy="raise"
    )
    clock: Mapped[SlaClock] = relationship(lazy="joined", innerjoin=True, cascade="all")

    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_incidents_state_priority", "state", "priority"),
        Index("ix_incidents_assignee_state", "assignee", "state"),
        Index("ix_incidents_group_state", "support_group", "state"),
        Index("ix_incidents_reporter", "reporter_key"),
        Index("ix_incidents_response_due", "response_due_at"),
        Index("ix_incidents_resolution_due", "resolution_due_at"),
        Index("ix_incidents_state_opened", "state", "opened_at"),
        Index("ix_incidents_state_resolved", "state", "resolved_at"),
    )


class SlaClock(Base):
    """What the SLA sweep moves on: how many thresholds (warnings, breach) each of an
    incident's clocks has reported, and when the next one is crossed (NULL: no clock
    running), indexed, for the sweep to find due work by.

    A narrow table of its own, with its own version, because the sweep rewrites these
    columns for every due incident: in the incidents row, a changed indexed column
    meant a new entry in each of its ten indexes, most of PostgreSQL's work in a sweep
    (bench/README.md). Here it means two."""

    __tablename__ = "sla_clocks"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    response_stage: Mapped[int] = mapped_column(Integer, default=0)
    resolution_stage: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012


class IncidentEvent(Base):
    """One row of an incident's timeline: who did what, when, and what changed."""

    __tablename__ = "incident_events"
    # The report and its review count one kind of row in a window (reopenings, ratings).
    __table_args__ = (Index("ix_incident_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime]
    actor_key: Mapped[str] = mapped_column(String(200))
    actor_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, list[Any]]] = mapped_column(JSON, default=dict)
    text: Mapped[str | None] = mapped_column(Text)

    incident: Mapped[Incident] = relationship(back_populates="events", lazy="raise")


class ProcessedEvent(Base):
    """A platform event already handled: a redelivery is recognised and ignored."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)  # the scheduler forgets old ones


class ArticleFeedback(Base):
    """Whether a suggested article solved someone's problem: per-article helpfulness."""

    __tablename__ = "article_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(String(80), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    actor_key: Mapped[str] = mapped_column(String(200))
    helpful: Mapped[bool]
    at: Mapped[datetime]


class IncidentArticle(Base):
    """An article an agent linked to an incident: on its card, and sent to its reporter."""

    __tablename__ = "incident_articles"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    linked_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


class AffectedPerson(Base):
    """Someone affected by an incident they did not report; they hear its news too."""

    __tablename__ = "incident_affected"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    person_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


class Conversation(Base):
    """One person's chat with the desk in one place: a report being drafted, or the
    incident the chat is about. Kept in the database so a restart loses nothing."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_key: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(420))  # "dm", or "<channel>/<thread>"
    person_name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(200))
    thread_id: Mapped[str | None] = mapped_column(String(200))

    step: Mapped[str] = mapped_column(String(24), default="idle")
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="incident")
    category: Mapped[str | None] = mapped_column(String(80))
    impact: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[str | None] = mapped_column(String(32))
    articles: Mapped[list[str]] = mapped_column(JSON, default=list)
    candidate_id: Mapped[int | None] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(Integer)
    held_text: Mapped[str | None] = mapped_column(Text)
    # Files sent while the report is written, one "Attached: name url" line each: they go
    # into the incident's description when it is opened.
    attachments: Mapped[list[str] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("person_key", "place", name="uq_conversations_person_place"),
        Index("ix_conversations_expires", "expires_at"),
        Index("ix_conversations_place", "platform", "place"),
    )


class OutboxRow(Base):
    """A notification waiting to be delivered, delivered, or given up on ('dead')."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    incident_id: Mapped[int | None] = mapped_column(Integer)
    recipient_key: Mapped[str] = mapped_column(String(200))
    recipient_name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(200))
    thread_id: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(200))
    # A message that changes an earlier one (a bulletin's update): edit the message row
    # `edit_of` posted, or answer in its thread (`reply_to`). Resolved at delivery time,
    # since the earlier message's id is known only once it was sent.
    edit_of: Mapped[int | None] = mapped_column(Integer)
    reply_to: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_outbox_state_due", "state", "next_attempt_at"),)


class Bulletin(Base):
    """A service-status message broadcast to channels: posted, updated, resolved, expired."""

    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    service: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(16))  # active, resolved, expired
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    author_key: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    latest: Mapped[str | None] = mapped_column(Text)  # the last update; text stays the problem
    final_note: Mapped[str | None] = mapped_column(Text)  # what the resolution said
    updates: Mapped[int] = mapped_column(Integer, default=0)

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__: Any = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_bulletins_state_expires", "state", "expires_at"),)


class BulletinCopy(Base):
    """Where one bulletin was posted: the outbox row whose message later updates edit."""

    __tablename__ = "bulletin_copies"

    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(80))


class BulletinFollower(Base):
    """Someone who said a bulletin's problem affects them: they hear its news until it ends."""

    __tablename__ = "bulletin_followers"

    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), primary_key=True)
    person_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


class ReportDigest(Base):
    """A weekly review digest that was posted: one row per week, inserted once, so that
    however many workers tick, only the one whose insert succeeds posts it."""

    __tablename__ = "report_digests"

    week: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO week, "2026-W48"
    channel: Mapped[str] = mapped_column(String(80))
    since: Mapped[datetime]
    until: Mapped[datetime]
    posted_at: Mapped[datetime]
