"""The storage pipeline: batches, returned records, stats, crawl runs, storage errors."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from twisted.internet import task

from crawler.items import BadCapture, FetchedPage
from pipelines.extraction_pipeline import ExtractionPipeline
from pipelines.storage_pipeline import StoragePipeline, run_figures
from storage.captures import known_captures
from storage.db import Database
from storage.export import main as export_main
from storage.models import Article, CrawlRun, FailedPage
from storage.provenance import without_provenance
from tests.test_storage import make_record

ROOT = Path(__file__).resolve().parent.parent
POISON = "https://baonghean.vn/poison.html"


def fetched(record: dict[str, Any]) -> FetchedPage:
    return FetchedPage(
        url=record["url"],
        final_url=record["canonical_url"],
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=f"<h1>{record['headline']}</h1>".encode(),
        fetched_at=datetime.fromisoformat(record["fetched_at"]),
        discovered_via="sitemap",
        record=record,
    )


def make_crawler(db_url: str, batch_size: int) -> Crawler:
    crawler = get_crawler(
        settings_dict={"ARCHIVE_DB_URL": db_url, "ARCHIVE_BATCH_SIZE": batch_size}
    )
    crawler.stats = MemoryStatsCollector(crawler)
    return crawler


def count_articles(db_url: str) -> int:
    with Database.open(db_url, create=False) as db, db.session() as session:
        return session.scalar(select(func.count(Article.id))) or 0


def add_poison_trigger(db_url: str) -> None:
    """Make the database refuse one article, as a full disk or a broken file would."""
    with Database.open(db_url) as db, db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON articles "
                f"WHEN NEW.canonical_url = '{POISON}' "
                "BEGIN SELECT RAISE(ABORT, 'database refused the write'); END"
            )
        )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def test_batches_records_stats_and_run_row(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    crawler = make_crawler(db_url, batch_size=3)
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pages = [fetched(make_record(n)) for n in range(4)]
    pages.append(fetched(make_record(3, fetched_at="2024-05-02T00:00:00+00:00")))

    returned = [pipeline.process_item(page) for page in pages[:2]]
    assert count_articles(db_url) == 0  # still buffered
    returned.append(pipeline.process_item(pages[2]))
    assert count_articles(db_url) == 3  # one batch written
    returned += [pipeline.process_item(page) for page in pages[3:]]
    assert all(without_provenance(out) == page.record
               for out, page in zip(returned, pages, strict=True))
    assert {out["capture_source"] for out in returned} == {"live"}

    crawler.stats.set_value("archive/dropped/listing", 2)
    crawler.stats.set_value("response_received_count", 7)
    pipeline.close_spider()
    with caplog.at_level(logging.INFO, logger="pipelines.storage_pipeline"):
        pipeline.spider_closed(reason="finished")
        assert not caplog.messages  # the summary waits for the engine to stop
        pipeline.engine_stopped()

    assert count_articles(db_url) == 4  # the same article twice in a batch is one row
    assert crawler.stats.get_value("archive/articles/new") == 4
    assert crawler.stats.get_value("archive/articles/unchanged") == 1
    assert crawler.stats.get_value("archive/articles/updated") is None
    with Database.open(db_url, create=False) as db, db.session() as session:
        run = session.scalars(select(CrawlRun)).one()
    assert (run.finish_reason, run.pages_fetched) == ("finished", 7)
    assert (run.articles_new, run.articles_updated, run.articles_unchanged) == (4, 0, 1)
    assert run.dropped == {"listing": 2}
    assert run.spider == crawler.spidercls.name
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert (
        f"run {run.id} finished: 7 pages, 4 new, 0 updated, 1 unchanged, 0 known skipped, "
        "dropped: listing=2, errors: none"
    ) in caplog.messages


def test_failed_final_flush_raises_and_marks_the_run(db_url: str) -> None:
    add_poison_trigger(db_url)
    crawler = make_crawler(db_url, batch_size=10)
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(fetched(make_record(1)))
    pipeline.process_item(fetched(make_record(2, canonical_url=POISON)))
    with pytest.raises(IntegrityError, match="database refused the write"):
        pipeline.close_spider()
    pipeline.spider_closed(reason="finished")
    assert count_articles(db_url) == 0  # the whole batch was rolled back
    assert crawler.stats.get_value("archive/errors/storage") == 1
    assert crawler.stats.get_value("finish_reason") == "storage-error"
    with Database.open(db_url, create=False) as db, db.session() as session:
        run = session.scalars(select(CrawlRun)).one()
    assert run.finish_reason == "storage-error"
    assert run.errors == {"storage": 1}


def test_read_only_database_fails_at_open(db_url: str, tmp_path: Path) -> None:
    Database.open(db_url).close()
    read_only = f"sqlite:///file:{tmp_path / 'archive.db'}?mode=ro&uri=true"
    pipeline = StoragePipeline.from_crawler(make_crawler(read_only, batch_size=10))
    with pytest.raises(CloseSpider) as raised:
        pipeline.open_spider()
    assert raised.value.reason == "storage-error"
    assert isinstance(raised.value.__cause__, OperationalError)
    assert "readonly" in str(raised.value.__cause__)
    assert pipeline.db is None


def test_bad_items_are_errors_not_storage_failures(db_url: str) -> None:
    crawler = make_crawler(db_url, batch_size=1)
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    with pytest.raises(TypeError, match="FetchedPage with a record"):
        pipeline.process_item({"url": "x"})
    no_record = fetched(make_record(1))
    no_record.record = None
    with pytest.raises(TypeError):
        pipeline.process_item(no_record)
    with pytest.raises(ValueError, match="published_at"):
        pipeline.process_item(fetched(make_record(1, published_at="hôm qua")))
    assert crawler.stats.get_value("archive/errors/bad-record") == 1
    assert pipeline.process_item(fetched(make_record(2))) is not None
    assert pipeline.failure is None
    assert count_articles(db_url) == 1


def test_batch_size_must_be_positive(db_url: str) -> None:
    with pytest.raises(ValueError, match="ARCHIVE_BATCH_SIZE"):
        StoragePipeline.from_crawler(make_crawler(db_url, batch_size=0))


def test_run_figures_from_scrapy_stats() -> None:
    stats = {
        "response_received_count": 12,
        "archive/dropped/listing": 3,
        "archive/dropped/soft-404": 1,
        "archive/errors/storage": 1,
        "spider_exceptions/ValueError": 2,
        "spider_exceptions/count": 2,
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 4,
        "downloader/response_status_count/200": 11,
        "downloader/response_status_count/503": 1,
    }
    figures = run_figures(stats, "finished", {"new": 5, "unchanged": 2})
    assert figures.pages_fetched == 12
    assert (figures.articles_new, figures.articles_updated, figures.articles_unchanged) == (5, 0, 2)
    assert figures.dropped == {"listing": 3, "soft-404": 1}
    assert figures.errors == {
        "storage": 1,
        "spider/ValueError": 2,
    }


CRAWL_SCRIPT = """
import json, sys
from datetime import datetime
import scrapy
from scrapy.crawler import CrawlerProcess
from crawler.items import FetchedPage

