"""bulletins.latest: a bulletin's last update, kept beside the problem it announced

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Before 0012 an update replaced the bulletin's text, so the problem's own words of a
# bulletin updated before the upgrade are gone: its text is its last update, as it was.
def upgrade() -> None:
    op.add_column("bulletins", sa.Column("latest", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("bulletins", "latest")
