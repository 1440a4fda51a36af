"""failed_pages: fetched pages extraction could not process, kept raw with their error.

Created only where missing (an unversioned archive made by ``create_all`` of the
models has it already).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
"""storage.models.UTCDateTime stores through this type."""


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("failed_pages"):
        return
    op.create_table(
        "failed_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed", UTC_DATETIME, nullable=False),
        sa.Column("last_failed", UTC_DATETIME, nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"],
                                name=op.f("fk_failed_pages_page_id_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_pages")),
        sa.UniqueConstraint("url", name=op.f("uq_failed_pages_url")),
    )


def downgrade() -> None:
    op.drop_table("failed_pages")
