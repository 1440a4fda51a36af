"""Full-text search index over headline, sapo and body, ignoring case and diacritics.

SQLite: the FTS5 table ``articles_fts`` (external content: it reads the text
from ``articles``), kept in step by triggers that also index "đ" as "d"; an
archive that already has it (made before migrations) keeps it. Existing rows
are indexed here.

PostgreSQL: the ``unaccent`` extension, a text search configuration
``archive_search`` (the ``simple`` dictionary after ``unaccent``, so "Nghệ An",
"nghe an" and "NGHE AN" are the same words; ``unaccent`` also maps "đ" to "d"),
a stored generated column ``articles.search_vector`` (headline weight A, sapo
B, body C) and its GIN index ``ix_articles_search``. The column is computed by
the database on every write, so the index never lags behind the text.

The SQL is frozen here as it was at this revision; change the index with a new
revision, not by editing this one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

FTS_TABLE = "articles_fts"
COLUMNS = ("headline", "sapo", "body")
TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")
PG_CONFIG = "archive_search"


def _folded(prefix: str) -> str:
    return ", ".join(f"replace(replace({prefix}.{c}, 'đ', 'd'), 'Đ', 'D')" for c in COLUMNS)


_NAMES = ", ".join(COLUMNS)
_INDEX_NEW = f"INSERT INTO {FTS_TABLE}(rowid, {_NAMES}) VALUES (new.id, {_folded('new')});"
_UNINDEX_OLD = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_NAMES}) "
    f"VALUES ('delete', old.id, {_folded('old')});"
)
SQLITE_UPGRADE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_NAMES}, content=\"articles\", "
    "content_rowid=\"id\", tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_INDEX_NEW} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_UNINDEX_OLD} END",
    f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF {_NAMES} ON articles "
    f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END",
    f"INSERT INTO {FTS_TABLE}(rowid, {_NAMES}) SELECT id, {_folded('articles')} FROM articles",
)


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce({column}, '')), '{weight}')"


PG_UPGRADE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"{_weighted('headline', 'A')} || {_weighted('sapo', 'B')} || {_weighted('body', 'C')}"
    ") STORED",
    "CREATE INDEX ix_articles_search ON articles USING gin (search_vector)",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        statements: tuple[str, ...] = PG_UPGRADE
    elif bind.dialect.name == "sqlite":
        if sa.inspect(bind).has_table(FTS_TABLE):
            return
        statements = SQLITE_UPGRADE
    else:
        return  # other databases have no search index
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
    elif bind.dialect.name == "sqlite":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
