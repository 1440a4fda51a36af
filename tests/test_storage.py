"""The archive storage layer against real SQLite files."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import zstandard
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import StatementError

from pipelines.record import RECORD_FIELDS
from storage.archive import iter_pages, known_articles, load_page, upsert_article
from storage.db import DEFAULT_DB_URL, ArchiveNotFound, Database, resolve_db_url
from storage.models import Article, ArticleAuthor, ArticleRevision, CrawlRun, Page
from storage.records import content_hash, record_from_article

FETCHED = datetime(2024, 5, 1, 3, 4, 5, 123456, tzinfo=UTC)


def make_record(n: int = 1, **changes: Any) -> dict[str, Any]:
    """A record as extraction produces it, in RECORD_FIELDS order."""
    url = f"https://baonghean.vn/nghe-an-don-mua-lon-1026487{n}.html"
    record: dict[str, Any] = {
        "url": url,
        "canonical_url": url,
        "site": "baonghean.vn",
        "article_id": f"1026487{n}",
        "headline": f"Nghệ An đón mưa lớn, số {n}",
        "sapo": "(Baonghean.vn) - Chiều 22/9, mưa lớn trên địa bàn tỉnh Nghệ An.",
        "dateline": "22/09/2017 - 17:30",
        "published_at": "2017-09-22T17:30:00+07:00",
        "updated_at": None,
        "byline": "Thành Chung - Hoài Thu",
        "authors": ["Thành Chung", "Hoài Thu"],
        "source": None,
        "body": "Đoạn một về thời tiết.\n\nĐoạn hai: người dân chủ động phòng tránh.",
        "captions": [
            {
                "caption": "Mưa lớn ở thành phố Vinh. Ảnh: Thanh Lê",
                "image_url": "https://bna.1cdn.vn/2017/09/22/a.jpg",
                "credit": "Thanh Lê",
            },
            {"caption": "Đường ngập nước.", "image_url": None, "credit": None},
        ],
        "category": "Thời sự",
        "tags": ["Nghệ An", "thời tiết"],
        "language": "vi",
        "extractor": "onecms",
        "fetched_at": FETCHED.isoformat(),
    }
    record.update(changes)
    assert tuple(record) == RECORD_FIELDS
    return record


@dataclass(kw_only=True)
class RawPage:
    url: str
    final_url: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "text/html"})
    body: bytes
    fetched_at: datetime


def make_page(record: dict[str, Any], body: bytes | None = None) -> RawPage:
    html = f"<html><h1>{record['headline']}</h1><p>{record['body']}</p></html>" * 20
    return RawPage(
        url=record["url"],
        final_url=record["canonical_url"],
        body=html.encode("utf-8") if body is None else body,
        fetched_at=datetime.fromisoformat(record["fetched_at"]),
    )


@pytest.fixture
def db(tmp_path: Path) -> Any:
    with Database.open(f"sqlite:///{tmp_path / 'archive.db'}") as database:
        yield database


def store(db: Database, record: dict[str, Any], **kwargs: Any) -> str:
    with db.session() as session, session.begin():
        return upsert_article(session, record, make_page(record), **kwargs)


def later(record: dict[str, Any], hours: int) -> str:
    return (datetime.fromisoformat(record["fetched_at"]) + timedelta(hours=hours)).isoformat()


def test_new_then_unchanged_moves_only_fetch_times(db: Database) -> None:
    first = make_record()
    again = make_record(fetched_at=later(first, 5))
    assert store(db, first) == "new"
    assert store(db, again) == "unchanged"
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.version == 1
        assert article.first_seen == FETCHED
        assert article.last_seen == article.fetched_at == FETCHED + timedelta(hours=5)
        assert session.scalar(select(func.count(ArticleRevision.id))) == 0
        assert session.scalar(select(func.count(Page.id))) == 1


def test_changed_content_keeps_previous_version_as_revision(db: Database) -> None:
    first = make_record()
    changed = make_record(headline="Nghệ An: mưa lớn kéo dài", fetched_at=later(first, 24))
    store(db, first)
    assert store(db, changed) == "updated"
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        revision = session.scalars(select(ArticleRevision)).one()
        assert (article.version, article.headline) == (2, "Nghệ An: mưa lớn kéo dài")
        assert revision.version == 1
        assert revision.record == first
        assert revision.content_hash == content_hash(first)
        assert revision.fetched_at == FETCHED
        assert revision.reason == "recrawl"
        assert revision.page_id is not None and revision.page_id != article.page_id
        old_page = session.get_one(Page, revision.page_id)
        assert old_page.body_encoding == "zstd"
        assert zstandard.ZstdDecompressor().decompress(old_page.body) == make_page(first).body


def test_hash_ignores_url_and_fetch_time_only() -> None:
    base = make_record()
    assert content_hash(base) == content_hash(make_record(url="https://baonghean.vn/x.html"))
    assert content_hash(base) == content_hash(make_record(fetched_at=None))
    assert content_hash(base) != content_hash(make_record(tags=["Nghệ An"]))
    assert content_hash(base) != content_hash(make_record(body=base["body"] + " "))


def test_restoring_never_duplicates_an_article(db: Database) -> None:
    record = make_record()
    with db.session() as session, session.begin():
        outcomes = [upsert_article(session, record, make_page(record)) for _ in range(3)]
    assert outcomes == ["new", "unchanged", "unchanged"]
    store(db, record)
    store(db, make_record(body="Nội dung đã sửa."))
    with db.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        assert session.scalar(select(func.count(ArticleAuthor.id))) == 2


def test_article_found_under_a_redirected_url(db: Database) -> None:
    old_url = "https://baonghean.vn/mua-lon-115327.html"
    new_url = "https://baonghean.vn/mua-lon-10264871.html"
    store(db, make_record(url=old_url, canonical_url=old_url))
    # The old URL now redirects; the page names a new canonical URL.
    assert store(db, make_record(url=old_url, canonical_url=new_url)) == "updated"
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.canonical_url == new_url
        assert known_articles(session, [old_url])[old_url].canonical_url == new_url


def test_record_rebuilt_from_rows_equals_stored_record(db: Database) -> None:
    record = make_record(source="VnExpress", updated_at="2017-09-23T08:00:00+07:00")
    store(db, record)
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        rebuilt = record_from_article(article)
    assert rebuilt == record
    assert list(rebuilt) == list(RECORD_FIELDS)


def test_raw_page_round_trip_is_byte_exact_and_compressed(db: Database) -> None:
    record = make_record()
    body = "<html><meta charset=windows-1258><p>Ngh\xea An</p></html>".encode("cp1258") * 50
    body += bytes(range(256))
    with db.session() as session, session.begin():
        upsert_article(session, record, make_page(record, body))
    with db.session() as session:
        page = load_page(session, record["canonical_url"])
        row = session.scalars(select(Page)).one()
        assert len(row.body) < len(body) == row.body_size
        assert [url for url, _ in iter_pages(session)] == [record["canonical_url"]]
    assert page is not None
    assert page.body == body
    assert page.headers == {"content-type": "text/html"}
    assert page.fetched_at == FETCHED


def test_reparse_keeps_the_raw_page_and_records_the_reason(db: Database) -> None:
    record = make_record()
    store(db, record)
    reparsed = make_record(extractor="layout2018", fetched_at=None)
    with db.session() as session, session.begin():
        page = load_page(session, record["canonical_url"])
        assert page is not None
        assert upsert_article(session, reparsed, page, reason="reparse") == "updated"
    with db.session() as session:
        revision = session.scalars(select(ArticleRevision)).one()
        article = session.scalars(select(Article)).one()
        assert revision.reason == "reparse"
        assert article.fetched_at == FETCHED
        assert session.scalar(select(func.count(Page.id))) == 2


def test_timezones_round_trip(db: Database) -> None:
    late_evening = make_record(1, published_at="2024-04-30T23:30:00+07:00")
    date_only = make_record(2, published_at="2024-05-02")
    store(db, late_evening)
    store(db, date_only)
    with db.session() as session:
        rows = {a.article_id: a for a in session.scalars(select(Article))}
        raw = session.execute(text("SELECT fetched_at FROM articles ORDER BY id")).scalars().all()
    evening, day = rows["10264871"], rows["10264872"]
    assert evening.published_utc == datetime(2024, 4, 30, 16, 30, tzinfo=UTC)
    assert evening.published_utc is not None and evening.published_utc.tzinfo is not None
    assert evening.published_date == date(2024, 4, 30)
    assert evening.published_at == "2024-04-30T23:30:00+07:00"
    assert (day.published_at, day.published_utc, day.published_date) == (
        "2024-05-02",
        None,
        date(2024, 5, 2),
    )
    assert evening.fetched_at == FETCHED and evening.fetched_at.tzinfo is not None
    assert raw[0].startswith("2024-05-01 03:04:05.123456")


def test_non_utc_times_are_stored_as_utc(db: Database) -> None:
    with db.session() as session, session.begin():
        session.add(
            CrawlRun(
                spider="baonghean",
                args={},
                started_at=datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=7))),
            )
        )
    with db.session() as session:
        started = session.scalars(select(CrawlRun.started_at)).one()
        raw = session.execute(text("SELECT started_at FROM crawl_runs")).scalar_one()
    assert started == datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    assert raw.startswith("2024-05-01 03:00:00")


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.session() as session:
        session.add(CrawlRun(spider="x", args={}, started_at=datetime(2024, 5, 1)))
        session.flush()
    with pytest.raises(ValueError, match="offset"):
        upsert_article_fresh(db, make_record(published_at="2024-05-01T08:00:00"))


def upsert_article_fresh(db: Database, record: dict[str, Any]) -> str:
    with db.session() as session, session.begin():
        return upsert_article(session, record)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"headline": ""}, "headline"),
        ({"fetched_at": None}, "no fetch time"),
        ({"published_at": "22/09/2017"}, "date"),
    ],
)
def test_malformed_records_are_refused(db: Database, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        upsert_article_fresh(db, make_record(**changes))
    with db.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 0


def test_record_shape_must_match(db: Database) -> None:
    with pytest.raises(ValueError, match="missing \\['tags'\\]"):
        upsert_article_fresh(db, {k: v for k, v in make_record().items() if k != "tags"})
    with pytest.raises(ValueError, match="unexpected \\['extra'\\]"):
        upsert_article_fresh(db, make_record() | {"extra": 1})


def test_known_articles_for_incremental_crawls(db: Database) -> None:
    first, second = make_record(1), make_record(2, published_at="2024-05-02")
    store(db, first)
    store(db, second)
    store(db, make_record(1, fetched_at=later(first, 3)))
    unknown = "https://baonghean.vn/khong-co-10000000.html"
    with db.session() as session:
        known = known_articles(session, [first["url"], second["canonical_url"], unknown])
    assert set(known) == {first["url"], second["canonical_url"]}
    assert known[first["url"]].fetched_at == FETCHED + timedelta(hours=3)
    assert known[first["url"]].last_seen == FETCHED + timedelta(hours=3)
    assert known[first["url"]].published_utc == datetime(2017, 9, 22, 10, 30, tzinfo=UTC)
    assert known[second["url"]].published_date == date(2024, 5, 2)
    assert known[second["url"]].published_utc is None


def test_sqlite_connection_settings_and_constraint_names(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() > 0
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    unique = inspect(db.engine).get_unique_constraints("articles")
    assert [c["name"] for c in unique] == ["uq_articles_canonical_url"]


def test_reader_does_not_create_a_missing_archive(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(ArchiveNotFound):
        Database.open(f"sqlite:///{path}", create=False)
    assert not path.exists()


def test_database_url_precedence() -> None:
    env = {"ARCHIVE_DB_URL": "sqlite:///from-env.db"}
    assert resolve_db_url("sqlite:///setting.db", env) == "sqlite:///setting.db"
    assert resolve_db_url(None, env) == "sqlite:///from-env.db"
    assert resolve_db_url("", {}) == DEFAULT_DB_URL == "sqlite:///archive.db"


def test_synchronous_level_is_chosen_per_database_and_checked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    with Database.open(url, synchronous="full") as db, db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
    with pytest.raises(ValueError, match="one of OFF, NORMAL, FULL, EXTRA, not 'sometimes'"):
        Database.open(url, synchronous="sometimes")


def test_pages_stored_with_zlib_by_older_versions_read_back(db: Database) -> None:
    record = make_record()
    store(db, record)
    body = make_page(record).body
    with db.session() as session, session.begin():
        row = session.scalars(select(Page)).one()
        assert row.body_encoding == "zstd" and len(row.body) < len(body)
        row.body, row.body_encoding = zlib.compress(body), "zlib"
    with db.session() as session:
        page = load_page(session, record["canonical_url"])
        assert page is not None and page.body == body
    with db.session() as session, session.begin():
        session.scalars(select(Page)).one().body_encoding = "brotli"
    with db.session() as session, pytest.raises(ValueError, match="unknown body encoding 'brotli'"):
        load_page(session, record["canonical_url"])
