"""conversations: an index on the place, to know which threads the desk is talking in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_conversations_place", "conversations", ["platform", "place"])


def downgrade() -> None:
    op.drop_index("ix_conversations_place", table_name="conversations")
