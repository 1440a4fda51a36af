"""A page extraction fails on is never lost: kept raw, counted by kind, one WARNING line,
known to the next incremental crawl, and recovered by ``pipelines.reparse``."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

import pipelines.extraction_pipeline as extraction
from crawler.items import FetchedPage
from pipelines.extraction_pipeline import ExtractionPipeline, WorkerExtractionPipeline
from pipelines.storage_pipeline import StoragePipeline
from pipelines.worker import ExtractionFailed, WorkerPool
from storage.archive import known_articles
from storage.db import Database
from tests.conftest import ServedSite
from tests.test_e2e_crawl import FAST, REPO, stored_rows
from tests.test_storage import make_record

BUGGY_CRAWL = """
import os
import pipelines.extraction_pipeline as extraction
real = extraction.extract_page
def buggy(body, url, headers=None, **options):
    if url.endswith(os.environ["BUGGY_PATH"]):
        raise ValueError("Invalid IPv6 URL")
    return real(body, url, headers, **options)
extraction.extract_page = buggy
from scrapy.cmdline import execute
import sys
execute(["scrapy", *sys.argv[1:]])
"""
"""``scrapy crawl`` with an extractor that fails on one page, as a bug would."""


def page(url: str, body: bytes = b"<html><h1>x</h1></html>") -> FetchedPage:
    return FetchedPage(url=url, final_url=url, status=200,
                       headers={"content-type": "text/html; charset=utf-8"}, body=body,
                       fetched_at=datetime(2024, 5, 1, 8, tzinfo=UTC))


def test_extraction_error_marks_the_page_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: Any, **__: Any) -> dict[str, Any]:
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr(extraction, "extract_page", broken)
    crawler = get_crawler()
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = ExtractionPipeline.from_crawler(crawler)
    with caplog.at_level(logging.DEBUG, logger="pipelines.extraction_pipeline"):
        item = pipeline.process_item(page("https://baonghean.vn/a-10000001.html"))
    assert item.record is None and item.failure == "ValueError: Invalid IPv6 URL"
    assert crawler.stats.get_value("archive/errors/extract-failed") == 1
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage() == ("extraction failed (extract-failed): https://baonghean.vn/"
                                    "a-10000001.html: ValueError: Invalid IPv6 URL; the page "
                                    "is kept raw")
    assert warning.exc_info is None
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.DEBUG)


def test_storage_keeps_the_page_raw_until_an_article_replaces_it(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": db_url, "ARCHIVE_BATCH_SIZE": 1})
    crawler.stats = MemoryStatsCollector(crawler)
    storage = StoragePipeline.from_crawler(crawler)
    storage.open_spider()
    record = make_record(1)
    failed = page(record["url"], b"<html>broken</html>")
    failed.failure = "ValueError: Invalid IPv6 URL"
    for _ in range(2):
        with pytest.raises(DropItem, match="kept raw"):
            storage.process_item(failed)
    with Database.open(db_url, create=False) as db, db.session() as session:
        [known] = known_articles(session, [record["url"]]).values()
        assert (known.fetched_at, known.published_utc, known.version) == (
            failed.fetched_at, None, 0)
    rows = _failed_rows(tmp_path / "archive.db")
    assert rows == [(record["url"], "extract-failed", "ValueError: Invalid IPv6 URL", 2)]
    good = page(record["url"])
    good.record = record
    returned = storage.process_item(good)
    assert {name: returned[name] for name in record} == record
    assert returned["capture_source"] == "live"
    storage.close_spider()
    storage.spider_closed("finished")
    assert _failed_rows(tmp_path / "archive.db") == []
    with sqlite3.connect(tmp_path / "archive.db") as connection:
        assert connection.execute("SELECT count(*) FROM pages").fetchone() == (1,)


def _failed_rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute(
            "SELECT url, reason, detail, attempts FROM failed_pages ORDER BY id"))


def buggy_crawl(served: ServedSite, db: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
    env |= {"BUGGY_PATH": path, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", BUGGY_CRAWL, "crawl", "baonghean",
               "-a", f"base_url={served.base_url}", "-s", f"ARCHIVE_DB_URL=sqlite:///{db}",
               *FAST]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_crawl_keeps_the_page_raw_skips_it_next_time_and_reparse_recovers_it(
    site_server: ServedSite, tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    victim = site_server.site.articles[3]
    url = site_server.url(victim.path)
    first = buggy_crawl(site_server, db, victim.path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Traceback" not in first.stderr and " ERROR: " not in first.stderr
    [line] = [x for x in first.stderr.splitlines() if "extraction failed (extract-failed)" in x]
    assert "WARNING" in line and url in line
    assert "'archive/errors/extract-failed': 1" in first.stderr
    assert "errors: extract-failed=1" in first.stderr.splitlines()[-1]
    assert url not in {row[1] for row in stored_rows(db)}
    assert [row[0] for row in _failed_rows(db)] == [url]
    stored = len(stored_rows(db))
    assert stored == len(site_server.site.articles) - 1

    before = len(site_server.requested_paths())
    second = buggy_crawl(site_server, db, victim.path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert victim.path not in site_server.requested_paths()[before:]  # known: not fetched

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "pipelines.reparse", "--db", f"sqlite:///{db}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("; 1 pages kept raw recovered")
    assert url in {row[1] for row in stored_rows(db)}
    assert len(stored_rows(db)) == stored + 1 and _failed_rows(db) == []


def test_a_worker_extraction_error_marks_the_page_too() -> None:
    class FailingPool:
        async def extract(self, *_: Any) -> dict[str, Any]:
            raise ExtractionFailed("ValueError: Invalid IPv6 URL")

    crawler = get_crawler()
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = WorkerExtractionPipeline(crawler.stats, cast(WorkerPool, FailingPool()))
    item = asyncio.run(pipeline.process_item(page("https://baonghean.vn/a-10000001.html")))
    assert item.failure == "ValueError: Invalid IPv6 URL" and item.record is None
    assert crawler.stats.get_value("archive/errors/extract-failed") == 1
