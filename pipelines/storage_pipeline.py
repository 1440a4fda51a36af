"""The storage pipeline: write extracted records to the archive in batches.

Receives a :class:`crawler.items.FetchedPage` whose ``record`` the extraction
pipeline has set, buffers it, and writes the buffer in one transaction when it
holds ``ARCHIVE_BATCH_SIZE`` pages or its oldest page has waited
``ARCHIVE_BATCH_SECONDS`` (checked as pages arrive and every second by a timer),
and the rest when the spider closes: a fast crawl writes large batches, a polite
one commits what it fetched within seconds. It returns the record dict with the
page's provenance fields, so
Scrapy's feed export (``-O out.jsonl``) writes the same shape as
``python -m storage.export``. With a feed export configured (``FEEDS``), each record
is returned only once its batch is committed (a record whose batch fails is dropped,
never exported): items then wait for their batch, which is also written once it holds
half of ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes or its oldest page has waited a second.

A page extraction failed on (``page.failure`` set by the extraction pipeline) is kept
raw in the same transactions (:mod:`storage.failed`) and dropped from the items.
Web-archive captures dropped for good are listed in ``captures`` in the same
transactions too (:mod:`storage.captures`), so the next backfill skips them: a
:class:`crawler.items.BadCapture` the spider yields, a capture an earlier pipeline
dropped as not an article (``page.drop_reason``, seen through Scrapy's
``item_dropped`` signal), one extraction failed on.

A storage error is never logged-and-ignored: the batch is rolled back (earlier
batches stay committed), the error is logged in one line, the exception
propagates and the crawl is closed with reason ``storage-error``.

The pipeline also keeps the crawl's row in ``crawl_runs``: opened when the
spider opens, updated with the figures so far in every batch's transaction (so
a killed crawl leaves the figures of what it committed), closed on
``spider_closed`` with the crawl's figures. The one-line summary of those
figures is logged when the engine stops, so it is the crawl log's last line.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.reactor import is_reactor_installed
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crawler.items import BadCapture, FetchedPage
from pipelines.batching import AgeTimer, Batch, Clock, once_stored
from pipelines.runstats import database_says, run_figures, spider_args
from pipelines.stopping import CrawlStopper
from storage.archive import ArticleVersion, Outcome, prepare_article
from storage.batch import store_articles
from storage.captures import PAST_REASON, DroppedCapture, record_dropped
from storage.db import SQLITE_SYNCHRONOUS, Database, resolve_db_url, sqlite_synchronous
from storage.errors import StorageError
from storage.failed import FailedVersion, forget_failed, store_failed
from storage.provenance import Provenance
from storage.runs import finish_run, record_progress, start_run

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["StoragePipeline", "run_figures"]

logger = logging.getLogger(__name__)

STOP_REASON = "storage-error"
DEFAULT_BATCH_SIZE = 500
DEFAULT_BATCH_SECONDS = 10.0
TIMER_SECONDS = 1.0
"""How often a crawl checks the age of the buffered pages."""
CONFIRM_SECONDS = 1.0
"""Longest wait of a buffered page when items wait for their batch (a feed export)."""
FAILED_PAGE = "extract-failed"


class StoragePipeline:
    """Store each page's record in the archive; see the module docstring."""

    def __init__(self, crawler: Crawler, db_url: str, batch_size: int,
                 synchronous: str = SQLITE_SYNCHRONOUS,
                 batch_seconds: float = DEFAULT_BATCH_SECONDS) -> None:
        if batch_size < 1:
            raise ValueError(f"ARCHIVE_BATCH_SIZE must be at least 1, not {batch_size}")
        if not batch_seconds > 0:
            raise ValueError(f"ARCHIVE_BATCH_SECONDS must be above 0, not {batch_seconds}")
        try:
            self.synchronous = sqlite_synchronous(synchronous)
        except ValueError as exc:
            raise ValueError(f"ARCHIVE_SQLITE_SYNCHRONOUS: {exc}") from None
        self.crawler = crawler
        self.db_url = db_url
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.batch_bytes: int | None = None
        """Set when items wait for their batch (:meth:`from_crawler`, a feed export): the
        batch is also written once its pages hold this many bytes."""
        self.clock: Callable[[], float] = time.monotonic
        self.reactor_time: Clock | None = None
        """Clock of the age checks; None: the crawl's reactor (none outside a crawl)."""
        self.timer = AgeTimer(self.flush_due, min(TIMER_SECONDS, batch_seconds))
        self.db: Database | None = None
        self.run_id: int | None = None
        self.batch = Batch()
        self.counts: Counter[str] = Counter()
        self.failure: str | None = None
        """Set to a short description after a storage error; nothing more is stored then."""
        self.stopper = CrawlStopper(crawler)
        self._summary: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        settings = crawler.settings
        pipeline = cls(
            crawler,
            resolve_db_url(settings.get("ARCHIVE_DB_URL")),
            settings.getint("ARCHIVE_BATCH_SIZE", DEFAULT_BATCH_SIZE),
            settings.get("ARCHIVE_SQLITE_SYNCHRONOUS") or SQLITE_SYNCHRONOUS,
            settings.getfloat("ARCHIVE_BATCH_SECONDS", DEFAULT_BATCH_SECONDS),
        )
        if settings.getdict("FEEDS"):
            pipeline.batch_bytes = settings.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE", 5_000_000) // 2
            pipeline.batch_seconds = min(pipeline.batch_seconds, CONFIRM_SECONDS)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.engine_stopped, signal=signals.engine_stopped)
        return pipeline

    def open_spider(self) -> None:
        try:
            self.db = Database.open(self.db_url, synchronous=self.synchronous)
        except (SQLAlchemyError, StorageError) as exc:
            raise self._cannot_start(exc) from exc
        spider = self.crawler.spider
        name = spider.name if spider is not None else self.crawler.spidercls.name
        try:
            with self.db.session() as session, session.begin():
                self.run_id = start_run(session, name, spider_args(spider))
        except Exception as exc:
            self.db.close()
            self.db = None
            if isinstance(exc, SQLAlchemyError):
                raise self._cannot_start(exc) from exc
            raise
        shown = self.db.engine.url.render_as_string(hide_password=True)
        logger.info("archive %s: run %d started", shown, self.run_id)
        if self.reactor_time is None and is_reactor_installed():
            from twisted.internet import reactor  # a crawl's, already running

            self.reactor_time = cast(Clock, reactor)
        self.timer.start(self.reactor_time)

    def process_item(self, item: Any) -> dict[str, Any] | Coroutine[Any, Any, dict[str, Any]]:
        """The item's record, or (items waiting for their batch) a coroutine giving it
        once its batch is committed; a page kept raw is dropped here."""
        if self.failure is not None:
            # The failure was logged once when it happened; later pages are only counted.
            self.crawler.stats.inc_value("archive/errors/not-stored")
            url = item.url if isinstance(item, FetchedPage) else type(item).__name__
            raise DropItem(f"not stored (archive stopped): {url}", log_level="DEBUG")
        if isinstance(item, BadCapture):
            self.remember(item, item.kind)
            raise DropItem(f"bad capture ({item.kind}): {item.capture_url}", log_level="DEBUG")
        if isinstance(item, FetchedPage) and item.failure is not None:
            self.remember(item, FAILED_PAGE)
            self._buffer(FailedVersion(item.url, FAILED_PAGE, item.failure, item), item)
            raise DropItem(f"kept raw ({FAILED_PAGE}): {item.url}", log_level="DEBUG")
        if not isinstance(item, FetchedPage) or item.record is None:
            raise TypeError(f"StoragePipeline needs a FetchedPage with a record, got {item!r:.200}")
        item.ingested_at = item.ingested_at or datetime.now(UTC)
        try:
            reason = "recrawl" if item.capture_source == "live" else PAST_REASON
            version = prepare_article(item.record, item, reason=reason)
        except ValueError:
            self.crawler.stats.inc_value("archive/errors/bad-record")
            raise
        record = item.record | Provenance.of(item).fields()
        waiting = self.batch.wait() if self.batch_bytes is not None else None
        self._buffer(version, item)
        if waiting is not None:
            return once_stored(waiting, record, item.url)
        if self.failure is not None:  # its batch failed (logged once, the crawl stops)
            raise DropItem(f"not stored ({self.failure}): {item.url}", log_level="DEBUG")
        return record

    def item_dropped(self, item: Any) -> None:
        """A page an earlier pipeline dropped as not an article: remember its capture."""
        if isinstance(item, FetchedPage) and item.drop_reason is not None:
            self.remember(item, item.drop_reason)

    def remember(self, page: FetchedPage | BadCapture, outcome: str) -> None:
        """Buffer the capture *page* came from (nothing for a live page), dropped for
        *outcome*, to list in ``captures``."""
        dropped = DroppedCapture.of(page, outcome)
        if dropped is not None and self.failure is None:
            self._buffer(dropped, None)

    def _buffer(self, version: ArticleVersion | FailedVersion | DroppedCapture,
                page: FetchedPage | None) -> None:
        self.batch.add(version, len(page.body) if page is not None else 0, self.clock())
        if not (self._full() or self._waited()):
            return
        if self.batch_bytes is not None and self.reactor_time is not None:
            # Items wait for this batch: it is written on the next turn of the reactor,
            # once each of them waits, so that they are returned in the order they came.
            ready, self.batch = self.batch, Batch()
            self.reactor_time.callLater(0, lambda: self._write_logged(ready))
            return
        self._write_logged(self._take())

    def _take(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        return batch

    def _write_logged(self, batch: Batch) -> None:
        """:meth:`write` (a storage error is logged there and stops the crawl)."""
        if self.failure is not None:
            batch.lost(self.failure)
            return
        with contextlib.suppress(Exception):
            self.write(batch, stop_crawl=True)

    def _full(self) -> bool:
        big = self.batch_bytes is not None and self.batch.size >= self.batch_bytes
        return len(self.batch) >= self.batch_size or big

    def _waited(self) -> bool:
        """Has the oldest buffered page waited ``batch_seconds``?"""
        return bool(self.batch) and self.clock() - self.batch.first_at >= self.batch_seconds

    def flush_due(self) -> None:
        """The timer's check: write the buffer if its oldest page has waited long enough.
        A storage error is handled as in :meth:`flush` (logged once, crawl stopped)."""
        if self.failure is None and self._waited():
            self._write_logged(self._take())

    def close_spider(self) -> None:
        self.timer.stop()
        if self.failure is None:
            self.flush(stop_crawl=False)

    def flush(self, *, stop_crawl: bool) -> None:
        """Write the buffered pages in one transaction; on error stop the crawl and re-raise."""
        self.write(self._take(), stop_crawl=stop_crawl)

    def write(self, batch: Batch, *, stop_crawl: bool) -> None:
        """Write *batch* in one transaction; on error stop the crawl and re-raise (the
        pages buffered meanwhile are lost too: nothing more is stored)."""
        if not batch:
            return
        if self.db is None:
            raise RuntimeError("StoragePipeline.flush() before open_spider()")
        try:
            outcomes = self._write(batch, retry_conflict=True)
        except Exception as exc:
            self.failure = f"a storage error ({type(exc).__name__})"
            batch.lost(self.failure)
            if waiting := self._take():  # buffered meanwhile: not stored either
                self.crawler.stats.inc_value("archive/errors/not-stored", len(waiting))
                waiting.lost(self.failure)
            self._fail(exc, len(batch), stop_crawl=stop_crawl)
            raise
        for outcome in outcomes:
            self.counts[outcome] += 1
            self.crawler.stats.inc_value(f"archive/articles/{outcome}")
        logger.debug("archive: stored %d pages (%s), %d kept raw", len(batch.articles),
                     dict(Counter(outcomes)), len(batch.failed))
        batch.committed()

    def _write(self, batch: Batch, *, retry_conflict: bool) -> list[Outcome]:
        """One transaction for the batch. Another writer (a worker of a distributed crawl)
        may store one of its new articles first: the unique key refuses ours, and the batch
        is written once more, reading the archive again, before that counts as a failure."""
        assert self.db is not None
        try:
            with self.db.session() as session, session.begin():
                outcomes = store_articles(session, batch.articles)
                forget_failed(session, [v.record["url"] for v in batch.articles])
                store_failed(session, batch.failed)
                record_dropped(session, batch.dropped)
                if self.run_id is not None:  # the run's figures, this batch included
                    figures = run_figures(self.crawler.stats.get_stats(), "",
                                          self.counts + Counter(outcomes))
                    record_progress(session, self.run_id, figures)
        except IntegrityError as exc:
            if not retry_conflict:
                raise
            logger.info("archive: batch met a concurrent write (%s); writing it again",
                        database_says(exc))
            return self._write(batch, retry_conflict=False)
        return outcomes

    def _cannot_start(self, exc: Exception) -> CloseSpider:
        """The database refuses the run's row (locked by another writer, read-only, full,
        another application's): one clear line, and the crawl closes before it fetches."""
        self.failure = f"a storage error ({type(exc).__name__})"
        self.crawler.stats.inc_value("archive/errors/storage")
        logger.error("storage error, the crawl cannot start: %s", database_says(exc))
        return CloseSpider(STOP_REASON)

    def _fail(self, exc: Exception, lost: int, *, stop_crawl: bool) -> None:
        self.failure = f"a storage error ({type(exc).__name__})"
        self.timer.stop()
        self.crawler.stats.inc_value("archive/errors/storage")
        logger.error("storage error, stopping the crawl: %d pages of the failed batch not "
                     "stored (earlier batches are committed): %s", lost, database_says(exc))
        if stop_crawl:
            self.stopper.clock = self.reactor_time
            self.stopper.stop(STOP_REASON)

    def spider_closed(self, reason: str) -> None:
        """Close this crawl's ``crawl_runs`` row (its summary is logged at engine stop)."""
        self.timer.stop()
        if self.db is None or self.run_id is None:
            return
        if self.failure is not None:
            reason = STOP_REASON
            self.crawler.stats.set_value("finish_reason", reason)
        figures = run_figures(self.crawler.stats.get_stats(), reason, self.counts)
        try:
            with self.db.session() as session, session.begin():
                self._summary = finish_run(session, self.run_id, figures).line()
        finally:
            self.db.close()

    def engine_stopped(self) -> None:
        """Log the run's one-line summary: after Scrapy's own closing lines, the last one."""
        if self._summary is not None:
            logger.info("%s", self._summary)
