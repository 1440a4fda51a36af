"""Scheduled crawls fetch only what is new or changed (``crawler/incremental.py``).

End to end: one archive crawled again and again while the fixture site changes
(``tests/siteupdate.py``); "fetched" means the page was requested from the server.
The rules themselves are checked in-process against a real SQLite archive.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from sqlalchemy import event

from crawler.commands.crawl import exit_status
from crawler.incremental import ArchiveIndex, CrawlPlan, next_page_only, refetch_reason
from crawler.options import VN_TZ, CrawlOptions
from crawler.spiders.baonghean import BaongheanSpider
from storage.archive import KnownArticle, upsert_article
from storage.db import Database
from storage.runs import RunFigures, finish_run, start_run
from tests.conftest import ServedSite
from tests.sitecorpus import SECTIONS
from tests.siteserver import start_server, stop_server
from tests.siteupdate import EDIT_NOTE, Update, prepare, publish
from tests.test_e2e_crawl import Crawl, export_records, run_crawl
from tests.test_spider import html, xml
from tests.test_storage import make_page, make_record

EDITED = 4
"""Index of the article the site edits (linked from sitemaps and listings)."""
BASE = "https://baonghean.vn"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=48)


# -- end to end: an archive crawled while the site changes ----------------------------------------

@dataclass
class History:
    served: ServedSite
    db: Path
    crawls: dict[str, Crawl]
    new_paths: set[str]
    edited_path: str

    def articles_fetched(self, crawl: str) -> Counter[str]:
        """Article pages (any ``.html`` path) the server was asked for during *crawl*."""
        return Counter(p for p in self.crawls[crawl].requests if p.split("?")[0].endswith(".html"))

    def listings(self, crawl: str) -> list[str]:
        return [p for p in self.crawls[crawl].requests
                if not p.split("?")[0].endswith((".html", ".xml", ".rss", ".txt"))]

    def run(self, number: int) -> dict[str, Any]:
        with sqlite3.connect(self.db) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM crawl_runs WHERE id = ?", (number,)).fetchone()
        return dict(row)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """Crawls "first" and "again" of the base site, then, after the site published four
    articles and edited one: "update", "later" (default window), "no-window"
    (``ARCHIVE_REFRESH_HOURS=0``) and "backfill" (``-a backfill=1``)."""
    root = tmp_path_factory.mktemp("changing-site")
    today = date.today()
    site = prepare(root, today, Update(now=datetime.now(UTC), edited=(EDITED,)))
    process, base_url = start_server(root, root / "requests.log")
    served = ServedSite(site=site, base_url=base_url, log=root / "requests.log")
    db = root / "archive.db"
    try:
        crawls = {"first": run_crawl(served, db), "again": run_crawl(served, db)}
        updated = publish(root, today, Update(now=datetime.now(UTC), edited=(EDITED,)))
        served = ServedSite(site=updated, base_url=base_url, log=served.log)
        crawls["update"] = run_crawl(served, db)
        crawls["later"] = run_crawl(served, db)
        crawls["no-window"] = run_crawl(served, db, "-s", "ARCHIVE_REFRESH_HOURS=0")
        crawls["backfill"] = run_crawl(served, db, "-a", "backfill=1")
        new = {a.path for a in updated.articles[len(site.articles):]}
        yield History(served, db, crawls, new, updated.articles[EDITED].path)
    finally:
        stop_server(process)


@pytest.mark.parametrize("crawl", ["first", "again", "update", "later", "no-window", "backfill"])
def test_every_crawl_succeeds_and_ends_its_log_with_the_summary(history: History,
                                                                crawl: str) -> None:
    done = history.crawls[crawl].process
    assert done.returncode == 0, done.stderr[-3000:]
    number = list(history.crawls).index(crawl) + 1
    run = history.run(number)
    last = done.stderr.rstrip().splitlines()[-1]
    assert "[pipelines.storage_pipeline] INFO: " in last
    assert (
        f"run {number} finished: {run['pages_fetched']} pages, {run['articles_new']} new, "
        f"{run['articles_updated']} updated, {run['articles_unchanged']} unchanged, "
        f"{run['skipped_known']} known skipped, dropped: "
    ) in last


def test_second_crawl_of_an_unchanged_site_fetches_no_article_page(history: History) -> None:
    assert len(history.articles_fetched("first")) > len(history.served.site.articles) - 4
    assert not history.articles_fetched("again")
    run = history.run(2)
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 0, 0)
    assert run["skipped_known"] > 0
    assert "'archive/skipped/known': " in history.crawls["again"].process.stderr


def test_second_crawl_reads_only_a_constant_set_of_pages(history: History) -> None:
    first, again = history.crawls["first"].requests, history.crawls["again"].requests
    monthly = [p for p in first if p.startswith("/sitemaps/sitemap-20")]
    assert monthly and not [p for p in again if p.startswith("/sitemaps/sitemap-20")]
    assert any("page=" in p for p in first)
    assert not any("page=" in p for p in again), "followed next pages of archived listings"
    assert len(again) < len(first) - len(history.served.site.articles)


def test_published_and_edited_articles_are_fetched_exactly_once(history: History) -> None:
    fetched = history.articles_fetched("update")
    assert set(fetched) == history.new_paths | {history.edited_path}
    assert set(fetched.values()) == {1}
    run = history.run(3)
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (4, 1, 0)
    grown = len(history.listings("update")) - len(history.listings("again"))
    assert grown <= len(SECTIONS)


def test_new_articles_archived_and_the_edit_kept_as_a_revision(history: History) -> None:
    url = history.served.url
    latest = {r["canonical_url"]: r for r in export_records(history.db)}
    assert len(latest) == len(history.served.site.articles)
    truth = {url(t["path"]): t for t in history.served.site.truth()}
    for path in history.new_paths | {history.edited_path}:
        assert latest[url(path)]["body"] == truth[url(path)]["body"]
    versions = [r for r in export_records(history.db, "--revisions")
                if r["canonical_url"] == url(history.edited_path)]
    assert [r["version"] for r in versions] == [1, 2]
    assert EDIT_NOTE not in versions[0]["body"] and EDIT_NOTE in versions[1]["body"]
    assert versions[0]["fetched_at"] < versions[1]["fetched_at"]
    others = Counter(r["canonical_url"] for r in export_records(history.db, "--revisions"))
    assert sum(others.values()) == len(latest) + 1


def test_young_articles_are_fetched_again_within_the_refresh_window(history: History) -> None:
    fetched = history.articles_fetched("later")
    assert set(fetched) == history.new_paths  # published in the last hours; the rest is older
    assert history.run(4)["articles_unchanged"] == len(history.new_paths)
    assert not history.articles_fetched("no-window")


def test_backfill_reads_every_listing_page_and_sitemap(history: History) -> None:
    requests = history.crawls["backfill"].requests
    assert "Crawl depth: deep (backfill requested)" in history.crawls["backfill"].process.stderr
    monthly = {p for p in history.crawls["first"].requests if p.startswith("/sitemaps/sitemap-20")}
    assert monthly <= set(requests)
    for section in SECTIONS:
        assert f"/{section.slug}?page=2" in requests
    assert history.run(6)["articles_new"] == history.run(6)["articles_updated"] == 0


# -- the rules, in-process ------------------------------------------------------------------------

def known(fetched: datetime, published: datetime | None = None,
          published_date: date | None = None) -> KnownArticle:
    return KnownArticle(canonical_url=f"{BASE}/a-10000001.html", url=f"{BASE}/a-10000001.html",
                        fetched_at=fetched, last_seen=fetched, published_utc=published,
                        published_date=published_date, version=1, content_hash="0" * 64)


def test_refetch_reasons() -> None:
    old = NOW - timedelta(days=30)
    assert refetch_reason(known(old, old), None, NOW, WINDOW) is None
    assert refetch_reason(known(old, old), old + timedelta(minutes=1), NOW, WINDOW) == "changed"
    assert refetch_reason(known(old, old), old - timedelta(days=1), NOW, WINDOW) is None
    recent = NOW - timedelta(hours=47)
    assert refetch_reason(known(recent, recent), None, NOW, WINDOW) == "young"
    assert refetch_reason(known(recent, recent), None, NOW, timedelta(0)) is None
    yesterday = (NOW - timedelta(days=1)).date()
    assert refetch_reason(known(NOW, None, yesterday), None, NOW, WINDOW) == "young"
    assert refetch_reason(known(NOW, None, yesterday - timedelta(days=3)), None, NOW,
                          WINDOW) is None
    assert refetch_reason(known(old), None, NOW, WINDOW) is None  # undated


def test_only_the_next_page_of_a_numbered_pager() -> None:
    pager = [f"{BASE}/thoi-su?page={n}" for n in range(1, 6)]
    assert next_page_only(pager, f"{BASE}/thoi-su") == [f"{BASE}/thoi-su?page=2"]
    assert next_page_only(pager, f"{BASE}/thoi-su?page=3") == [f"{BASE}/thoi-su?page=4"]
    assert next_page_only([f"{BASE}/thoi-su/trang-2.html"], f"{BASE}/thoi-su") == [
        f"{BASE}/thoi-su/trang-2.html"]
    odd = [f"{BASE}/thoi-su?older=1"]
    assert next_page_only(odd, f"{BASE}/thoi-su") == odd


OLD_URL = "https://baonghean.vn/nghe-an-don-mua-lon-10264871.html"
YOUNG_URL = "https://baonghean.vn/nghe-an-don-mua-lon-10264872.html"
NEW_URL = "https://baonghean.vn/tin-moi-10264879.html"


@pytest.fixture
def archive(tmp_path: Path) -> str:
    """An archive holding one article published long ago and one published an hour ago."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    with Database.open(url) as db, db.session() as session, session.begin():
        for n, published in ((1, "2024-05-01T08:00:00+07:00"), (2, hour_ago.isoformat())):
            record = make_record(n, published_at=published, fetched_at=hour_ago.isoformat())
            upsert_article(session, record, make_page(record))
    return url


