"""One crawl over the hostile fixture site (tests/hostile_site.py), then one test per case.

The crawl must finish; archive every good article exactly once with its true fields,
however broken its page; and report every bad case with a log line naming its URL and
kind, a Scrapy stat, and an entry under its kind in the ``crawl_runs`` record.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.hostile_run import QUICK_FAILURES, CrawlResult, datasette, run_crawl
from tests.hostile_site import (
    BAD_CASES,
    GOOD_NAMES,
    LOOP_BACK_PATH,
    BadCase,
    GoodCase,
    HostileSite,
    generate_hostile,
)
from tests.siteserver import start_server, stop_server

COMPARED_FIELDS = (
    "canonical_url", "article_id", "headline", "sapo", "dateline", "published_at", "byline",
    "authors", "source", "body", "captions", "category", "tags", "language",
)  # fmt: skip
SCRIPT_TEXT = ("fetch(", "document.write", "Đoạn văn do script viết ra", "chữ của CSS",
               "noscript", "onerror")


@dataclass(frozen=True)
class Hostile:
    site: HostileSite
    base_url: str
    crawl: CrawlResult
    exported: list[str]
    """``python -m storage.export`` lines of the archive the crawl left."""

    def url(self, path: str) -> str:
        return self.base_url + path

    def records(self) -> dict[str, dict[str, Any]]:
        return {r["canonical_url"]: r for r in map(json.loads, self.exported)}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    work = tmp_path_factory.mktemp("hostile")
    site = generate_hostile(work / "site")
    log = work / "requests.log"
    process, base_url = start_server(site.root, log)
    try:
        crawl = run_crawl(base_url, log, f"sqlite:///{work / 'archive.db'}", *QUICK_FAILURES)
    finally:
        stop_server(process)
    yield Hostile(site, base_url, crawl, crawl.export())


def test_crawl_finishes_cleanly(hostile: Hostile) -> None:
    crawl = hostile.crawl
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "Traceback" not in crawl.log
    assert " ERROR: " not in crawl.log  # each failure is one WARNING line
    assert crawl.stat("spider_exceptions/count") is None
    [run] = crawl.runs()
    assert run["finish_reason"] == "finished"
    assert run["finished_at"] is not None


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_good_article_archived_once_with_true_fields(hostile: Hostile, name: str) -> None:
    case = _good(hostile, name)
    url = hostile.url(case.path)
    assert [row[0] for row in hostile.crawl.stored()].count(url) == 1
    record = hostile.records()[url]
    truth = case.truth()
    truth["canonical_url"] = hostile.url(truth["canonical_url"])
    wrong = {f: (record[f], truth[f]) for f in COMPARED_FIELDS if record[f] != truth[f]}
    assert not wrong


def test_nothing_else_is_archived(hostile: Hostile) -> None:
    stored = sorted(row[0] for row in hostile.crawl.stored())
    assert stored == sorted(hostile.url(case.path) for case in hostile.site.good)


@pytest.mark.parametrize("case", BAD_CASES, ids=[case.name for case in BAD_CASES])
def test_bad_case_logged_counted_and_in_the_run_record(hostile: Hostile, case: BadCase) -> None:
    crawl, url = hostile.crawl, hostile.url(case.path)
    if case.section == "errors":
        lines = crawl.lines(f"fetch failed ({case.kind}): {url}:")
        assert len(lines) == 1 and "WARNING" in lines[0], lines
    else:
        assert len(crawl.lines(f"dropped {url}: {case.kind}")) == 1
    expected = hostile.site.expected_count(case.stat)
    assert crawl.stat(case.stat) == expected
    [run] = crawl.runs()
    assert run[case.section][case.kind] == expected
    stored = {url for row in crawl.stored() for url in row}
    assert url not in stored


def test_run_record_has_exactly_the_expected_kinds(hostile: Hostile) -> None:
    [run] = hostile.crawl.runs()
    ours = run["errors"]
    expected = {case.kind: hostile.site.expected_count(case.stat) for case in BAD_CASES}
    assert run["dropped"] == {k: v for k, v in expected.items() if _section(k) == "dropped"}
    assert ours == {k: v for k, v in expected.items() if _section(k) == "errors"} | {
        "unparseable-date": 1}


def _section(kind: str) -> str:
    return next(case.section for case in BAD_CASES if case.kind == kind)


def test_unparseable_date_kept_logged_and_counted(hostile: Hostile) -> None:
    case = _good(hostile, "unparseable-date")
    url = hostile.url(case.path)
    record = hostile.records()[url]
    assert (record["dateline"], record["published_at"]) == (case.dateline, None)
    [line] = hostile.crawl.lines("unparseable date", url)
    assert "WARNING" in line
    assert hostile.crawl.stat("archive/errors/unparseable-date") == 1
    assert hostile.crawl.runs()[0]["errors"]["unparseable-date"] == 1


@pytest.mark.parametrize(("name", "first"), [("500-then-ok", 500), ("429-then-ok", 429)])
def test_failing_first_answer_is_retried(hostile: Hostile, name: str, first: int) -> None:
    assert hostile.crawl.requested(_good(hostile, name).path) == [first, 200]
    assert (hostile.crawl.stat("retry_after/count") or 0) >= 1


def test_failures_retried_then_given_up(hostile: Hostile) -> None:
    crawl = hostile.crawl
    for name, status in (("503", 503), ("429", 429), ("connection-reset", 0)):
        answers = crawl.requested(_bad(hostile, name).path)
        assert set(answers) == {status} and len(answers) >= 2, (name, answers)
    [line] = crawl.lines("fetch failed (connection)")
    assert line.endswith("Connection to the other side was lost in a non-clean fashion.")
    assert crawl.requested(_bad(hostile, "403").path) == [403]  # not retried
    assert len(crawl.requested(_bad(hostile, "stalled").path)) == 2


def test_redirects_never_followed_off_the_host_or_round_a_loop(hostile: Hostile) -> None:
    crawl = hostile.crawl
    loop = _bad(hostile, "redirect-loop").path
    assert crawl.requested(loop) == [301]
    assert crawl.requested(LOOP_BACK_PATH) == [302]
    assert crawl.requested(_bad(hostile, "redirect-offsite").path) == [301]


def test_crawl_never_leaves_the_host(hostile: Hostile) -> None:
    requested = {path.split("?")[0] for path, _ in hostile.crawl.requests}
    assert not requested & set(hostile.site.never)
    assert all(url.startswith(hostile.base_url + "/") for row in hostile.crawl.stored()
               for url in row)


def test_duplicate_urls_fetched_but_stored_once(hostile: Hostile) -> None:
    twin = hostile.url(_good(hostile, "two-urls").path)
    for path in hostile.site.duplicate_paths:
        assert hostile.crawl.requested(path) == [200]
    assert [row[0] for row in hostile.crawl.stored()].count(twin) == 1
    assert hostile.crawl.stat("archive/articles/unchanged") == len(hostile.site.duplicate_paths)


def test_page_markup_is_stored_as_plain_text(hostile: Hostile) -> None:
    case = _good(hostile, "scripts-and-markup")
    url = hostile.url(case.path)
    record = hostile.records()[url]
    assert record["headline"] == case.article.headline
    assert '<script>alert("xss")</script>' in record["headline"]
    text = json.dumps(hostile.records(), ensure_ascii=False)
    for script in SCRIPT_TEXT:
        assert script not in text
    for tag in ("<p>", "<p ", "<a ", "<iframe", "<img", "<style", "<noscript"):
        assert tag not in text


def test_export_carries_markup_as_escaped_json_strings(hostile: Hostile) -> None:
    case = _good(hostile, "scripts-and-markup")
    [line] = [line for line in hostile.exported if hostile.url(case.path) in line]
    headline = json.dumps(case.article.headline, ensure_ascii=False)
    assert f'"headline": {headline}' in line
    assert '\\"xss\\"' in line  # the quotes inside the text are escaped
    assert json.loads(line)["headline"] == case.article.headline


def test_web_view_shows_markup_as_text(hostile: Hostile) -> None:
    case = _good(hostile, "scripts-and-markup")
    with sqlite3.connect(hostile.crawl.db) as connection:
        [(row_id,)] = connection.execute("SELECT id FROM articles WHERE canonical_url = ?",
                                         (hostile.url(case.path),))
    with (datasette(hostile.crawl.db) as base_url,
          urllib.request.urlopen(f"{base_url}/archive/articles/{row_id}", timeout=30) as page):
        html = page.read().decode("utf-8")
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def _good(hostile: Hostile, name: str) -> GoodCase:
    return next(case for case in hostile.site.good if case.name == name)


def _bad(hostile: Hostile, name: str) -> BadCase:
    return next(case for case in hostile.site.bad if case.name == name)
