"""``scrapy crawlall`` and ``scrapy crawl news`` end to end, against fixture sites on
127.0.0.1, into SQLite archives."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ServedSite
from tests.test_e2e_crawl import FAST, REPO, export_records, stored_rows


def scrapy(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
    command = [sys.executable, "-m", "scrapy", *args, "-s", f"ARCHIVE_DB_URL=sqlite:///{db}",
               *FAST]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def runs(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute("SELECT spider, finish_reason FROM crawl_runs"))


@pytest.fixture(scope="module")
def crawlall_archive(site_server: ServedSite, tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("crawlall") / "archive.db"
    done = scrapy(db, "crawlall", "-a", "sites=baonghean",
                  "-a", f"base_url.baonghean={site_server.base_url}")
    assert done.returncode == 0, done.stderr[-3000:]
    return db, done


def test_crawlall_archives_each_sites_articles_once(
    site_server: ServedSite, crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    db, _ = crawlall_archive
    canonical = [row[0] for row in stored_rows(db)]
    assert len(canonical) == len(set(canonical))
    assert set(canonical) == {site_server.url(a.path) for a in site_server.site.articles}


def test_crawlall_writes_one_run_and_one_summary_line_per_site(
    crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    db, done = crawlall_archive
    assert runs(db) == [("baonghean", "finished")]
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("baonghean: run 1 finished: "), done.stdout


def test_crawlall_again_is_incremental(
    site_server: ServedSite, crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    db, _ = crawlall_archive
    before = len(site_server.requested_paths())
    again = scrapy(db, "crawlall", "-a", "sites=baonghean",
                   "-a", f"base_url.baonghean={site_server.base_url}")
    assert again.returncode == 0, again.stderr[-3000:]
    fetched = [p for p in site_server.requested_paths()[before:] if p.endswith(".html")]
    assert len(fetched) < len(site_server.site.articles) // 2
    assert "run 2 finished" in again.stdout


def test_the_news_spider_archives_a_site_it_has_no_profile_for(
    site_server: ServedSite, tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    done = scrapy(db, "crawl", "news", "-a", f"base_url={site_server.base_url}")
    assert done.returncode == 0, done.stderr[-3000:]
    canonical = {row[0] for row in stored_rows(db)}
    assert canonical == {site_server.url(a.path) for a in site_server.site.articles}
    records = export_records(db)
    assert {r["extractor"] for r in records} <= {"onecms", "metadata", "generic"}
    assert runs(db) == [("news", "finished")]