def make_spider(url: str, **args: str) -> BaongheanSpider:
    crawler = get_crawler(BaongheanSpider, {"ARCHIVE_INCREMENTAL": True, "ARCHIVE_DB_URL": url})
    crawler.stats = MemoryStatsCollector(crawler)
    spider = BaongheanSpider.from_crawler(crawler, **args)
    crawler.spider = spider
    return spider


@pytest.fixture
def spider(archive: str) -> Iterator[BaongheanSpider]:
    made = make_spider(archive)
    assert isinstance(made.index, ArchiveIndex)
    yield made
    made.index.close()


def stat(spider: BaongheanSpider, name: str) -> Any:
    return spider.crawler.stats.get_value(name)


def test_known_articles_skipped_unless_changed_or_young(spider: BaongheanSpider) -> None:
    assert isinstance(spider.index, ArchiveIndex)
    changed_at = datetime.now(UTC)
    selection = spider.index.select([(OLD_URL, None), (YOUNG_URL, None), (NEW_URL, None)])
    assert selection.fetch == [(YOUNG_URL, None), (NEW_URL, None)]
    assert selection.new == [NEW_URL]
    again = spider.index.select([(OLD_URL, changed_at)])
    assert again.fetch == [(OLD_URL, changed_at)] and again.new == []
    spider.index.select([(OLD_URL, None)])
    assert stat(spider, "archive/skipped/known") == 1  # each URL counted once
    assert stat(spider, "archive/refetch/young") == 1
    assert stat(spider, "archive/refetch/changed") == 1


