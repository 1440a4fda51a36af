"""The storage pipeline: write extracted records to the archive in batches.

Receives a :class:`crawler.items.FetchedPage` whose ``record`` the extraction
pipeline has set, buffers it, and writes the buffer in one transaction when it
holds ``ARCHIVE_BATCH_SIZE`` pages or its oldest page has waited
``ARCHIVE_BATCH_SECONDS`` (checked as pages arrive and every second by a timer),
and the rest when the spider closes: a fast crawl writes large batches, a polite
one commits what it fetched within seconds. It returns the record dict with the
page's provenance fields, so Scrapy's feed export (``-O out.jsonl``) writes the same
shape as ``python -m storage.export``.

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
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from scrapy import Spider, signals
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import is_reactor_installed
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crawler.items import FetchedPage
from storage.archive import ArticleVersion, Outcome, prepare_article
from storage.batch import store_articles
from storage.captures import PAST_REASON
from storage.db import SQLITE_SYNCHRONOUS, Database, resolve_db_url, sqlite_synchronous
from storage.provenance import Provenance
from storage.runs import RunFigures, finish_run, record_progress, start_run

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

STOP_REASON = "storage-error"
DEFAULT_BATCH_SIZE = 500
DEFAULT_BATCH_SECONDS = 10.0
TIMER_SECONDS = 1.0
"""How often a crawl checks the age of the buffered pages."""
DROPPED_PREFIX = "archive/dropped/"
SKIPPED_KNOWN = "archive/skipped/known"
"""Stat the spider counts: discovered articles not fetched because the archive has them."""
_ERROR_PREFIXES = {
    "archive/errors/": "",
    "spider_exceptions/": "spider/",
}
"""Stats copied into the run record's errors. Final fetch failures are already counted by kind
under ``archive/errors/`` (crawler/middlewares.py), so Scrapy's raw per-response and
per-exception counters (which include attempts that a retry later mended) are left out."""


class DelayedCall(Protocol):
    def active(self) -> bool: ...
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What the age checks need of a reactor (``twisted.internet.task.Clock`` in tests)."""

    def callLater(self, delay: float, callable: Callable[[], None]) -> DelayedCall: ...  # noqa: N802


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
        self.clock: Callable[[], float] = time.monotonic
        self._first_buffered = 0.0
        """``clock()`` when the oldest buffered page arrived."""
        self.reactor_time: Clock | None = None
        """Clock of the age checks; None: the crawl's reactor (none outside a crawl)."""
        self._check: DelayedCall | None = None
        self.db: Database | None = None
        self.run_id: int | None = None
        self.buffer: list[ArticleVersion] = []
        self.counts: Counter[str] = Counter()
        self.failure: str | None = None
        """Set to a short description after a storage error; nothing more is stored then."""
        self._stopping: Deferred[None] | None = None
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
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.engine_stopped, signal=signals.engine_stopped)
        return pipeline

    def open_spider(self) -> None:
        try:
            self.db = Database.open(self.db_url, synchronous=self.synchronous)
        except SQLAlchemyError as exc:
            raise self._cannot_start(exc) from exc
        spider = self.crawler.spider
        name = spider.name if spider is not None else self.crawler.spidercls.name
        try:
            with self.db.session() as session, session.begin():
                self.run_id = start_run(session, name, _spider_args(spider))
        except Exception as exc:
            self.db.close()
            self.db = None
            if isinstance(exc, SQLAlchemyError):
                raise self._cannot_start(exc) from exc
            raise
        logger.info("archive %s: run %d started", self._shown_url(), self.run_id)
        if self.reactor_time is None and is_reactor_installed():
            from twisted.internet import reactor  # a crawl's, already running

            self.reactor_time = cast(Clock, reactor)
        self._schedule_check()

    def process_item(self, item: Any) -> dict[str, Any]:
        if self.failure is not None:
            # The failure was logged once when it happened; later pages are only counted.
            self.crawler.stats.inc_value("archive/errors/not-stored")
            url = item.url if isinstance(item, FetchedPage) else type(item).__name__
            raise DropItem(f"not stored (archive stopped): {url}", log_level="DEBUG")
        if not isinstance(item, FetchedPage) or item.record is None:
            raise TypeError(f"StoragePipeline needs a FetchedPage with a record, got {item!r:.200}")
        item.ingested_at = item.ingested_at or datetime.now(UTC)
        try:
            reason = "recrawl" if item.capture_source == "live" else PAST_REASON
            version = prepare_article(item.record, item, reason=reason)
        except ValueError:
            self.crawler.stats.inc_value("archive/errors/bad-record")
            raise
        if not self.buffer:
            self._first_buffered = self.clock()
        self.buffer.append(version)
        if len(self.buffer) >= self.batch_size or self._waited():
            self.flush(stop_crawl=True)
        return item.record | Provenance.of(item).fields()

    def _waited(self) -> bool:
        """Has the oldest buffered page waited ``batch_seconds``?"""
        return bool(self.buffer) and self.clock() - self._first_buffered >= self.batch_seconds

    def flush_due(self) -> None:
        """The timer's check: write the buffer if its oldest page has waited long enough.
        A storage error is handled as in :meth:`flush` (logged once, crawl stopped)."""
        if self.failure is None and self._waited():
            with contextlib.suppress(Exception):  # flush() has logged it and stops the crawl
                self.flush(stop_crawl=True)

    def _schedule_check(self) -> None:
        """Check the buffer's age every second (or every ``batch_seconds`` if shorter)."""
        if self.reactor_time is not None and self.failure is None:
            self._check = self.reactor_time.callLater(
                min(TIMER_SECONDS, self.batch_seconds), self._timer_fired)

    def _timer_fired(self) -> None:
        self._check = None
        self.flush_due()
        self._schedule_check()

    def _stop_timer(self) -> None:
        if self._check is not None and self._check.active():
            self._check.cancel()
        self._check = None

    def close_spider(self) -> None:
        self._stop_timer()
        if self.failure is None:
            self.flush(stop_crawl=False)

    def flush(self, *, stop_crawl: bool) -> None:
        """Write the buffered pages in one transaction; on error stop the crawl and re-raise."""
        if not self.buffer:
            return
        if self.db is None:
            raise RuntimeError("StoragePipeline.flush() before open_spider()")
        batch, self.buffer = self.buffer, []
        try:
            outcomes = self._write(batch, retry_conflict=True)
        except Exception as exc:
            self._fail(exc, len(batch), stop_crawl=stop_crawl)
            raise
        for outcome in outcomes:
            self.counts[outcome] += 1
            self.crawler.stats.inc_value(f"archive/articles/{outcome}")
        logger.debug("archive: stored %d pages (%s)", len(batch), dict(Counter(outcomes)))

    def _write(self, batch: list[ArticleVersion], *, retry_conflict: bool) -> list[Outcome]:
        """One transaction for the batch. Another writer (a worker of a distributed crawl)
        may store one of its new articles first: the unique key refuses ours, and the batch
        is written once more, reading the archive again, before that counts as a failure."""
        assert self.db is not None
        try:
            with self.db.session() as session, session.begin():
                outcomes = store_articles(session, batch)
                self._record_progress(session, Counter(outcomes))
        except IntegrityError as exc:
            if not retry_conflict:
                raise
            logger.info("archive: batch met a concurrent write (%s); writing it again",
                        _database_says(exc))
            return self._write(batch, retry_conflict=False)
        return outcomes

    def _record_progress(self, session: Session, batch: Counter[str]) -> None:
        """The run's figures including *batch*, written in the batch's own transaction."""
        if self.run_id is not None:
            stats = self.crawler.stats.get_stats()
            record_progress(session, self.run_id, run_figures(stats, "", self.counts + batch))

    def _cannot_start(self, exc: SQLAlchemyError) -> CloseSpider:
        """The database refuses the run's row (locked by another writer, read-only, full):
        one clear line, and the crawl closes before it fetches anything."""
        self.failure = f"a storage error ({type(exc).__name__})"
        self.crawler.stats.inc_value("archive/errors/storage")
        logger.error("storage error, the crawl cannot start: %s", _database_says(exc))
        return CloseSpider(STOP_REASON)

    def _fail(self, exc: Exception, lost: int, *, stop_crawl: bool) -> None:
        self.failure = f"a storage error ({type(exc).__name__})"
        self.crawler.stats.inc_value("archive/errors/storage")
        logger.error(
            "storage error, stopping the crawl: %d pages of the failed batch not stored "
            "(earlier batches are committed): %s",
            lost,
            _database_says(exc),
        )
        if stop_crawl:
            self._stopping = deferred_from_coro(
                self.crawler.engine.close_spider_async(reason=STOP_REASON)
            )

    def spider_closed(self, reason: str) -> None:
        """Close this crawl's ``crawl_runs`` row (its summary is logged at engine stop)."""
        self._stop_timer()
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

    def _shown_url(self) -> str:
        assert self.db is not None
        return self.db.engine.url.render_as_string(hide_password=True)


