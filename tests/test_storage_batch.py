"""store_articles: the same rows and outcomes as store_article called on each version."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage.archive import ArticleVersion, Outcome, prepare_article, store_article
from storage.batch import ArticleIndex, store_articles
from storage.db import Database
from storage.models import Article
from tests.test_storage import later, make_page, make_record

Store = Callable[[Any, Sequence[ArticleVersion]], list[Outcome]]
TABLES = ("articles", "article_revisions", "pages", "article_authors", "article_tags",
          "article_captions")
UNSTABLE = {"id", "superseded_at"}
"""Row ids depend on the order of inserts; superseded_at is the clock."""


def one_by_one(session: Any, versions: Sequence[ArticleVersion]) -> list[Outcome]:
    return [store_article(session, version) for version in versions]


def version(n: int, hours: int = 0, **changes: Any) -> ArticleVersion:
    record = make_record(n, **changes)
    record["fetched_at"] = later(record, hours)
    return prepare_article(record, make_page(record))


def moved(n: int, url: str, hours: int, **changes: Any) -> ArticleVersion:
    """Article ``n`` fetched under another URL (a redirect or an old link)."""
    return version(n, hours, url=url, **changes)


BATCHES: list[list[ArticleVersion]] = [
    [version(1), version(2), version(3)],
    [
        version(1, 1),  # unchanged
        version(4),  # new
        version(4, 2, body="Nội dung đã sửa."),  # new, then changed in the same batch
        version(4, 3, body="Nội dung đã sửa."),  # and fetched again unchanged
        version(2, 1, headline="Tiêu đề mới"),  # updated
        moved(3, "https://baonghean.vn/tin-cu-post100003.html", 2),  # found by canonical URL
        version(5, url=make_record(1)["url"], canonical_url="https://baonghean.vn/x-10000005.html"),
        version(5, 4, url="https://baonghean.vn/tin-cu-post100003.html",
                canonical_url="https://baonghean.vn/y-10000006.html"),  # an old URL's new page
        version(1, 1),  # the same page twice
    ],
    [version(6), version(3, 5, body="Bản thứ ba."), version(6, 1), version(8)],
    [
        # Article 8's URL now serves another page: article 8 takes its canonical URL...
        version(9, 1, url=make_record(8)["url"]),
        version(8, 2),  # ...and article 8's page, seen again, is a new article
    ],
]


def dump(db: Database) -> dict[str, list[str]]:
    """Every column of every table, ids replaced by what they point at (sorted rows)."""
    with db.engine.connect() as connection:
        tables = {t: [dict(r._mapping) for r in connection.execute(text(f"SELECT * FROM {t}"))]
                  for t in TABLES}
    pages = {row["id"]: (row["url"], row["fetched_at"], row["body"]) for row in tables["pages"]}
    articles = {row["id"]: row["canonical_url"] for row in tables["articles"]}
    dumped = {}
    for table, rows in tables.items():
        for row in rows:
            if "page_id" in row:
                row["page_id"] = pages.get(row["page_id"])
            if table != "articles" and "article_id" in row:
                row["article_id"] = articles[row["article_id"]]
        dumped[table] = sorted(repr({k: v for k, v in row.items() if k not in UNSTABLE})
                               for row in rows)
    return dumped


def run(tmp_path: Path, name: str, store: Store) -> tuple[list[list[Outcome]], Any]:
    with Database.open(f"sqlite:///{tmp_path / name}") as db:
        outcomes = []
        for batch in BATCHES:
            with db.session() as session, session.begin():
                outcomes.append(store(session, batch))
        return outcomes, dump(db)


def test_batch_gives_the_same_outcomes_and_rows(tmp_path: Path) -> None:
    expected_outcomes, expected_rows = run(tmp_path, "one.db", one_by_one)
    outcomes, rows = run(tmp_path, "batch.db", store_articles)
    assert outcomes == expected_outcomes
    assert {"new", "updated", "unchanged"} <= {o for batch in outcomes for o in batch}
    assert rows["article_revisions"], "the batches supersede articles"
    for table in TABLES:
        assert rows[table] == expected_rows[table], table


def test_batch_storing_a_page_twice_keeps_one_article(tmp_path: Path) -> None:
    with Database.open(f"sqlite:///{tmp_path / 'a.db'}") as db:
        with db.session() as session, session.begin():
            outcomes = store_articles(session, [version(7), version(7, 1), version(7, 2)])
        assert outcomes == ["new", "unchanged", "unchanged"]
        assert len(dump(db)["articles"]) == 1


def test_index_prefers_the_canonical_url_then_the_lowest_id() -> None:
    def article(id_: int, canonical: str, url: str) -> Article:
        return Article(id=id_, canonical_url=canonical, url=url)

    first, second = article(2, "c1", "u"), article(1, "c2", "u")
    index = ArticleIndex([first, second, article(3, "u2", "x")])
    assert index.find("c1", "u") is first
    assert index.find("nope", "u") is second
    assert index.find("nope", "u2").id == 3  # type: ignore[union-attr]
    index.remove(second)
    assert index.find("nope", "u") is first
    assert index.find("nope", "nothing") is None


@pytest.mark.parametrize("size", [1, 3])
def test_pipeline_sized_batches_match(tmp_path: Path, size: int) -> None:
    versions = [v for batch in BATCHES for v in batch]
    chunks = [versions[i : i + size] for i in range(0, len(versions), size)]
    results = []
    for name, store in (("one", one_by_one), ("batch", store_articles)):
        with Database.open(f"sqlite:///{tmp_path / f'{name}{size}.db'}") as db:
            outcomes = []
            for chunk in chunks:
                with db.session() as session, session.begin():
                    outcomes += store(session, chunk)
            results.append((outcomes, dump(db)))
    assert results[0] == results[1]


def test_new_articles_whose_pages_share_a_url_match_one_by_one(tmp_path: Path) -> None:
    """Two new articles whose raw pages carry the same URL (a library caller's pages): the
    batch insert cannot tell their page ids apart by URL and takes the row-by-row path."""
    shared = make_record(10)["url"]
    first = version(10)
    second_record = make_record(11)
    second_record["fetched_at"] = later(second_record, 1)
    second = prepare_article(second_record, replace(make_page(second_record), url=shared))
    results = []
    for name, store in (("one", one_by_one), ("batch", store_articles)):
        with Database.open(f"sqlite:///{tmp_path / f'{name}.db'}") as db:
            with db.session() as session, session.begin():
                outcomes = store(session, [first, second])
            results.append((outcomes, dump(db)))
    assert results[0][0] == ["new", "new"]
    assert results[1] == results[0]