records_file, db_url, feed = sys.argv[1:4]

class ArchiveTestSpider(scrapy.Spider):
    name = "archive-test"

    async def start(self):
        for record in json.load(open(records_file, encoding="utf-8")):
            yield FetchedPage(
                url=record["url"], final_url=record["canonical_url"], status=200,
                headers={}, body=b"<html></html>",
                fetched_at=datetime.fromisoformat(record["fetched_at"]), record=record,
            )

process = CrawlerProcess({
    "ITEM_PIPELINES": {"pipelines.storage_pipeline.StoragePipeline": 300},
    "ARCHIVE_DB_URL": db_url,
    "ARCHIVE_BATCH_SIZE": 2,
    "FEEDS": {feed: {"format": "jsonlines", "encoding": "utf-8"}},
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
})
process.crawl(ArchiveTestSpider, mode="test")
process.start()
"""


def run_crawl(tmp_path: Path, db_url: str, records: list[dict[str, Any]]) -> tuple[str, Path]:
    """Run a real crawl in a subprocess (Twisted's reactor does not restart); return its log."""
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL_SCRIPT, encoding="utf-8")
    records_file = tmp_path / "records.json"
    records_file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    result = subprocess.run(
        [sys.executable, str(script), str(records_file), db_url, str(feed)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr, feed


def test_crawl_feed_export_equals_archive_export(tmp_path: Path, db_url: str) -> None:
    records = [make_record(n) for n in range(5)]
    log, feed = run_crawl(tmp_path, db_url, records)
    exported = tmp_path / "export.jsonl"
    assert export_main(["--db", db_url, "-o", str(exported)]) == 0
    assert feed.read_bytes() == exported.read_bytes()
    lines = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]
    assert [without_provenance(line) for line in lines] == records
    assert "run 1 finished: 0 pages, 5 new, 0 updated, 0 unchanged" in log
    with Database.open(db_url, create=False) as db, db.session() as session:
        run = session.scalars(select(CrawlRun)).one()
    assert (run.spider, run.args, run.finish_reason) == (
        "archive-test",
        {"mode": "test"},
        "finished",
    )


def test_storage_error_stops_the_crawl_and_keeps_committed_batches(
    tmp_path: Path, db_url: str
) -> None:
    add_poison_trigger(db_url)
    records = [make_record(n) for n in range(8)]
    records[4] = make_record(4, canonical_url=POISON)
    log, _ = run_crawl(tmp_path, db_url, records)
    assert "storage error, stopping the crawl: 2 pages of the failed batch not stored" in log
    assert "Closing spider (storage-error)" in log
    assert "'finish_reason': 'storage-error'" in log
    with Database.open(db_url, create=False) as db, db.session() as session:
        stored = session.scalars(select(Article.canonical_url).order_by(Article.id)).all()
        run = session.scalars(select(CrawlRun)).one()
    assert stored == [r["canonical_url"] for r in records[:4]]  # batches 1 and 2 kept
    assert run.finish_reason == "storage-error"
    assert run.articles_new == 4
    assert run.errors["storage"] == 1


def test_sqlite_synchronous_setting_is_checked(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": f"sqlite:///{tmp_path / 'a.db'}",
                                         "ARCHIVE_SQLITE_SYNCHRONOUS": "fast"})
    with pytest.raises(ValueError, match="ARCHIVE_SQLITE_SYNCHRONOUS: .*not 'fast'"):
        StoragePipeline.from_crawler(crawler)