def test_one_query_per_discovered_page(spider: BaongheanSpider) -> None:
    assert isinstance(spider.index, ArchiveIndex)
    statements: list[str] = []
    event.listen(spider.index.db.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    candidates = [(f"{BASE}/tin-{n}-{10300000 + n}.html", None) for n in range(300)]
    spider.index.select([*candidates, (OLD_URL, None)])
    assert len([s for s in statements if "FROM articles" in s]) == 1


SECTION_PAGE = """<html><body>
<h3 class="b-grid__title"><a href="{first}">A</a></h3>
<h3 class="b-grid__title"><a href="{second}">B</a></h3>
<ul class="pagination"><li><a href="/thoi-su?page=1">1</a></li>
<li><a href="/thoi-su?page=2">2</a></li><li><a href="/thoi-su?page=3">3</a></li></ul>
<ul class="c-submenu"><li><a href="/thoi-su/chinh-tri">Chính trị</a></li></ul></body></html>"""


def listing_requests(spider: BaongheanSpider, url: str, first: str, second: str) -> list[str]:
    page = html(url, SECTION_PAGE.format(first=first, second=second))
    return [r.url for r in spider.parse_listing(page) if r.callback == spider.parse_listing]


def test_pagination_stops_at_a_page_of_archived_articles(spider: BaongheanSpider) -> None:
    spider.plan = CrawlPlan(deep=False, why="test")
    section = f"{BASE}/thoi-su"
    assert listing_requests(spider, section, OLD_URL, NEW_URL) == [
        f"{section}?page=2", f"{section}/chinh-tri"]
    # the same new article again (a "latest news" box): not a reason to go further
    assert listing_requests(spider, f"{section}?page=2", OLD_URL, NEW_URL) == [
        f"{section}/chinh-tri"]
    spider.plan = CrawlPlan(deep=True, why="test")
    assert f"{section}?page=3" in listing_requests(spider, section, OLD_URL, OLD_URL)


def test_article_found_in_a_sitemap_then_a_listing_is_requested_once_and_still_paginates(
    spider: BaongheanSpider,
) -> None:
    """The listing's copy is not requested again, but the article is still one the archive
    lacks: the next listing page may hold more of them."""
    spider.plan = CrawlPlan(deep=False, why="test")
    assert [r.url for r in spider._article_requests([(NEW_URL, None)], "sitemap")] == [NEW_URL]
    section = f"{BASE}/thoi-su"
    page = html(section, SECTION_PAGE.format(first=OLD_URL, second=NEW_URL))
    requests = list(spider.parse_listing(page))
    assert [r.url for r in requests if r.callback == spider.parse_article] == []
    assert f"{section}?page=2" in [r.url for r in requests]
    assert stat(spider, "baonghean/discovered/sitemap") == 1
    assert stat(spider, "baonghean/discovered/listing") is None


SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://baonghean.vn/sitemap-2024-05.xml</loc><lastmod>2024-05-31</lastmod></sitemap>
<sitemap><loc>https://baonghean.vn/sitemap-now.xml</loc><lastmod>{now}</lastmod></sitemap>
<sitemap><loc>https://baonghean.vn/sitemap-undated.xml</loc></sitemap>
</sitemapindex>"""


def test_sitemaps_unchanged_since_the_last_complete_crawl_are_skipped(
    spider: BaongheanSpider
) -> None:
    spider.plan = CrawlPlan(deep=False, why="test", sitemap_cutoff=datetime(2025, 1, 1, tzinfo=UTC))
    body = SITEMAP_INDEX.format(now=datetime.now(UTC).isoformat())
    requests = list(spider.parse_sitemap(xml(f"{BASE}/sitemap.xml", body)))
    assert [r.url for r in requests] == [f"{BASE}/sitemap-now.xml", f"{BASE}/sitemap-undated.xml"]
    assert stat(spider, "archive/skipped/sitemap") == 1


def close_run(db: Database, reason: str, started: datetime, **args: str) -> None:
    with db.session() as session, session.begin():
        run = start_run(session, "baonghean", {"base_url": BASE, **args}, started)
        finish_run(session, run, RunFigures(finish_reason=reason), started + timedelta(hours=1))


def plan(url: str, **args: str) -> CrawlPlan:
    spider = make_spider(url, **args)
    assert isinstance(spider.index, ArchiveIndex)
    try:
        return spider.index.plan("baonghean", spider.options)
    finally:
        spider.index.close()


def test_crawl_plan(archive: str) -> None:
    assert plan(archive).deep  # no earlier crawl of the whole site
    started = datetime(2025, 6, 1, tzinfo=UTC)
    with Database.open(archive) as db:
        close_run(db, "finished", started)
        shallow = plan(archive)
        assert not shallow.deep and shallow.sitemap_cutoff == started - WINDOW
        close_run(db, "finished", started + timedelta(hours=2), url=OLD_URL)  # partial: ignored
        close_run(db, "finished", started + timedelta(hours=3), base_url="http://other.example")
        assert plan(archive) == shallow
        assert plan(archive, backfill="1").deep
        newest = (datetime.now(UTC) - timedelta(hours=1)).astimezone(VN_TZ).date()
        assert plan(archive, since=(newest - timedelta(days=1)).isoformat()).deep
        assert not plan(archive, since=newest.isoformat()).deep
        close_run(db, "abandoned", started + timedelta(hours=4))
        assert "abandoned" in plan(archive).why and plan(archive).deep


def test_incremental_crawling_off_fetches_everything(archive: str) -> None:
    crawler = get_crawler(BaongheanSpider, {"ARCHIVE_DB_URL": archive})
    spider = BaongheanSpider.from_crawler(crawler)
    assert spider.index.select([(OLD_URL, None)]).fetch == [(OLD_URL, None)]
    assert spider.plan.deep


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False),
                                                 ("", False)])
def test_backfill_argument(value: str, expected: bool) -> None:
    assert CrawlOptions.parse({"backfill": value}, BASE).backfill is expected


def test_bad_backfill_argument() -> None:
    with pytest.raises(ValueError, match="backfill: expected 1 or 0"):
        CrawlOptions.parse({"backfill": "maybe"}, BASE)


@pytest.mark.parametrize(("reason", "status"), [
    ("finished", 0), ("limit", 0), ("closespider_timeout", 0), ("storage-error", 1),
    ("shutdown", 1), ("closespider_errorcount", 1), (None, 1),
])
def test_exit_status(reason: str | None, status: int) -> None:
    assert exit_status(reason) == status
    assert exit_status(reason, bootstrap_failed=True) == 1
