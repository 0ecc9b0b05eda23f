"""incidents.satisfaction: how the reporter rated the handling of a fixed incident

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER TABLE, as in 0010: the incidents table is not copied.
def upgrade() -> None:
    op.add_column("incidents", sa.Column("satisfaction", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("incidents", "satisfaction")
