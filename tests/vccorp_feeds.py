"""robots.txt, the sitemap index, the monthly sitemap and the RSS feed of the VCCorp fixture
site, with the real site's absolute URLs."""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from tests.vccorp_pages import RSS, XML

if TYPE_CHECKING:
    from tests.vccorp_site import Site

SITEMAP_INDEX = "/sitemap.xml"
MONTHLY = "/sitemaps/news-2025-03.xml"


def robots(site: Site) -> str:
    return (f"User-agent: *\nDisallow: /ajax/\nDisallow: {'/tim-kiem.htm'}\n"
            f"Sitemap: https://{site.paper.host}{SITEMAP_INDEX}\n")


def sitemap_index(site: Site) -> str:
    newest = site.newest()[0].published.isoformat()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>https://{site.paper.host}{MONTHLY}</loc>"
            f"<lastmod>{newest}</lastmod></sitemap></sitemapindex>\n")


def monthly_sitemap(site: Site) -> str:
    urls = "".join(f"<url><loc>{a.url}</loc><lastmod>{a.published.isoformat()}</lastmod></url>"
                   for a in site.newest())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')


def feed(site: Site) -> str:
    items = "".join(
        f"<item><title>{escape(a.headline)}</title><link>{a.url}</link>"
        f"<pubDate>{format_datetime(a.published)}</pubDate>"
        f"<description>{escape(a.sapo)}</description></item>"
        for a in site.newest()
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{site.paper.title}</title><link>https://{site.paper.host}/</link>"
            f"{items}</channel></rss>\n")


def render_feeds(site: Site) -> Iterator[tuple[str, str, str]]:
    yield "/robots.txt", robots(site), "text/plain; charset=utf-8"
    yield SITEMAP_INDEX, sitemap_index(site), XML
    yield MONTHLY, monthly_sitemap(site), XML
    yield site.paper.feed, feed(site), RSS
