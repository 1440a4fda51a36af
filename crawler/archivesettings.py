"""Endpoints and politeness of the web archives a backfill reads.

Every endpoint is a setting, so tests point them at local stand-ins. Requests to each
archive go through a download slot of their own (``DOWNLOAD_SLOTS``, set by the
:class:`ArchivePoliteness` add-on from the ``ARCHIVE_*_DELAY`` and
``ARCHIVE_*_CONCURRENCY`` settings) whose delay AutoThrottle leaves alone; 429 and 503
answers are retried after their ``Retry-After`` (``crawler.middlewares``).

Defaults: the Wayback Machine's CDX API is limited to about 60 requests a minute per
network (less at times), blocking for an hour those who ignore its 429s: one request
at a time, 2.5 s apart; replay (``id_``) one at a time, 1 s apart. Common Crawl's index
server is a shared, often loaded service: one at a time, 1 s apart; its data server
(``data.commoncrawl.org``, byte ranges) 2 at a time, 0.5 s apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings, Settings

SLOTS = {
    "archive-wayback-cdx": ("ARCHIVE_WAYBACK_CDX_DELAY", 2.5, "ARCHIVE_WAYBACK_CDX_CONCURRENCY", 1),
    "archive-wayback": ("ARCHIVE_WAYBACK_DELAY", 1.0, "ARCHIVE_WAYBACK_CONCURRENCY", 1),
    "archive-cc-index": ("ARCHIVE_CC_INDEX_DELAY", 1.0, "ARCHIVE_CC_INDEX_CONCURRENCY", 1),
    "archive-cc-data": ("ARCHIVE_CC_DATA_DELAY", 0.5, "ARCHIVE_CC_DATA_CONCURRENCY", 2),
}
"""Download slot -> (delay setting, default, concurrency setting, default)."""


@dataclass(frozen=True, kw_only=True)
class ArchiveEndpoints:
    """Where the archives answer (``ARCHIVE_*_URL`` settings)."""

    wayback_cdx: str = "https://web.archive.org/cdx/search/cdx"
    wayback_replay: str = "https://web.archive.org/web"
    cc_index: str = "https://index.commoncrawl.org"
    cc_data: str = "https://data.commoncrawl.org"
    page_size: int = 5000
    """Rows asked per Wayback CDX page (``ARCHIVE_CDX_PAGE_SIZE``)."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ArchiveEndpoints:
        default = cls()
        page_size = settings.getint("ARCHIVE_CDX_PAGE_SIZE", default.page_size)
        if page_size < 1:
            raise ValueError(f"ARCHIVE_CDX_PAGE_SIZE must be at least 1, not {page_size}")

        def url(name: str, fallback: str) -> str:
            return str(settings.get(name) or fallback).rstrip("/")

        return cls(
            wayback_cdx=url("ARCHIVE_WAYBACK_CDX_URL", default.wayback_cdx),
            wayback_replay=url("ARCHIVE_WAYBACK_REPLAY_URL", default.wayback_replay),
            cc_index=url("ARCHIVE_CC_INDEX_URL", default.cc_index),
            cc_data=url("ARCHIVE_CC_DATA_URL", default.cc_data),
            page_size=page_size,
        )


class ArchivePoliteness:
    """Add-on: a download slot per archive endpoint, with its delay and concurrency
    (an entry the settings already give in ``DOWNLOAD_SLOTS`` is kept)."""

    def update_settings(self, settings: Settings) -> None:
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for slot, (delay_name, delay, concurrency_name, concurrency) in SLOTS.items():
            wanted_delay = settings.getfloat(delay_name, delay)
            wanted_concurrency = settings.getint(concurrency_name, concurrency)
            if wanted_delay < 0 or wanted_concurrency < 1:
                raise ValueError(f"{delay_name} must be >= 0 and {concurrency_name} >= 1")
            slots.setdefault(slot, {"delay": wanted_delay, "concurrency": wanted_concurrency,
                                    "jitter": 0.0})
        priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("DOWNLOAD_SLOTS", slots, priority=priority)  # merged with those given
