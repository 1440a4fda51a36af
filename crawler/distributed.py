"""Distributed crawling: several crawler processes share one crawl through Redis.

Switched on by ``-s ARCHIVE_SCHEDULER=redis`` (see :mod:`crawler.addons`). The
queue and the duplicate filter are scrapy-redis's (``scrapy_redis.scheduler``,
``scrapy_redis.queue.PriorityQueue``, ``scrapy_redis.dupefilter``), used as they
are, with three small additions of ours:

:class:`RedisDupeFilter`
    scrapy-redis's filter keyed by Scrapy's own request fingerprinter (the
    project's ``REQUEST_FINGERPRINTER_IMPLEMENTATION``) instead of its private
    SHA-1 of the URL, so a request is "seen" exactly when Scrapy would say so.
:class:`RedisScheduler`
    scrapy-redis's scheduler whose workers wait for each other: a worker with
    nothing to do stays up while the shared queue holds requests or another
    worker is still busy (its pages may lead to more), so work that turns up
    late is still shared; each worker keeps a key ``<crawl>:workers:<host>:<pid>``
    ("busy"/"idle", refreshed every ``ARCHIVE_WORKER_TTL`` / 3 seconds, gone
    ``ARCHIVE_WORKER_TTL`` seconds after a worker dies). The queue and the
    duplicate filter persist while workers run; the last worker to finish a
    complete crawl (reason "finished", queue empty) deletes them, so the next
    crawl starts afresh. A crawl stopped early (Ctrl-C, a limit, an error)
    leaves them in Redis: workers started again resume it.
:class:`SharedPoliteness`
    a downloader middleware that spaces the requests to one site by
    ``ARCHIVE_SHARED_DELAY`` seconds across all workers: each request reserves
    the site's next free start time in Redis (an atomic script on the Redis
    server's clock, so workers on several hosts agree) and waits until then. A
    worker busy past the reserved time (by more than half the delay) reserves
    again rather than bunch up with the next worker's request.

A backfill from a web archive (``-a archive=``) is not shared: ``scrapy crawl`` refuses
it with ``ARCHIVE_SCHEDULER=redis`` (exit status 2), as the archives' rate limits are
per network and more workers would only be throttled.

Requests travel through Redis pickled (scrapy-redis's default serializer, as
Scrapy's own disk queues do): Redis must be reachable by the crawl's workers only.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import sleep
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from pipelines.urls import urlsplit

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Request
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.request import RequestFingerprinterProtocol

logger = logging.getLogger(__name__)

BUSY, IDLE = "busy", "idle"
DEFAULT_WORKER_TTL = 60.0
MAX_RESERVATIONS = 3
"""A request whose worker overslept its start this many times goes anyway."""
POLITENESS_KEY = "vnnews-archiver:politeness:{site}"
"""Per-site key of the next free request start (milliseconds, Redis clock)."""
RESERVE_SCRIPT = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now_ms, free)
redis.call('SET', KEYS[1], start + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return start - now_ms
"""
"""Reserve the site's next start: returns the milliseconds to wait for it."""


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared duplicate filter, fingerprinting with Scrapy's fingerprinter."""

    fingerprinter: RequestFingerprinterProtocol | None = None

    @classmethod
    def from_spider(cls, spider: Spider) -> RedisDupeFilter:
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        if self.fingerprinter is None:
            return str(super().request_fingerprint(request))
        return self.fingerprinter.fingerprint(request).hex()


class Workers:
    """This worker's entry among the crawl's workers in Redis (see the module docstring)."""

    def __init__(self, server: Redis, crawl_key: str, ttl: float) -> None:
        self.server = server
        self.prefix = f"{crawl_key}:workers:"
        self.key = f"{self.prefix}{socket.gethostname()}:{os.getpid()}"
        self.ttl_ms = int(ttl * 1000)
        self.state = IDLE
        self._written = 0.0

    def mark(self, state: str) -> None:
        """Write our state (at most every ttl/3 seconds when it does not change)."""
        now = time.monotonic()
        if state != self.state or now - self._written > self.ttl_ms / 3000:
            self.server.set(self.key, state, px=self.ttl_ms)
            self.state, self._written = state, now

    def refresh(self) -> None:
        self.server.set(self.key, self.state, px=self.ttl_ms)
        self._written = time.monotonic()

    def others(self) -> dict[str, str]:
        """The other live workers of this crawl and their states."""
        keys = [_text(k) for k in self.server.scan_iter(match=self.prefix + "*")]
        keys = [k for k in keys if k != self.key]
        states = self.server.mget(keys) if keys else []
        return {k: _text(s) for k, s in zip(keys, states, strict=True) if s is not None}

    def leave(self) -> None:
        self.server.delete(self.key)


class RedisScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler with workers that wait for each other; see the module docstring."""

    workers: Workers
    heartbeat: LoopingCall

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler: RedisScheduler = super().from_crawler(crawler)
        settings = crawler.settings
        ttl = settings.getfloat("ARCHIVE_WORKER_TTL", DEFAULT_WORKER_TTL)
        crawl_key = settings.get("ARCHIVE_REDIS_KEY") % {"spider": crawler.spidercls.name}
        scheduler.workers = Workers(scheduler.server, crawl_key, ttl)
        scheduler.heartbeat = LoopingCall(scheduler.workers.refresh)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.workers.mark(IDLE)
        self.heartbeat.start(self.workers.ttl_ms / 3000, now=False)
        logger.info("worker %s joined the crawl (queue %s: %d requests, %d other workers)",
                    self.workers.key, self.queue.key, len(self.queue), len(self.workers.others()))

    # enqueue_request and next_request are scrapy-redis's, without the ``spider``
    # argument to the stats calls that Scrapy 2.19 deprecates.

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
            self.workers.mark(BUSY)
        return request

    def spider_idle(self) -> None:
        """Stay up while the shared queue holds requests or another worker is busy."""
        self.workers.mark(IDLE)
        if len(self.queue) or BUSY in self.workers.others().values():
            raise DontCloseSpider("other workers are still busy")

    def close(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.workers.leave()
        others, queued = self.workers.others(), len(self.queue)
        if reason == "finished" and not others and not queued:
            self.flush()
            logger.info("crawl complete: cleared its queue and seen requests in Redis")
        else:
            logger.info("crawl state kept in Redis (%d requests queued, %d other workers); "
                        "workers started with the same settings carry it on", queued, len(others))


class SharedPoliteness:
    """Space the requests to each site by ``ARCHIVE_SHARED_DELAY`` seconds across workers."""

    def __init__(self, server: Redis, delay: float, stats: StatsCollector) -> None:
        self.server = server
        self.delay_ms = int(delay * 1000)
        self.stats = stats
        self.reserve = server.register_script(RESERVE_SCRIPT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPoliteness:
        settings = crawler.settings
        given = settings.get("ARCHIVE_SHARED_DELAY")
        delay = float(given) if given not in (None, "") else settings.getfloat("DOWNLOAD_DELAY")
        if delay <= 0:
            raise NotConfigured("no shared delay (ARCHIVE_SHARED_DELAY is 0)")
        assert crawler.stats is not None
        return cls(get_redis_from_settings(settings), delay, crawler.stats)

    async def process_request(self, request: Request) -> None:
        """Wait for the site's next free start; a wait overslept (busy worker) starts over."""
        key = POLITENESS_KEY.format(site=urlsplit(request.url).netloc)
        for _ in range(MAX_RESERVATIONS):
            wait_ms = int(self.reserve(keys=[key], args=[self.delay_ms]))
            if wait_ms <= 0:
                return
            self.stats.inc_value("archive/politeness/waits")
            self.stats.inc_value("archive/politeness/wait_ms", wait_ms)
            started = time.monotonic()
            await sleep(wait_ms / 1000)
            late_ms = (time.monotonic() - started) * 1000 - wait_ms
            if late_ms <= self.delay_ms / 2:
                return
            self.stats.inc_value("archive/politeness/overslept")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def shares_archive(settings: Any) -> bool:
    """True when this process is one of several workers of one crawl (``ARCHIVE_SCHEDULER``)."""
    return str(settings.get("ARCHIVE_SCHEDULER") or "local").lower() == "redis"
