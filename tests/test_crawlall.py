"""``scrapy crawlall`` and ``scrapy crawl news`` end to end, against fixture sites on
127.0.0.1, into SQLite archives."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import vccorp_site, vnexpress_site
from tests.conftest import ServedSite
from tests.siteserver import start_server, stop_server
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


@dataclass(frozen=True)
class Served:
    """One fixture site on its own server: the spider that crawls it and its article paths."""

    site: str
    base_url: str
    paths: frozenset[str]
    log: Path
    start: int = 0
    """Requests in the log before these tests (the OneCMS server serves other tests too)."""

    def requested(self) -> list[str]:
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        return [line.split(" ")[1] for line in lines[self.start:]]


@pytest.fixture(scope="module")
def three_platforms(site_server: ServedSite, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[list[Served]]:
    """baonghean (OneCMS), tuoitre (VCCorp) and vnexpress, each on its own local server."""
    work = tmp_path_factory.mktemp("platforms")
    tuoitre = vccorp_site.generate(work / "tuoitre", vccorp_site.TUOITRE)
    vnexpress_site.generate(work / "vnexpress")
    truth = json.loads((work / "vnexpress" / "truth.json").read_text(encoding="utf-8"))
    servers = []
    try:
        served = [Served("baonghean", site_server.base_url,
                         frozenset(a.path for a in site_server.site.articles), site_server.log,
                         len(site_server.requested_paths()))]
        for name, root, paths in (("tuoitre", work / "tuoitre", {a.path for a in tuoitre.articles}),
                                  ("vnexpress", work / "vnexpress", {t["path"] for t in truth})):
            process, base_url = start_server(root, work / f"{name}.log")
            servers.append(process)
            served.append(Served(name, base_url, frozenset(paths), work / f"{name}.log"))
        yield served
    finally:
        for process in servers:
            stop_server(process)


def crawlall(db: Path, served: list[Served]) -> subprocess.CompletedProcess[str]:
    sites = ",".join(s.site for s in served)
    base_urls = [arg for s in served for arg in ("-a", f"base_url.{s.site}={s.base_url}")]
    return scrapy(db, "crawlall", "-a", f"sites={sites}", *base_urls)


@pytest.fixture(scope="module")
def crawlall_archive(three_platforms: list[Served], tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("crawlall") / "archive.db"
    done = crawlall(db, three_platforms)
    assert done.returncode == 0, done.stderr[-3000:]
    return db, done


def test_crawlall_archives_each_sites_articles_once(
    three_platforms: list[Served], crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    db, _ = crawlall_archive
    canonical = [row[0] for row in stored_rows(db)]
    assert len(canonical) == len(set(canonical))
    wanted = {s.base_url + path for s in three_platforms for path in s.paths}
    assert set(canonical) == wanted
    records = export_records(db)
    extractors = {record["extractor"] for record in records}
    assert {"onecms", "tuoitre", "vnexpress"} <= extractors, extractors


def test_crawlall_fetches_each_article_once_per_site(
    three_platforms: list[Served], crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    for served in three_platforms:
        fetched = [path for path in served.requested() if path in served.paths]
        assert sorted(fetched) == sorted(served.paths), served.site


def test_crawlall_writes_one_run_and_one_summary_line_per_site(
    crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    db, done = crawlall_archive
    assert sorted(runs(db)) == [("baonghean", "finished"), ("tuoitre", "finished"),
                                ("vnexpress", "finished")]
    lines = done.stdout.strip().splitlines()
    assert sorted(line.split(":", 1)[0] for line in lines) == ["baonghean", "tuoitre",
                                                               "vnexpress"], done.stdout
    assert all(re.match(r"^[a-z]+: run \d+ finished: \d+ pages, ", line) for line in lines)


def test_crawlall_again_is_incremental(
    three_platforms: list[Served], crawlall_archive: tuple[Path, subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    db, _ = crawlall_archive
    copy = tmp_path / "again.db"
    shutil.copy(db, copy)
    before = {s.site: len(s.requested()) for s in three_platforms}
    again = crawlall(copy, three_platforms)
    assert again.returncode == 0, again.stderr[-3000:]
    for served in three_platforms:
        fetched = [p for p in served.requested()[before[served.site]:] if p in served.paths]
        assert len(fetched) < len(served.paths) // 2, served.site
    assert len(stored_rows(copy)) == len(stored_rows(db))


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
