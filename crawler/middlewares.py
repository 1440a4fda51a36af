"""Downloader middlewares of the archiver."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import sleep

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

RETRY_AFTER_CODES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on 429/503 responses before Scrapy's RetryMiddleware retries them.

    Placed just above ``RetryMiddleware`` (order 550) so it sees the response first: it
    waits for the server's delay, capped by ``ARCHIVE_MAX_RETRY_AFTER`` seconds, then
    passes the response on unchanged and RetryMiddleware schedules the retry. Nothing
    waits when the request will not be retried (``dont_retry``, retries used up).
    """

    def __init__(
        self, *, max_delay: float, codes: frozenset[int], max_retry_times: int,
        stats: StatsCollector,
    ) -> None:
        self.max_delay = max_delay
        self.codes = codes
        self.max_retry_times = max_retry_times
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        assert crawler.stats is not None
        return cls(
            max_delay=settings.getfloat("ARCHIVE_MAX_RETRY_AFTER", 120.0),
            codes=RETRY_AFTER_CODES & retry_codes,
            max_retry_times=settings.getint("RETRY_TIMES"),
            stats=crawler.stats,
        )

    def _will_retry(self, request: Request, response: Response) -> bool:
        if response.status not in self.codes or request.meta.get("dont_retry", False):
            return False
        max_times = request.meta.get("max_retry_times", self.max_retry_times)
        return int(request.meta.get("retry_times", 0)) < int(max_times)

    async def process_response(self, request: Request, response: Response) -> Response:
        if not self._will_retry(request, response):
            return response
        delay = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
        if delay is None:
            return response
        wait = min(delay, self.max_delay)
        logger.info(
            "%s answered %d with Retry-After %.0fs; waiting %.1fs before retrying",
            request.url, response.status, delay, wait,
        )
        self.stats.inc_value("retry_after/count")
        self.stats.inc_value("retry_after/seconds", round(wait))
        await sleep(wait)
        return response
