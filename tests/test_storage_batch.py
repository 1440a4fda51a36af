"""store_articles: the same rows and outcomes as store_article called on each version."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event, select, text

from storage.archive import ArticleVersion, Outcome, prepare_article, store_article
from storage.batch import ArticleIndex, store_articles
from storage.db import Database
from storage.failed import FailedVersion, forget_failed, iter_failed, store_failed
from storage.models import Article, Page
from tests.test_storage import FETCHED, later, make_page, make_record

if TYPE_CHECKING:
    from tests.services import PostgresServer

pytest_plugins = ("tests.services",)  # postgres_server

Store = Callable[[Any, Sequence[ArticleVersion]], list[Outcome]]
TABLES = ("articles", "article_revisions", "pages", "article_authors", "article_tags",
          "article_captions")
UNSTABLE = {"id", "superseded_at", "ingested_at"}
"""Row ids depend on the order of inserts; superseded_at and ingested_at are the clock."""


def one_by_one(session: Any, versions: Sequence[ArticleVersion]) -> list[Outcome]:
    return [store_article(session, version) for version in versions]


def version(n: int, hours: int = 0, **changes: Any) -> ArticleVersion:
    record = make_record(n, **changes)
    record["fetched_at"] = later(record, hours)
    return prepare_article(record, make_page(record))


def moved(n: int, url: str, hours: int, **changes: Any) -> ArticleVersion:
    """Article ``n`` fetched under another URL (a redirect or an old link)."""
    return version(n, hours, url=url, **changes)


def bare(n: int, hours: int = 0) -> ArticleVersion:
    """Article ``n`` without a raw page (a library caller's record alone)."""
    record = make_record(n)
    record["fetched_at"] = later(record, hours)
    return prepare_article(record)


def repaged(n: int, hours: int) -> ArticleVersion:
    """Article ``n``, the same content in another raw page (an advertisement changed)."""
    record = make_record(n)
    record["fetched_at"] = later(record, hours)
    return prepare_article(record, make_page(record, body=f"<p>quảng cáo {hours}</p>".encode()))


REFETCHED = (20, 21, 22, 24, 26)
"""Articles stored with their pages, then fetched again unchanged by the batches below."""
MOVED_22 = "https://baonghean.vn/tin-chuyen-post22.html"
NEW = [*(version(n) for n in REFETCHED), bare(23)]
AGAIN = [*(version(n, 24) for n in REFETCHED), version(23, 24)]  # unchanged; 23 gets a page


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
    NEW,
    AGAIN,
    [  # unchanged again, two days later
        version(20, 48),
        version(21, -1),  # fetched before the stored fetch: only first_seen moves
        repaged(22, 48),  # the page's body replaced by another one
        version(23, 48),
        bare(24, 48),  # no page this time: the stored one stays
        version(26, 48),
    ],
    [
        version(27),  # new
        version(20, 72),  # unchanged
        version(26, 72, body="Nội dung mới."),  # updated
        moved(22, MOVED_22, 72),  # unchanged under a new URL
        moved(24, "https://baonghean.vn/tin-chuyen-post24.html", 72),  # unchanged, but...
        version(25, 72, url=make_record(24)["url"]),  # ...its old URL now serves article 25
        version(21, 1),  # older than the stored fetch, after the first: nothing moves
    ],
    [  # a third refetch, unchanged...
        *(version(n, 96) for n in (20, 21, 22, 23, 24, 26, 27)),
        # ...but article 22's URL of the last batch now serves article 28: 22 (back under
        # its canonical URL first) must not be written apart from it
        version(28, 96, url=MOVED_22),
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


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """New empty archives by name: SQLite files, or databases on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield lambda name: f"sqlite:///{tmp_path / name}.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    made: list[str] = []

    def new_database(name: str) -> str:
        made.append(server.new_database())
        return made[-1]

    try:
        yield new_database
    finally:
        for url in made:
            server.drop_database(url)


def run(url: str, store: Store) -> tuple[list[list[Outcome]], list[dict[str, list[str]]]]:
    """Each batch's outcomes, and the rows after each batch (a later batch may overwrite
    what an earlier one wrote wrong)."""
    with Database.open(url) as db:
        outcomes, dumps = [], []
        for batch in BATCHES:
            with db.session() as session, session.begin():
                outcomes.append(store(session, batch))
            dumps.append(dump(db))
        return outcomes, dumps


def test_batch_gives_the_same_outcomes_and_rows(archive_url: Callable[[str], str]) -> None:
    expected_outcomes, expected_dumps = run(archive_url("one"), one_by_one)
    outcomes, dumps = run(archive_url("batch"), store_articles)
    assert outcomes == expected_outcomes
    assert {"new", "updated", "unchanged"} <= {o for batch in outcomes for o in batch}
    assert dumps[-1]["article_revisions"], "the batches supersede articles"
    assert outcomes[BATCHES.index(AGAIN)] == ["unchanged"] * len(AGAIN)
    for n, (rows, expected_rows) in enumerate(zip(dumps, expected_dumps, strict=True)):
        for table in TABLES:
            assert rows[table] == expected_rows[table], (n, table)


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
def test_pipeline_sized_batches_match(archive_url: Callable[[str], str], size: int) -> None:
    versions = [v for batch in BATCHES for v in batch]
    chunks = [versions[i : i + size] for i in range(0, len(versions), size)]
    results = []
    for name, store in (("one", one_by_one), ("batch", store_articles)):
        with Database.open(archive_url(f"{name}{size}")) as db:
            outcomes, dumps = [], []
            for chunk in chunks:
                with db.session() as session, session.begin():
                    outcomes += store(session, chunk)
                dumps.append(dump(db))
            results.append((outcomes, dumps))
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


def statements(db: Database, call: Callable[[], object]) -> list[tuple[str, int]]:
    """("VERB table", parameter sets) of each statement *call* sends to the database, with the
    columns an UPDATE sets ("UPDATE pages SET url, status", 3)."""
    sent: list[tuple[str, int]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", statement, re.I)
        assert table, statement
        verb = statement.split(None, 1)[0].upper()
        assigned = re.findall(r"[\s,](\w+)=", statement.split(" WHERE ")[0])
        label = f"{verb} {table[1]}" + (f" SET {', '.join(assigned)}" if verb == "UPDATE" else "")
        sent.append((label, len(parameters) if executemany else 1))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


def test_unchanged_articles_are_written_without_the_orm(archive_url: Callable[[str], str]
                                                        ) -> None:
    """Articles fetched again unchanged (one of them without a page until now): one lookup,
    the new page inserted, one UPDATE of the pages and one of the articles per set of
    changed columns, each for the whole batch; no page or list loaded, no ORM object."""
    with Database.open(archive_url("fast")) as db:
        with db.session() as session, session.begin():
            store_articles(session, NEW)
        with db.session() as session, session.begin():
            sent = statements(db, lambda: store_articles(session, AGAIN))
            held = [obj for obj in session.identity_map.values()
                    if isinstance(obj, Article | Page)]
    assert sorted(sent) == [
        ("INSERT pages", 1),  # article 23's first page
        ("SELECT articles", 1),
        ("UPDATE articles SET fetched_at, last_seen", len(REFETCHED)),  # URLs unchanged
        ("UPDATE articles SET fetched_at, last_seen, page_id", 1),  # article 23
        ("UPDATE pages SET url, final_url, status, headers, body, body_encoding, body_size, "
         "fetched_at, capture_source, capture_url, ingested_at", len(REFETCHED)),
    ]
    assert held == []


def test_the_session_reads_what_the_unchanged_path_wrote(tmp_path: Path) -> None:
    """An article and page the session already holds show the refreshed values."""
    with Database.open(f"sqlite:///{tmp_path / 'a.db'}") as db:
        with db.session() as session, session.begin():
            store_articles(session, [version(20)])
        with db.session() as session, session.begin():
            article = session.scalars(select(Article)).one()
            page = article.page
            assert page is not None
            assert store_articles(session, [version(20, 5)]) == ["unchanged"]
            assert article.last_seen == article.fetched_at == FETCHED + timedelta(hours=5)
            assert page.fetched_at == FETCHED + timedelta(hours=5)


def kept_raw(db: Database, versions: Sequence[ArticleVersion]) -> list[ArticleVersion]:
    """Keep the pages of *versions* raw first (``failed_pages``), as a crawl whose extraction
    failed on them; the versions naming those stored rows, as a re-extraction makes them."""
    urls = [f"{v.record['url']}#{n}" for n, v in enumerate(versions)]
    with db.session() as session, session.begin():
        store_failed(session, [FailedVersion(url, "extract-failed", "ValueError", v.page)
                               for url, v in zip(urls, versions, strict=True) if v.page])
    with db.session() as session:
        rows = {row.url: row.page_id for row in iter_failed(session)}
    return [replace(v, page_id=rows[url]) for url, v in zip(urls, versions, strict=True)]


def test_versions_naming_a_stored_page_link_it_as_one_by_one(tmp_path: Path) -> None:
    results = []
    for name, store in (("one", one_by_one), ("batch", store_articles)):
        with Database.open(f"sqlite:///{tmp_path / f'{name}.db'}") as db:
            with db.session() as session, session.begin():
                store(session, [bare(30), version(31)])
            recovered = kept_raw(db, [
                version(30, 1),  # unchanged, its article had no page
                version(32),  # new
                version(33), version(33, 1, body="Nội dung mới."),  # new, then updated
                version(31, 2, body="Bản mới."),  # updated
            ])
            with db.session() as session, session.begin():
                outcomes = store(session, recovered)
                forget_failed(session, [f"{v.record['url']}#{n}" for n, v in enumerate(recovered)])
            results.append((outcomes, dump(db)))
    assert results[0][0] == ["unchanged", "new", "new", "updated", "updated"]
    assert results[1] == results[0]
    assert len(results[0][1]["pages"]) == 1 + 5  # 31's first page and the five kept: no copy
