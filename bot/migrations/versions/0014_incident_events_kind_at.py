"""incident_events: an index on (kind, at), so a report counts one kind of row in its window

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incident_events_kind_at", "incident_events", ["kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_incident_events_kind_at", table_name="incident_events")
