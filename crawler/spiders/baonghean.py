"""Discovery spider for baonghean.vn: finds article pages and fetches them.

Sources, used together (Scrapy's duplicate filter and a set of final URLs keep
each page once): ``robots.txt`` ``Sitemap:`` lines -> sitemap index -> sitemaps;
RSS feeds (``/rss/home.rss`` and feeds linked from pages); the home page, the
section pages it links to and their next pages. The spider never parses article
fields: it yields one :class:`~crawler.items.FetchedPage` per article page and the
pipelines do the rest.
Crawls are incremental (:mod:`crawler.incremental`); state that must survive a
pause (``-s JOBDIR=...``) lives in ``self.state``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.feeds import parse_feed_date, parse_w3c_datetime, read_sitemap
from crawler.incremental import ArchiveIndex, Candidate, NoIndex, archive_index, next_page_only
from crawler.items import FetchedPage
from crawler.middlewares import report, report_failure
from crawler.options import ARGUMENTS, VN_TZ, CrawlOptions
from crawler.urls import NON_ARTICLE_SECTIONS, canonicalize, is_article_url, resolve

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://baonghean.vn"
HOME_FEED = "/rss/home.rss"
FALLBACK_SITEMAP = "/sitemap.xml"

LISTING_LINKS = "h3.b-grid__title a::attr(href), .b-grid__img a::attr(href)"
"""Article links in the listing grid (any other link in the article shape is taken too)."""
ANY_LINK = "a[href]::attr(href)"
NEXT_LINKS = (
    'a[rel~="next"]::attr(href), link[rel~="next"]::attr(href), '
    '[class*="pagination"] a::attr(href), [class*="paging"] a::attr(href)'
)
MORE_LINKS = (
    '//a[contains(normalize-space(.), "Xem thêm") or contains(normalize-space(.), "Trang sau")]'
    "/@href"
)
FEED_LINKS = (
    'link[type="application/rss+xml"]::attr(href), link[type="application/atom+xml"]::attr(href), '
    'a[href*="/rss/"]::attr(href)'
)
SECTION_PATH = re.compile(r"^/[a-z0-9-]+(?:/[a-z0-9-]+)?/?$")
"""Section and sub-section pages: one or two slug segments, no extension."""

ARTICLE_PRIORITY = 10
"""Article pages go before further discovery, so items flow early and ``limit`` stops soon."""


class BaongheanSpider(scrapy.Spider):
    """Discovers and fetches baonghean.vn article pages.

    Arguments (``-a NAME=VALUE``): ``base_url``, ``since``/``until`` (YYYY-MM-DD),
    ``url`` (one page only), ``limit`` (stop after N article pages), ``backfill=1``
    (go deep into listings and sitemaps even where everything is archived).
    Settings: ``ARCHIVE_MAX_LISTING_PAGES`` (next-page links followed per listing chain),
    ``ARCHIVE_INCREMENTAL`` and ``ARCHIVE_REFRESH_HOURS`` (see :mod:`crawler.incremental`).
    """

    name = "baonghean"

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        args = {key: kwargs.pop(key) for key in list(kwargs) if key in ARGUMENTS}
        self.options = CrawlOptions.parse(args, DEFAULT_BASE_URL)
        super().__init__(name, **kwargs)
        self.base_url = self.options.base_url
        self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        self.arguments = {**args, "base_url": self.base_url}  # recorded with the crawl run
        self.state: dict[str, Any] = {}  # replaced by the saved one on resume (JOBDIR)
        self.index: ArchiveIndex | NoIndex = NoIndex()
        self.plan = self.index.plan(self.name, self.options)
        self._listed: set[str] = set()  # unknown articles seen on listing pages
        self._requested: set[str] = set()
        """Article URLs requested in this crawl: found again in a listing or feed, they are
        not requested again (the duplicate filter would drop them, after the spider
        middlewares and the fingerprint: half of a first crawl's requests)."""
        self._max_listing_pages = 0

    @classmethod
    def check_arguments(cls, args: dict[str, str]) -> None:
        """Raise ``ValueError`` (one-line message) for a bad or unknown ``-a`` argument."""
        CrawlOptions.parse(dict(args), DEFAULT_BASE_URL)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BaongheanSpider:
        spider: BaongheanSpider = super().from_crawler(crawler, *args, **kwargs)
        spider._max_listing_pages = crawler.settings.getint("ARCHIVE_MAX_LISTING_PAGES", 50)
        spider.index = archive_index(crawler)
        return spider

    @property
    def _stored(self) -> set[str]:
        """Final URLs of the article pages passed on so far (kept across a pause)."""
        stored: set[str] = self.state.setdefault("stored_final_urls", set())
        return stored

    async def start(self) -> AsyncIterator[Request]:
        if self.options.url:
            yield self._article_request(self.options.url, "url", None)
            return
        self.plan = self.index.plan(self.name, self.options)
        logger.info("Crawl depth: %s", self.plan.describe())
        yield Request(
            self.base_url + "/robots.txt",
            callback=self.parse_robots,
            errback=self.fetch_failed,
            meta={"handle_httpstatus_all": True},
        )
        yield Request(self.base_url + HOME_FEED, callback=self.parse_feed,
                      errback=self.fetch_failed)
        yield Request(
            self.base_url + "/",
            callback=self.parse_listing,
            errback=self.fetch_failed,
            meta={"discovered_via": "home", "home": True},
        )

    def fetch_failed(self, failure: Failure) -> None:
        """Errback of every request: log and count the failure by kind (crawler.middlewares)."""
        report_failure(self.crawler.stats, failure)

    # -- sitemaps -------------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Follow the ``Sitemap:`` lines of robots.txt (``/sitemap.xml`` when there are none)."""
        urls: list[str] = []
        if response.status == 200:
            for found in sitemap_urls_from_robots(response.body, base_url=response.url):
                url = resolve(found, response.url, self.base_url)
                if url:
                    urls.append(url)
        if not urls:
            logger.info("No Sitemap line in %s; trying %s", response.url, FALLBACK_SITEMAP)
            urls = [self.base_url + FALLBACK_SITEMAP]
        for url in urls:
            yield Request(url, callback=self.parse_sitemap, errback=self.fetch_failed)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap index -> sitemaps; urlset -> article pages within since..until."""
        sitemap = read_sitemap(response, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if isinstance(sitemap, tuple):
            report(self.crawler.stats, response.url, *sitemap)
            return
        candidates: list[Candidate] = []
        for entry in sitemap:
            url = resolve(entry.get("loc", ""), response.url, self.base_url)
            lastmod = parse_w3c_datetime(entry.get("lastmod"))
            if url is None:
                continue
            if sitemap.type == "sitemapindex":
                if self.plan.sitemap_unchanged(lastmod):
                    self.crawler.stats.inc_value("archive/skipped/sitemap")
                elif not self._sitemap_too_old(lastmod):
                    yield Request(url, callback=self.parse_sitemap, errback=self.fetch_failed)
            elif is_article_url(url) and self._wanted(url, lastmod):
                candidates.append((url, lastmod))
        yield from self._article_requests(candidates, "sitemap")

    def _sitemap_too_old(self, lastmod: datetime | None) -> bool:
        """A sitemap last changed before ``since`` holds nothing newer."""
        since = self.options.since
        if since is None or lastmod is None:
            return False
        return lastmod.astimezone(VN_TZ).date() < since

    # -- feeds ----------------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 ``<item>`` or Atom ``<entry>`` links within since..until."""
        selector = Selector(body=response.body, type="xml")
        selector.remove_namespaces()
        candidates: list[Candidate] = []
        bad_dates = 0
        for item in selector.xpath("//item | //entry"):
            href = item.xpath("link/text()").get() or item.xpath("link/@href").get() or ""
            date_text = item.xpath("pubDate/text() | published/text() | updated/text()").get()
            url = resolve(href, response.url, self.base_url)
            when = parse_feed_date(date_text)
            bad_dates += bool(date_text and date_text.strip() and when is None)
            if url and is_article_url(url) and self._wanted(url, when):
                candidates.append((url, when))
        if bad_dates:
            report(self.crawler.stats, response.url, "feed-bad-date",
                   f"{bad_dates} items with unreadable dates, followed as undated", bad_dates)
        yield from self._article_requests(candidates, "rss")

    # -- listing pages --------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Home, section and next pages: article links, feeds, next pages, sections (home)."""
        if not isinstance(response, TextResponse):
            return
        via = response.meta.get("discovered_via", "listing")
        any_links = list(self._links(response, response.css(ANY_LINK).getall()))
        listed = self._links(response, response.css(LISTING_LINKS).getall())
        links = dict.fromkeys([*listed, *any_links])
        selection = self.index.select([(url, None) for url in links if is_article_url(url)])
        for url, _ in selection.fetch:
            if url not in self._requested:  # a page already requested still counts as new
                yield self._article_request(url, via, None)
        for url in self._links(response, response.css(FEED_LINKS).getall()):
            if urlsplit(url).path.startswith("/rss/"):
                yield Request(url, callback=self.parse_feed, errback=self.fetch_failed)
        unseen = not self._listed.issuperset(selection.new)
        self._listed.update(selection.new)
        yield from self._listing_requests(response, any_links,
                                          paginate=self.plan.deep or unseen)

    def _listing_requests(self, response: TextResponse, any_links: list[str], *,
                          paginate: bool) -> Iterator[Request]:
        """Next pages (when *paginate*), and section pages (from home) or sub-sections among
        *any_links* (the page's links, resolved)."""
        depth = int(response.meta.get("listing_depth", 0))
        nexts = response.css(NEXT_LINKS).getall() + response.xpath(MORE_LINKS).getall()
        follow = paginate and depth < self._max_listing_pages
        candidates = list(self._links(response, nexts)) if follow else []
        if not self.plan.deep:  # one page further at a time
            candidates = next_page_only(candidates, response.url)
        current = urlsplit(response.url).path.rstrip("/")
        for url in any_links:
            path = urlsplit(url).path
            home_section = response.meta.get("home") and _is_section_path(path)
            sub_section = current and path.startswith(current + "/") and _is_section_path(path)
            if home_section or sub_section:
                candidates.append(url)
        for url in dict.fromkeys(candidates):
            if not is_article_url(url) and not urlsplit(url).path.startswith("/rss"):
                yield Request(url, callback=self.parse_listing, errback=self.fetch_failed,
                              meta={"discovered_via": "listing", "listing_depth": depth + 1})

    def _links(self, response: TextResponse, hrefs: Iterable[str]) -> Iterator[str]:
        for href in hrefs:
            url = resolve(href, response.url, self.base_url)
            if url is not None:
                yield url

    # -- article pages --------------------------------------------------------------------------

    def _article_requests(self, candidates: list[Candidate], via: str) -> Iterator[Request]:
        for url, when in self.index.select(candidates).fetch:
            if url not in self._requested:
                yield self._article_request(url, via, when)

    def _wanted(self, url: str, when: datetime | None) -> bool:
        if self.options.in_range(when):
            return True
        self.crawler.stats.inc_value("baonghean/skipped_out_of_range")
        logger.debug("Skipping %s dated %s (outside the date range)", url, when)
        return False

    def _article_request(self, url: str, via: str, lastmod: datetime | None) -> Request:
        self._requested.add(url)
        self.crawler.stats.inc_value(f"baonghean/discovered/{via}")
        return Request(url, callback=self.parse_article, errback=self.fetch_failed,
                       priority=ARTICLE_PRIORITY,
                       meta={"discovered_via": via, "lastmod": lastmod})

    def parse_article(self, response: Response) -> Iterator[FetchedPage]:
        """One :class:`FetchedPage` per final URL; closes the spider once ``limit`` is reached."""
        final_url = canonicalize(response.url)
        limit = self.options.limit
        if final_url in self._stored or (limit is not None and len(self._stored) >= limit):
            self.crawler.stats.inc_value("baonghean/skipped_seen_final_url")
            return
        self._stored.add(final_url)
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        yield FetchedPage(
            url=canonicalize(requested),
            final_url=response.url,
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=datetime.now(UTC),
            discovered_via=response.meta.get("discovered_via", "unknown"),
            lastmod=response.meta.get("lastmod"),
        )
        if limit is not None and len(self._stored) >= limit:
            raise CloseSpider("limit")


def _is_section_path(path: str) -> bool:
    first = path.lstrip("/").split("/", 1)[0]
    return bool(SECTION_PATH.match(path)) and first not in NON_ARTICLE_SECTIONS


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): ", ".join(v.decode("latin-1") for v in values)
        for key, values in response.headers.items()
    }
