"""Unit tests of the web-archive parts: index answers, WARC records, spider requests."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler import cdx
from crawler.archivesettings import ArchiveEndpoints, ArchivePoliteness
from crawler.items import FetchedPage
from crawler.options import CrawlOptions
from crawler.spiders.news import NewsSpider, spider_for
from crawler.warcrecords import BadRecord, read_range, refusal
from pipelines.profiles import profile
from tests.archivegen import CC_TIME, bad_records

HOST = "https://baonghean.vn"
ARTICLE = f"{HOST}/bai-viet-so-1-100001.html"


def test_wayback_json_answer_with_resume_key() -> None:
    body = json.dumps([
        list(cdx.WAYBACK_FIELDS),
        [ARTICLE, "20170701000000", "AAA", "text/html", "200", "123"],
        ["http://www.baonghean.vn:80/", "20170702000000", "BBB", "text/html", "200", "9"],
        [], ["key-2"]])
    captures, key = cdx.parse_wayback(body)
    assert key == "key-2"
    assert [c.original for c in captures] == [ARTICLE, "http://www.baonghean.vn:80/"]
    assert captures[0].captured_at == datetime(2017, 7, 1, tzinfo=UTC)
    assert (captures[0].digest, captures[0].status, captures[0].length) == ("AAA", "200", 123)


def test_wayback_text_answer_with_and_without_resume_key() -> None:
    line = f"{ARTICLE} 20170701000000 AAA text/html 200 123"
    captures, key = cdx.parse_wayback(f"{line}\n\nkey-9\n")
    assert key == "key-9" and captures[0].digest == "AAA"
    captures, key = cdx.parse_wayback(f"{line}\n{line}\n")
    assert key is None and len(captures) == 2
    assert cdx.parse_wayback("") == ([], None)


@pytest.mark.parametrize(("mime", "status", "kind"), [
    ("text/html", "200", None),
    ("text/html; charset=utf-8", "200", None),
    ("warc/revisit", "-", "revisit"),
    ("text/html", "301", "redirect"),
    ("text/html", "404", "status-404"),
    ("image/jpeg", "200", "not-html"),
    ("unk", "200", None),
])
def test_skip_kinds(mime: str, status: str, kind: str | None) -> None:
    capture = cdx.CdxCapture(original=ARTICLE, timestamp="20170701000000", mime=mime,
                             status=status)
    assert cdx.skip_kind(capture) == kind


def test_bad_timestamps() -> None:
    assert cdx.parse_timestamp("2017") == datetime(2017, 1, 1, tzinfo=UTC)
    assert cdx.parse_timestamp("20171301000000") is None
    assert cdx.parse_timestamp("soon") is None
    bad = cdx.CdxCapture(original=ARTICLE, timestamp="x", mime="text/html", status="200")
    assert cdx.skip_kind(bad) == "bad-index-line"


def test_wayback_query_asks_one_capture_per_digest_within_days() -> None:
    url = cdx.wayback_query("http://h/cdx", "baonghean.vn", exact=False, page_size=50,
                            since=date(2017, 1, 1), until=date(2017, 12, 31), resume_key="k")
    for part in ("url=baonghean.vn", "matchType=domain", "collapse=digest", "output=json",
                 "showResumeKey=true", "limit=50", "from=20161231", "to=20180101",
                 "resumeKey=k", "filter=statuscode%3A200"):
        assert part in url


def test_common_crawl_index_answers() -> None:
    assert cdx.parse_cc_pages('{"pages": 3, "pageSize": 5, "blocks": 3}') == 3
    with pytest.raises(ValueError, match="no page count"):
        cdx.parse_cc_pages('{"error": "No Captures found"}')
    row = {"url": ARTICLE, "timestamp": "20250110000000", "mime": "text/html",
           "mime-detected": "text/html", "status": "200", "digest": "D", "length": "10",
           "offset": "20", "filename": "crawl-data/x.warc.gz"}
    parsed = list(cdx.parse_cc([json.dumps(row), "", "{not json", json.dumps({"url": "x"})]))
    assert parsed[1:] == [None, None]
    assert parsed[0] is not None and (parsed[0].offset, parsed[0].length) == (20, 10)
    assert cdx.cc_query("http://i", "CC-MAIN-2025-02", "baonghean.vn", exact=False).startswith(
        "http://i/CC-MAIN-2025-02-index?url=baonghean.vn&matchType=domain&output=json")
    assert cdx.newest_crawl(json.dumps([{"id": "CC-MAIN-2024-51"}, {"id": "CC-MAIN-2025-02"},
                                        {"id": "CC-NEWS"}])) == "CC-MAIN-2025-02"


def gz_records() -> dict[str, bytes]:
    """Each bad record of the stand-in's WARC files as its own gzip member."""
    members: dict[str, bytes] = {}
    for kind, record, _, _ in bad_records(WARCWriter(io.BytesIO(), gzip=True)):
        if isinstance(record, bytes):
            members[kind] = record
            continue
        stream = io.BytesIO()
        WARCWriter(stream, gzip=True).write_record(record)
        members[kind] = stream.getvalue()
    return members


