"""SLA clocks: pause accounting, warning stages and the indexed next-check time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATES = "('new', 'assigned', 'in_progress')"


def upgrade() -> None:

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sla_paused_seconds", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sla_paused_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("sla_response_stage", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sla_resolution_stage", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sla_next_check_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_incidents_sla_next_check", ["sla_next_check_at"], unique=False)
    # Incidents already open are checked by the first sweep, which reports the
    # thresholds they have crossed (only the highest one per clock) and sets the
    # next check. Pending ones start their pause now.
    op.execute(f"UPDATE incidents SET sla_next_check_at = opened_at WHERE state IN {OPEN_STATES}")
    op.execute(
        "UPDATE incidents SET sla_paused_since = updated_at WHERE state IN ('pending', 'resolved')"
    )


def downgrade() -> None:

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_sla_next_check")
        batch_op.drop_column("sla_next_check_at")
        batch_op.drop_column("sla_resolution_stage")
        batch_op.drop_column("sla_response_stage")
        batch_op.drop_column("sla_paused_since")
        batch_op.drop_column("sla_paused_seconds")
