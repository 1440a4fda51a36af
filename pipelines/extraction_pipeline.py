"""Item pipeline: turn a fetched page into an article record, or drop it with a reason."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.items import FetchedPage
from pipelines.decode import looks_binary
from pipelines.extract import NotAnArticle, extract_page
from pipelines.record import ArticleRecord
from pipelines.worker import ExtractionFailed, WorkerPool

logger = logging.getLogger(__name__)

DROPPED_STAT = "archive/dropped/{reason}"
EXTRACTED_STAT = "archive/extracted/{extractor}"
FAILED_STAT = "archive/errors/extract-failed"
NOT_HTML = "not-html"
"""Drop reason of a page that is an image or other binary bytes (never parsed)."""
WORKERS_SETTING = "ARCHIVE_EXTRACT_WORKERS"
MAX_WORKERS = 64


class ExtractionPipeline:
    """Runs :func:`pipelines.extract.extract_page` on each :class:`FetchedPage`.

    Sets ``page.record`` (``url`` = the page's requested URL, ``fetched_at`` in UTC)
    and returns the page. A page that is not an article raises ``DropItem`` and
    counts under ``archive/dropped/<reason>`` (``not-html`` for an image or other
    binary bytes, which are never parsed). A page extraction fails on (any other
    exception: a bug, a page no one foresaw) is never lost: it gets one WARNING line
    (the traceback at DEBUG), counts under ``archive/errors/extract-failed``, and goes
    on with ``page.failure`` set, to be kept raw by the storage pipeline
    (:mod:`storage.failed`). Other items pass through untouched.

    With ``ARCHIVE_EXTRACT_WORKERS`` at 1 or more, :meth:`from_crawler` builds a
    :class:`WorkerExtractionPipeline`, which extracts in that many child processes.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        assert crawler.stats is not None
        workers = worker_count(crawler.settings.get(WORKERS_SETTING, 0))
        if workers:
            return WorkerExtractionPipeline(crawler.stats, WorkerPool(workers, crawler.stats))
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        self.refuse_binary(item)
        try:
            record = extract_page(item.body, item.final_url, item.headers, profile=item.profile)
        except NotAnArticle as error:
            raise self.dropped(item, error) from error
        except Exception as error:
            return self.failed(item, error)
        return self.accept(item, record)

    def refuse_binary(self, item: FetchedPage) -> None:
        """Drop an image or other binary bytes (never parsed) as ``not-html``."""
        if looks_binary(item.body, item.headers):
            self.stats.inc_value(DROPPED_STAT.format(reason=NOT_HTML))
            item.drop_reason = NOT_HTML
            logger.info("dropped %s: %s: binary content, not an HTML page", item.url, NOT_HTML)
            raise DropItem(f"not an article ({NOT_HTML}): {item.url}", log_level="DEBUG")

    def dropped(self, item: FetchedPage, error: NotAnArticle) -> DropItem:
        """Count and log a page that is not an article; the DropItem to raise for it."""
        self.stats.inc_value(DROPPED_STAT.format(reason=error.reason))
        item.drop_reason = error.reason
        logger.info("dropped %s: %s", item.url, error)
        # Our INFO line above is the record of it; Scrapy's own "Dropped" line
        # (WARNING by default) would repeat it for every routine non-article.
        return DropItem(f"not an article ({error.reason}): {item.url}", log_level="DEBUG")

    def failed(self, item: FetchedPage, error: Exception) -> FetchedPage:
        """Count and log a page extraction failed on; it goes on to be kept raw."""
        text = str(error).strip()
        first = text.splitlines()[0] if text else ""
        worker = isinstance(error, ExtractionFailed) and first  # its words name the type
        item.failure = (first if worker else f"{type(error).__name__}: {first}")[:300]
        self.stats.inc_value(FAILED_STAT)
        logger.warning("extraction failed (extract-failed): %s: %s; the page is kept raw",
                       item.url, item.failure)
        logger.debug("extraction of %s failed", item.url, exc_info=error)
        return item

    def accept(self, item: FetchedPage, record: ArticleRecord) -> FetchedPage:
        """Complete the record with the page's URL and fetch time, set it, count it."""
        record["url"] = item.url
        record["fetched_at"] = item.fetched_at.astimezone(UTC).isoformat(timespec="seconds")
        self.stats.inc_value(EXTRACTED_STAT.format(extractor=record["extractor"]))
        item.record = record
        return item


class WorkerExtractionPipeline(ExtractionPipeline):
    """The same pipeline, with extraction in child processes (:mod:`pipelines.worker`):
    started when the spider opens, stopped when it closes."""

    def __init__(self, stats: StatsCollector, pool: WorkerPool) -> None:
        super().__init__(stats)
        self.pool = pool

    def open_spider(self) -> None:
        self.pool.start()

    async def close_spider(self) -> None:
        await self.pool.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        self.refuse_binary(item)
        try:
            record = await self.pool.extract(item.body, item.final_url, item.headers,
                                             item.profile)
        except NotAnArticle as error:
            raise self.dropped(item, error) from error
        except Exception as error:
            return self.failed(item, error)
        return self.accept(item, record)


def worker_count(value: Any) -> int:
    """``ARCHIVE_EXTRACT_WORKERS`` as a number of processes (0: extract in the crawl)."""
    try:
        count = int(str(value).strip())  # via str: 1.5 and True are refused, not rounded
    except ValueError:
        count = -1
    if not 0 <= count <= MAX_WORKERS:
        raise ValueError(f"{WORKERS_SETTING} must be a whole number of processes, 0 or more "
                         f"(at most {MAX_WORKERS}), not {value!r}")
    return count
