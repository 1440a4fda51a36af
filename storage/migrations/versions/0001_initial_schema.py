"""Initial schema: the tables of storage/models.py as first released.

Archives created before migrations existed have exactly these tables and are
stamped with this revision when first opened (see storage/migrate.py).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
"""storage.models.UTCDateTime stores through this type."""


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _article_id() -> sa.Column[int]:
    return sa.Column("article_id", sa.Integer(), nullable=False)


def _article_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["article_id"], ["articles.id"], name=op.f(f"fk_{table}_article_id_articles"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        _id(),
        sa.Column("spider", sa.String(length=128), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("finish_reason", sa.String(length=64), nullable=True),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_updated", sa.Integer(), nullable=False),
        sa.Column("articles_unchanged", sa.Integer(), nullable=False),
        sa.Column("dropped", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_table(
        "pages",
        _id(),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("body_encoding", sa.String(length=16), nullable=False),
        sa.Column("body_size", sa.Integer(), nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
    )
    _create_articles()
    for table in ("article_authors", "article_tags"):
        op.create_table(
            table,
            _id(),
            _article_id(),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            _article_fk(table),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_article_id"), table, ["article_id"])
        op.create_index(op.f(f"ix_{table}_name"), table, ["name"])
    op.create_table(
        "article_captions",
        _id(),
        _article_id(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("credit", sa.Text(), nullable=True),
        _article_fk("article_captions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_captions")),
    )
    op.create_index(op.f("ix_article_captions_article_id"), "article_captions", ["article_id"])
    _create_revisions()


def _create_articles() -> None:
    op.create_table(
        "articles",
        _id(),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=True),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("sapo", sa.Text(), nullable=True),
        sa.Column("dateline", sa.Text(), nullable=True),
        sa.Column("published_at", sa.String(length=64), nullable=True),
        sa.Column("published_utc", UTC_DATETIME, nullable=True),
        sa.Column("published_date", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.String(length=64), nullable=True),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("extractor", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("first_seen", UTC_DATETIME, nullable=False),
        sa.Column("last_seen", UTC_DATETIME, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_articles_page_id_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
    )
    op.create_index(
        "ix_articles_published", "articles", ["published_date", "published_utc", "id"]
    )
    op.create_index(op.f("ix_articles_site"), "articles", ["site"])
    op.create_index(op.f("ix_articles_url"), "articles", ["url"])


def _create_revisions() -> None:
    op.create_table(
        "article_revisions",
        _id(),
        _article_id(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("superseded_at", UTC_DATETIME, nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        _article_fk("article_revisions"),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_article_revisions_page_id_pages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revisions")),
        sa.UniqueConstraint(
            "article_id", "version", name=op.f("uq_article_revisions_article_id")
        ),
    )
    op.create_index(
        op.f("ix_article_revisions_article_id"), "article_revisions", ["article_id"]
    )


def downgrade() -> None:
    for table in ("article_revisions", "article_captions", "article_tags", "article_authors",
                  "articles", "pages", "crawl_runs"):
        op.drop_table(table)
