"""End to end: ``scrapy crawl baonghean`` against the fixture site, into a SQLite archive.

Every crawl runs as a subprocess (Twisted's reactor cannot restart in one process)
from the repository root, against ``tests/siteserver.py`` on 127.0.0.1, with the
politeness settings lifted so the run takes seconds. The full crawl and its
checks run twice: into SQLite and into PostgreSQL (``tests/services.py``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from pipelines.profiles import profile
from pipelines.record import RECORD_FIELDS
from storage.provenance import PROVENANCE_FIELDS
from tests.conftest import ServedSite
from tests.sitegen import Site, generate
from tests.sitepages import NOT_FOUND, TOPIC_PATH, VIDEO_PATH

is_article_url = profile("baonghean").urls.is_article
pytest_plugins = ("tests.services",)  # postgres_server

REPO = Path(__file__).resolve().parent.parent
FAST = (
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "TELNETCONSOLE_ENABLED=0",
    "-s", "LOG_LEVEL=INFO",
)
COMPARED_FIELDS = (
    "canonical_url", "article_id", "headline", "sapo", "dateline", "published_at", "byline",
    "authors", "source", "body", "captions", "category", "tags", "language",
)


Archive = Path | str
"""A SQLite archive file, or the URL of any archive database."""


def archive_url(db: Archive) -> str:
    return f"sqlite:///{db}" if isinstance(db, Path) else db


@dataclass(frozen=True)
class Crawl:
    process: subprocess.CompletedProcess[str]
    db: Archive
    requests: list[str]
    """Paths the server was asked for during this crawl."""
    feed: Path | None = None
    """The ``-O`` output file, if any."""
    _exported: list[list[dict[str, Any]]] = dataclass_field(default_factory=list, repr=False)

    def export(self) -> list[dict[str, Any]]:
        """``python -m storage.export`` of the archive, run once (the crawl is over)."""
        if not self._exported:
            self._exported.append(export_records(self.db))
        return self._exported[0]


def run_crawl(served: ServedSite, db: Archive, *args: str) -> Crawl:
    before = len(served.requested_paths())
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
    command = [sys.executable, "-m", "scrapy", "crawl", "baonghean",
               "-a", f"base_url={served.base_url}", "-s", f"ARCHIVE_DB_URL={archive_url(db)}",
               *FAST, *args]
    process = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=300, check=False)
    return Crawl(process, db, served.requested_paths()[before:])


def export_records(db: Archive, *extra: str) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "storage.export", "--db", archive_url(db), *extra]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def stored_rows(db: Archive) -> list[tuple[str, str]]:
    if isinstance(db, Path):
        with sqlite3.connect(db) as connection:
            return list(connection.execute("SELECT canonical_url, url FROM articles"))
    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT canonical_url, url FROM articles"))
            return [(canonical, url) for canonical, url in rows]
    finally:
        engine.dispose()


def by_canonical(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {record["canonical_url"]: record for record in records}


def expected(served: ServedSite, truth: dict[str, Any], field: str) -> Any:
    value = truth[field]
    return served.url(value) if field in ("url", "canonical_url") else value


def new_archive(request: pytest.FixtureRequest, backend: str, work: Path) -> Archive:
    """A new archive: a SQLite file in *work*, or a PostgreSQL database dropped at the end."""
    if backend == "sqlite":
        return work / "archive.db"
    server = request.getfixturevalue("postgres_server")
    url: str = server.new_database()
    request.addfinalizer(lambda: server.drop_database(url))
    return url


def copy_of(request: pytest.FixtureRequest, db: Archive, work: Path) -> Archive:
    if isinstance(db, Path):
        shutil.copy(db, work / "again.db")
        return work / "again.db"
    server = request.getfixturevalue("postgres_server")
    url: str = server.new_database(template=db)
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def full_crawl(site_server: ServedSite, tmp_path_factory: pytest.TempPathFactory,
               request: pytest.FixtureRequest) -> Crawl:
    work = tmp_path_factory.mktemp("full-crawl")
    db = new_archive(request, request.param, work)
    crawl = run_crawl(site_server, db, "-O", str(work / "out.jsonl"))
    assert crawl.process.returncode == 0, crawl.process.stderr[-3000:]
    return replace(crawl, feed=work / "out.jsonl")


def test_every_article_archived_exactly_once(site_server: ServedSite, full_crawl: Crawl) -> None:
    rows = stored_rows(full_crawl.db)
    canonical = [row[0] for row in rows]
    wanted = {site_server.url(a.path) for a in site_server.site.articles}
    assert len(canonical) == len(set(canonical)), "an article is stored twice"
    assert set(canonical) == wanted


def test_each_article_page_fetched_once(site_server: ServedSite, full_crawl: Crawl) -> None:
    fetched = [path for path in full_crawl.requests if path.endswith(".html")]
    for article in site_server.site.articles:
        assert fetched.count(article.path) == 1, article.path


def test_article_found_twice_is_requested_and_counted_once(site_server: ServedSite,
                                                          full_crawl: Crawl) -> None:
    """Most articles are in a sitemap, a listing and a feed: the spider requests each
    once (the duplicate filter never sees the others) and counts where it found it first."""
    stats = full_crawl.process.stderr.split("Dumping Scrapy stats:", 1)[1]
    discovered = re.findall(r"'baonghean/discovered/[a-z]+': (\d+)", stats)
    articles = {path.split("?")[0] for path in full_crawl.requests
                if is_article_url(site_server.url(path))}
    assert sum(map(int, discovered)) == len(articles) > 30


@pytest.mark.parametrize("field", COMPARED_FIELDS)
def test_records_equal_the_truth(site_server: ServedSite, full_crawl: Crawl, field: str) -> None:
    records = by_canonical(full_crawl.export())
    wrong = {}
    for truth in site_server.site.truth():
        record = records[site_server.url(truth["path"])]
        if record[field] != expected(site_server, truth, field):
            wrong[truth["path"]] = (record[field], expected(site_server, truth, field))
    assert not wrong, f"{len(wrong)} wrong, e.g. {next(iter(wrong.items()))}"


def test_record_site_and_extractor(site_server: ServedSite, full_crawl: Crawl) -> None:
    for record in full_crawl.export():
        assert record["site"] == "127.0.0.1"
        assert record["extractor"] == "onecms"


def test_non_articles_never_fetched_nor_stored(site_server: ServedSite, full_crawl: Crawl
                                               ) -> None:
    assert TOPIC_PATH not in full_crawl.requests
    assert VIDEO_PATH not in full_crawl.requests
    assert not any(p.startswith(("/tim-kiem", "/en", "/short-video")) for p in full_crawl.requests)
    stored = {row[0] for row in stored_rows(full_crawl.db)} | {r[1] for r in
                                                                stored_rows(full_crawl.db)}
    for path in (TOPIC_PATH, VIDEO_PATH, NOT_FOUND, "/", "/thoi-su", "/kinh-te?page=2"):
        assert site_server.url(path) not in stored


def test_redirects_stored_once_under_final_url(site_server: ServedSite, full_crawl: Crawl
                                               ) -> None:
    records = full_crawl.export()
    canonical = [r["canonical_url"] for r in records]
    for redirect in site_server.site.redirects:
        assert redirect.old_path in full_crawl.requests
        assert canonical.count(site_server.url(redirect.target.path)) == 1
        assert site_server.url(redirect.old_path) not in canonical


def test_tracking_parameters_never_stored(full_crawl: Crawl) -> None:
    for canonical, url in stored_rows(full_crawl.db):
        for part in ("utm_", "fbclid", "#"):
            assert part not in canonical and part not in url


def test_export_is_json_lines_in_record_shape(site_server: ServedSite, full_crawl: Crawl) -> None:
    records = full_crawl.export()
    assert len(records) == len(site_server.site.articles)
    for record in records:
        assert tuple(record) == RECORD_FIELDS + PROVENANCE_FIELDS
        assert record["capture_source"] == "live" and record["capture_url"] is None
        assert record["fetched_at"].endswith(("+00:00", "Z"))


def test_feed_output_has_the_record_shape(full_crawl: Crawl) -> None:
    assert full_crawl.feed is not None
    lines = full_crawl.feed.read_text(encoding="utf-8").splitlines()
    fed = [json.loads(line) for line in lines]
    assert all(tuple(record) == RECORD_FIELDS + PROVENANCE_FIELDS for record in fed)
    exported = by_canonical(full_crawl.export())
    assert {r["canonical_url"] for r in fed} == set(exported)
    for record in fed:
        same = exported[record["canonical_url"]]
        assert {k: v for k, v in record.items() if k not in ("url", "ingested_at")} == {
            k: v for k, v in same.items() if k not in ("url", "ingested_at")}


def test_second_crawl_adds_no_duplicate_and_loses_nothing(
    site_server: ServedSite, full_crawl: Crawl, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = copy_of(request, full_crawl.db, tmp_path)
    first = by_canonical(export_records(db))
    again = run_crawl(site_server, db)
    assert again.process.returncode == 0, again.process.stderr[-3000:]
    second = by_canonical(export_records(db))
    assert len(stored_rows(db)) == len(first)
    assert set(second) == set(first)
    for canonical, record in second.items():
        assert record["body"] == first[canonical]["body"]
        assert record["headline"] == first[canonical]["headline"]


def test_url_argument_archives_just_that_article(site_server: ServedSite, tmp_path: Path
                                                 ) -> None:
    article = site_server.site.articles[5]
    crawl = run_crawl(site_server, tmp_path / "one.db",
                      "-a", f"url={site_server.url(article.path)}?utm_source=zalo")
    assert crawl.process.returncode == 0, crawl.process.stderr[-3000:]
    assert [r["canonical_url"] for r in crawl.export()] == [site_server.url(article.path)]
    assert [p for p in crawl.requests if p != "/robots.txt"] == [article.path]


def test_limit_stops_after_that_many_articles(site_server: ServedSite, tmp_path: Path) -> None:
    crawl = run_crawl(site_server, tmp_path / "five.db", "-a", "limit=5")
    assert crawl.process.returncode == 0, crawl.process.stderr[-3000:]
    assert len(stored_rows(crawl.db)) == 5
    assert "'finish_reason': 'limit'" in crawl.process.stderr
    articles = {a.path for a in site_server.site.articles}
    assert len([p for p in crawl.requests if p in articles]) < len(articles)


@pytest.mark.parametrize("argument", [
    "since=2024-13-45", "until=yesterday", "limit=0", "limit=five", "base_url=ftp://x",
    "url=/relative.html", "colour=blue",
])
def test_bad_argument_fails_with_one_line(site_server: ServedSite, tmp_path: Path,
                                          argument: str) -> None:
    crawl = run_crawl(site_server, tmp_path / "bad.db", "-a", argument)
    lines = [line for line in crawl.process.stderr.splitlines() if line.strip()]
    assert crawl.process.returncode != 0
    assert len(lines) == 1, crawl.process.stderr
    assert "Traceback" not in crawl.process.stderr
    assert argument.split("=")[0] in lines[0]
    assert crawl.requests == []
    assert isinstance(crawl.db, Path) and not crawl.db.exists()


def test_fixture_site_is_deterministic(site_server: ServedSite, tmp_path: Path) -> None:
    again = generate(tmp_path / "site", today=site_server.site.today)
    assert again.truth() == site_server.site.truth()
    for name in ("routes.json", "sitemap.xml", "rss/home.rss", "thoi-su/index.html"):
        assert (tmp_path / "site" / name).read_bytes() == (site_server.site.root / name
                                                           ).read_bytes()


def test_since_skips_older_sitemap_and_feed_entries(site_server: ServedSite, tmp_path: Path
                                                    ) -> None:
    dated_only = sorted((a for a in site_server.site.articles
                         if not a.in_listing and not a.in_sub_section), key=lambda a: a.published)
    since = dated_only[len(dated_only) // 2].published.date().isoformat()
    crawl = run_crawl(site_server, tmp_path / "since.db", "-a", f"since={since}")
    assert crawl.process.returncode == 0, crawl.process.stderr[-3000:]
    stored = {row[0] for row in stored_rows(crawl.db)}
    for article in dated_only:
        is_new = article.published.date().isoformat() >= since
        assert (site_server.url(article.path) in stored) is is_new, article.path
    assert {a.published.date().isoformat() >= since for a in dated_only} == {True, False}
    for article in site_server.site.articles:
        if article.in_listing or article.in_sub_section:  # listings carry no dates
            assert site_server.url(article.path) in stored


def test_fixture_site_has_single_source_articles(fixture_site: Site) -> None:
    """Some articles are linked only from sitemaps, some only from feeds, some only listings."""
    routes = json.loads((fixture_site.root / "routes.json").read_text(encoding="utf-8"))
    kinds = {"sitemap": (".xml",), "rss": (".rss",), "listing": (".html",)}
    article_files = {f"articles/{a.id}.html" for a in fixture_site.articles}
    texts = {
        route["file"]: (fixture_site.root / route["file"]).read_text(encoding="utf-8")
        for route in routes.values()
        if "file" in route and route["file"] not in article_files | {"topic.html"}
    }
    sources = {
        article.path: {kind for kind, ends in kinds.items() for name, text in texts.items()
                       if name.endswith(ends) and f"{article.path}<" in text.replace('"', "<")
                       .replace("?", "<")}
        for article in fixture_site.articles
    }
    for kind in kinds:
        assert sum(found == {kind} for found in sources.values()) >= 4, kind
    assert all(sources.values()), "every article is reachable"
