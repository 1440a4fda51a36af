"""The guards against hostile input, one by one: failure kinds, redirect and XML guards,
sitemap reading, binary sniffing, NUL bytes, feed dates and unreadable article dates."""

from __future__ import annotations

import gzip
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure
from twisted.web.client import ResponseNeverReceived

from crawler.feeds import read_sitemap
from crawler.items import FetchedPage
from crawler.middlewares import (
    RedirectGuardMiddleware,
    Refused,
    XmlGuardMiddleware,
    declares_entities,
    failure_kind,
    report_failure,
)
from crawler.spiders.baonghean import BaongheanSpider
from pipelines.decode import looks_binary, utf8_html
from pipelines.validation import ValidationPipeline
from tests.hostile_pages import JPEG, entity_bomb, garbage, gzip_bomb
from tests.test_storage import make_record

SITE = "https://baonghean.vn"
PAGE = f"{SITE}/bai-viet-10264872.html"
URLSET = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b"<url><loc>https://baonghean.vn/a-10264872.html</loc></url></urlset>")


def http_error(status: int) -> HttpError:
    return HttpError(Response(PAGE, status=status, request=Request(PAGE)))


@pytest.mark.parametrize(("exc", "kind"), [
    (http_error(403), "http-403"),
    (http_error(503), "http-503"),
    (DownloadTimeoutError("took longer than 3.0 seconds"), "timeout"),
    (DownloadFailedError("Connection lost"), "connection"),
    (ResponseNeverReceived([Failure(ConnectionLost())]), "connection"),
    (CannotResolveHostError("no such host"), "dns"),
    (ResponseDataLossError("cut short"), "data-loss"),
    (DownloadCancelledError("Expected to receive 20971522 bytes which is larger than download "
                            "max size (10485760) in request <GET x>."), "too-large"),
    (IgnoreRequest("Ignored response <200 x> because its body (65361 B compressed) exceeded "
                   "DOWNLOAD_MAXSIZE (10485760 B) during decompression."), "too-large"),
    (IgnoreRequest("max redirections reached"), "too-many-redirects"),
    (Refused("xml-entities", "declares entities"), "xml-entities"),
    (IgnoreRequest("Forbidden by robots.txt"), None),
    (ValueError("something else"), "other"),
])
def test_failure_kind(exc: BaseException, kind: str | None) -> None:
    assert failure_kind(exc) == kind


def test_failure_reported_under_the_first_url_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    crawler = get_crawler(BaongheanSpider)
    assert crawler.stats is not None
    request = Request(f"{SITE}/b.html", meta={"redirect_urls": [PAGE]})
    failure = Failure(Refused("redirect-loop", "redirects back to the page"))
    failure.request = request  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO):
        report_failure(crawler.stats, failure)
    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        f"fetch failed (redirect-loop): {PAGE}: redirects back to the page")
    assert crawler.stats.get_value("archive/errors/redirect-loop") == 1


def test_robots_refusal_is_no_error(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(BaongheanSpider)
    assert crawler.stats is not None
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = Request(PAGE)  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO):
        report_failure(crawler.stats, failure)
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert not [k for k in crawler.stats.get_stats() if k.startswith("archive/errors/")]


def redirect(location: str, status: int = 301, **meta: Any) -> tuple[Request, Response]:
    request = Request(PAGE, meta=meta)
    return request, Response(PAGE, status=status, headers={"Location": location},
                             request=request)


def guard() -> RedirectGuardMiddleware:
    return RedirectGuardMiddleware.from_crawler(get_crawler(BaongheanSpider))


@pytest.mark.parametrize(("location", "kind"), [
    ("https://elsewhere.example/a-10264872.html", "offsite-redirect"),
    ("//elsewhere.example/a-10264872.html", "offsite-redirect"),
    ("javascript:alert(1)", "offsite-redirect"),
    (PAGE, "redirect-loop"),
    ("/bai-viet-10264872.html#top", "redirect-loop"),
])
def test_redirect_guard_refuses(location: str, kind: str) -> None:
    with pytest.raises(Refused) as refused:
        guard().process_response(*redirect(location))
    assert refused.value.kind == kind


def test_redirect_guard_refuses_a_return_to_an_earlier_url() -> None:
    request, response = redirect(f"{SITE}/first.html",
                                 redirect_urls=[f"{SITE}/first.html", f"{SITE}/second.html"])
    with pytest.raises(Refused, match="redirects back"):
        guard().process_response(request, response)


@pytest.mark.parametrize(("location", "status", "meta"), [
    (f"{SITE}/bai-moi-10264873.html", 301, {}),
    ("https://www.baonghean.vn/bai-moi-10264873.html", 302, {}),
    ("http://baonghean.vn/bai-moi-10264873.html", 308, {}),
    ("https://elsewhere.example/", 200, {}),
    ("https://elsewhere.example/", 301, {"dont_redirect": True}),
    ("https://elsewhere.example/", 301, {"handle_httpstatus_list": [301]}),
])
def test_redirect_guard_lets_other_answers_through(location: str, status: int,
                                                   meta: dict[str, Any]) -> None:
    request, response = redirect(location, status, **meta)
    assert guard().process_response(request, response) is response


BILLION_LAUGHS = entity_bomb("urlset", "<urlset><url><loc>BOMB</loc></url></urlset>").encode()


