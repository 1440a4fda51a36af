"""captures.outcome: what became of each web-archive capture read.

Before, ``captures`` listed only the captures stored (a new version or unchanged
content): every row becomes ``stored``. From now on a capture dropped for good (bad
bytes in an archived record, not an article, failed extraction) is listed too, with
the kind of failure, so the next backfill skips it. Added only where missing (an
unversioned archive made by ``create_all`` of the models has it already).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("captures")}
    if "outcome" not in columns:
        op.add_column("captures", sa.Column("outcome", sa.String(32), server_default="stored",
                                            nullable=False))


def downgrade() -> None:
    op.execute("DELETE FROM captures WHERE outcome NOT IN ('stored', 'unchanged')")
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("outcome")
