"""The archive's schema: Alembic revisions (``storage/migrations``), applied on open.

``python -m storage.migrate`` (:mod:`storage.migrate`) is its command.

Every archive, SQLite or PostgreSQL, gets its schema from the same revisions:
opening one (:meth:`storage.db.Database.open`) brings it to the newest revision
before anything else touches it, so a new archive is created by the migrations
and an old one is upgraded in place. An archive created before migrations
existed (its tables but no ``alembic_version``) is stamped as the initial
revision, then upgraded.

Upgrades are serialised between processes starting at the same time (several
crawl workers on one archive): on PostgreSQL by a transaction-level advisory
lock, on SQLite by ``BEGIN IMMEDIATE``; the whole upgrade is one transaction
(both databases have transactional DDL), so a failed upgrade changes nothing.
An archive already at the newest revision costs one query and takes no lock.

The search index is not in :mod:`storage.models` (SQLite's FTS5 table, its
triggers and shadow tables; PostgreSQL's ``search_vector`` column and its
index): :func:`include_object` keeps Alembic's model comparison off them.

Writing a new revision after changing :mod:`storage.models`::

    alembic -x db=sqlite:///scratch.db upgrade head
    alembic -x db=sqlite:///scratch.db revision --autogenerate -m "what changed"

then review it, set :data:`HEAD_REVISION` to its id, and run the migration tests.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect, text

from storage.errors import StorageError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
INITIAL_REVISION = "0001"
"""The schema as it was before migrations existed (``create_all`` of the models)."""
HEAD_REVISION = "0006"
"""The newest revision; kept here so an up-to-date archive is recognised without
reading the revision files (a test checks it against them)."""
VERSION_TABLE = "alembic_version"
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")
"""Every revision of the archive, oldest first (a test checks them against the files)."""
INITIAL_TABLES = frozenset({"articles", "article_authors", "article_tags", "article_captions",
                            "pages", "article_revisions", "crawl_runs"})
"""The tables of revision 0001: an unversioned database holding them all is an old archive."""
ARCHIVE_TABLES = INITIAL_TABLES | {VERSION_TABLE, "captures", "failed_pages"}
"""Every table of the archive but the search index's."""
PG_LOCK_KEY = 0x766E6E657773  # "vnnews": the advisory lock of schema upgrades

SEARCH_TABLE_PREFIX = "articles_fts"
SEARCH_COLUMNS = frozenset({("articles", "search_vector")})
SEARCH_INDEXES = frozenset({"ix_articles_search"})


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the search index's tables, column and index out of comparisons."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "column" and (getattr(obj.table, "name", None), name) in SEARCH_COLUMNS:
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the archive's revisions; *connection* is used as given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def schema_revision(connection: Connection) -> str | None:
    """The archive's revision; None when it has none (new, or older than migrations)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    revision = connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return str(revision) if revision is not None else None


class ForeignDatabase(StorageError):
    """The database belongs to another application: the archive's tables are not added."""


def foreign_tables(connection: Connection) -> list[str]:
    """The tables of the database that are not the archive's (nor its search index's)."""
    names = inspect(connection).get_table_names()
    return sorted(name for name in names if name not in ARCHIVE_TABLES
                  and not name.startswith((SEARCH_TABLE_PREFIX, "sqlite_")))


def check_ours(connection: Connection, *, force: bool = False) -> None:
    """Refuse (:class:`ForeignDatabase`) to put the archive into another application's
    database: one versioned by other migrations, one whose ``articles`` table is not an
    archive's, and (unless *force*) one holding any table that is not the archive's."""
    revision = schema_revision(connection)
    if revision in REVISIONS:
        return
    if revision is not None:
        raise ForeignDatabase(f"the database belongs to another application (its Alembic "
                              f"revision {revision!r} is none of the archive's)")
    names = set(inspect(connection).get_table_names())
    if "articles" in names and not _archive_articles(connection, names):
        raise ForeignDatabase("the database has an 'articles' table that is not the archive's: "
                              "it belongs to another application")
    others = foreign_tables(connection)
    if others and not force:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise ForeignDatabase(f"the database holds tables that are not the archive's "
                              f"({shown}); --force (of storage.migrate or storage.copy) adds the "
                              "archive's tables beside them")


def _archive_articles(connection: Connection, names: set[str]) -> bool:
    """Whether an unversioned database's ``articles`` is an old archive's (all its tables,
    and the columns that identify an article)."""
    if not names >= INITIAL_TABLES:
        return False
    columns = {column["name"] for column in inspect(connection).get_columns("articles")}
    return {"canonical_url", "content_hash", "page_id"} <= columns


def upgrade_schema(engine: Engine, *, force: bool = False) -> tuple[str | None, str] | None:
    """Bring the archive to :data:`HEAD_REVISION`; (old revision, new) when it did anything.

    Another application's database is refused (:func:`check_ours`; *force* lets the
    archive's tables join other tables)."""
    with engine.connect() as connection:
        if schema_revision(connection) == HEAD_REVISION:
            return None
        check_ours(connection, force=force)
        _lock(connection)
        before = schema_revision(connection)  # another process may have upgraded meanwhile
        if before == HEAD_REVISION:
            return None
        config = alembic_config(connection)
        if before is None and inspect(connection).has_table("articles"):
            command.stamp(config, INITIAL_REVISION)
            before = INITIAL_REVISION
            logger.info("archive made before migrations: stamped as revision %s", before)
        command.upgrade(config, "head")
        after = schema_revision(connection)
        connection.commit()
    assert after is not None
    logger.info("archive schema upgraded from %s to %s", before or "nothing", after)
    return before, after


def _lock(connection: Connection) -> None:
    """Keep other processes out of the schema until this connection commits."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