def run_figures(stats: Mapping[str, Any], reason: str, counts: Mapping[str, int]) -> RunFigures:
    """A crawl's figures from its Scrapy stats and the storage outcome counts."""
    dropped = {
        key.removeprefix(DROPPED_PREFIX): int(value)
        for key, value in stats.items()
        if key.startswith(DROPPED_PREFIX)
    }
    return RunFigures(
        finish_reason=reason,
        pages_fetched=int(stats.get("response_received_count", 0)),
        articles_new=counts.get("new", 0),
        articles_updated=counts.get("updated", 0),
        articles_unchanged=counts.get("unchanged", 0),
        skipped_known=int(stats.get(SKIPPED_KNOWN, 0)),
        dropped=dropped,
        errors=_error_counts(stats),
    )


def _error_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, int] = {}
    for key, value in stats.items():
        for prefix, label in _ERROR_PREFIXES.items():
            if key.startswith(prefix) and key != "spider_exceptions/count":
                kind = key.removeprefix(prefix).rsplit(".", 1)[-1]
                errors[label + kind] = errors.get(label + kind, 0) + int(value)
    return errors


def _database_says(exc: Exception) -> str:
    """The database's own words ("database is locked", "database or disk is full")."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def _spider_args(spider: Spider | None) -> dict[str, Any]:
    """The spider's ``-a`` arguments: its ``arguments`` dict if it keeps one, else its
    plain public instance attributes."""
    if spider is None:
        return {}
    arguments = getattr(spider, "arguments", None)
    if isinstance(arguments, dict):
        return dict(arguments)
    return {
        key: value
        for key, value in vars(spider).items()
        if not key.startswith("_") and isinstance(value, str | int | float | bool)
    }
