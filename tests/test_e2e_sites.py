"""End to end: ``scrapy crawl vnexpress`` and ``scrapy crawl znews`` against fixture sites in
each paper's structure (``tests/vnexpress_site.py``, ``tests/znews_site.py``).

The pages keep the papers' absolute links (``https://vnexpress.net/...``): the server does
not rewrite them, so every article is reached through ``-a base_url``, which moves links to
the profile's hosts onto the local origin. Each crawl must archive every fixture article
exactly once with the fields its page shows, and fetch no tag, topic, video or ad page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import vnexpress_site, znews_site
from tests.newssite import Story
from tests.siteserver import start_server, stop_server
from tests.test_e2e_crawl import FAST, REPO, export_records

COMPARED = ("headline", "sapo", "byline", "authors", "body", "category", "tags")


@dataclass(frozen=True)
class SiteCrawl:
    name: str
    base_url: str
    truth: list[dict[str, Any]]
    records: list[dict[str, Any]]
    requests: list[str]
    never: tuple[str, ...]
    process: subprocess.CompletedProcess[str]


Generator = Callable[[Path], list[Story]]
SITES: dict[str, tuple[Generator, tuple[str, ...]]] = {
    "vnexpress": (vnexpress_site.generate, vnexpress_site.NEVER_FETCHED),
    "znews": (znews_site.generate, znews_site.NEVER_FETCHED),
}


def crawl_site(name: str, root: Path) -> Iterator[SiteCrawl]:
    generate, never = SITES[name]
    generate(root / "site")
    log = root / "requests.log"
    server, base_url = start_server(root / "site", log)
    try:
        db = root / "archive.db"
        env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
        command = [sys.executable, "-m", "scrapy", "crawl", name, "-a", f"base_url={base_url}",
                   "-s", f"ARCHIVE_DB_URL=sqlite:///{db}", *FAST]
        process = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                                 timeout=300, check=False)
        requests = [line.split(" ")[1] for line in log.read_text(encoding="utf-8").splitlines()]
        truth = json.loads((root / "site" / "truth.json").read_text(encoding="utf-8"))
        records = export_records(db) if db.exists() else []
        yield SiteCrawl(name, base_url, truth, records, requests, never, process)
    finally:
        stop_server(server)


@pytest.fixture(scope="module", params=sorted(SITES))
def crawled(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteCrawl]:
    yield from crawl_site(request.param, tmp_path_factory.mktemp(request.param))


def test_the_crawl_succeeds(crawled: SiteCrawl) -> None:
    assert crawled.process.returncode == 0, crawled.process.stderr[-3000:]


def test_every_article_is_archived_once(crawled: SiteCrawl) -> None:
    ids = Counter(record["article_id"] for record in crawled.records)
    assert ids == Counter(truth["article_id"] for truth in crawled.truth)


def test_each_article_page_is_fetched_once(crawled: SiteCrawl) -> None:
    wanted = {truth["path"] for truth in crawled.truth}
    fetched = Counter(path for path in crawled.requests if path in wanted)
    assert fetched == Counter(wanted)


def test_records_have_the_fields_their_pages_show(crawled: SiteCrawl) -> None:
    records = {record["article_id"]: record for record in crawled.records}
    for truth in crawled.truth:
        record = records[truth["article_id"]]
        got = {name: record[name] for name in COMPARED}
        assert got == {name: truth[name] for name in COMPARED}, truth["path"]
        assert record["published_at"][:16] == truth["published_at"][:16]
        assert [c["caption"] for c in record["captions"]] == truth["captions"]
        assert record["url"] == crawled.base_url + truth["path"]


def test_no_tag_topic_video_or_ad_page_is_fetched(crawled: SiteCrawl) -> None:
    assert not set(crawled.never) & set(crawled.requests)
    assert not [path for path in crawled.requests if "/tag" in path or "click" in path]


def test_absolute_links_are_followed_on_the_local_origin(crawled: SiteCrawl) -> None:
    """The pages link ``https://<paper>/...`` only; the articles were fetched locally."""
    assert all(record["url"].startswith(crawled.base_url) for record in crawled.records)
    assert len(crawled.records) == len(crawled.truth)
