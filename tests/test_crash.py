"""Crawls that stop half-way: killed with SIGKILL, paused with ``JOBDIR`` and resumed,
or stopped by a storage error.

The first two run ``scrapy crawl`` in the background against the fixture site with
slow article pages, wait (polling the archive) until some batches are committed,
stop it, check the archive, and run again.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.conftest import ServedSite
from tests.crawling import (
    count_rows,
    crawl_command,
    crawl_env,
    settle,
    slow_site,
    start_crawl,
    wait_for,
)
from tests.test_e2e_crawl import REPO, run_crawl, stored_rows

DELAY = 0.3
"""Seconds the server waits before answering an article page."""
SLOW = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "ARCHIVE_BATCH_SIZE=2")
"""The stopped crawl: few pages at a time, small batches."""
RERUN = ("-s", "ARCHIVE_BATCH_SIZE=2")


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    root = tmp_path_factory.mktemp("slow-site")
    with slow_site(root, root / "requests.log", delay=DELAY) as served:
        yield served


def article_requests(served: ServedSite, start: int, end: int | None = None) -> list[str]:
    """Article pages requested between two positions of the server's log.

    A redirect from an old URL is followed to the article's path with the redirect's
    query: that request is not counted (an old URL is not recognised as archived, see
    ``crawler/incremental.py``).
    """
    paths = {article.path for article in served.site.articles}
    return [p for p in served.requested_paths()[start:end] if p in paths]


def check_archive(db: Path) -> set[str]:
    """Integrity, and no half-written article; returns the archived canonical URLs."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        whole = connection.execute(
            "SELECT count(*) FROM articles a JOIN pages p ON p.id = a.page_id "
            "WHERE EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id) "
            "AND EXISTS (SELECT 1 FROM article_captions c WHERE c.article_id = a.id)"
        ).fetchone()[0]
        assert whole == articles, "an article without its page, authors or captions"
    return {row[0] for row in stored_rows(db)}


def run_rows(db: Path) -> list[tuple[str | None, int]]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute(
            "SELECT finish_reason, articles_new FROM crawl_runs ORDER BY id"))


def test_crawl_killed_midway_leaves_a_consistent_archive_and_the_next_run_completes_it(
    slow: ServedSite, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    start = len(slow.requested_paths())
    crawl = start_crawl(slow, db, tmp_path / "killed.log", *SLOW)
    try:
        wait_for(lambda: count_rows(db) >= 4, "a few committed batches")
        crawl.send_signal(signal.SIGKILL)
        assert crawl.wait(timeout=30) == -signal.SIGKILL
    finally:
        crawl.kill()
        crawl.wait()
    committed = check_archive(db)
    assert 4 <= len(committed) < len(slow.site.articles)
    # the killed run's row holds the figures of its last committed batch
    assert run_rows(db) == [(None, len(committed))]

    middle = settle(slow, quiet=2 * DELAY)
    again = subprocess.run(crawl_command(slow, db, *RERUN), cwd=REPO, env=crawl_env(),
                           capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr[-3000:]
    archived = check_archive(db)
    canonical = [row[0] for row in stored_rows(db)]
    assert len(canonical) == len(set(canonical)) == len(slow.site.articles)
    assert archived == {slow.url(article.path) for article in slow.site.articles}
    fetched_again = Counter(article_requests(slow, middle))
    assert set(fetched_again) == {_path(url) for url in archived - committed}
    assert max(fetched_again.values()) == 1
    assert run_rows(db) == [("abandoned", len(committed)),
                            ("finished", len(slow.site.articles) - len(committed))]
    assert article_requests(slow, start)  # the killed run did fetch pages


def test_a_slow_crawl_commits_within_batch_seconds(slow: ServedSite, tmp_path: Path) -> None:
    """A batch far larger than the site is written anyway once its first page has waited
    ARCHIVE_BATCH_SECONDS: a polite crawl keeps what it fetched if it is killed."""
    db = tmp_path / "archive.db"
    crawl = start_crawl(slow, db, tmp_path / "timed.log", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                        "-s", "ARCHIVE_BATCH_SIZE=1000", "-s", "ARCHIVE_BATCH_SECONDS=0.5")
    try:
        wait_for(lambda: count_rows(db) >= 2, "a batch written by its age")
        assert crawl.poll() is None, "the crawl ended before its first batch was due"
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=30)
    finally:
        crawl.kill()
        crawl.wait()
        settle(slow, quiet=2 * DELAY)  # its last requests are answered (and logged) late
    assert 2 <= len(check_archive(db)) < len(slow.site.articles)


def test_paused_crawl_resumes_from_its_jobdir(slow: ServedSite, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    job = ("-s", f"JOBDIR={tmp_path / 'job'}")
    start = len(slow.requested_paths())
    crawl = start_crawl(slow, db, tmp_path / "paused.log", *SLOW, *job)
    try:
        wait_for(lambda: count_rows(db) >= 4, "a few committed batches")
        crawl.send_signal(signal.SIGINT)  # one Ctrl-C: finish what is in flight, then stop
        assert crawl.wait(timeout=60) == 1
    finally:
        crawl.kill()
        crawl.wait()
    assert (tmp_path / "job" / "spider.state").exists()
    paused = check_archive(db)
    assert len(paused) < len(slow.site.articles)

    middle = settle(slow, quiet=2 * DELAY)
    resumed = subprocess.run(crawl_command(slow, db, *RERUN, *job), cwd=REPO, env=crawl_env(),
                             capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming crawl" in resumed.stderr
    assert check_archive(db) == {slow.url(article.path) for article in slow.site.articles}
    assert [reason for reason, _ in run_rows(db)] == ["shutdown", "finished"]
    both = Counter(article_requests(slow, start, middle)) + Counter(article_requests(slow, middle))
    assert set(both) == {article.path for article in slow.site.articles}
    assert max(both.values()) == 1, "an article page fetched twice"
    before = set(slow.requested_paths()[start:middle]) - {"/robots.txt"}
    assert {"/", "/rss/home.rss"} <= before
    assert not before & set(slow.requested_paths()[middle:]), "a page fetched again"


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_crawl_stopped_by_a_storage_error_exits_with_status_1(
    site_server: ServedSite, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    Database.open(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TRIGGER refuse BEFORE INSERT ON articles "
                           "BEGIN SELECT RAISE(ABORT, 'database refused the write'); END")
    crawl = run_crawl(site_server, db, *RERUN)
    assert crawl.process.returncode == 1, crawl.process.stderr[-3000:]
    assert "run 1 storage-error: " in crawl.process.stderr.rstrip().splitlines()[-1]
    assert run_rows(db) == [("storage-error", 0)]
