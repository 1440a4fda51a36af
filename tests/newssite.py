"""What the fixture sites of the national papers share (``tests/vnexpress_site.py``,
``tests/znews_site.py``): their articles, feeds, sitemaps and how they are written.

The articles reuse the Vietnamese text of the OneCMS fixture site (``tests/sitecorpus.py``
through ``tests/sitegen.plan``) with each paper's own ids, leads and bylines. Every page
carries the paper's real absolute origin (``https://vnexpress.net/...``): the server does
not rewrite it, so a crawl finds the articles only by moving links to the profile's
hosts onto its ``base_url``.

Where an article can be found (``source``): its section listing (``listing``, paginated),
only its sub-section listing (``sub``), only the RSS feed (``rss``) or only the sitemap
(``sitemap``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from tests.sitecorpus import SectionText
from tests.sitegen import plan

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
BYLINES = ("Lê Phương", "Thành Chung - Hoài Thu", "Minh Chi", "Đào Tuấn", "Phương Thúy")
"""Bylines as printed; the authors are the names between " - "."""
SOURCES = ("listing", "listing", "sub", "listing", "rss", "listing", "sitemap", "listing")
"""Where the n-th article of a section is found (cycled)."""
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


@dataclass(frozen=True)
class Figure:
    text: str
    credit: str | None
    image_url: str

    @property
    def caption(self) -> str:
        return f"{self.text}. Ảnh: {self.credit}" if self.credit else f"{self.text}."


@dataclass(frozen=True)
class Story:
    """One article of a fixture site, in the paper's terms."""

    id: str
    slug: str
    section: SectionText
    number: int
    headline: str
    sapo: str
    published: datetime
    byline: str
    paragraphs: tuple[str, ...]
    figures: tuple[Figure, ...]
    tags: tuple[str, ...]
    source: str

    @property
    def authors(self) -> list[str]:
        return [name.strip() for name in self.byline.split(" - ")]

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.published.weekday()]

    @property
    def in_sub(self) -> bool:
        """Filed in the section's sub-section (its category is the sub-section's name)."""
        return self.source == "sub" or self.number % 3 == 1


def stories(count: int, make_id: Callable[[int], str]) -> list[Story]:
    """``count`` articles (newest first) from the shared corpus, ids from ``make_id``."""
    made = []
    for index, article in enumerate(plan(date(2025, 6, 1)).articles[:count]):
        lead = article.sapo.split(", ", 1)[1]
        made.append(Story(
            id=make_id(index), slug=article.slug, section=article.section,
            number=article.number, headline=article.headline, sapo=lead[0].upper() + lead[1:],
            published=article.published, byline=BYLINES[index % len(BYLINES)],
            paragraphs=tuple(article.paragraphs),
            figures=tuple(Figure(f.text, f.credit, f.image_url) for f in article.figures[:1]),
            tags=tuple(article.tags[:2]), source=SOURCES[article.number % len(SOURCES)],
        ))
    return sorted(made, key=lambda story: story.published, reverse=True)


def sections(items: Iterable[Story]) -> list[SectionText]:
    return list(dict.fromkeys(story.section for story in items))


def sub_listing(section: list[Story]) -> list[Story]:
    """A sub-section's listing: the stories found only there first (a crawl stops paging a
    listing whose page shows nothing new), then those also on the section's listing."""
    only = [s for s in section if s.source == "sub"]
    return only + [s for s in section if s.in_sub and s.source == "listing"]


def feed_items(stories: list[Story], url: Callable[[Story], str]) -> list[tuple[str, Story]]:
    """The feed: every story found only there, and the newest listed ones (10 in all)."""
    only = [s for s in stories if s.source == "rss"]
    listed = [s for s in stories if s.source == "listing"][: max(0, 10 - len(only))]
    return [(url(s), s) for s in sorted(only + listed, key=lambda s: s.published, reverse=True)]


def rss(title: str, link: str, items: list[tuple[str, Story]]) -> str:
    """An RSS 2.0 feed of (url, story) pairs."""
    entries = "".join(
        f"<item><title>{escape(story.headline)}</title><link>{url}</link>"
        f"<description>{escape(story.sapo)}</description>"
        f"<pubDate>{format_datetime(story.published)}</pubDate><guid>{url}</guid></item>\n"
        for url, story in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{escape(title)}</title><link>{link}</link>"
        f"<description>{escape(title)}</description>\n{entries}</channel></rss>\n"
    )


def urlset(urls: list[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<url><loc>{url}</loc><lastmod>{when.isoformat()}</lastmod></url>\n" for url, when in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
    )


def sitemap_index(urls: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{url}</loc></sitemap>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}'
        "</sitemapindex>\n"
    )


def pages(items: list[Story], per_page: int) -> list[list[Story]]:
    """A listing's pages (at least one, possibly empty)."""
    return [items[k: k + per_page] for k in range(0, len(items), per_page)] or [[]]


Page = tuple[str, str, str]
"""(route path, text, content type)."""


def write(root: Path, rendered: Iterable[Page], truth: list[dict[str, Any]]) -> None:
    """Write the pages, ``routes.json`` (for ``tests/siteserver.py``) and ``truth.json``."""
    routes: dict[str, dict[str, str]] = {}
    for number, (route, text, content_type) in enumerate(rendered):
        name = f"files/{number:04d}.txt"
        (root / "files").mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
        routes[route] = {"file": name, "type": content_type}
    (root / "routes.json").write_text(json.dumps(routes, indent=1), encoding="utf-8")
    (root / "truth.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False), encoding="utf-8"
    )
