"""processed_events: an index on the time, so the scheduler forgets old event ids cheaply

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_processed_events_at", "processed_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_processed_events_at", table_name="processed_events")
