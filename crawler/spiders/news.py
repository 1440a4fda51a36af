"""The one discovery spider: finds a site's article pages and fetches them.

Everything site-specific comes from the site's profile (:mod:`pipelines.profiles`):
hosts, article URL shapes, feeds, listing selectors. Each profile is a spider of its
own name (``scrapy crawl baonghean``, built by :mod:`crawler.loader`); ``scrapy crawl
news -a base_url=https://any-paper.vn`` crawls a site with no profile, with generic
URL rules and discovery.

Sources, used together (Scrapy's duplicate filter and a set of final URLs keep
each page once): ``robots.txt`` ``Sitemap:`` lines -> sitemap index -> sitemaps;
the profile's feeds and feeds linked from pages; the home page, the section pages it
links to and their next pages. The spider never parses article fields: it yields one
:class:`~crawler.items.FetchedPage` per article page and the pipelines do the rest.
Crawls are incremental (:mod:`crawler.incremental`); state that must survive a
pause (``-s JOBDIR=...``) lives in ``self.state``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

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
from crawler.webarchive import WebArchiveBackfill
from pipelines.profiles.base import Profile, UrlRules
from pipelines.urls import canonicalize, resolve, urlsplit

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

ANY_LINK = "a[href]::attr(href)"
FEED_LINKS = (
    'link[type="application/rss+xml"]::attr(href), link[type="application/atom+xml"]::attr(href), '
    'a[href*="rss"]::attr(href)'
)

GENERIC_NEVER = frozenset(
    {"video", "videos", "photo", "photos", "podcast", "podcasts", "tag", "tags", "tu-khoa",
     "tim-kiem", "search", "rss", "topic", "chu-de", "su-kien", "emagazine", "longform",
     "multimedia", "media", "infographic", "infographics", "author", "tac-gia", "en"}
)  # fmt: skip
"""First path segments that hold no text articles on most Vietnamese papers."""

ARTICLE_PRIORITY = 10
"""Article pages go before further discovery, so items flow early and ``limit`` stops soon."""


class NewsSpider(WebArchiveBackfill, scrapy.Spider):
    """Discovers and fetches a site's article pages, as its profile says.

    Arguments (``-a NAME=VALUE``): ``base_url``, ``since``/``until`` (YYYY-MM-DD),
    ``url`` (one page only), ``limit`` (stop after N article pages), ``backfill=1``
    (go deep into listings and sitemaps even where everything is archived), ``archive``
    and ``crawl`` (read the site's past from a web archive: :mod:`crawler.webarchive`).
    Settings: ``ARCHIVE_MAX_LISTING_PAGES`` (next-page links followed per listing chain),
    ``ARCHIVE_INCREMENTAL`` and ``ARCHIVE_REFRESH_HOURS`` (see :mod:`crawler.incremental`).
    """

    name = "news"
    profile: Profile | None = None
    """The site's profile; None for the ``news`` spider, which builds one from base_url."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        args = {key: kwargs.pop(key) for key in list(kwargs) if key in ARGUMENTS}
        self.options = self.parse_arguments(args)
        super().__init__(name, **kwargs)
        self.base_url = self.options.base_url
        self.site = self.profile or generic_profile(self.base_url)
        self.hosts = frozenset(self.site.hosts)
        self.allowed_domains = [urlsplit(self.base_url).hostname or "", *self.site.hosts]
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
    def parse_arguments(cls, args: dict[str, str | None]) -> CrawlOptions:
        """The crawl's options; ``ValueError`` (one-line message) for a bad or unknown
        ``-a`` argument."""
        if cls.profile is None and not args.get("base_url") and not args.get("url"):
            raise ValueError(f"base_url: the {cls.name} spider crawls any site: give "
                             "-a base_url=https://paper.vn")
        default = cls.profile.base_url if cls.profile is not None else ""
        return CrawlOptions.parse(args, default)

    @classmethod
    def check_arguments(cls, args: dict[str, str]) -> None:
        """Raise ``ValueError`` (one-line message) for a bad or unknown ``-a`` argument."""
        cls.parse_arguments(dict(args))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider._max_listing_pages = crawler.settings.getint("ARCHIVE_MAX_LISTING_PAGES", 50)
        spider.index = archive_index(crawler)
        return spider

    @property
    def _stored(self) -> set[str]:
        """Final URLs of the article pages passed on so far (kept across a pause)."""
        stored: set[str] = self.state.setdefault("stored_final_urls", set())
        return stored

    async def start(self) -> AsyncIterator[Request]:
        if self.options.archive:  # a backfill from a web archive, not the live site
            for request in self.archive_requests():
                yield request
            return
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
        for path in self.site.discovery.feeds:
            yield Request(self.base_url + path, callback=self.parse_feed,
                          errback=self.fetch_failed)
        for path in self.site.discovery.sections:
            yield Request(self.base_url + path, callback=self.parse_listing,
                          errback=self.fetch_failed, meta={"discovered_via": "listing"})
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
                url = self.resolve(found, response.url)
                if url:
                    urls.append(url)
        if not urls:
            fallback = self.site.discovery.sitemaps
            logger.info("No Sitemap line in %s; trying %s", response.url, ", ".join(fallback))
            urls = [self.base_url + path for path in fallback]
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
            url = self.resolve(entry.get("loc", ""), response.url)
            lastmod = parse_w3c_datetime(entry.get("lastmod"))
            if url is None:
                continue
            if sitemap.type == "sitemapindex":
                if self.plan.sitemap_unchanged(lastmod):
                    self.crawler.stats.inc_value("archive/skipped/sitemap")
                elif not self._sitemap_too_old(lastmod):
                    yield Request(url, callback=self.parse_sitemap, errback=self.fetch_failed)
            elif self.is_article(url) and self._wanted(url, lastmod):
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
            url = self.resolve(href, response.url)
            when = parse_feed_date(date_text)
            bad_dates += bool(date_text and date_text.strip() and when is None)
            if url and self.is_article(url) and self._wanted(url, when):
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
        story_css = self.site.discovery.listing_links
        stories = response.css(story_css).xpath("@href").getall() if story_css else []
        links = dict.fromkeys([*self._links(response, stories), *any_links])
        selection = self.index.select([(url, None) for url in links if self.is_article(url)])
        for url, _ in selection.fetch:
            if url not in self._requested:  # a page already requested still counts as new
                yield self._article_request(url, via, None)
        for url in self._links(response, response.css(FEED_LINKS).getall()):
            if self._is_feed(url):
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
        discovery = self.site.discovery
        nexts = response.css(discovery.next_links).xpath("@href").getall()
        if discovery.more_words:
            nexts += response.xpath(_more_links(discovery.more_words)).getall()
        follow = paginate and depth < self._max_listing_pages
        candidates = list(self._links(response, nexts)) if follow else []
        if not self.plan.deep:  # one page further at a time
            candidates = next_page_only(candidates, response.url)
        current = urlsplit(response.url).path.rstrip("/")
        for url in any_links:
            path = urlsplit(url).path
            section = self._is_section_path(path)
            home_section = response.meta.get("home") and section
            sub_section = current and path.startswith(current + "/") and section
            if home_section or sub_section:
                candidates.append(url)
        for url in dict.fromkeys(candidates):
            if not self.is_article(url) and not self._is_feed(url):
                yield Request(url, callback=self.parse_listing, errback=self.fetch_failed,
                              meta={"discovered_via": "listing", "listing_depth": depth + 1})

    def _links(self, response: TextResponse, hrefs: Iterable[str]) -> Iterator[str]:
        for href in hrefs:
            url = self.resolve(href, response.url)
            if url is not None:
                yield url

    def resolve(self, href: str, page_url: str) -> str | None:
        """A link as a URL of this crawl: absolute, canonical, on base_url's origin (links
        to any of the profile's hosts are moved there); None when it leaves the site."""
        return resolve(href, page_url, self.base_url, self.hosts)

    def is_article(self, url: str) -> bool:
        return self.site.urls.is_article(url)

    def _is_feed(self, url: str) -> bool:
        path = urlsplit(url).path
        return path.startswith(self.site.discovery.feed_prefixes) or path.endswith(
            (".rss", ".atom", "/feed", "/rss"))

    def _is_section_path(self, path: str) -> bool:
        first = path.lstrip("/").split("/", 1)[0].lower()
        pattern, topic = self.site.discovery.section_path, self.site.urls.topic
        if topic is not None and topic.search(path):
            return False
        return bool(pattern.match(path)) and first not in self.site.urls.never

    # -- article pages --------------------------------------------------------------------------

    def _article_requests(self, candidates: list[Candidate], via: str) -> Iterator[Request]:
        for url, when in self.index.select(candidates).fetch:
            if url not in self._requested:
                yield self._article_request(url, via, when)

    def _wanted(self, url: str, when: datetime | None) -> bool:
        if self.options.in_range(when):
            return True
        self.crawler.stats.inc_value(f"{self.name}/skipped_out_of_range")
        logger.debug("Skipping %s dated %s (outside the date range)", url, when)
        return False

    def _article_request(self, url: str, via: str, lastmod: datetime | None) -> Request:
        self._requested.add(url)
        self.crawler.stats.inc_value(f"{self.name}/discovered/{via}")
        return Request(url, callback=self.parse_article, errback=self.fetch_failed,
                       priority=ARTICLE_PRIORITY,
                       meta={"discovered_via": via, "lastmod": lastmod})

    def parse_article(self, response: Response) -> Iterator[FetchedPage]:
        """One :class:`FetchedPage` per final URL; closes the spider once ``limit`` is reached."""
        final_url = canonicalize(response.url)
        limit = self.options.limit
        if final_url in self._stored or (limit is not None and len(self._stored) >= limit):
            self.crawler.stats.inc_value(f"{self.name}/skipped_seen_final_url")
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
            profile=self.profile.name if self.profile is not None else None,
        )
        if limit is not None and len(self._stored) >= limit:
            raise CloseSpider("limit")


def _more_links(words: tuple[str, ...]) -> str:
    """XPath of the links whose text is one of ``words`` ("Xem thêm", "Trang sau")."""
    tests = " or ".join(f'contains(normalize-space(.), "{word}")' for word in words)
    return f"//a[{tests}]/@href"


def generic_profile(base_url: str) -> Profile:
    """The profile of a site with none: its host, generic URL rules and discovery."""
    host = (urlsplit(base_url).hostname or "").removeprefix("www.")
    return Profile(name="news", hosts=(host,), platform="unknown",
                   urls=UrlRules(never=GENERIC_NEVER))


@cache
def spider_for(profile: Profile) -> type[NewsSpider]:
    """The spider class of a profile (``scrapy crawl <profile.name>``)."""
    class_name = "".join(part.title() for part in profile.name.split("_")) + "Spider"
    return type(class_name, (NewsSpider,), {"name": profile.name, "profile": profile,
                                             "__module__": __name__})


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): ", ".join(v.decode("latin-1") for v in values)
        for key, values in response.headers.items()
    }
