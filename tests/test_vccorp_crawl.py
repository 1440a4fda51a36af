"""End to end on the VCCorp platform: ``scrapy crawl tuoitre`` (and ``cafef``) against a
fixture copy of the paper (:mod:`tests.vccorp_site`) served on 127.0.0.1, into a SQLite
archive. The pages link with the real ``https://tuoitre.vn/...`` URLs; ``-a base_url`` moves
them onto the local server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.siteserver import start_server, stop_server
from tests.test_e2e_crawl import FAST, REPO, export_records
from tests.vccorp_pages import AD_LINK
from tests.vccorp_site import CAFEF, TUOITRE, Site, generate

COMPARED = ("headline", "sapo", "published_at", "byline", "authors", "body", "category", "tags")


@dataclass
class Crawled:
    site: Site
    base_url: str
    db: Path
    requests: list[str]
    """Paths (with query) the server was asked for, in order."""
    stderr: str
    returncode: int

    @cached_property
    def records(self) -> dict[str, dict[str, Any]]:
        """The exported records by path (``python -m storage.export``, run once)."""
        return {urlsplit(r["canonical_url"]).path: r for r in export_records(self.db)}


def crawl(name: str, base_url: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
    command = [sys.executable, "-m", "scrapy", "crawl", name, "-a", f"base_url={base_url}",
               "-s", f"ARCHIVE_DB_URL=sqlite:///{db}", *FAST]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module", params=[TUOITRE, CAFEF], ids=lambda paper: paper.name)
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Crawled]:
    work = tmp_path_factory.mktemp(f"vccorp-{request.param.name}")
    site = generate(work / "site", request.param)
    log = work / "requests.log"
    process, base_url = start_server(site.root, log)
    try:
        done = crawl(site.paper.name, base_url, work / "archive.db")
    finally:
        stop_server(process)
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    yield Crawled(site, base_url, work / "archive.db", [line.split(" ")[1] for line in lines],
                  done.stderr, done.returncode)


def test_crawl_succeeds(crawled: Crawled) -> None:
    assert crawled.returncode == 0, crawled.stderr[-3000:]


def test_every_article_archived_exactly_once(crawled: Crawled) -> None:
    with sqlite3.connect(crawled.db) as connection:
        stored = [row[0] for row in connection.execute("SELECT canonical_url FROM articles")]
    assert len(stored) == len(set(stored)), "an article is stored twice"
    assert set(stored) == {crawled.base_url + a.path for a in crawled.site.articles}


def test_each_article_page_fetched_once(crawled: Crawled) -> None:
    for article in crawled.site.articles:
        assert crawled.requests.count(article.path) == 1, article.path


@pytest.mark.parametrize("field", [*COMPARED, "captions"])
def test_records_equal_the_truth(crawled: Crawled, field: str) -> None:
    records = crawled.records
    wrong = {}
    for article in crawled.site.articles:
        record, truth = records[article.path], article.truth()
        got = record[field]
        if field == "captions":
            got = [caption["caption"] for caption in got]
        if got != truth[field]:
            wrong[article.path] = (got, truth[field])
    assert not wrong, f"{len(wrong)} wrong, e.g. {next(iter(wrong.items()))}"


def test_records_read_with_the_papers_layout(crawled: Crawled) -> None:
    extractors = {record["extractor"] for record in crawled.records.values()}
    assert extractors <= {crawled.site.paper.name, "vccorp"}


def test_no_tag_video_author_search_or_ad_page_fetched(crawled: Crawled) -> None:
    requested = {path.split("?")[0] for path in crawled.requests}
    assert not requested & set(crawled.site.never)
    assert urlsplit(AD_LINK).path not in requested
    assert not any(path.endswith(".html") or path.startswith(("/video", "/tac-gia"))
                   for path in requested)


def test_every_discovery_source_used(crawled: Crawled) -> None:
    """Sections, their "Xem thêm" next pages, robots.txt, the sitemaps and the feed."""
    paper = crawled.site.paper
    requested = set(crawled.requests)
    assert {"/robots.txt", "/sitemap.xml", "/sitemaps/news-2025-03.xml", paper.feed} <= requested
    for zone, slug in ((11, "kinh-doanh"), (2, "the-gioi"), (13, "giao-duc")):
        assert f"/{slug}{paper.ext}" in requested
        assert paper.next_page(zone) in requested
