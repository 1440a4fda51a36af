"""crawler/middlewares.py: Retry-After on 429/503, unit and against the fixture server."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler import middlewares
from crawler.middlewares import RetryAfterMiddleware, retry_after_seconds
from crawler.spiders.baonghean import BaongheanSpider
from tests.sitegen import Site
from tests.siteserver import start_server, stop_server

NOW = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("value", "expected"), [
    (b"120", 120.0), ("7", 7.0), (" 3 ", 3.0),
    ("Wed, 05 Mar 2025 08:00:30 GMT", 30.0),
    ("Wed, 05 Mar 2025 07:59:00 GMT", 0.0),
    ("soon", None), ("-5", None), (None, None),
])
def test_retry_after_seconds(value: bytes | str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, NOW) == expected


def make_middleware(settings: dict[str, Any] | None = None) -> RetryAfterMiddleware:
    crawler = get_crawler(BaongheanSpider, settings)
    return RetryAfterMiddleware.from_crawler(crawler)


def waits(middleware: RetryAfterMiddleware, monkeypatch: pytest.MonkeyPatch,
          status: int, headers: dict[str, str], meta: dict[str, Any] | None = None
          ) -> list[float]:
    """Run process_response; returns the delays it slept for."""
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(middlewares, "sleep", fake_sleep)
    request = Request("https://baonghean.vn/a-10000001.html", meta=meta or {})
    response = Response(request.url, status=status, headers=headers, request=request)
    returned = asyncio.run(middleware.process_response(request, response))
    assert returned is response
    return slept


def test_waits_for_retry_after_on_503(monkeypatch: pytest.MonkeyPatch) -> None:
    middleware = make_middleware()
    assert waits(middleware, monkeypatch, 503, {"Retry-After": "7"}) == [7.0]
    assert middleware.stats.get_value("retry_after/count") == 1


def test_wait_is_capped_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    middleware = make_middleware({"ARCHIVE_MAX_RETRY_AFTER": 2.5})
    assert waits(middleware, monkeypatch, 429, {"Retry-After": "3600"}) == [2.5]


@pytest.mark.parametrize(("status", "headers", "meta"), [
    (200, {"Retry-After": "5"}, {}),
    (500, {"Retry-After": "5"}, {}),
    (503, {}, {}),
    (503, {"Retry-After": "later"}, {}),
    (503, {"Retry-After": "5"}, {"dont_retry": True}),
    (429, {"Retry-After": "5"}, {"retry_times": 3}),
    (429, {"Retry-After": "5"}, {"retry_times": 1, "max_retry_times": 1}),
])
def test_no_wait_when_no_retry_follows(monkeypatch: pytest.MonkeyPatch, status: int,
                                       headers: dict[str, str], meta: dict[str, Any]) -> None:
    assert waits(make_middleware(), monkeypatch, status, headers, meta) == []


def test_no_wait_for_codes_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    middleware = make_middleware({"RETRY_HTTP_CODES": [500, 503]})
    assert waits(middleware, monkeypatch, 429, {"Retry-After": "5"}) == []


def test_off_when_retries_are_off() -> None:
    with pytest.raises(NotConfigured):
        make_middleware({"RETRY_ENABLED": False})


def test_crawl_waits_out_a_503_and_archives_the_page(fixture_site: Site, tmp_path: Path) -> None:
    """A page answering 503 + Retry-After once is retried after the (capped) wait and stored."""
    root = tmp_path / "site"
    shutil.copytree(fixture_site.root, root)
    article = fixture_site.articles[0]
    routes = json.loads((root / "routes.json").read_text(encoding="utf-8"))
    routes[article.path]["fail"] = {"times": 1, "status": 503, "headers": {"Retry-After": "30"}}
    (root / "routes.json").write_text(json.dumps(routes), encoding="utf-8")
    log = tmp_path / "requests.log"
    process, base_url = start_server(root, log)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "baonghean", "-a", f"base_url={base_url}",
             "-a", f"url={base_url}{article.path}", "-s", "ITEM_PIPELINES={}",
             "-s", "ARCHIVE_MAX_RETRY_AFTER=0.2", "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    finally:
        stop_server(process)
    assert done.returncode == 0, done.stderr[-2000:]
    hits = [line for line in log.read_text().splitlines() if article.path in line]
    assert hits == [f"GET {article.path} 503", f"GET {article.path} 200"]
    assert "'retry_after/count': 1" in done.stderr
    assert "'item_scraped_count': 1" in done.stderr
