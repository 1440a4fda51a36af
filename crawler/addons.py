"""Scrapy add-on of the archiver: the crawl mode chosen by ``ARCHIVE_SCHEDULER``.

``ARCHIVE_SCHEDULER=local`` (the default) leaves Scrapy's own scheduler. With
``ARCHIVE_SCHEDULER=redis`` the crawl is shared by every process started with
the same ``REDIS_URL`` and ``ARCHIVE_REDIS_KEY`` (see :mod:`crawler.distributed`):

- ``SCHEDULER`` / ``DUPEFILTER_CLASS``: scrapy-redis's queue and duplicate
  filter (``<key>:requests``, ``<key>:dupefilter``), through our thin subclasses;
- ``crawler.distributed.SharedPoliteness`` among the downloader middlewares:
  requests to one site at least ``ARCHIVE_SHARED_DELAY`` seconds apart (default:
  ``DOWNLOAD_DELAY``) over all workers together.

Add-ons run after every settings source, so ``-s ARCHIVE_SCHEDULER=redis`` on
the command line works like the same line in a settings file.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

MODES = ("local", "redis")
DEFAULT_KEY = "%(spider)s"
POLITENESS_ORDER = 950
"""Last before the download (after the HTTP cache: a cached page waits for nothing)."""


class CrawlMode:
    """Apply ``ARCHIVE_SCHEDULER``: Scrapy's scheduler, or the Redis-shared one."""

    def update_settings(self, settings: Settings) -> None:
        mode = str(settings.get("ARCHIVE_SCHEDULER") or "local").lower()
        if mode not in MODES:
            raise ValueError(f"ARCHIVE_SCHEDULER must be one of {', '.join(MODES)}, not {mode!r}")
        if mode == "local":
            return
        key = settings.get("ARCHIVE_REDIS_KEY") or DEFAULT_KEY
        settings.set("ARCHIVE_REDIS_KEY", key, priority="addon")
        settings.set("SCHEDULER", "crawler.distributed.RedisScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "crawler.distributed.RedisDupeFilter", priority="addon")
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue",
                     priority="addon")
        settings.set("SCHEDULER_QUEUE_KEY", f"{key}:requests", priority="addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{key}:dupefilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        settings["DOWNLOADER_MIDDLEWARES"].set(
            "crawler.distributed.SharedPoliteness", POLITENESS_ORDER, priority="addon")
        logger.info("distributed crawl: Redis %s, key %r",
                    _shown(settings.get("REDIS_URL")), key)


def _shown(url: str | None) -> str:
    if not url:
        return "redis://localhost:6379 (REDIS_URL unset)"
    head, _, tail = url.rpartition("@")
    return f"{head.split('//')[0]}//***@{tail}" if head else url
