"""Provenance of raw pages (live fetch or web-archive capture) and the captures table.

An archive made before migrations by the models' ``create_all`` may have them
already: they are added only where missing. ``pages`` gains ``capture_source`` ("live"
for every page stored before), ``capture_url`` and ``ingested_at`` (set to the fetch
time for the pages stored before: they were stored as they were fetched). ``captures``
lists the web-archive captures already stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    columns = {c["name"] for c in inspector.get_columns("pages")}
    if "capture_source" not in columns:
        op.add_column("pages", sa.Column("capture_source", sa.String(16), server_default="live",
                                         nullable=False))
    if "capture_url" not in columns:
        op.add_column("pages", sa.Column("capture_url", sa.Text(), nullable=True))
    if "ingested_at" not in columns:
        op.add_column("pages", sa.Column("ingested_at", sa.DateTime(timezone=True),
                                         nullable=True))
    op.execute("UPDATE pages SET ingested_at = fetched_at WHERE ingested_at IS NULL")
    if not inspector.has_table("captures"):
        _create_captures()


def _create_captures() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(128), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        sa.UniqueConstraint("capture_url", name=op.f("uq_captures_capture_url")),
    )
    op.create_index(op.f("ix_captures_url"), "captures", ["url"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_captures_url"), table_name="captures")
    op.drop_table("captures")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("ingested_at")
        batch.drop_column("capture_url")
        batch.drop_column("capture_source")
