"""initial schema: incidents, timeline, processed events

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("impact", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("initial_category", sa.String(length=80), nullable=False),
        sa.Column("initial_impact", sa.String(length=32), nullable=False),
        sa.Column("initial_urgency", sa.String(length=32), nullable=False),
        sa.Column("initial_priority", sa.String(length=16), nullable=False),
        sa.Column("support_group", sa.String(length=80), nullable=False),
        sa.Column("assignee", sa.String(length=120), nullable=True),
        sa.Column("reporter_key", sa.String(length=200), nullable=False),
        sa.Column("reporter_name", sa.String(length=200), nullable=False),
        sa.Column("origin_platform", sa.String(length=16), nullable=False),
        sa.Column("origin_channel", sa.String(length=200), nullable=False),
        sa.Column("origin_thread", sa.String(length=200), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("manager_escalated", sa.Boolean(), nullable=False),
        sa.Column("pending_reason", sa.Text(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("resolution_code", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["incidents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_assignee_state", ["assignee", "state"], unique=False)
        batch_op.create_index("ix_incidents_group_state", ["support_group", "state"], unique=False)
        batch_op.create_index("ix_incidents_reporter", ["reporter_key"], unique=False)
        batch_op.create_index("ix_incidents_resolution_due", ["resolution_due_at"], unique=False)
        batch_op.create_index("ix_incidents_response_due", ["response_due_at"], unique=False)
        batch_op.create_index("ix_incidents_state_priority", ["state", "priority"], unique=False)

    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id"),
    )
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_key", sa.String(length=200), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_events_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_events_incident_id"))

    op.drop_table("incident_events")
    op.drop_table("processed_events")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_state_priority")
        batch_op.drop_index("ix_incidents_response_due")
        batch_op.drop_index("ix_incidents_resolution_due")
        batch_op.drop_index("ix_incidents_reporter")
        batch_op.drop_index("ix_incidents_group_state")
        batch_op.drop_index("ix_incidents_assignee_state")

    op.drop_table("incidents")
