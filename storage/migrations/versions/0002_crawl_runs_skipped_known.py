"""crawl_runs.skipped_known: discovered articles an incremental crawl did not fetch.

Some archives made before migrations already have the column (added by the
crawl command's own upgrade step at the time); it is added only where missing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("crawl_runs")}
    if "skipped_known" not in columns:
        op.add_column(
            "crawl_runs",
            sa.Column("skipped_known", sa.Integer(), server_default="0", nullable=False),
        )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("skipped_known")
