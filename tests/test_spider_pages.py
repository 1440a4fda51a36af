"""Spider discovery on listing pages, and the pages it yields for article pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, Response

from crawler.items import FetchedPage
from tests.test_spider import ARTICLE, BASE, article_urls, html, make_spider

# -- listing pages --------------------------------------------------------------------------------

HOME = """<html><head><link rel="alternate" type="application/rss+xml" href="/rss/home.rss"></head>
<body><nav><a href="https://baonghean.vn/">Trang chủ</a>
<a href="https://baonghean.vn/thoi-su">Thời sự</a>
<a href="/kinh-te">Kinh tế</a><a href="/video">Video</a><a href="/en">English</a>
<a href="javascript:void(0)">Thêm</a><a href="mailto:toasoan@baonghean.vn">Mail</a></nav>
<div class="b-grid"><div class="b-grid__img"><a href="/a-10000001.html"><img></a></div>
<h3 class="b-grid__title"><a href="/a-10000001.html">A</a></h3></div>
<h3 class="b-grid__title"><a href="https://baonghean.vn/b-10000002.html?utm_source=fb#x">B</a></h3>
<p>Xem <a href="/c-post258616.html">bài cũ</a> và <a href="/chu-de-event10012345.html">chủ đề</a>,
<a href="/video/clip-10400001.html">video</a>, <a href="https://other.example/d-10000004.html">x</a>,
<a href="/thoi-su/chinh-tri-10000006.html">F</a>, <a href="/tim-kiem?q=a">tìm</a></p>
<a class="btn" href="/?page=2">Xem thêm</a></body></html>"""


def test_listing_article_links() -> None:
    spider = make_spider()
    requests = list(spider.parse_listing(html(f"{BASE}/", HOME, discovered_via="home",
                                              home=True)))
    assert article_urls(requests, spider) == [
        f"{BASE}/a-10000001.html", f"{BASE}/b-10000002.html",
        f"{BASE}/c-post258616.html", f"{BASE}/thoi-su/chinh-tri-10000006.html"]
    assert {r.meta["discovered_via"] for r in requests if r.callback == spider.parse_article
            } == {"home"}


def test_home_page_sections_feeds_and_next_page() -> None:
    spider = make_spider()
    requests = list(spider.parse_listing(html(f"{BASE}/", HOME, home=True)))
    feeds = [r.url for r in requests if r.callback == spider.parse_feed]
    listings = [r.url for r in requests if r.callback == spider.parse_listing]
    assert feeds == [f"{BASE}/rss/home.rss"]
    assert listings == [f"{BASE}/?page=2", f"{BASE}/thoi-su", f"{BASE}/kinh-te"]


SECTION = """<html><head><link rel="next" href="/thoi-su?page=2">
<link rel="alternate" type="application/rss+xml" href="https://baonghean.vn/rss/thoi-su.rss"></head>
<body><nav><a href="/kinh-te">Kinh tế</a></nav>
<ul class="c-submenu"><li><a href="/thoi-su/chinh-tri">Chính trị</a></li></ul>
<h3 class="b-grid__title"><a href="g-10000007.html">G</a></h3>
<ul class="pagination"><li><a href="/thoi-su?page=1">1</a></li>
<li><a href="/thoi-su?page=2">2</a></li></ul>
<a rel="next" href="/thoi-su?page=2">Trang sau</a></body></html>"""


def test_section_page_follows_next_pages_and_its_sub_sections_only() -> None:
    spider = make_spider()
    requests = list(spider.parse_listing(html(f"{BASE}/thoi-su", SECTION)))
    listings = sorted(r.url for r in requests if r.callback == spider.parse_listing)
    assert listings == [f"{BASE}/thoi-su/chinh-tri", f"{BASE}/thoi-su?page=1",
                        f"{BASE}/thoi-su?page=2"]
    assert article_urls(requests, spider) == [f"{BASE}/g-10000007.html"]
    assert [r.url for r in requests if r.callback == spider.parse_feed] == [
        f"{BASE}/rss/thoi-su.rss"]
    depth = {r.meta["listing_depth"] for r in requests if r.callback == spider.parse_listing}
    assert depth == {1}


def test_next_pages_stop_at_max_listing_pages() -> None:
    spider = make_spider({"ARCHIVE_MAX_LISTING_PAGES": 3})
    page = html(f"{BASE}/thoi-su?page=4", SECTION, listing_depth=3)
    listings = [r.url for r in spider.parse_listing(page) if r.callback == spider.parse_listing]
    assert listings == [f"{BASE}/thoi-su/chinh-tri"]


def test_non_text_listing_response_is_ignored() -> None:
    spider = make_spider()
    response = Response(f"{BASE}/thoi-su", body=b"\x89PNG", request=Request(f"{BASE}/thoi-su"))
    assert list(spider.parse_listing(response)) == []


# -- article pages --------------------------------------------------------------------------------

def article_response(url: str, **meta: Any) -> HtmlResponse:
    return HtmlResponse(url, body="<h1>Tiêu đề</h1>".encode(), encoding="utf-8",
                        headers={"Content-Type": "text/html; charset=utf-8", "X-Cache": "HIT"},
                        request=Request(url, meta=meta))


def test_article_page_becomes_fetched_page() -> None:
    spider = make_spider()
    lastmod = datetime(2025, 1, 10, 1, tzinfo=UTC)
    (page,) = spider.parse_article(article_response(ARTICLE, discovered_via="sitemap",
                                                    lastmod=lastmod))
    assert isinstance(page, FetchedPage)
    assert (page.url, page.final_url, page.status) == (ARTICLE, ARTICLE, 200)
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-cache"] == "HIT"
    assert page.body == "<h1>Tiêu đề</h1>".encode()
    assert page.fetched_at.tzinfo is UTC
    assert (page.discovered_via, page.lastmod) == ("sitemap", lastmod)


def test_redirected_page_keeps_requested_url_and_is_stored_once() -> None:
    spider = make_spider()
    old = f"{BASE}/bai-cu-post258616.html?utm_source=x"
    (page,) = spider.parse_article(article_response(
        ARTICLE + "?utm_source=redirect", redirect_urls=[old], discovered_via="listing"))
    assert page.url == f"{BASE}/bai-cu-post258616.html"
    assert page.final_url == ARTICLE + "?utm_source=redirect"
    assert list(spider.parse_article(article_response(ARTICLE))) == []
    assert spider.crawler.stats.get_value("baonghean/skipped_seen_final_url") == 1


def test_limit_closes_the_spider_after_n_pages() -> None:
    spider = make_spider(limit="2")
    first = list(spider.parse_article(article_response(f"{BASE}/a-10000001.html")))
    assert len(first) == 1
    pages = spider.parse_article(article_response(f"{BASE}/b-10000002.html"))
    assert isinstance(next(pages), FetchedPage)
    with pytest.raises(CloseSpider) as closed:
        next(pages)
    assert closed.value.reason == "limit"
    assert list(spider.parse_article(article_response(f"{BASE}/c-10000003.html"))) == []
