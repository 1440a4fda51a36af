"""A page extraction fails on is never lost: kept raw, counted by kind, one WARNING line,
known to the next incremental crawl, and recovered by ``pipelines.reparse``."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from sqlalchemy import select

import pipelines.extraction_pipeline as extraction
from crawler.items import FetchedPage
from pipelines.extract import NotAnArticle, extract_page
from pipelines.extraction_pipeline import ExtractionPipeline, WorkerExtractionPipeline
from pipelines.record import ArticleRecord
from pipelines.reparse import ExtractFunction, ReparseSummary, reparse, retry_failed
from pipelines.storage_pipeline import FAILED_PAGE, StoragePipeline
from pipelines.worker import ExtractionFailed, WorkerPool
from storage.archive import iter_records, known_articles, load_page, upsert_article
from storage.captures import DroppedCapture, known_captures, record_dropped
from storage.db import Database
from storage.failed import FailedVersion, store_failed
from storage.models import Article, ArticleRevision, FailedPage, Page
from tests.conftest import ServedSite
from tests.pages import crawled_case, load_cases
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


WAYBACK_URL = "https://web.archive.org/web/20240501080000id_/{}"


def kept_raw(db: Database, *pages: FetchedPage) -> None:
    """Keep *pages* raw, as a crawl does after their extraction failed (a capture also
    listed in ``captures`` as ``extract-failed``)."""
    failures = [FailedVersion(p.url, FAILED_PAGE, "ValueError: Invalid IPv6 URL", p) for p in pages]
    dropped = [d for d in (DroppedCapture.of(p, FAILED_PAGE) for p in pages) if d is not None]
    with db.session() as session, session.begin():
        store_failed(session, failures)
        record_dropped(session, dropped)


def first_article_case() -> FetchedPage:
    """The first saved page that extraction turns into an article, as fetched."""
    for case in load_cases():
        if not isinstance(crawled_case(case.directory), NotAnArticle):
            meta = case.meta
            return FetchedPage(url=meta["url"], final_url=meta["url"], status=200,
                               headers=dict(meta.get("headers") or {}), body=case.body,
                               fetched_at=datetime(2024, 5, 1, 8, tzinfo=UTC))
    raise AssertionError("no saved article page")


def archive_rows(db: Database) -> tuple[list[int | None], list[int], list[int]]:
    """(articles' page ids, page ids, failed pages' page ids)."""
    with db.session() as session:
        return (list(session.scalars(select(Article.page_id).order_by(Article.id))),
                list(session.scalars(select(Page.id).order_by(Page.id))),
                list(session.scalars(select(FailedPage.page_id))))


def test_a_recovered_page_keeps_its_raw_page(tmp_path: Path) -> None:
    fetched = first_article_case()
    with Database.open(f"sqlite:///{tmp_path / 'archive.db'}") as db:
        kept_raw(db, fetched)
        articles, [page_id], kept = archive_rows(db)
        assert articles == [] and kept == [page_id]
        dry = ReparseSummary()
        retry_failed(db, extract_page, dry, dry_run=True)
        assert dry.recovered == 1 and archive_rows(db) == ([], [page_id], [page_id])

        summary = ReparseSummary()
        retry_failed(db, extract_page, summary)
        assert summary.recovered == 1
        assert archive_rows(db) == ([page_id], [page_id], [])  # the same row, no copy
        with db.session() as session:
            [record] = iter_records(session)
            stored = load_page(session, record["canonical_url"])
        assert stored is not None and stored.body == fetched.body
        assert record["url"] == fetched.url and record["capture_source"] == "live"
        again = reparse(db, extract_page)
    assert (again.pages, again.changed, again.unchanged, again.recovered) == (1, 0, 1, 0)


def recovering(changes: dict[str, Any]) -> ExtractFunction:
    """An extractor that gives ``make_record(1)`` with *changes*, for any page."""
    def extract(body: bytes, url: str, headers: Mapping[str, str]) -> ArticleRecord:
        return cast(ArticleRecord, make_record(1, **changes))
    return extract


def test_a_recovered_capture_is_listed_as_stored_with_its_provenance(tmp_path: Path) -> None:
    url = make_record(1)["url"]
    fetched = page(url)
    fetched.capture_source, fetched.capture_url = "wayback", WAYBACK_URL.format(url)
    fetched.ingested_at = datetime(2024, 6, 1, tzinfo=UTC)
    with Database.open(f"sqlite:///{tmp_path / 'archive.db'}") as db:
        kept_raw(db, fetched)
        with db.session() as session:
            assert known_captures(session, [fetched.capture_url]) == {
                fetched.capture_url: FAILED_PAGE}
        retry_failed(db, recovering({}), ReparseSummary(), dry_run=True)
        with db.session() as session:
            assert known_captures(session, [fetched.capture_url]) == {
                fetched.capture_url: FAILED_PAGE}
        retry_failed(db, recovering({}), ReparseSummary())
        with db.session() as session:
            assert known_captures(session, [fetched.capture_url]) == {
                fetched.capture_url: "stored"}
            [record] = iter_records(session)
    assert (record["capture_source"], record["capture_url"], record["ingested_at"]) == (
        "wayback", fetched.capture_url, "2024-06-01T00:00:00+00:00")


def stored_before(db: Database, headline: str) -> int:
    """Store ``make_record(1)`` (with *headline*) fetched a month earlier under another URL,
    with a raw page; its page id."""
    record = make_record(1, url=make_record(1)["url"] + "?amp", headline=headline,
                         fetched_at="2024-04-01T08:00:00+00:00")
    with db.session() as session, session.begin():
        april = page(record["url"], b"<html>April</html>")
        april.fetched_at = datetime(2024, 4, 1, 8, tzinfo=UTC)
        upsert_article(session, record, april)
    [page_id] = archive_rows(db)[0]
    assert page_id is not None
    return page_id


def test_a_recovered_page_with_other_content_supersedes_the_article(tmp_path: Path) -> None:
    with Database.open(f"sqlite:///{tmp_path / 'archive.db'}") as db:
        april = stored_before(db, "Tin cũ")
        kept_raw(db, page(make_record(1)["url"], b"<html>May</html>"))
        [_, kept] = archive_rows(db)[1]
        retry_failed(db, recovering({}), ReparseSummary())
        assert archive_rows(db) == ([kept], [april, kept], [])
        with db.session() as session:
            [revision] = session.scalars(select(ArticleRevision))
            assert (revision.page_id, revision.record["headline"]) == (april, "Tin cũ")
            stored = load_page(session, make_record(1)["canonical_url"])
        assert stored is not None and stored.body == b"<html>May</html>"


def test_a_recovered_page_with_the_same_content_refreshes_the_article(tmp_path: Path) -> None:
    with Database.open(f"sqlite:///{tmp_path / 'archive.db'}") as db:
        april = stored_before(db, make_record(1)["headline"])
        kept_raw(db, page(make_record(1)["url"], b"<html>May</html>"))
        retry_failed(db, recovering({}), ReparseSummary())
        assert archive_rows(db) == ([april], [april], [])
        with db.session() as session:
            [article] = session.scalars(select(Article))
            assert (article.url, article.version) == (make_record(1)["url"], 1)
            stored = load_page(session, article.canonical_url)
        assert stored is not None and stored.body == b"<html>May</html>"
