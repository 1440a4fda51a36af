"""Soak: crawls of a 400-article copy of the site while it changes under them.

The first crawl runs while the site publishes new articles and edits some (the pages
are rewritten on disk mid-crawl, half of the edited ones also turned hostile: their
body inside 300 levels of tables, or a canonical link, ``og:url``, image and meta
refresh that Python cannot parse); a second, incremental crawl follows, then a third
after more edits. Every article must end up archived exactly once, each edited one in
its latest version, with the versions it was seen in kept as revisions, and no crawl
may log an error or a traceback. Bounded: the three crawls take about a minute.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import hostile_pages as hp
from tests.conftest import ServedSite
from tests.crawling import count_rows, crawl_command, crawl_env, wait_for
from tests.sitegen import Article, Site, plan, write_site
from tests.siteserver import start_server, stop_server
from tests.siteupdate import EDIT_NOTE, PUBLISH_WITHIN, Update, apply_update
from tests.test_e2e_crawl import REPO, export_records, stored_rows

ARTICLES = 400
FIRST_EDITS = tuple(range(3, ARTICLES, 25))
LATER_EDITS = tuple(range(11, ARTICLES, 40))
CRAWL_SECONDS = 240
SETTLE = timedelta(seconds=5)


def site_as_of(today: date, *updates: Update) -> Site:
    site = plan(today, ARTICLES)
    for update in updates:
        apply_update(site.articles, update)
    return site


@dataclass(frozen=True)
class Soak:
    site: Site
    """The site as it was last published."""
    edited: set[str]
    """Paths of the articles edited during the soak."""
    logs: list[subprocess.CompletedProcess[str]]
    db: Path

    def versions(self) -> dict[str, list[dict[str, Any]]]:
        versions: dict[str, list[dict[str, Any]]] = {}
        for record in export_records(self.db, "--revisions"):
            versions.setdefault(record["canonical_url"], []).append(record)
        return versions


def run_in_background(served: ServedSite, db: Path, log: Path) -> subprocess.Popen[str]:
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(crawl_command(served, db), cwd=REPO, env=crawl_env(),
                                stdout=subprocess.DEVNULL, stderr=out, text=True)


def finished(process: subprocess.Popen[str], log: Path) -> subprocess.CompletedProcess[str]:
    process.wait(timeout=CRAWL_SECONDS)
    return subprocess.CompletedProcess(process.args, process.returncode, "",
                                       log.read_text(encoding="utf-8"))


def turn_hostile(root: Path, articles: list[Article]) -> None:
    """Every other edited page's body deep in tables; the others' URLs unparseable."""
    for n, article in enumerate(articles):
        page = root / "articles" / f"{article.id}.html"
        damage = hp.deep_tables if n % 2 else hp.malformed_urls
        page.write_text(damage(page.read_text(encoding="utf-8")), encoding="utf-8")


def changed_now() -> datetime:
    """The time an update claims: a little ahead, so that a page still fetched in its old
    version while the files are being rewritten was fetched before its new ``lastmod``."""
    return datetime.now(UTC) + SETTLE


@pytest.fixture(scope="module")
def soak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Soak]:
    root = tmp_path_factory.mktemp("soak")
    today = date.today()
    first = Update(now=changed_now(), new=6, edited=FIRST_EDITS)
    later = Update(now=first.now, new=4, edited=LATER_EDITS)
    for shift in (timedelta(0), PUBLISH_WITHIN):  # every route the server will need
        write_site(site_as_of(today, replace(first, now=first.now + shift),
                              replace(later, now=later.now + shift)), root)
    base = write_site(site_as_of(today), root)
    process, base_url = start_server(root, root / "requests.log")
    served = ServedSite(site=base, base_url=base_url, log=root / "requests.log")
    db = root / "archive.db"
    try:
        crawl = run_in_background(served, db, root / "crawl-1.log")
        wait_for(lambda: count_rows(db) >= ARTICLES // 4, "a quarter of the site archived",
                 timeout=CRAWL_SECONDS)
        first = replace(first, now=changed_now())
        changed = write_site(site_as_of(today, first), root)  # the site changes mid-crawl
        turn_hostile(root, [changed.articles[i] for i in FIRST_EDITS])
        logs = [finished(crawl, root / "crawl-1.log")]
        logs.append(finished(run_in_background(served, db, root / "crawl-2.log"),
                             root / "crawl-2.log"))
        time.sleep(SETTLE.total_seconds())  # crawl 2 fetched before the next edits' time
        latest = write_site(site_as_of(today, first, replace(later, now=changed_now())), root)
        turn_hostile(root, [latest.articles[i] for i in FIRST_EDITS])  # and they stay so
        logs.append(finished(run_in_background(served, db, root / "crawl-3.log"),
                             root / "crawl-3.log"))
        edited = {latest.articles[i].path for i in FIRST_EDITS + LATER_EDITS}
        yield Soak(latest, edited, logs, db)
    finally:
        stop_server(process)


def test_every_crawl_finishes_without_errors(soak: Soak) -> None:
    for number, done in enumerate(soak.logs, 1):
        assert done.returncode == 0, (number, done.stderr[-3000:])
        assert "Traceback" not in done.stderr and " ERROR: " not in done.stderr, number
        summary = done.stderr.splitlines()[-1]
        assert f"run {number} finished: " in summary and "dropped: none" in summary, summary


def linked_paths(root: Path) -> set[str]:
    """Article paths the site links from its home page, listings, sitemaps and feeds (the
    generator makes a few stories reachable from a feed only, which keeps just its newest
    items: in a site this large those are linked from nowhere)."""
    text = " ".join(path.read_text(encoding="utf-8") for path in root.rglob("*")
                    if path.is_file() and path.suffix in (".html", ".xml", ".rss")
                    and path.parent.name != "articles")
    return set(re.findall(r"https://baonghean\.vn(/[a-z0-9-]+-\d{5,}\.html)", text))


def test_every_article_archived_exactly_once(soak: Soak) -> None:
    rows = stored_rows(soak.db)
    assert max(Counter(row[0] for row in rows).values()) == 1
    assert max(Counter(row[1] for row in rows).values()) == 1
    stored = {"/" + row[0].split("/", 3)[3] for row in rows}
    truth = {article.path for article in soak.site.articles}
    linked = linked_paths(soak.site.root) & truth
    assert len(linked) > ARTICLES * 0.95 and len(truth) == ARTICLES + 10
    assert linked <= stored <= truth


def test_edited_articles_are_current_and_keep_their_earlier_versions(soak: Soak) -> None:
    versions = soak.versions()
    revised = 0
    for url, history in versions.items():
        path = "/" + url.split("/", 3)[3]
        bodies = [version["body"] for version in history]
        assert len(set(bodies)) == len(bodies), url  # a version is stored only when it changed
        assert [v["version"] for v in history] == list(range(1, len(history) + 1))
        if path not in soak.edited:
            assert len(history) == 1, url
            continue
        assert EDIT_NOTE in bodies[-1], url
        revised += len(history) > 1
    assert revised >= len(LATER_EDITS)  # at least the edits made between crawls
