"""Storage faults during real crawls of the fixture site: a read-only archive, another
writer holding the lock (before and during the crawl), a full disk, a killed process.

Each crawl must stop with one clear line naming the database's complaint, keep every
batch it committed (the file stays intact), and a later crawl must finish the job with
every article archived exactly once. The faults come from ``tests/hostile_storage.py``.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ServedSite
from tests.hostile_run import CrawlResult, run_crawl, stored_rows

BATCH = 5
FAULTS = ("-s", 'EXTENSIONS={"tests.hostile_storage.StorageFaults": 0}',
          "-s", f"ARCHIVE_BATCH_SIZE={BATCH}")
QUICK_LOCK = ("-s", "HOSTILE_SQLITE_BUSY_MS=300")
"""A write waits 0.3 s for another writer's lock (the archive's own wait is 30 s)."""
FULL_AT_PAGES = 45
"""A fresh archive takes 27 pages, a batch of 5 articles about 9: the disk fills in batch 2-3."""


def crawl(served: ServedSite, db: Path, *args: str, url: str | None = None) -> CrawlResult:
    return run_crawl(served.base_url, served.log, url or f"sqlite:///{db}", *args)


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def article_requests(served: ServedSite, result: CrawlResult) -> list[str]:
    articles = {article.path for article in served.site.articles}
    return [path for path, _ in result.requests if path.split("?")[0] in articles]


@pytest.fixture(scope="module")
def seeded(site_server: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the first five articles of an earlier, finished crawl."""
    db = tmp_path_factory.mktemp("seed") / "archive.db"
    result = crawl(site_server, db, "-a", "limit=5")
    assert result.returncode == 0, result.log[-3000:]
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def archive(seeded: Path, tmp_path: Path) -> Path:
    db = tmp_path / "archive.db"
    shutil.copy(seeded, db)
    return db


@pytest.fixture
def other_writer(archive: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding the archive's write lock."""
    connection = sqlite3.connect(archive, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    connection.close()


def assert_refused_at_start(served: ServedSite, result: CrawlResult, complaint: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.log
    [line] = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert complaint in line and ("cannot start" in line or "Cannot open the archive" in line)
    assert article_requests(served, result) == []


def test_read_only_archive_refused_and_kept(site_server: ServedSite, archive: Path) -> None:
    before = stored_rows(archive)
    archive.chmod(0o444)  # as root the file stays writable: SQLite's read-only mode does it
    read_only = f"sqlite:///file:{archive}?mode=ro&uri=true"
    result = crawl(site_server, archive, *FAULTS, url=read_only)
    assert_refused_at_start(site_server, result, "readonly database")
    archive.chmod(0o644)
    assert stored_rows(archive) == before and len(before) == 5
    assert integrity(archive) == "ok"


def test_locked_archive_refused_and_kept(site_server: ServedSite, archive: Path,
                                         other_writer: sqlite3.Connection) -> None:
    assert other_writer.in_transaction
    before = stored_rows(archive)
    result = crawl(site_server, archive, *FAULTS, *QUICK_LOCK)
    assert_refused_at_start(site_server, result, "database is locked")
    assert stored_rows(archive) == before and len(before) == 5
    assert integrity(archive) == "ok"


def assert_stopped_with_committed_batches(result: CrawlResult, complaint: str) -> int:
    """The crawl stopped on a storage error and kept whole batches; returns how many rows."""
    assert result.returncode == 1
    [line] = result.lines("storage error, stopping the crawl")
    assert " ERROR: " in line and complaint in line
    assert "Closing spider (storage-error)" in result.log
    stored = stored_rows(result.db)
    assert stored and len(stored) % BATCH == 0
    assert integrity(result.db) == "ok"
    [run] = result.runs()
    assert (run["finish_reason"], run["articles_new"]) == ("storage-error", len(stored))
    assert run["errors"]["storage"] == 1
    return len(stored)


def test_full_disk_stops_the_crawl_and_keeps_committed_batches(
    site_server: ServedSite, tmp_path: Path
) -> None:
    result = crawl(site_server, tmp_path / "archive.db", *FAULTS,
                   "-s", f"HOSTILE_SQLITE_MAX_PAGES={FULL_AT_PAGES}")
    stored = assert_stopped_with_committed_batches(result, "database or disk is full")
    assert stored < len(site_server.site.articles)


def test_other_writer_mid_crawl_stops_it_and_keeps_committed_batches(
    site_server: ServedSite, tmp_path: Path
) -> None:
    result = crawl(site_server, tmp_path / "archive.db", *FAULTS, *QUICK_LOCK,
                   "-s", "HOSTILE_LOCK_AFTER_BATCHES=1")
    assert assert_stopped_with_committed_batches(result, "database is locked") == BATCH


def test_killed_mid_batch_keeps_committed_batches_and_resumes(
    site_server: ServedSite, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    killed = crawl(site_server, db, *FAULTS, "-s", "HOSTILE_KILL_IN_BATCH=2")
    assert killed.returncode == -9
    assert len(stored_rows(db)) == BATCH
    assert integrity(db) == "ok"
    [run] = killed.runs()
    assert (run["finished_at"], run["articles_new"]) == (None, BATCH)
    again = crawl(site_server, db)
    assert again.returncode == 0, again.log[-3000:]
    assert again.lines("Run 1 was left unfinished")
    canonical = [row[0] for row in stored_rows(db)]
    assert sorted(canonical) == sorted(site_server.url(a.path) for a in site_server.site.articles)
    assert [run["finish_reason"] for run in again.runs()] == ["abandoned", "finished"]
