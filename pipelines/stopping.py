"""Closing a crawl from the storage pipeline after a storage error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.utils.defer import deferred_from_coro

from pipelines.batching import Clock

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

RECHECK_SECONDS = 0.1


class CrawlStopper:
    """Closes the crawl with a reason, on the reactor's next turn when there is one (the
    items that waited for lost pages finish first)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.clock: Clock | None = None
        self.stopping: Deferred[None] | None = None

    def stop(self, reason: str) -> None:
        if self.clock is None:
            self._close(reason)
        else:
            self.clock.callLater(0, lambda: self._close(reason))

    def _close(self, reason: str) -> None:
        self.stopping = deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
        self._recheck_idle()

    def _recheck_idle(self) -> None:
        """Scrapy checks whether its scraper is idle when the spider starts closing, and
        again only when a response is done: items yielded without a response (from a
        spider's ``start()``) that were still waiting for their batch would leave the close
        waiting for ever. So check again, until the close gets past that point."""
        slot: Any = getattr(getattr(self.crawler.engine, "scraper", None), "slot", None)
        closing = getattr(slot, "closing", None)
        if slot is None or self.clock is None or (closing is not None and closing.called):
            return
        if closing is not None and slot.is_idle():
            closing.callback(self.crawler.spider)
            return
        self.clock.callLater(RECHECK_SECONDS, self._recheck_idle)
