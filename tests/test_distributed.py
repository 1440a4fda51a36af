"""Distributed crawling: two crawler processes, one Redis, one PostgreSQL archive.

Both workers run ``scrapy crawl baonghean -s ARCHIVE_SCHEDULER=redis`` against the
fixture site, served here by a server that notes when each request arrives, so
the shared politeness delay is measured where a site would feel it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import redis
from scrapy.utils.test import get_crawler

from crawler.addons import CrawlMode
from crawler.spiders.baonghean import BaongheanSpider
from tests.sitegen import Site
from tests.siteserver import DEFAULT_ORIGIN, SiteServer
from tests.test_e2e_crawl import COMPARED_FIELDS, FAST, REPO, export_records, stored_rows

if TYPE_CHECKING:
    from tests.services import PostgresServer

pytest_plugins = ("tests.services",)  # postgres_server, redis_server

SHARED_DELAY = 0.1
"""Seconds between two requests to the site, over both workers."""
WINDOW = 1.0
LATE_SLACK = 3
"""Requests beyond WINDOW / SHARED_DELAY seen in one window: ones that started late, after
their reserved time, because their worker was busy, bunch up with the next ones."""


class TimedSiteServer(SiteServer):
    """The fixture site server, noting (arrival time, path) of every request."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, DEFAULT_ORIGIN, None)
        self.arrivals: list[tuple[float, str]] = []

    def record(self, method: str, target: str, status: int) -> None:
        self.arrivals.append((time.monotonic(), target))


@pytest.fixture(scope="module")
def timed_site(fixture_site: Site) -> Iterator[TimedSiteServer]:
    server = TimedSiteServer(fixture_site.root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Worker:
    returncode: int
    log: str

    def stat(self, name: str) -> int:
        found = re.search(rf"'{re.escape(name)}': (\d+)", self.log)
        return int(found.group(1)) if found else 0


def run_workers(site: TimedSiteServer, db: str, redis_url: str, key: str,
                delay: float = SHARED_DELAY) -> list[Worker]:
    """Two workers of one crawl, started together; their exit statuses and logs."""
    processes = []
    for _ in range(2):
        command = [
            sys.executable, "-m", "scrapy", "crawl", "baonghean", "-a", f"base_url={site.base_url}",
            "-s", f"ARCHIVE_DB_URL={db}", "-s", "ARCHIVE_SCHEDULER=redis",
            "-s", f"REDIS_URL={redis_url}", "-s", f"ARCHIVE_REDIS_KEY={key}",
            "-s", f"ARCHIVE_SHARED_DELAY={delay}",
            *FAST,
        ]
        processes.append(subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, text=True))
    logs = [process.communicate(timeout=300)[1] for process in processes]
    return [Worker(p.returncode, log) for p, log in zip(processes, logs, strict=True)]


@dataclass(frozen=True)
class SharedCrawl:
    site: TimedSiteServer
    db: str
    redis_url: str
    key: str
    workers: list[Worker]
    arrivals: list[tuple[float, str]]


@pytest.fixture(scope="module")
def shared_crawl(timed_site: TimedSiteServer, postgres_server: PostgresServer,
                 redis_server: str) -> Iterator[SharedCrawl]:
    """One crawl by two workers; the tests read it, the last one crawls again on top."""
    db = postgres_server.new_database()
    key = f"test-{uuid.uuid4().hex[:8]}"
    try:
        workers = run_workers(timed_site, db, redis_server, key)
        for worker in workers:
            assert worker.returncode == 0, worker.log[-3000:]
        yield SharedCrawl(timed_site, db, redis_server, key, workers, list(timed_site.arrivals))
    finally:
        postgres_server.drop_database(db)


def article_paths(fixture_site: Site) -> set[str]:
    return {article.path for article in fixture_site.articles}


