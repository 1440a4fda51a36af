"""Spider discovery: fake responses in, requests and fetched pages out (no network)."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.feeds import parse_feed_date, parse_w3c_datetime
from crawler.spiders.baonghean import BaongheanSpider

BASE = "https://baonghean.vn"
ARTICLE = f"{BASE}/ky-quy-che-phoi-hop-10264872.html"


def make_spider(settings: dict[str, Any] | None = None, **args: str) -> BaongheanSpider:
    crawler = get_crawler(BaongheanSpider, settings)
    spider = BaongheanSpider.from_crawler(crawler, **args)
    crawler.spider = spider
    return spider


def collect_start(spider: BaongheanSpider) -> list[Request]:
    async def run(start: AsyncIterator[Request]) -> list[Request]:
        return [request async for request in start]

    return asyncio.run(run(spider.start()))


def xml(url: str, body: str) -> XmlResponse:
    return XmlResponse(url, body=body.encode(), request=Request(url))


def html(url: str, body: str, **meta: Any) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8",
                        request=Request(url, meta=meta))


def urls(requests: Iterable[Request]) -> list[str]:
    return [r.url for r in requests]


def article_urls(requests: Iterable[Request], spider: BaongheanSpider) -> list[str]:
    return [r.url for r in requests if r.callback == spider.parse_article]


# -- start and arguments --------------------------------------------------------------------------

def test_start_uses_robots_home_feed_and_home_page() -> None:
    spider = make_spider(base_url="http://127.0.0.1:8080/")
    assert urls(collect_start(spider)) == [
        "http://127.0.0.1:8080/robots.txt", "http://127.0.0.1:8080/rss/home.rss",
        "http://127.0.0.1:8080/",
    ]


def test_default_base_url_is_the_real_site() -> None:
    assert make_spider().base_url == BASE


def test_url_argument_fetches_only_that_page() -> None:
    spider = make_spider(url=ARTICLE + "?utm_source=zalo&zarsrc=30")
    requests = collect_start(spider)
    assert urls(requests) == [ARTICLE]
    assert requests[0].meta["discovered_via"] == "url"
    assert spider.base_url == BASE


def test_url_argument_is_moved_onto_base_url() -> None:
    spider = make_spider(base_url=BASE, url="http://www.baonghean.vn/a-10000001.html#top")
    assert urls(collect_start(spider)) == [f"{BASE}/a-10000001.html"]


@pytest.mark.parametrize(("args", "message"), [
    ({"since": "2024-13-45"}, "since"),
    ({"since": "2025-03-01", "until": "2025-02-01"}, "after until"),
    ({"limit": "-1"}, "limit"),
    ({"base_url": "baonghean.vn"}, "base_url"),
    ({"base_url": "https://baonghean.vn/thoi-su"}, "base_url"),
    ({"url": "https://example.com/a-10264872.html", "base_url": BASE}, "not on base_url"),
    ({"sinse": "2025-01-01"}, "unknown argument 'sinse'"),
])
def test_bad_arguments_are_refused(args: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BaongheanSpider.check_arguments(args)


# -- robots.txt and sitemaps ----------------------------------------------------------------------

def test_robots_sitemap_lines_on_the_site_only() -> None:
    spider = make_spider()
    body = ("User-agent: *\nDisallow: /tim-kiem\nSitemap: https://baonghean.vn/sitemap.xml\n"
            "sitemap: /sitemap-news.xml\nSitemap: https://cdn.example.com/sitemap.xml\n")
    response = TextResponse(f"{BASE}/robots.txt", body=body.encode(),
                            request=Request(f"{BASE}/robots.txt"))
    assert urls(spider.parse_robots(response)) == [
        f"{BASE}/sitemap.xml", f"{BASE}/sitemap-news.xml"]


@pytest.mark.parametrize(("status", "body"), [(200, "User-agent: *\n"), (404, "Not found")])
def test_robots_without_sitemap_falls_back(status: int, body: str) -> None:
    spider = make_spider()
    response = TextResponse(f"{BASE}/robots.txt", status=status, body=body.encode(),
                            request=Request(f"{BASE}/robots.txt"))
    assert urls(spider.parse_robots(response)) == [f"{BASE}/sitemap.xml"]


INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://baonghean.vn/sitemaps/2025-01.xml</loc><lastmod>2025-01-31T23:00:00+07:00</lastmod></sitemap>
<sitemap><loc>https://baonghean.vn/sitemaps/2025-02.xml</loc><lastmod>2025-02-28</lastmod></sitemap>
<sitemap><loc>https://baonghean.vn/sitemaps/categories.xml</loc></sitemap>
<sitemap><loc>https://other.example/sitemap.xml</loc></sitemap>
</sitemapindex>"""


