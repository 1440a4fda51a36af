"""``scrapy crawl`` for scheduled runs: checked arguments, one crawl per archive at a
time, and an exit status that says how the crawl ended.

Before anything starts, the spider class checks its ``-a`` arguments (a
``check_arguments(args)`` class method raising ``ValueError``), the command checks
``ARCHIVE_DB_URL`` and the feed outputs, and takes the archive's lock
(:mod:`storage.lock`, keyed by the archive's real path), held until
the process ends. Holding it, the command closes the ``crawl_runs`` rows that dead
crawls left open (finish reason ``abandoned``). Workers of a distributed crawl
(``-s ARCHIVE_SCHEDULER=redis``, :mod:`crawler.distributed`) share one archive on
purpose: they take no lock and leave other runs' rows alone.

Exit statuses:

- ``0``: the crawl finished (also when it stopped at ``-a limit`` or at a
  ``CLOSESPIDER_TIMEOUT`` / ``_ITEMCOUNT`` / ``_PAGECOUNT`` limit);
- ``1``: it ended abnormally: a storage error, an interruption (SIGINT/SIGTERM,
  including a pause of a ``JOBDIR`` crawl), another finish reason, a start-up failure;
- ``2``: bad arguments or settings (one line on stderr; nothing fetched, no archive
  touched): a bad ``-a`` value or setting (``-a archive=`` with
  ``-s ARCHIVE_SCHEDULER=redis`` too), an ``ARCHIVE_DB_URL`` that is no database URL,
  names a directory or another application's database, a feed (``-o``/``-O``) that
  would overwrite the archive;
- ``3``: the site could not be reached, or answered nothing usable: the crawl ended
  normally but no response had a status below 400 and at least one request failed
  (DNS, refused connection, timeout, error statuses only). A summary line goes to
  stderr: ``scrapy crawl baonghean: error: site unreachable: 0 pages fetched,
  errors: dns=3``;
- ``75`` (``EX_TEMPFAIL``): another crawl holds the archive's lock (one line on
  stderr naming its pid); try again later.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from crawler.options import check_settings
from crawler.outcome import (
    EXIT_ABNORMAL,
    EXIT_LOCKED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    FetchTally,
    exit_status,
)
from storage.db import Database, check_db_url, check_not_foreign, resolve_db_url
from storage.errors import ArchiveNotFound, StorageError
from storage.lock import ArchiveLock, LockHeld, LockHolder, archive_lock
from storage.outfile import OutputRefused, archive_files, check_target
from storage.runs import close_abandoned_runs
from storage.schema import ForeignDatabase

__all__ = ["Command", "exit_status"]

logger = logging.getLogger(__name__)

NOT_SHARED = ("archive: a web-archive backfill runs in one process (the archives' rate "
              "limits are per network: more workers would only be throttled); leave out "
              "-s ARCHIVE_SCHEDULER=redis")


class Command(ScrapyCrawlCommand):
    lock: ArchiveLock | None = None
    previous_holder: LockHolder | None = None

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1 or self.settings is None:
            return  # `run` reports the usage error
        self._check_arguments(args[0], opts.spargs)
        self._check_settings(args[0])
        self._take_lock(args[0])

    def _check_settings(self, name: str) -> None:
        """Exit with status 2 for a bad setting or archive URL, before anything starts."""
        assert self.settings is not None
        try:
            check_settings(self.settings)
        except ValueError as exc:
            self._fail(name, str(exc), EXIT_USAGE)
        url = resolve_db_url(self.settings.get("ARCHIVE_DB_URL"))
        try:
            check_db_url(url)
            check_not_foreign(url)
            _check_feeds(self.settings.getdict("FEEDS"), url)
        except (ArchiveNotFound, ForeignDatabase, OutputRefused) as exc:
            self._fail(name, str(exc), EXIT_USAGE)

    def _take_lock(self, name: str) -> None:
        """Take the archive's lock for this process (none for a distributed crawl's
        workers); exit at once when another crawl holds it."""
        assert self.settings is not None
        if self._distributed():
            return
        lock_dir = self.settings.get("ARCHIVE_LOCK_DIR")
        url = resolve_db_url(self.settings.get("ARCHIVE_DB_URL"))
        lock = archive_lock(url, Path(lock_dir) if lock_dir else None)
        try:
            self.previous_holder = lock.acquire()
        except LockHeld as exc:
            self._fail(name, str(exc), EXIT_LOCKED)
        except OSError as exc:
            self._fail(name, f"cannot take the archive lock {lock.where}: {exc}", EXIT_ABNORMAL)
        self.lock = lock

    def _distributed(self) -> bool:
        assert self.settings is not None
        return str(self.settings.get("ARCHIVE_SCHEDULER") or "local").lower() != "local"

    def _check_arguments(self, name: str, spargs: dict[str, str]) -> None:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        try:
            spidercls = loader.load(name)
        except KeyError:
            known = ", ".join(sorted(loader.list()))
            self._fail(name, f"no spider or site profile named {name!r} (known: {known})",
                       EXIT_USAGE)
        check = getattr(spidercls, "check_arguments", None)
        if check is None:
            return
        try:
            check(spargs)
        except ValueError as exc:
            self._fail(name, str(exc), EXIT_USAGE)
        if self._distributed() and (spargs.get("archive") or "").strip():
            self._fail(name, NOT_SHARED, EXIT_USAGE)

    @staticmethod
    def _fail(name: str, message: str, status: int) -> None:
        sys.stderr.write(f"scrapy crawl {name}: error: {message}\n")
        sys.exit(status)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("running 'scrapy crawl' needs exactly one spider")
        try:
            if not self._distributed() and not self._recover_runs():
                self.exitcode = EXIT_ABNORMAL
                return
            self.exitcode = self._crawl(args[0], opts.spargs)
        finally:
            if self.lock is not None:
                self.lock.release()

    def _crawl(self, name: str, spargs: dict[str, str]) -> int:
        assert self.crawler_process is not None
        crawler: Crawler = self._create_crawler(name)
        self.crawler_process.crawl(crawler, **spargs)
        self.crawler_process.start()
        tally = fetch_tally(crawler)
        status = exit_status(finish_reason(crawler), self.crawler_process.bootstrap_failed,
                             tally)
        if status == EXIT_UNREACHABLE and tally is not None:
            sys.stderr.write(f"scrapy crawl {name}: error: {tally.line()}\n")
        return status

    def _recover_runs(self) -> bool:
        """Close the runs dead crawls left open; False (logged) on a database error."""
        assert self.settings is not None
        if self.previous_holder is not None:
            logger.info("Took over the archive lock left by %s (no longer running)",
                        self.previous_holder.describe())
        url = resolve_db_url(self.settings.get("ARCHIVE_DB_URL"))
        try:
            with Database.open(url, create=False) as db, db.session() as session, \
                    session.begin():
                closed = close_abandoned_runs(session)
        except ArchiveNotFound:
            return True  # a new archive: nothing to recover
        except (SQLAlchemyError, StorageError) as exc:
            shown = make_url(url).render_as_string(hide_password=True)
            logger.error("Cannot open the archive %s: %s", shown, str(exc).splitlines()[0])
            return False
        for run in closed:
            logger.warning("Run %d was left unfinished by a crawl that died: %s", run.id,
                           run.line())
        return True


def _check_feeds(feeds: dict[str, object], db_url: str) -> None:
    """Refuse (:class:`OutputRefused`) a feed output (``-o``/``-O``) onto the archive's
    files. FIFOs and devices stay allowed: Scrapy writes feeds as streams."""
    protected = archive_files(db_url)
    for uri in feeds:
        text = str(uri)
        scheme = text.split(":", 1)[0].lower() if ":" in text else ""
        if scheme in ("", "file") and text != "-":
            path = Path(text.removeprefix("file://") if scheme else text)
            check_target(path, protected, regular_only=False)


def fetch_tally(crawler: Crawler) -> FetchTally | None:
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # the crawl never started: no stats
        return None
    return FetchTally.from_stats(stats)


def finish_reason(crawler: Crawler) -> str | None:
    try:
        reason = crawler.stats.get_value("finish_reason")
    except RuntimeError:  # the crawl never started: no stats
        return None
    return str(reason) if reason is not None else None
