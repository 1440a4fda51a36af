"""robots.txt, sitemaps and RSS feeds of the fixture site (see tests/sitegen.py)."""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from tests.sitecorpus import SECTIONS
from tests.sitepages import FEED_ITEMS, ORIGIN, RSS, XML, Page, months

if TYPE_CHECKING:
    from tests.sitegen import Article, Site

TEXT = "text/plain; charset=utf-8"
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'

ROBOTS = f"""User-agent: *
Disallow: /tim-kiem
Disallow: /api/
Allow: /

Sitemap: {ORIGIN}/sitemap.xml
Sitemap: {ORIGIN}/sitemap-news.xml
"""


def lastmod(article: Article, index: int) -> str:
    """Full W3C datetimes, with a date alone now and then (both are valid); an edit's time."""
    if article.modified is not None:
        return article.modified.isoformat()
    return article.published.date().isoformat() if index % 5 == 4 else article.published.isoformat()


def urlset(entries: list[str], extra_ns: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS} {extra_ns}>\n'
            + "".join(entries) + "</urlset>\n")


def month_sitemap(articles: list[Article]) -> str:
    entries = [f"<url><loc>{ORIGIN}{a.path}</loc><lastmod>{lastmod(a, i)}</lastmod>"
               "<changefreq>daily</changefreq></url>\n"
               for i, a in enumerate(reversed(articles))]
    return urlset(entries)


def news_sitemap(articles: list[Article]) -> str:
    entries = [
        f"<url><loc>{ORIGIN}{a.path}</loc><news:news><news:publication><news:name>Báo Nghệ An"
        "</news:name><news:language>vi</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(a.headline)}</news:title></news:news>"
        f"<lastmod>{a.published.isoformat()}</lastmod></url>\n"
        for a in articles
    ]
    return urlset(entries, NEWS_NS)


def categories_sitemap() -> str:
    entries = [f"<url><loc>{ORIGIN}/{s.slug}</loc><changefreq>hourly</changefreq></url>\n"
               for s in SECTIONS]
    return urlset([f"<url><loc>{ORIGIN}/</loc></url>\n", *entries])


def sitemap_index(parts: list[tuple[str, str | None]]) -> str:
    entries = "".join(
        f"<sitemap><loc>{ORIGIN}{path}</loc>"
        + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</sitemap>\n"
        for path, mod in parts
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {SITEMAP_NS}>\n{entries}'
            "</sitemapindex>\n")


def rss(title: str, link: str, articles: list[Article], query: str = "") -> str:
    items = "".join(
        f"<item><title>{escape(a.headline)}</title>"
        f"<link>{ORIGIN}{a.path}{escape(query)}</link>"
        f'<guid isPermaLink="false">{a.id}</guid>'
        f"<description><![CDATA[{a.sapo}]]></description>"
        f"<pubDate>{format_datetime(a.published)}</pubDate></item>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{escape(title)}</title><link>{ORIGIN}{link}</link>"
        "<description>Báo Nghệ An điện tử</description><language>vi</language>\n"
        f"{items}</channel>\n</rss>\n"
    )


def feeds_and_sitemaps(site: Site) -> Iterator[Page]:
    yield "/robots.txt", "robots.txt", ROBOTS, TEXT
    in_sitemap = [a for a in site.articles if a.in_sitemap]
    parts: list[tuple[str, str | None]] = []
    for month, articles in months(in_sitemap):
        path = f"/sitemaps/sitemap-{month}.xml"
        changed = max(a.modified or a.published for a in articles)
        parts.append((path, changed.isoformat()))
        yield path, path.lstrip("/"), month_sitemap(articles), XML
    parts.append(("/sitemaps/sitemap-categories.xml", None))
    yield "/sitemaps/sitemap-categories.xml", "sitemaps/sitemap-categories.xml", \
        categories_sitemap(), XML
    yield "/sitemap.xml", "sitemap.xml", sitemap_index(parts), XML
    yield "/sitemap-news.xml", "sitemap-news.xml", news_sitemap(site.newest(in_sitemap)[:5]), XML
    in_feed = [a for a in site.newest() if a.in_feed]
    yield ("/rss/home.rss", "rss/home.rss",
           rss("Báo Nghệ An - Trang chủ", "/", in_feed[:10], "?utm_source=rss&utm_medium=feed"),
           RSS)
    for section in SECTIONS:
        articles = [a for a in in_feed if a.section is section][:FEED_ITEMS]
        yield (f"/rss/{section.slug}.rss", f"rss/{section.slug}.rss",
               rss(f"Báo Nghệ An - {section.name}", f"/{section.slug}", articles), RSS)