def test_sitemap_index_follows_sitemaps_on_the_site() -> None:
    spider = make_spider()
    requests = list(spider.parse_sitemap(xml(f"{BASE}/sitemap.xml", INDEX)))
    assert urls(requests) == [f"{BASE}/sitemaps/2025-01.xml", f"{BASE}/sitemaps/2025-02.xml",
                              f"{BASE}/sitemaps/categories.xml"]
    assert all(r.callback == spider.parse_sitemap for r in requests)


def test_sitemap_index_skips_sitemaps_last_changed_before_since() -> None:
    spider = make_spider(since="2025-02-01")
    requests = spider.parse_sitemap(xml(f"{BASE}/sitemap.xml", INDEX))
    assert urls(requests) == [f"{BASE}/sitemaps/2025-02.xml", f"{BASE}/sitemaps/categories.xml"]


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://baonghean.vn/a-10000001.html</loc><lastmod>2025-01-10T08:00:00+07:00</lastmod></url>
<url><loc>https://baonghean.vn/b-10000002.html</loc><lastmod>2025-02-05</lastmod></url>
<url><loc>https://baonghean.vn/c-10000003.html?utm_source=sitemap</loc></url>
<url><loc>https://baonghean.vn/d-10000004.html</loc><lastmod>2025-03-04T20:00:00Z</lastmod></url>
<url><loc>https://baonghean.vn/thoi-su</loc></url>
<url><loc>https://baonghean.vn/chu-de-event10012345.html</loc></url>
<url><loc>https://baonghean.vn/video/clip-10400001.html</loc></url>
<url><loc>https://other.example/e-10000005.html</loc></url>
</urlset>"""


def test_urlset_yields_articles_with_lastmod() -> None:
    spider = make_spider()
    requests = list(spider.parse_sitemap(xml(f"{BASE}/sitemaps/2025-01.xml", URLSET)))
    assert urls(requests) == [f"{BASE}/a-10000001.html", f"{BASE}/b-10000002.html",
                              f"{BASE}/c-10000003.html", f"{BASE}/d-10000004.html"]
    assert all(r.callback == spider.parse_article for r in requests)
    assert {r.meta["discovered_via"] for r in requests} == {"sitemap"}
    assert requests[0].meta["lastmod"] == datetime(2025, 1, 10, 1, 0, tzinfo=UTC)
    assert requests[2].meta["lastmod"] is None


@pytest.mark.parametrize(("since", "until", "expected"), [
    ("2025-02-01", "", ["b", "c", "d"]),
    ("", "2025-02-05", ["a", "b", "c"]),
    # 2025-03-04T20:00Z is 5 March in Vietnam.
    ("2025-03-05", "2025-03-05", ["c", "d"]),
    ("2025-03-06", "", ["c"]),
])
def test_urlset_date_range(since: str, until: str, expected: list[str]) -> None:
    spider = make_spider(since=since, until=until)
    requests = spider.parse_sitemap(xml(f"{BASE}/sitemaps/x.xml", URLSET))
    assert [u.split("/")[-1][0] for u in urls(requests)] == expected


def test_gzipped_sitemap() -> None:
    spider = make_spider()
    body = gzip.compress(URLSET.encode())
    response = Response(f"{BASE}/sitemap.xml.gz", body=body, request=Request(f"{BASE}/x.gz"))
    assert len(list(spider.parse_sitemap(response))) == 4


def test_invalid_sitemap_is_ignored() -> None:
    spider = make_spider()
    assert list(spider.parse_sitemap(html(f"{BASE}/sitemap.xml", "<p>Lỗi</p>"))) == []


# -- feeds ----------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>Báo Nghệ An</title>
<item><title>A</title>
<link>https://baonghean.vn/a-10000001.html?utm_source=rss&amp;utm_medium=feed</link>
<pubDate>Fri, 10 Jan 2025 08:00:00 +0700</pubDate></item>
<item><title>B</title><link>https://baonghean.vn/b-10000002.html</link>
<pubDate>Wed, 05 Feb 2025 18:30:00 GMT</pubDate></item>
<item><title>C</title><link>https://baonghean.vn/dai-hoi-event10012345.html</link></item>
<item><title>D</title><link>https://other.example/d-10000004.html</link></item>
<item><title>E</title><link>/e-10000005.html</link><pubDate>not a date</pubDate></item>
</channel></rss>"""


