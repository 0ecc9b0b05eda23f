"""knowledge base: article feedback and incident-article links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=80), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("actor_key", sa.String(length=200), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_feedback_article_id", "article_feedback", ["article_id"])
    op.create_index("ix_article_feedback_incident_id", "article_feedback", ["incident_id"])
    op.create_table(
        "incident_articles",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=80), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("incident_id", "article_id"),
    )


def downgrade() -> None:
    op.drop_table("incident_articles")
    op.drop_index("ix_article_feedback_incident_id", table_name="article_feedback")
    op.drop_index("ix_article_feedback_article_id", table_name="article_feedback")
    op.drop_table("article_feedback")