@pytest.mark.parametrize(("body", "declares"), [
    (BILLION_LAUGHS, True),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
     True),
    (URLSET, False),
    (b"<!DOCTYPE html><html><body><pre><!ENTITY x 'y'></pre></body></html>", False),
    (b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
     b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html></html>', False),
])
def test_declares_entities(body: bytes, declares: bool) -> None:
    assert declares_entities(body) is declares


def test_xml_guard_refuses_entities_and_passes_the_rest() -> None:
    middleware = XmlGuardMiddleware()
    bomb = XmlResponse(f"{SITE}/sitemap.xml", body=BILLION_LAUGHS)
    with pytest.raises(Refused) as refused:
        middleware.process_response(Request(bomb.url), bomb)
    assert refused.value.kind == "xml-entities"
    fine = XmlResponse(f"{SITE}/sitemap.xml", body=URLSET)
    assert middleware.process_response(Request(fine.url), fine) is fine


@pytest.mark.parametrize(("body", "kind"), [
    (gzip_bomb(), "too-large"),
    (b"\x1f\x8b\x08" + b"\x00" * 20, "bad-sitemap"),
    (gzip.compress(BILLION_LAUGHS), "xml-entities"),
    (b"\x89PNG\r\n\x1a\n<urlset><url><loc>\x00", "bad-sitemap"),
    (b"", "bad-sitemap"),
    ("<html><body>Trang chủ</body></html>".encode(), "bad-sitemap"),
])
def test_read_sitemap_refuses(body: bytes, kind: str) -> None:
    refused = read_sitemap(Response(f"{SITE}/sitemap.xml.gz", body=body), 10 * 1024 * 1024)
    assert isinstance(refused, tuple) and refused[0] == kind


def test_read_sitemap_reads_a_gzip_sitemap_within_the_limit() -> None:
    sitemap = read_sitemap(Response(f"{SITE}/s.xml.gz", body=gzip.compress(URLSET)), 4096)
    assert isinstance(sitemap, Sitemap)
    assert [entry["loc"] for entry in sitemap] == [f"{SITE}/a-10264872.html"]
    assert read_sitemap(Response(f"{SITE}/s.xml.gz", body=gzip.compress(URLSET)), 100)[0] == (
        "too-large")


@pytest.mark.parametrize(("body", "headers", "binary"), [
    (JPEG, {"Content-Type": "image/jpeg"}, True),
    (b"<html>tiny</html>", {"content-type": "image/png"}, True),
    (garbage(), {"Content-Type": "text/html"}, True),
    (b"<html><body>" + b"<p>Tin</p>\x00" + b"<p>Tin</p>" * 50 + b"</body></html>", {}, False),
    ("<html><body><p>Tin tức</p></body></html>".encode("utf-16"), {}, False),
    (b"", {}, False),
])
def test_looks_binary(body: bytes, headers: dict[str, str], binary: bool) -> None:
    assert looks_binary(body, headers) is binary


def test_nul_bytes_are_dropped_when_decoding() -> None:
    assert utf8_html(b"<p>Ngh\xe1\xbb\x87 An</p>\x00<p>x\x00y</p>") == (
        "<p>Nghệ An</p><p>xy</p>".encode())


def feed_response(dates: list[str]) -> XmlResponse:
    items = "".join(f"<item><link>{SITE}/tin-{n}-1026487{n}.html</link><pubDate>{d}</pubDate>"
                    "</item>" for n, d in enumerate(dates))
    body = f'<?xml version="1.0"?><rss><channel>{items}</channel></rss>'.encode()
    return XmlResponse(f"{SITE}/rss/home.rss", body=body, request=Request(f"{SITE}/rss/home.rss"))


def test_feed_items_with_unreadable_dates_followed_and_counted() -> None:
    crawler = get_crawler(BaongheanSpider)
    spider = BaongheanSpider.from_crawler(crawler)
    crawler.spider = spider
    dates = ["Wed, 05 Mar 2025 08:15:00 +0700", "99/99/9999", "", "hôm qua"]
    requests = list(spider.parse_feed(feed_response(dates)))
    assert len(requests) == len(dates)
    assert crawler.stats is not None
    assert crawler.stats.get_value("archive/errors/feed-bad-date") == 2


def validated(record: dict[str, Any]) -> tuple[ValidationPipeline, FetchedPage]:
    crawler = get_crawler(BaongheanSpider)
    assert crawler.stats is not None
    page = FetchedPage(url=record["url"], final_url=record["url"], status=200, headers={},
                       body=b"", fetched_at=datetime.now(UTC), record=record)
    pipeline = ValidationPipeline.from_crawler(crawler)
    assert pipeline.process_item(page) is page
    return pipeline, page


def test_unreadable_date_kept_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        pipeline, page = validated(make_record(1, dateline="31/02/2025 - 25:70",
                                               published_at=None))
    assert pipeline.stats.get_value("archive/errors/unparseable-date") == 1
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert page.url in caplog.records[0].getMessage()


@pytest.mark.parametrize("changes", [{}, {"dateline": None, "published_at": None}])
def test_readable_or_absent_date_not_counted(changes: dict[str, Any]) -> None:
    pipeline, _ = validated(make_record(2, **changes))
    assert pipeline.stats.get_value("archive/errors/unparseable-date") is None
