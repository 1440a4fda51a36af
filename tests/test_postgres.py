"""The archive on PostgreSQL: the same operations give the same results as on SQLite.

Every test runs against a real PostgreSQL server (``tests/services.py``): the
one CI starts, else one started here; skipped with the reason when neither is
possible (outside CI). The end-to-end crawl into PostgreSQL is in
``tests/test_e2e_crawl.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event, func, select, text

from pipelines.storage_pipeline import StoragePipeline
from storage.archive import known_articles, load_page, upsert_article
from storage.batch import store_articles
from storage.captures import DroppedCapture, known_captures, record_dropped
from storage.copy import copy_archive
from storage.copy import main as copy_main
from storage.db import Database
from storage.errors import StorageError
from storage.export import main as export_main
from storage.filters import RecordFilter
from storage.models import Article, ArticleRevision, Base
from storage.runs import RunFigures, finish_run, start_run
from storage.schema import HEAD_REVISION, alembic_config, include_object, schema_revision
from storage.search import SearchOptions, search
from storage.stats import main as stats_main
from tests.test_captures import T2017, capture
from tests.test_search import expected_urls, fixture_articles
from tests.test_storage import make_page, make_record
from tests.test_storage_pipeline import fetched, make_crawler

if TYPE_CHECKING:
    from tests.services import PostgresServer

pytest_plugins = ("tests.services",)  # postgres_server

ROOT = Path(__file__).resolve().parent.parent
RUN_START = datetime(2024, 11, 2, 7, 0, tzinfo=UTC)
QUERIES = ("nghe an", "Đô Lương", "dau tu", '"an nghe"', "nghe*", "xe bon", "covid-19")


def fill(url: str) -> None:
    """Two crawls' worth of archive operations: new articles, revisions, refetches, runs."""
    stored = fixture_articles()
    with Database.open(url) as db:
        with db.session() as session, session.begin():
            run_id = start_run(session, "baonghean", {"base_url": "https://baonghean.vn"},
                               RUN_START)
            for record, page in stored:
                upsert_article(session, record, page)
            figures = RunFigures(finish_reason="finished", pages_fetched=len(stored),
                                 articles_new=len(stored), dropped={"listing": 3})
            finish_run(session, run_id, figures, RUN_START + timedelta(minutes=5))
        with db.session() as session, session.begin():
            start_run(session, "baonghean", {}, RUN_START + timedelta(days=1))
            for n, (record, page) in enumerate(stored[:6]):
                again = dict(record, fetched_at=(RUN_START + timedelta(days=1)).isoformat())
                if n % 2 == 0:
                    again["body"] = record["body"] + "\n\nCập nhật: Đô Lương thông xe."
                upsert_article(session, again, page, reason="recrawl" if n % 4 else "reparse")