def test_two_workers_archive_every_article_fetching_each_once(
    shared_crawl: SharedCrawl, fixture_site: Site
) -> None:
    fetched = [path for _, path in shared_crawl.arrivals]
    for path in article_paths(fixture_site):
        assert fetched.count(path) == 1, path
    canonical = [row[0] for row in stored_rows(shared_crawl.db)]
    assert len(canonical) == len(set(canonical))
    assert set(canonical) == {shared_crawl.site.base_url + p for p in article_paths(fixture_site)}
    records = {r["canonical_url"]: r for r in export_records(shared_crawl.db)}
    for truth in fixture_site.truth():
        record = records[shared_crawl.site.base_url + truth["path"]]
        for field in COMPARED_FIELDS:
            if field not in ("url", "canonical_url"):
                assert record[field] == truth[field], (truth["path"], field)


def test_both_workers_share_the_work(shared_crawl: SharedCrawl, fixture_site: Site) -> None:
    dequeued = [worker.stat("scheduler/dequeued/redis") for worker in shared_crawl.workers]
    stored = [worker.stat("item_scraped_count") for worker in shared_crawl.workers]
    assert all(n > 0 for n in dequeued), dequeued
    assert sum(stored) == len(fixture_site.articles)  # each article fetched and stored once
    assert any("crawl complete" in worker.log for worker in shared_crawl.workers)
    server = redis.Redis.from_url(shared_crawl.redis_url)
    assert server.keys(f"{shared_crawl.key}:*") == []  # the finished crawl left nothing


def test_politeness_delay_holds_across_workers(shared_crawl: SharedCrawl) -> None:
    """No request starts before its reserved time (they may start late: a busy worker)."""
    times = sorted(t for t, _ in shared_crawl.arrivals)
    assert len(times) > 50
    assert times[-1] - times[0] >= (len(times) - 1) * SHARED_DELAY * 0.95
    most = max(sum(1 for t in times if start <= t < start + WINDOW) for start in times)
    assert most <= WINDOW / SHARED_DELAY + LATE_SLACK, most
    waits = sum(worker.stat("archive/politeness/waits") for worker in shared_crawl.workers)
    assert waits > len(times) // 2


def test_second_shared_crawl_skips_what_the_archive_holds(
    shared_crawl: SharedCrawl, fixture_site: Site
) -> None:
    before = len(shared_crawl.site.arrivals)
    workers = run_workers(shared_crawl.site, shared_crawl.db, shared_crawl.redis_url,
                          shared_crawl.key, delay=0.01)
    assert [w.returncode for w in workers] == [0, 0], workers[0].log[-3000:]
    again = [path for _, path in shared_crawl.site.arrivals[before:]]
    assert again, "the second crawl fetched nothing at all"
    assert not article_paths(fixture_site) & set(again)
    assert sum(w.stat("archive/skipped/known") for w in workers) > 0
    assert len(stored_rows(shared_crawl.db)) == len(fixture_site.articles)


def addon_settings(**settings: Any) -> Any:
    crawler = get_crawler(BaongheanSpider, settings_dict={
        "ADDONS": {CrawlMode: 0}, "TELNETCONSOLE_ENABLED": False, **settings})
    return crawler.settings


def test_crawl_mode_switches_scheduler_dupefilter_and_politeness() -> None:
    local = addon_settings()
    assert local["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert "crawler.distributed.SharedPoliteness" not in local.getdict("DOWNLOADER_MIDDLEWARES")
    shared = addon_settings(ARCHIVE_SCHEDULER="redis", REDIS_URL="redis://127.0.0.1:1/0",
                            ARCHIVE_REDIS_KEY="nightly")
    assert shared["SCHEDULER"] == "crawler.distributed.RedisScheduler"
    assert shared["DUPEFILTER_CLASS"] == "crawler.distributed.RedisDupeFilter"
    assert shared["SCHEDULER_QUEUE_KEY"] == "nightly:requests"
    assert shared.getdict("DOWNLOADER_MIDDLEWARES")["crawler.distributed.SharedPoliteness"] == 950
    with pytest.raises(ValueError, match="ARCHIVE_SCHEDULER must be one of"):
        addon_settings(ARCHIVE_SCHEDULER="kafka")
