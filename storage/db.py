"""Opening the archive database: URL resolution, engine set-up, schema creation.

The same code serves SQLite (the default, one file) and PostgreSQL; anything
SQLite-specific happens only behind a dialect check.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import ArchiveNotFound as ArchiveNotFound
from storage.errors import StorageError as StorageError
from storage.fts import ensure_search_index
from storage.schema import check_ours, upgrade_schema

logger = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///archive.db"
"""Default archive: ``archive.db`` in the working directory."""
DB_URL_ENV = "ARCHIVE_DB_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_SYNCHRONOUS = "NORMAL"
"""SQLite's ``synchronous`` for archive connections. In WAL mode NORMAL keeps the archive
consistent and every committed batch survives the crawl being killed; only a power cut or
an operating-system crash can lose the batches committed since the last checkpoint (the
next incremental crawl fetches them again). FULL also syncs every commit to disk."""
SQLITE_SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def resolve_db_url(configured: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The database URL: *configured* (setting/CLI), else ``$ARCHIVE_DB_URL``, else the default."""
    if configured:
        return configured
    env = os.environ if environ is None else environ
    return env.get(DB_URL_ENV) or DEFAULT_DB_URL


def check_db_url(url: str) -> None:
    """Raise :class:`ArchiveNotFound` (a one-line message) for a URL no archive can be at:
    not a database URL, a database SQLAlchemy does not know, a SQLite path that is a
    directory or in a directory that does not exist."""
    try:
        make_url(url).get_dialect()
    except ArgumentError:
        raise ArchiveNotFound(f"not a database URL: {url!r} (a SQLite archive is "
                              f"sqlite:///path/to/archive.db)") from None
    path = _sqlite_file(url)
    if path is not None and path.is_dir():
        raise ArchiveNotFound(f"{path} is a directory, not an archive database file")
    if path is not None and not path.parent.is_dir():
        raise ArchiveNotFound(f"{path}: no such directory {path.parent}")


def check_not_foreign(url: str) -> None:
    """Raise :class:`storage.schema.ForeignDatabase` when the existing database at *url*
    belongs to another application (see :func:`storage.schema.check_ours`); nothing is
    created or changed. A database that cannot be reached is left to its first use."""
    path = _sqlite_file(url)
    if path is not None and not path.is_file():
        return
    engine = create_engine(url)  # no connection set-up: the database stays as it is
    try:
        with engine.connect() as connection:
            check_ours(connection)
    except SQLAlchemyError:
        return
    finally:
        engine.dispose()


def sqlite_synchronous(value: str) -> str:
    """*value* as a SQLite ``synchronous`` level; ValueError names the allowed ones."""
    level = value.strip().upper()
    if level not in SQLITE_SYNCHRONOUS_LEVELS:
        allowed = ", ".join(SQLITE_SYNCHRONOUS_LEVELS)
        raise ValueError(f"SQLite synchronous must be one of {allowed}, not {value!r}")
    return level


def _sqlite_setup(synchronous: str) -> Callable[[Any, Any], None]:
    def configure(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        finally:
            cursor.close()

    return configure


def create_db_engine(url: str, *, synchronous: str = SQLITE_SYNCHRONOUS) -> Engine:
    """An engine for *url*; SQLite connections get WAL, foreign keys, a busy timeout and
    the *synchronous* level (see :data:`SQLITE_SYNCHRONOUS`)."""
    level = sqlite_synchronous(synchronous)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_setup(level))
    return engine


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        database = database[len("file:") :]
    return Path(database)


def read_only_url(url: str) -> str:
    """*url* as a reader opens it: unchanged, except for a SQLite file that cannot be
    written here (read-only media, no write permission on it or its directory), which
    is opened read-only (``mode=ro``), or, when SQLite cannot open it so (a WAL archive
    whose ``-shm`` file cannot be created), as ``immutable``: nothing may write it
    meanwhile, and commits left in a ``-wal`` file it cannot read are not seen."""
    path = _sqlite_file(url)
    if path is None or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return url
    uri = f"file:{quote(str(path.resolve()))}"
    query = "mode=ro"
    try:
        with closing(sqlite3.connect(f"{uri}?{query}", uri=True)) as probe:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        query = "immutable=1"
        wal = Path(f"{path}-wal")
        if wal.is_file() and wal.stat().st_size:
            logger.warning("%s: read-only, and its write-ahead log cannot be read: the commits "
                           "still in %s are not seen", path, wal.name)
    logger.debug("opening the read-only archive %s with %s", path, query)
    return str(make_url(url).set(database=f"{uri}?{query}", query={"uri": "true"}))


@dataclass(frozen=True)
class Database:
    """An open archive: the engine and a session factory.

    Use sessions as context managers::

        with db.session() as session, session.begin():
            upsert_article(session, record, page)
    """

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, *, create: bool = True, synchronous: str = SQLITE_SYNCHRONOUS,
             force: bool = False) -> Database:
        """Open the archive at *url*.

        The schema, full-text index included, comes from the migrations of
        :mod:`storage.schema`: a new archive is created by them and an older
        one is upgraded to the newest revision. With ``create=False`` (readers
        such as export and stats) a missing database raises
        :class:`ArchiveNotFound` instead of creating an empty one. *synchronous*
        is SQLite's durability level (ignored by other databases). A reader opens a
        SQLite archive it cannot write read-only (:func:`read_only_url`). Another
        application's database is refused (:class:`storage.schema.ForeignDatabase`);
        *force* adds the archive's tables to one holding other tables.
        """
        check_db_url(url)
        path = _sqlite_file(url)
        if not create and path is not None and not path.is_file():
            raise ArchiveNotFound(f"no archive database at {url}")
        engine = create_db_engine(url if create else read_only_url(url), synchronous=synchronous)
        try:
            if not create and not inspect(engine).has_table("articles"):
                raise ArchiveNotFound(f"{url} holds no archive (no articles table)")
            upgrade_schema(engine, force=force)
            ensure_search_index(engine)  # an index dropped by hand comes back
        except BaseException:
            engine.dispose()
            raise
        logger.debug("opened archive %s", engine.url.render_as_string(hide_password=True))
        return cls(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    def session(self) -> Session:
        """A new session; use it as a context manager."""
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
