"""incidents.pending_on: whom a pending incident waits on, the reporter or a third party

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: both databases add and drop a column in place
# (SQLite since 3.35), so the incidents table, which other tables refer to, is not copied.
def upgrade() -> None:
    op.add_column("incidents", sa.Column("pending_on", sa.String(length=16), nullable=True))
    # Until now every pending incident asked its reporter (the notice said so).
    op.execute("UPDATE incidents SET pending_on = 'reporter' WHERE state = 'pending'")


def downgrade() -> None:
    op.drop_column("incidents", "pending_on")
