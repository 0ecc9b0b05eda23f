"""SLA clocks: the stages and the indexed next check move to a narrow table of their own

The sweep rewrites them for every due incident; in the incidents row that meant an
entry in each of its ten indexes per update (see SlaClock in bot/models.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sla_clocks",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("response_stage", sa.Integer(), nullable=False),
        sa.Column("resolution_stage", sa.Integer(), nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    op.create_index("ix_sla_clocks_next_check_at", "sla_clocks", ["next_check_at"])
    op.execute(
        "INSERT INTO sla_clocks (incident_id, response_stage, resolution_stage, "
        "next_check_at, version) SELECT id, sla_response_stage, sla_resolution_stage, "
        "sla_next_check_at, 1 FROM incidents"
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_sla_next_check")
        batch_op.drop_column("sla_next_check_at")
        batch_op.drop_column("sla_resolution_stage")
        batch_op.drop_column("sla_response_stage")


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
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
    op.execute(
        "UPDATE incidents SET sla_response_stage = c.response_stage, "
        "sla_resolution_stage = c.resolution_stage, sla_next_check_at = c.next_check_at "
        "FROM sla_clocks AS c WHERE c.incident_id = incidents.id"
    )
    op.drop_index("ix_sla_clocks_next_check_at", table_name="sla_clocks")
    op.drop_table("sla_clocks")
