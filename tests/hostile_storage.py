"""Storage faults for crawls under test: a Scrapy extension the tests enable with ``-s``.

``-s 'EXTENSIONS={"tests.hostile_storage.StorageFaults": 0}'`` and any of:

- ``HOSTILE_SQLITE_MAX_PAGES``: ``PRAGMA max_page_count`` on every SQLite connection the
  crawl checks out, so the archive cannot grow past that many pages (a full disk);
- ``HOSTILE_SQLITE_BUSY_MS``: ``PRAGMA busy_timeout``, how long a write waits for another
  writer's lock before "database is locked" (the archive's own wait is 30 s);
- ``HOSTILE_KILL_IN_BATCH``: the crawl process kills itself with SIGKILL when that batch
  (counting the transactions that write articles) is about to insert its articles, in
  the middle of its transaction (a crash or ``kill -9`` mid-batch);
- ``HOSTILE_LOCK_AFTER_BATCHES``: once that many batches are committed, another
  connection takes the archive's write lock and keeps it until the spider closes
  (another writer in the middle of the crawl).

The pragmas are set when a connection is checked out of its pool (after the archive's
own connect-time settings, which they override).
"""

from __future__ import annotations

import os
import signal
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool


class StorageFaults:
    def __init__(self, pragmas: list[str], kill_in: int, lock_after: int, db_path: str
                 ) -> None:
        self.pragmas = pragmas
        self.kill_in = kill_in
        self.lock_after = lock_after
        self.db_path = db_path
        self.committed = 0
        """Transactions that wrote articles and committed."""
        self.writing = False
        self.other_writer: sqlite3.Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorageFaults:
        settings = crawler.settings
        pragmas = [
            f"PRAGMA {name}={settings.getint(setting)}"
            for setting, name in (("HOSTILE_SQLITE_MAX_PAGES", "max_page_count"),
                                  ("HOSTILE_SQLITE_BUSY_MS", "busy_timeout"))
            if settings.getint(setting)
        ]
        kill_in = settings.getint("HOSTILE_KILL_IN_BATCH")
        lock_after = settings.getint("HOSTILE_LOCK_AFTER_BATCHES")
        if not pragmas and not kill_in and not lock_after:
            raise NotConfigured("no storage fault asked for")
        db_path = str(settings.get("ARCHIVE_DB_URL") or "").removeprefix("sqlite:///")
        faults = cls(pragmas, kill_in, lock_after, db_path)
        event.listen(Pool, "checkout", faults.on_checkout)
        event.listen(Engine, "before_cursor_execute", faults.before_execute)
        event.listen(Session, "after_commit", faults.after_commit)
        crawler.signals.connect(faults.spider_closed, signal=signals.spider_closed)
        return faults

    def on_checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if "sqlite" not in type(dbapi_connection).__module__:
            return
        cursor = dbapi_connection.cursor()
        try:
            for pragma in self.pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    def before_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO ARTICLES"):
            return
        self.writing = True
        if self.kill_in and self.committed + 1 >= self.kill_in:
            os.kill(os.getpid(), signal.SIGKILL)

    def after_commit(self, session: Session) -> None:
        if not self.writing:
            return
        self.writing = False
        self.committed += 1
        if self.lock_after and self.committed == self.lock_after:
            self.other_writer = sqlite3.connect(self.db_path, isolation_level=None)
            self.other_writer.execute("BEGIN IMMEDIATE")

    def spider_closed(self) -> None:
        """The other writer is done (connected first, this runs before the archive's own)."""
        if self.other_writer is not None:
            self.other_writer.close()