def test_rss_items_become_article_requests() -> None:
    spider = make_spider()
    requests = list(spider.parse_feed(xml(f"{BASE}/rss/home.rss", RSS)))
    assert urls(requests) == [f"{BASE}/a-10000001.html", f"{BASE}/b-10000002.html",
                              f"{BASE}/e-10000005.html"]
    assert {r.meta["discovered_via"] for r in requests} == {"rss"}
    assert requests[1].meta["lastmod"] == datetime(2025, 2, 5, 18, 30, tzinfo=UTC)
    assert requests[2].meta["lastmod"] is None


def test_rss_date_range() -> None:
    spider = make_spider(since="2025-02-01")
    requests = spider.parse_feed(xml(f"{BASE}/rss/home.rss", RSS))
    assert urls(requests) == [f"{BASE}/b-10000002.html", f"{BASE}/e-10000005.html"]


def test_atom_feed() -> None:
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            '<link href="https://baonghean.vn/a-10000001.html"/>'
            "<updated>2025-01-10T08:00:00+07:00</updated></entry></feed>")
    requests = list(make_spider().parse_feed(xml(f"{BASE}/rss/atom.xml", atom)))
    assert urls(requests) == [f"{BASE}/a-10000001.html"]
    assert requests[0].meta["lastmod"] == datetime(2025, 1, 10, 1, tzinfo=UTC)


# -- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-05", datetime(2025, 3, 4, 17, tzinfo=UTC)),
    ("2025-03-05T08:15:00+07:00", datetime(2025, 3, 5, 1, 15, tzinfo=UTC)),
    ("2025-03-05T08:15:00Z", datetime(2025, 3, 5, 8, 15, tzinfo=UTC)),
    ("2025-03-05T08:15:00", datetime(2025, 3, 5, 1, 15, tzinfo=UTC)),
    ("2025-03", None), ("", None), (None, None), ("hôm qua", None),
])
def test_parse_w3c_datetime(text: str | None, expected: datetime | None) -> None:
    assert parse_w3c_datetime(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Wed, 05 Mar 2025 08:15:00 +0700", datetime(2025, 3, 5, 1, 15, tzinfo=UTC)),
    ("Wed, 05 Mar 2025 08:15:00 GMT", datetime(2025, 3, 5, 8, 15, tzinfo=UTC)),
    ("2025-03-05T08:15:00+07:00", datetime(2025, 3, 5, 1, 15, tzinfo=UTC)),
    ("05/03/2025", None), (None, None),
])
def test_parse_feed_date(text: str | None, expected: datetime | None) -> None:
    assert parse_feed_date(text) == expected


def test_since_and_until_are_vietnamese_days() -> None:
    options = make_spider(since="2025-03-05", until="2025-03-05").options
    assert options.since == options.until == date(2025, 3, 5)
    assert options.in_range(datetime(2025, 3, 4, 17, 0, tzinfo=UTC))
    assert not options.in_range(datetime(2025, 3, 4, 16, 59, tzinfo=UTC))
    assert options.in_range(None)