def test_sqlite_synchronous_setting_reaches_the_archive_connection(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": f"sqlite:///{tmp_path / 'a.db'}",
                                         "ARCHIVE_SQLITE_SYNCHRONOUS": "FULL"})
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.db is not None
    with pipeline.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
    pipeline.spider_closed("finished")


def test_a_page_waits_at_most_batch_seconds(db_url: str) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": db_url, "ARCHIVE_BATCH_SIZE": 1000,
                                         "ARCHIVE_BATCH_SECONDS": 5})
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = StoragePipeline.from_crawler(crawler)
    now = [100.0]
    pipeline.clock = lambda: now[0]
    pipeline.open_spider()
    pipeline.process_item(fetched(make_record(1)))
    now[0] += 4.9
    pipeline.process_item(fetched(make_record(2)))
    pipeline.flush_due()
    assert count_articles(db_url) == 0  # the oldest page has waited 4.9 s
    now[0] += 0.1
    pipeline.process_item(fetched(make_record(3)))  # a page arriving writes the batch
    assert count_articles(db_url) == 3
    pipeline.process_item(fetched(make_record(4)))
    now[0] += 5
    pipeline.flush_due()  # the crawl's timer writes it with no page arriving
    assert count_articles(db_url) == 4
    pipeline.close_spider()
    pipeline.spider_closed("finished")
    assert crawler.stats.get_value("archive/articles/new") == 4


def test_batch_seconds_must_be_positive(db_url: str) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": db_url, "ARCHIVE_BATCH_SECONDS": 0})
    with pytest.raises(ValueError, match="ARCHIVE_BATCH_SECONDS must be above 0, not 0"):
        StoragePipeline.from_crawler(crawler)


def test_the_crawl_timer_writes_a_waiting_batch_without_new_pages(db_url: str) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": db_url, "ARCHIVE_BATCH_SIZE": 1000,
                                         "ARCHIVE_BATCH_SECONDS": 3})
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = StoragePipeline.from_crawler(crawler)
    reactor = task.Clock()
    pipeline.reactor_time = reactor
    pipeline.clock = reactor.seconds
    pipeline.open_spider()
    pipeline.process_item(fetched(make_record(1)))
    reactor.advance(1)
    reactor.advance(1)
    assert count_articles(db_url) == 0
    reactor.advance(1)  # checked every second: the page has waited 3 s
    assert count_articles(db_url) == 1
    pipeline.close_spider()
    assert reactor.getDelayedCalls() == []  # the checks stop with the spider
    pipeline.spider_closed("finished")


def captured(n: int, body: bytes, capture_url: str | None) -> FetchedPage:
    """A page that is no article (*body*), from a web archive unless *capture_url* is None."""
    page = fetched(make_record(n))
    page.body, page.record = body, None
    if capture_url is not None:
        page.capture_source, page.capture_url = "commoncrawl", capture_url
    return page


def test_captures_dropped_for_good_are_remembered(db_url: str) -> None:
    crawler = make_crawler(db_url, batch_size=100)
    pipeline = StoragePipeline.from_crawler(crawler)
    extraction = ExtractionPipeline(crawler.stats)
    pipeline.open_spider()
    empty = b"<html><head><title>x</title></head><body></body></html>"
    image = captured(3, b"\x89PNG\r\n\x1a\n\x00\x00", "cc#3")
    image.headers = {"content-type": "image/png"}
    for page in (captured(1, empty, "cc#1"), captured(2, empty, None), image):
        with pytest.raises(DropItem) as dropped:
            extraction.process_item(page)
        crawler.signals.send_catch_log(signals.item_dropped, item=page, response=None,
                                       exception=dropped.value, spider=None)
    failed = captured(4, empty, "cc#4")
    failed.failure = "ValueError: no"
    bad = BadCapture(url="https://baonghean.vn/a-5.html", fetched_at=failed.fetched_at,
                     capture_source="commoncrawl", capture_url="cc#5", kind="warc-truncated")
    for item in (failed, bad):
        with pytest.raises(DropItem):
            pipeline.process_item(item)
    pipeline.close_spider()
    with Database.open(db_url, create=False) as db, db.session() as session:
        known = known_captures(session, [f"cc#{n}" for n in range(1, 6)])
        assert session.scalar(select(func.count()).select_from(FailedPage)) == 1
    assert known == {"cc#1": "no-body", "cc#3": "not-html", "cc#4": "extract-failed",
                     "cc#5": "warc-truncated"}
