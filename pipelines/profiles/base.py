"""What a site profile holds: everything site-specific, as data first.

A profile names a site's hosts, the shapes of its URLs (article, topic, sections that
never hold articles), how its articles are discovered (feeds, sitemaps, section
listings, the listing's story-link and next-page selectors), and the layouts its pages
come in (extraction layer 1, :mod:`pipelines.sites`). Shared code does the rest: one
spider (:mod:`crawler.spiders.news`) crawls any profile, one extraction function
(:func:`pipelines.extract.extract_page`) reads any page.

Profiles are pure data: no Scrapy, no I/O. Regular expressions and CSS selectors are
compiled when the profile module is imported, so a malformed one fails the profile's
test (``tests/test_profiles.py``), never a crawl half-way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.cssselect import CSSSelector

from pipelines.sites.base import Layout
from pipelines.urls import urlsplit

HTTP_SCHEMES = frozenset({"http", "https"})

DEFAULT_NEXT_LINKS = (
    'a[rel~="next"], link[rel~="next"], [class*="pagination"] a, [class*="paging"] a, '
    '[class*="next-page"], a.next, a[class*="page-next"]'
)
"""Next-page links of a section listing, on most Vietnamese papers."""

DEFAULT_FEED_LINKS = 'link[type="application/rss+xml"], link[type="application/atom+xml"]'

GENERIC_ARTICLE_PATH = re.compile(
    r"(?:^|/)[a-z0-9][a-z0-9-]*?-(?:post|p|d|ar|a|c\d+a)?(?P<id>\d{5,})(?:\.html?|\.amp|\.vnp|\.chn|\.ldo|\.vov|\.aspx?|/)?$",
    re.IGNORECASE,
)
"""Article path on most Vietnamese papers: a slug ending in a numeric id of 5+ digits."""


@dataclass(frozen=True, kw_only=True)
class UrlRules:
    """Which of a site's URLs are articles, and their ids."""

    article: re.Pattern[str] = GENERIC_ARTICLE_PATH
    """Searched in the URL's path; its ``id`` group is the article id."""
    never: frozenset[str] = frozenset()
    """First path segments whose pages are never text articles (video, tags, search...)."""
    topic: re.Pattern[str] | None = None
    """Paths in the article shape that are collections (topics, events), not articles."""

    def is_article(self, url: str) -> bool:
        """True for an http(s) URL in one of the site's article shapes (any host)."""
        return self.article_id(url) is not None

    def article_id(self, url: str) -> str | None:
        """The article id of an article URL, else None (never raises)."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        if parts.scheme.lower() not in HTTP_SCHEMES or not parts.netloc:
            return None
        path = parts.path
        first = path.lstrip("/").split("/", 1)[0].lower()
        if first in self.never or (self.topic is not None and self.topic.search(path)):
            return None
        match = self.article.search(path)
        return match.group("id") if match else None


@dataclass(frozen=True, kw_only=True)
class Discovery:
    """Where a crawl of the site finds its articles."""

    feeds: tuple[str, ...] = ()
    """Feed paths read at the start (besides the feeds the pages link to)."""
    feed_prefixes: tuple[str, ...] = ("/rss",)
    """Path prefixes of feed links worth following from listing pages."""
    sitemaps: tuple[str, ...] = ("/sitemap.xml",)
    """Sitemap paths read when robots.txt names none."""
    sections: tuple[str, ...] = ()
    """Listing paths read at the start besides the home page (sections it links to are
    found on it)."""
    section_path: re.Pattern[str] = re.compile(r"^/[a-z0-9-]+(?:/[a-z0-9-]+)?(?:\.html?|\.htm)?/?$")
    """Paths of section pages linked from the home page (and sub-sections from sections)."""
    listing_links: str = ""
    """CSS: story links of a listing page (``a`` elements). Empty: every link in the
    article shape (the article URL rule is checked on these too)."""
    next_links: str = DEFAULT_NEXT_LINKS
    """CSS: next-page links of a listing (``a`` or ``link`` elements)."""
    more_words: tuple[str, ...] = ("Xem thêm", "Trang sau", "Trang tiếp")
    """Link texts that lead to a listing's next page."""

    def __post_init__(self) -> None:
        for css in (self.listing_links, self.next_links):
            if css:
                CSSSelector(css)  # raises on a malformed selector, at import


@dataclass(frozen=True, kw_only=True)
class Profile:
    """One site (or a platform's paper): hosts, URL rules, discovery and layouts."""

    name: str
    """Spider name (``scrapy crawl <name>``), lower-case ASCII."""
    hosts: tuple[str, ...]
    """Host names without ``www.``; the first is the site's own, the others are its
    other names (mirrors, old domains). Links to any of them belong to the site."""
    platform: str
    """The CMS or family the site's pages share with other papers (``onecms``...)."""
    layouts: tuple[Layout, ...] = ()
    """Extraction rules tried first on the site's pages, newest layout first."""
    urls: UrlRules = field(default_factory=UrlRules)
    discovery: Discovery = field(default_factory=Discovery)
    language: str = "vi"
    """BCP 47 code of the site's articles."""
    title: str = ""
    """The paper's name as printed ("Báo Nghệ An")."""
    checked: str = ""
    """How the profile's rules were checked (shown in the README's site table)."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"profile name {self.name!r}: expected lower-case ASCII")
        if not self.hosts:
            raise ValueError(f"profile {self.name!r} has no host")

    @property
    def base_url(self) -> str:
        """The live site's origin."""
        return f"https://{self.hosts[0]}"

    def owns(self, host: str) -> bool:
        """True when ``host`` (``www.`` and case aside) is one of the site's hosts."""
        return host.lower().removeprefix("www.") in self.hosts
