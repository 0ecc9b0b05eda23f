"""bulletins, their posted copies and followers; outbox rows that edit or thread under another

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reply_to", sa.Integer(), nullable=True))

    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("author_key", sa.String(length=200), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("final_note", sa.Text(), nullable=True),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.create_index("ix_bulletins_state_expires", ["state", "expires_at"], unique=False)

    op.create_table(
        "bulletin_copies",
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletins.id"]),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.PrimaryKeyConstraint("bulletin_id", "outbox_id"),
    )
    op.create_table(
        "bulletin_followers",
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=200), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletins.id"]),
        sa.PrimaryKeyConstraint("bulletin_id", "person_key"),
    )


def downgrade() -> None:

    op.drop_table("bulletin_followers")
    op.drop_table("bulletin_copies")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_index("ix_bulletins_state_expires")
    op.drop_table("bulletins")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
        batch_op.drop_column("edit_of")