def run(module: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False,
                          env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def export(url: str, *args: str) -> str:
    """``python -m storage.export`` output (run in this process: it is the same code),
    without ``ingested_at`` (the clock of each archive's own writes)."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "out.jsonl"
        assert export_main(["--db", url, "-o", str(out), *args]) == 0
        text = out.read_text(encoding="utf-8")
    return "".join(INGESTED_AT.sub("", line) for line in text.splitlines(keepends=True))


INGESTED_AT = re.compile(r', "ingested_at": "[^"]*"')


def stats(url: str) -> Any:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert stats_main(["--db", url, "--json", "--top", "50"]) == 0
    return json.loads(printed.getvalue())


def observed(url: str) -> dict[str, Any]:
    """Everything a user sees of an archive: exports, stats, search hits, look-ups, pages."""
    with Database.open(url, create=False) as db, db.session() as session:
        urls = [r["canonical_url"] for r, _ in fixture_articles()]
        known = {k: (v.version, v.content_hash, v.fetched_at)
                 for k, v in known_articles(session, urls).items()}
        hits = {q: sorted(h.canonical_url for h in search(session, q, SearchOptions(limit=500)))
                for q in QUERIES}
        page = load_page(session, urls[0])
    return {
        "export": export(url),
        "versions": export(url, "--revisions", "--since", "2020-01-01"),
        "section": export(url, "--section", "thoi su"),
        "stats": stats(url),
        "known": known,
        "hits": hits,
        "page": page.body if page is not None else None,
    }


@pytest.fixture(scope="module")
def archives(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[str, str]]:
    """(SQLite URL, PostgreSQL URL) of two archives filled by the same operations."""
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('pg-compare') / 'archive.db'}"
    pg_url = postgres_server.new_database()
    try:
        fill(sqlite_url)
        fill(pg_url)
        yield sqlite_url, pg_url
    finally:
        postgres_server.drop_database(pg_url)


def test_postgres_behaves_like_sqlite(archives: tuple[str, str]) -> None:
    sqlite, postgres = observed(archives[0]), observed(archives[1])
    assert sqlite["stats"]["revisions"] >= 3 and sqlite["export"].count("\n") > 5
    assert all(sqlite["hits"][q] for q in ("nghe an", "Đô Lương", "nghe*"))
    for key in sqlite:
        assert postgres[key] == sqlite[key], key


def test_schema_is_the_models_and_at_head(archives: tuple[str, str]) -> None:
    with Database.open(archives[1]) as db, db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert schema_revision(connection) == HEAD_REVISION
        extensions = connection.scalars(text("SELECT extname FROM pg_extension")).all()
        assert "unaccent" in extensions


def pg_found(url: str, query: str, **options: Any) -> list[str]:
    with Database.open(url, create=False) as db, db.session() as session:
        return [h.canonical_url for h in search(session, query, SearchOptions(limit=500,
                                                                               **options))]


@pytest.mark.parametrize("query", ["nghe an", "Nghệ An", "NGHỆ AN", "nghệ an"])
def test_search_ignores_case_and_diacritics(archives: tuple[str, str], query: str) -> None:
    expected = expected_urls(["nghe", "an"])
    assert len(expected) >= 5
    assert set(pg_found(archives[1], query)) == expected


def test_search_d_with_stroke_phrases_prefixes(archives: tuple[str, str]) -> None:
    url = archives[1]
    assert set(pg_found(url, "dau tu")) == set(pg_found(url, "ĐẦU TƯ")) == expected_urls(
        ["đầu", "tư"])
    assert set(pg_found(url, '"an nghe"')) < set(pg_found(url, "an nghe"))
    assert set(pg_found(url, "nghe*")) >= set(pg_found(url, "nghe"))
    assert pg_found(url, "luon") == [] and set(pg_found(url, "luon*")) == set(
        pg_found(url, "luong"))
    assert pg_found(url, 'NOT OR & | ! ( ) :* "nghe') == []  # words, not tsquery syntax
    with pytest.raises(ValueError, match="nothing to search"):
        pg_found(url, ' -- "" … ')


def test_search_snippets_ranking_and_filters(archives: tuple[str, str]) -> None:
    url = archives[1]
    with Database.open(url, create=False) as db, db.session() as session:
        hits = search(session, "do luong", SearchOptions(marks=("[", "]")))
        newest = search(session, "nghe an", SearchOptions(order="newest", limit=500))
        section = search(session, "nghe an", SearchOptions(
            limit=500, where=RecordFilter(section="kinh-te")))
    marked = {w for hit in hits for w in re.findall(r"\[([^\]]+)\]", hit.snippet)}
    assert {"Đô", "Lương"} <= marked  # the text as published, diacritics kept
    assert all("\n" not in hit.snippet for hit in hits)
    dates = [h.published_at for h in newest if h.published_at]
    assert dates == sorted(dates, reverse=True)
    assert section and {h.section for h in section} == {"Kinh tế"}


def test_copy_sqlite_into_postgres_with_one_command(
    archives: tuple[str, str], postgres_server: PostgresServer
) -> None:
    target = postgres_server.new_database()
    try:
        out = run("storage.copy", "--db", archives[0], "--to", target)
        assert re.search(r"articles: \d+", out)
        assert observed(target) == observed(archives[0])
        with Database.open(target) as db, db.session() as session, session.begin():
            biggest = session.scalar(select(func.max(Article.id)))
            record, page = fixture_articles()[0]
            upsert_article(session, dict(record, canonical_url=record["canonical_url"] + "?v=2",
                                         url=record["url"] + "?v=2"), page)
            assert session.scalar(select(func.max(Article.id))) == (biggest or 0) + 1
    finally:
        postgres_server.drop_database(target)


def test_copy_refuses_a_target_that_holds_rows(
    archives: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        Database.open(archives[0], create=False) as source,
        Database.open(archives[1]) as full,
        pytest.raises(StorageError, match="not empty"),
    ):
        copy_archive(source, full)
    assert copy_main(["--db", archives[0], "--to", archives[1]]) == 1
    assert "is not empty (" in capsys.readouterr().err


def test_workers_opening_a_new_archive_at_once_migrate_it_once(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.new_database()
    code = "import sys; from storage.db import Database; Database.open(sys.argv[1]).close()"
    try:
        workers = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        errors = [w.communicate(timeout=120)[1] for w in workers]
        assert [w.returncode for w in workers] == [0, 0], errors
        with Database.open(url) as db, db.engine.connect() as connection:
            assert schema_revision(connection) == HEAD_REVISION
    finally:
        postgres_server.drop_database(url)


def test_search_ranks_words_side_by_side_first(pg_archive: str) -> None:
    scattered = make_record(
        1, headline="Hội nghị phối hợp", body="Quỳ Châu hợp tác, hợp đồng, hợp lý, hòa hợp."
    )
    together = make_record(2, headline="Mưa lớn", body="Lũ về ở huyện Quỳ Hợp trong đêm.")
    with Database.open(pg_archive) as db, db.session() as session, session.begin():
        for record in (scattered, together):
            upsert_article(session, record, make_page(record))
    assert pg_found(pg_archive, "quy hop") == [together["canonical_url"],
                                               scattered["canonical_url"]]
    assert pg_found(pg_archive, '"quy hop"') == [together["canonical_url"]]


def test_copy_command_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    assert copy_main(["--db", missing, "--to", f"sqlite:///{tmp_path / 'new.db'}"]) == 2
    assert capsys.readouterr().err == (
        f"python -m storage.copy: error: no archive database at {missing}\n")
    assert not (tmp_path / "new.db").exists()
    with pytest.raises(SystemExit) as usage:
        copy_main(["--db", missing, "--to", missing])
    assert usage.value.code == 2
    assert "are the same database" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        copy_main(["--help"])
    assert capsys.readouterr().out.rstrip().splitlines()[-1].startswith("Example: ")


def test_storage_batch_meeting_a_concurrent_writer_is_written_again(pg_archive: str) -> None:
    """Two workers store the same new article: the later batch's insert hits the unique key,
    and the pipeline writes its batch once more instead of stopping the crawl."""
    pipeline = StoragePipeline.from_crawler(make_crawler(pg_archive, batch_size=2))
    pipeline.open_spider()
    first, second = fetched(make_record(1)), fetched(make_record(2))
    other = Database.open(pg_archive)
    raced: list[str] = []

    def other_worker_stores_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not raced and statement.lstrip().upper().startswith("INSERT INTO ARTICLES"):
            raced.append(statement)
            with other.session() as session, session.begin():
                upsert_article(session, first.record or {}, first)

    assert pipeline.db is not None
    event.listen(pipeline.db.engine, "before_cursor_execute", other_worker_stores_first)
    try:
        pipeline.process_item(first)
        pipeline.process_item(second)  # the batch of two is written here
    finally:
        other.close()
    pipeline.close_spider()
    assert raced, "the other worker never got between our read and our insert"
    assert pipeline.failure is None
    assert pipeline.counts == {"unchanged": 1, "new": 1}
    with Database.open(pg_archive, create=False) as db, db.session() as session:
        urls = session.scalars(select(Article.canonical_url)).all()
    assert sorted(urls) == sorted([make_record(1)["canonical_url"],
                                   make_record(2)["canonical_url"]])


def test_search_command_reindex_on_postgres(archives: tuple[str, str]) -> None:
    """``--reindex`` has nothing to rebuild on PostgreSQL and goes on to the query."""
    printed = run("storage.search", "--db", archives[1], "--reindex", "--json", "--limit", "500",
                  "nghe an")
    found = {json.loads(line)["canonical_url"] for line in printed.splitlines()}
    assert found == expected_urls(["nghe", "an"])


def test_capture_outcome_migration_keeps_listed_captures(pg_archive: str) -> None:
    engine = create_engine(pg_archive)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0005")
        connection.execute(text(
            "INSERT INTO captures (capture_url, source, url, digest, captured_at, ingested_at) "
            "VALUES ('cc#1', 'commoncrawl', 'https://baonghean.vn/a-1.html', NULL, "
            "'2025-01-10 00:00:00+00', '2026-01-01 00:00:00+00')"))
    engine.dispose()
    with Database.open(pg_archive) as db, db.session() as session, session.begin():
        assert known_captures(session, ["cc#1"]) == {"cc#1": "stored"}
        record_dropped(session, [DroppedCapture(
            capture_url="cc#2", source="commoncrawl", url="https://baonghean.vn/b-2.html",
            digest=None, captured_at=RUN_START, outcome="warc-truncated")])
    with Database.open(pg_archive) as db, db.engine.connect() as connection:
        assert schema_revision(connection) == HEAD_REVISION
        rows = connection.execute(text("SELECT capture_url, outcome FROM captures ORDER BY 1"))
        assert [tuple(row) for row in rows] == [("cc#1", "stored"), ("cc#2", "warc-truncated")]


def test_past_captures_renumber_versions_by_capture_time(pg_archive: str) -> None:
    with Database.open(pg_archive) as db:
        for year in (2022, 2018, 2015, 2020):
            with db.session() as session, session.begin():
                store_articles(session, [capture(T2017.replace(year=year),
                                                 body=f"Bản {year}.")])
        with db.session() as session:
            revisions = session.scalars(select(ArticleRevision)
                                        .order_by(ArticleRevision.version)).all()
            current = session.scalars(select(Article)).one()
    assert [(r.version, r.fetched_at.year) for r in revisions] == [(1, 2015), (2, 2018),
                                                                   (3, 2020)]
    assert (current.version, current.fetched_at.year) == (4, 2022)