def test_bad_records_are_named_by_kind() -> None:
    members = gz_records()
    with pytest.raises(BadRecord) as caught:
        read_range(members["revisit"])
    assert caught.value.kind == "warc-revisit"
    assert refusal(read_range(members["not-html"])) == ("not-html", "a capture of image/jpeg")
    kind, detail = refusal(read_range(members["offsite-redirect"])) or ("", "")
    assert kind == "offsite-redirect" and "elsewhere.example" in detail
    for cut, kind in ((members["truncated"][:200], "warc-truncated"),
                      (members["unreadable"], "warc-unreadable"),  # a WARC line, no WARC-Type
                      (members["revisit-fetched"], "warc-revisit"),
                      (b"not gzip at all", "warc-unreadable"),
                      (gzip.compress(b"GET / HTTP/1.1\r\n\r\n"), "warc-unreadable")):
        with pytest.raises(BadRecord) as caught:
            read_range(cut)
        assert caught.value.kind == kind


def test_a_good_record_keeps_its_date_headers_and_body() -> None:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", "11")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        ARTICLE, "response", payload=io.BytesIO(b"<p>chao</p>"), length=11, http_headers=http,
        warc_headers_dict={"WARC-Date": "2017-07-01T01:02:03Z"}))
    archived = read_range(stream.getvalue())
    assert (archived.url, archived.status, archived.body) == (ARTICLE, 200, b"<p>chao</p>")
    assert archived.captured_at == datetime(2017, 7, 1, 1, 2, 3, tzinfo=UTC)
    assert archived.headers == {"content-type": "text/html; charset=utf-8"}
    assert refusal(archived) is None


