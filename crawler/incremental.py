"""Incremental crawling: the archive decides which discovered articles to fetch.

With ``ARCHIVE_INCREMENTAL`` on (the project default), a crawl asks the archive about
the article URLs of each discovered page in one query (one per sitemap, feed or
listing page, whatever the archive's size), and:

- fetches an article the archive does not hold;
- fetches a known article again only when its sitemap ``<lastmod>`` (or feed date) is
  later than its stored fetch, or when it was published less than
  ``ARCHIVE_REFRESH_HOURS`` (default 48) ago (undated articles are never "young");
  otherwise skips it
  (stat ``archive/skipped/known``, each URL counted once);
- follows a listing's next page only from a page holding an unknown article not
  already seen on another listing page of this crawl (a "latest news" box repeats
  the newest articles on every page);
- skips the sitemaps of a sitemap index last changed before the start of the last
  complete crawl (less the refresh window).

A crawl goes deep (every listing page up to ``ARCHIVE_MAX_LISTING_PAGES``, every
sitemap) with ``-a backfill=1``, with a ``since`` earlier than the archive's newest
article, when the archive has no complete crawl yet, or when the last crawl did not
finish (killed, interrupted, stopped by an error or a limit): the next run completes
its work.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.options import VN_TZ, CrawlOptions
from storage.archive import KnownArticle, known_articles, newest_published_date
from storage.db import Database, resolve_db_url
from storage.runs import RunSummary, closed_runs

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

SKIPPED_KNOWN = "archive/skipped/known"
REFETCH = "archive/refetch/{reason}"
COMPLETE = "finished"
"""The finish reason of a crawl that did all it was asked."""
PARTIAL_ARGUMENTS = ("url", "limit", "since", "until", "archive")
"""A crawl run with one of these did not look at the whole site (``archive``: a backfill
from a web archive, which never reads the live site)."""

PAGE_NUMBER = re.compile(r"(?:[?&](?:page|p|trang)=|/(?:page|trang)[/-]?)(\d+)(?:\D|$)", re.I)
"""The page number in a listing URL: ``?page=3``, ``&p=3``, ``/page/3``, ``/trang-3``."""

Candidate = tuple[str, datetime | None]
"""A discovered article URL and the date its source gives (sitemap lastmod, feed date)."""


@dataclass(frozen=True, kw_only=True)
class CrawlPlan:
    """How deep this crawl goes."""

    deep: bool
    why: str
    sitemap_cutoff: datetime | None = None
    """Sitemaps of an index last changed before this time are not fetched."""

    def sitemap_unchanged(self, lastmod: datetime | None) -> bool:
        """True for a sitemap the last complete crawl read in this state."""
        cutoff = self.sitemap_cutoff
        return cutoff is not None and lastmod is not None and lastmod < cutoff

    def describe(self) -> str:
        return f"{'deep' if self.deep else 'new pages only'} ({self.why})"


FULL_CRAWL = CrawlPlan(deep=True, why="incremental crawling is off")


@dataclass(frozen=True)
class Selection:
    """The articles of one discovered page worth fetching."""

    fetch: list[Candidate]
    new: list[str]
    """Those the archive does not hold."""


def refetch_reason(
    known: KnownArticle, when: datetime | None, now: datetime, window: timedelta
) -> str | None:
    """Why a known article is fetched again ("changed", "young"), or None to skip it."""
    if when is not None and when > known.fetched_at:
        return "changed"
    if known.published_utc is not None:
        published = known.published_utc
    elif known.published_date is not None:  # a date alone: the end of that day
        published = datetime.combine(known.published_date + timedelta(days=1), time(), VN_TZ)
    else:
        return None  # undated: its age is unknown
    return "young" if published > now - window else None


def page_number(url: str) -> int | None:
    match = PAGE_NUMBER.search(url)
    return int(match.group(1)) if match else None


def next_page_only(urls: Sequence[str], current_url: str) -> list[str]:
    """Of a listing's next-page links (a numbered pager links many pages), the one to the
    next page; all of them when none carries the next page's number."""
    wanted = (page_number(current_url) or 1) + 1
    chosen = [url for url in urls if page_number(url) == wanted]
    return chosen or list(urls)