def test_same_site_redirect_is_dropped_not_an_error() -> None:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    http = StatusAndHeaders("301 Moved", [("Location", "/moi-100002.html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(ARTICLE, "response", payload=io.BytesIO(b""),
                                                  length=0, http_headers=http))
    assert refusal(read_range(stream.getvalue()))[0] == "redirect"  # type: ignore[index]


def make_spider(archive: str, **settings: Any) -> NewsSpider:
    spidercls = spider_for(profile("baonghean"))
    crawler = get_crawler(spidercls, {"ARCHIVE_INCREMENTAL": False,
                                      "ARCHIVE_WAYBACK_CDX_URL": "http://a/cdx",
                                      "ARCHIVE_WAYBACK_REPLAY_URL": "http://a/web",
                                      "ARCHIVE_CC_INDEX_URL": "http://a/cc",
                                      "ARCHIVE_CC_DATA_URL": "http://a/data", **settings})
    crawler._apply_settings()
    spider: NewsSpider = spidercls.from_crawler(crawler, archive=archive)
    return spider


def test_wayback_requests_survive_a_pause() -> None:
    """Every request is a spider method's and carries plain meta: JOBDIR can store it."""
    spider = make_spider("wayback")
    [first] = list(spider.archive_requests())
    assert first.to_dict(spider=spider)["callback"] == "parse_wayback_index"
    body = json.dumps([list(cdx.WAYBACK_FIELDS),
                       [ARTICLE, "20170701000000", "A", "text/html", "200", "1"],
                       [ARTICLE, "20170801000000", "A", "text/html", "200", "1"],
                       [f"{HOST}/logo.png", "20170701000000", "B", "image/png", "200", "1"],
                       [], ["next"]])
    response = TextResponse(first.url, body=body.encode(), encoding="utf-8", request=first)
    made = list(spider.parse_wayback_index(response))
    assert [r.url for r in made] == [f"http://a/web/20170701000000id_/{ARTICLE}",
                                     first.url + "&resumeKey=next"]
    for request in made:
        assert request.to_dict(spider=spider)
        assert request.meta["allow_offsite"] and request.meta["download_slot"].startswith(
            "archive-wayback")
    stats = spider.crawler.stats.get_stats()
    assert stats["archive/backfill/skipped/same-digest"] == 1
    assert stats["archive/backfill/skipped/not-html"] == 1


def test_wayback_capture_is_a_page_under_its_live_url() -> None:
    spider = make_spider("wayback")
    capture_url = f"http://a/web/20170701000000id_/{ARTICLE}"
    request = Request(capture_url, meta={"capture": {
        "url": ARTICLE, "capture_url": capture_url, "digest": "A",
        "captured_at": datetime(2017, 7, 1, tzinfo=UTC), "offset": None, "length": None}})
    response = HtmlResponse(capture_url, body=b"<html></html>", request=request,
                            headers={"Content-Type": "text/html"})
    [page] = list(spider.parse_wayback_capture(response))
    assert isinstance(page, FetchedPage)
    assert (page.url, page.final_url, page.capture_url) == (ARTICLE, ARTICLE, capture_url)
    assert (page.capture_source, page.profile) == ("wayback", "baonghean")
    assert page.fetched_at == datetime(2017, 7, 1, tzinfo=UTC)


def test_common_crawl_record_requests_ask_a_byte_range() -> None:
    spider = make_spider("commoncrawl")
    [collinfo] = list(spider.archive_requests())
    assert collinfo.url == "http://a/cc/collinfo.json"
    row = {"url": ARTICLE, "timestamp": "20250110000000", "mime": "text/html", "status": "200",
           "digest": "D", "length": "100", "offset": "50", "filename": "crawl-data/f.warc.gz"}
    response = TextResponse("http://a/cc/CC-MAIN-2025-02-index?page=0",
                            body=(json.dumps(row) + "\n").encode(), encoding="utf-8")
    [request] = list(spider.parse_cc_index(response))
    assert request.url == "http://a/data/crawl-data/f.warc.gz"
    assert request.headers["Range"] == b"bytes=50-149"
    assert request.meta["capture"]["capture_url"].endswith("f.warc.gz#offset=50&length=100")
    assert request.to_dict(spider=spider)["callback"] == "parse_cc_record"


def test_politeness_add_on_gives_each_archive_a_slot() -> None:
    settings = Settings({"ARCHIVE_WAYBACK_DELAY": 3,
                         "DOWNLOAD_SLOTS": {"archive-cc-data": {"delay": 9}}})
    ArchivePoliteness().update_settings(settings)
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots["archive-wayback"] == {"delay": 3.0, "concurrency": 1, "jitter": 0.0}
    assert slots["archive-wayback-cdx"]["delay"] == 2.5
    assert slots["archive-cc-data"] == {"delay": 9}
    assert ArchiveEndpoints.from_settings(settings).wayback_cdx == (
        "https://web.archive.org/cdx/search/cdx")


@pytest.mark.parametrize(("args", "message"), [
    ({"archive": "wayback"}, None),
    ({"archive": "commoncrawl", "crawl": "CC-MAIN-2025-02"}, None),
    ({"archive": "WAYBACK "}, None),
    ({"archive": "archive.today"}, "archive: expected one of wayback, commoncrawl"),
    ({"crawl": "CC-MAIN-2025-02"}, "crawl: names a Common Crawl crawl"),
    ({"archive": "commoncrawl", "crawl": "2025-02"}, "crawl: expected a crawl id"),
    ({"archive": "wayback", "recheck": "Failed"}, None),
    ({"archive": "wayback", "recheck": "all"}, "recheck: expected failed, got 'all'"),
    ({"recheck": "failed"}, "recheck: fetches web-archive captures again; give it with"),
])
def test_archive_arguments(args: dict[str, str | None], message: str | None) -> None:
    if message is None:
        options = CrawlOptions.parse(args, HOST)
        assert options.archive == (args["archive"] or "").strip().lower()
        assert options.recheck == ((args.get("recheck") or "").lower() or None)
        return
    with pytest.raises(ValueError, match=message):
        CrawlOptions.parse(args, HOST)


def test_stand_in_answers_the_text_form_and_429(tmp_path: Path) -> None:
    from urllib.error import HTTPError
    from urllib.request import urlopen

    from tests.archivegen import generate
    from tests.archiveserver import start_archive_server
    from tests.siteserver import stop_server

    generate(tmp_path)
    process, base = start_archive_server(tmp_path, tmp_path / "log")
    try:
        query = f"{base}/cdx?url=baonghean.vn&matchType=domain&limit=5&showResumeKey=true"
        with urlopen(query) as answer:  # noqa: S310 - the local stand-in
            captures, key = cdx.parse_wayback(answer.read().decode())
        assert len(captures) == 5 and key == "5"
        with pytest.raises(HTTPError) as refused:
            urlopen(f"{query}&resumeKey=5")  # noqa: S310
        assert refused.value.code == 429 and refused.value.headers["Retry-After"] == "1"
        with urlopen(f"{query}&resumeKey=5") as answer:  # noqa: S310
            assert len(cdx.parse_wayback(answer.read().decode())[0]) == 5
    finally:
        stop_server(process)
    assert CC_TIME.year == 2025


def test_common_crawl_without_captures_is_no_error() -> None:
    spider = make_spider("commoncrawl", ARCHIVE_CC_INDEX_URL="http://a/cc")
    spider.options = CrawlOptions.parse({"archive": "commoncrawl", "crawl": "CC-MAIN-2025-02"},
                                        HOST)
    [pages] = list(spider.archive_requests())
    assert 404 in pages.meta["handle_httpstatus_list"]
    missing = TextResponse(pages.url, status=404, body=b'{"error": "No Captures found"}',
                           encoding="utf-8", request=pages)
    assert list(spider.parse_cc_pages(missing)) == []
    assert not any(key.startswith("archive/errors/") for key in spider.crawler.stats.get_stats())


def test_a_backfill_is_not_a_crawl_of_the_live_site() -> None:
    from crawler.incremental import is_full_run
    from storage.runs import RunSummary

    def run(**args: str) -> RunSummary:
        return RunSummary(id=1, spider="baonghean", args={"base_url": HOST, **args},
                          started_at=CC_TIME, finished_at=CC_TIME, figures=None)

    assert is_full_run(run(), HOST)
    assert not is_full_run(run(archive="wayback"), HOST)