def is_full_run(run: RunSummary, base_url: str) -> bool:
    """True for a run of the whole site at *base_url* (not one page, a limit or dates)."""
    args = run.args
    return args.get("base_url") == base_url and not any(args.get(k) for k in PARTIAL_ARGUMENTS)


class NoIndex:
    """Incremental crawling off: every discovered article is fetched, listings go deep."""

    def plan(self, spider: str, options: CrawlOptions) -> CrawlPlan:
        return FULL_CRAWL

    def select(self, candidates: Sequence[Candidate]) -> Selection:
        return Selection(list(candidates), [url for url, _ in candidates])


def archive_index(crawler: Crawler) -> ArchiveIndex | NoIndex:
    """The crawl's view of the archive: :class:`ArchiveIndex` when ``ARCHIVE_INCREMENTAL``
    is on (the project default; off when the setting is missing), else :class:`NoIndex`."""
    try:
        return ArchiveIndex.from_crawler(crawler)
    except NotConfigured:
        return NoIndex()


class ArchiveIndex:
    """The archive as seen by the spider: known articles and past crawls."""

    def __init__(self, db: Database, crawler: Crawler, refresh: timedelta) -> None:
        self.db = db
        self.crawler = crawler
        self.refresh = refresh
        self._skipped: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveIndex:
        """Open the archive for look-ups; ``NotConfigured`` when incremental crawling is off."""
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_INCREMENTAL", False):
            raise NotConfigured("ARCHIVE_INCREMENTAL is off")
        hours = settings.getfloat("ARCHIVE_REFRESH_HOURS", 48.0)
        if hours < 0:
            raise ValueError(f"ARCHIVE_REFRESH_HOURS must not be negative, not {hours}")
        db = Database.open(resolve_db_url(settings.get("ARCHIVE_DB_URL")))
        index = cls(db, crawler, timedelta(hours=hours))
        crawler.signals.connect(index.close, signal=signals.spider_closed)
        return index

    def plan(self, spider: str, options: CrawlOptions) -> CrawlPlan:
        """Decide how deep this crawl goes (see the module docstring)."""
        with self.db.session() as session:
            runs = [run for run in closed_runs(session, spider, limit=50)
                    if is_full_run(run, options.base_url)]
            newest = newest_published_date(session) if options.since else None
        if options.backfill:
            return CrawlPlan(deep=True, why="backfill requested")
        if options.since is not None and newest is not None and options.since < newest:
            return CrawlPlan(deep=True, why=f"since {options.since} is before {newest}")
        if not runs:
            return CrawlPlan(deep=True, why="no earlier crawl of the whole site")
        last = runs[0]
        if last.figures is None or last.figures.finish_reason != COMPLETE:
            reason = last.figures.finish_reason if last.figures else "open"
            return CrawlPlan(deep=True, why=f"run {last.id} ended {reason}: completing it")
        cutoff = last.started_at - self.refresh
        return CrawlPlan(deep=False, why=f"after run {last.id}", sitemap_cutoff=cutoff)

    def select(self, candidates: Sequence[Candidate]) -> Selection:
        """The candidates to fetch, after one look-up of them all in the archive."""
        if not candidates:
            return Selection([], [])
        with self.db.session() as session:
            known = known_articles(session, [url for url, _ in candidates])
        now = datetime.now(UTC)
        selection = Selection([], [])
        for url, when in candidates:
            found = known.get(url)
            reason = "new" if found is None else refetch_reason(found, when, now, self.refresh)
            if reason is None:
                self._skip(url)
                continue
            if reason == "new":
                selection.new.append(url)
            else:
                self.crawler.stats.inc_value(REFETCH.format(reason=reason))
            selection.fetch.append((url, when))
        return selection

    def _skip(self, url: str) -> None:
        if url not in self._skipped:
            self._skipped.add(url)
            self.crawler.stats.inc_value(SKIPPED_KNOWN)
            logger.debug("Skipping %s: archived and unchanged", url)

    def close(self) -> None:
        self.db.close()
