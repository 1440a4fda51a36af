"""Full-text search (``storage.search``, ``storage.fts``) on archives of real extracted pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text

from pipelines.extract import NotAnArticle
from storage.archive import upsert_article
from storage.db import Database
from storage.filters import RecordFilter
from storage.fts import FTS_TABLE, fold, match_expression
from storage.models import Article, ArticleRevision
from storage.search import SearchOptions, main, search
from tests.pages import PageCase, crawled_case, load_cases
from tests.test_storage import RawPage, make_page, make_record

ROOT = Path(__file__).resolve().parent.parent
FETCHED = datetime(2024, 11, 2, 8, 0, tzinfo=UTC)


def fixture_articles() -> list[tuple[dict[str, Any], RawPage]]:
    """(record, raw page) of every saved fixture page that is an article, as a crawl stores them."""
    stored = []
    for n, case in enumerate(load_cases()):
        extracted = crawled_case(case.directory)
        if isinstance(extracted, NotAnArticle):
            continue
        stored.append(_as_crawled(case, dict(extracted), FETCHED + timedelta(minutes=n)))
    return stored


def _as_crawled(
    case: PageCase, record: dict[str, Any], fetched: datetime
) -> tuple[dict[str, Any], RawPage]:
    meta = case.meta
    record["fetched_at"] = fetched.isoformat(timespec="seconds")
    page = RawPage(
        url=meta["url"],
        final_url=meta["url"],
        headers=dict(meta.get("headers") or {}),
        body=case.body,
        fetched_at=fetched,
    )
    return record, page


def build_fixture_archive(path: Path) -> str:
    """An archive at *path* holding every fixture article with its raw page; its URL."""
    url = f"sqlite:///{path}"
    with Database.open(url) as db, db.session() as session, session.begin():
        for record, page in fixture_articles():
            upsert_article(session, record, page)
    return url


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def expected_urls(query_words: list[str]) -> set[str]:
    """Fixture articles whose headline, sapo or body hold every word, computed without SQL."""
    found = set()
    for record, _ in fixture_articles():
        fields = (record["headline"], record["sapo"], record["body"])
        text_words = words(" ".join(field for field in fields if field))
        if all(fold(word) in text_words for word in query_words):
            found.add(record["canonical_url"])
    return found


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_fixture_archive(tmp_path_factory.mktemp("search") / "archive.db")


def found(url: str, query: str, **options: Any) -> list[str]:
    with Database.open(url, create=False) as db, db.session() as session:
        hits = search(session, query, SearchOptions(limit=1000, **options))
    return [hit.canonical_url for hit in hits]


@pytest.mark.parametrize(
    "query", ["nghe an", "Nghe An", "Nghệ An", "NGHỆ AN", unicodedata.normalize("NFD", "Nghệ An")]
)
def test_case_and_diacritics_are_ignored(archive: str, query: str) -> None:
    expected = expected_urls(["nghe", "an"])
    every = {record["canonical_url"] for record, _ in fixture_articles()}
    assert 5 <= len(expected) < len(every)
    assert set(found(archive, query)) == expected


@pytest.mark.parametrize("query", ["dau tu", "đầu tư", "ĐẦU TƯ", "Dau Tu"])
def test_d_with_stroke_matches_d(archive: str, query: str) -> None:
    expected = expected_urls(["đầu", "tư"])
    assert expected
    assert set(found(archive, query)) == expected


def test_all_words_must_occur_and_quoted_words_together(archive: str) -> None:
    both = set(found(archive, "nghe an dau tu"))
    assert both == expected_urls(["nghe", "an", "dau", "tu"])
    assert set(found(archive, '"an nghe"')) < set(found(archive, "an nghe"))


def test_prefix_and_literal_operators(archive: str) -> None:
    assert set(found(archive, "nghe*")) >= set(found(archive, "nghe"))
    assert found(archive, 'NOT OR AND ( ) "nghe') == []  # taken as words, not FTS5 syntax
    assert match_expression("Nghệ") == '"nghe"'
    assert match_expression('Nghệ "Đô Lương" an* -- "x') == (
        '("nghe" AND "do luong" AND "an"* AND "x") OR ("do luong" AND "an"* AND "nghe x")'
    )
    with pytest.raises(ValueError, match="nothing to search"):
        match_expression(' -- "" … ')


def test_words_side_by_side_rank_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    scattered = make_record(
        1, headline="Hội nghị phối hợp", body="Quỳ Châu hợp tác, hợp đồng, hợp lý, hòa hợp."
    )
    together = make_record(2, headline="Mưa lớn", body="Lũ về ở huyện Quỳ Hợp trong đêm.")
    with Database.open(url) as db, db.session() as session, session.begin():
        for record in (scattered, together):
            upsert_article(session, record, make_page(record))
    assert found(url, "quy hop") == [together["canonical_url"], scattered["canonical_url"]]
    assert found(url, '"quy hop"') == [together["canonical_url"]]


def test_snippet_shows_the_text_as_published(archive: str) -> None:
    with Database.open(archive, create=False) as db, db.session() as session:
        hits = search(session, "do luong", SearchOptions(marks=("[", "]")))
    assert hits
    spans = [span for hit in hits for span in re.findall(r"\[([^\]]+)\]", hit.snippet)]
    marked = [word for span in spans for word in span.split()]
    assert {fold(word) for word in marked} == {"do", "luong"}
    assert any(word.lower() != fold(word) for word in marked)  # as published, diacritics kept
    assert all("\n" not in hit.snippet for hit in hits)


def test_filters_narrow_results(archive: str) -> None:
    every = set(found(archive, "nghe an"))
    since = set(found(archive, "nghe an", where=RecordFilter(since=date(2024, 1, 1))))
    section = set(found(archive, "nghe an", where=RecordFilter(section="kinh-te")))
    records = {r["canonical_url"]: r for r, _ in fixture_articles()}
    assert since == {u for u in every if (records[u]["published_at"] or "") >= "2024-01-01"}
    assert section == {u for u in every if records[u]["category"] == "Kinh tế"}
    assert section and since != every


def test_index_follows_inserts_revisions_and_deletes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    first = make_record(1, body="Xe bồn chở xăng gặp nạn ở Đô Lương.")
    second = make_record(
        1, body="Cầu Đô Lương thông xe.", fetched_at="2024-05-02T00:00:00+00:00"
    )
    with Database.open(url) as db:
        for record in (first, second):
            with db.session() as session, session.begin():
                upsert_article(session, record, make_page(record))
        with db.session() as session:
            assert session.scalar(select(Article.version)) == 2
            assert session.scalar(select(ArticleRevision.version)) == 1
    assert found(url, "xe bon") == []
    assert found(url, "cau do luong") == [first["canonical_url"]]
    with Database.open(url) as db, db.session() as session, session.begin():
        session.execute(delete(Article))
    assert found(url, "cau do luong") == []


def test_an_archive_without_the_index_gets_it_on_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with Database.open(url) as db, db.session() as session, session.begin():
        for name in ("insert", "delete", "update"):
            session.execute(text(f"DROP TRIGGER articles_fts_{name}"))
        session.execute(text(f"DROP TABLE {FTS_TABLE}"))
        upsert_article(session, make_record(1), make_page(make_record(1)))
    Database.open(url).close()
    assert found(url, "Nghe An") == [make_record(1)["canonical_url"]]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "storage.search", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_command_prints_date_headline_url_and_snippet(archive: str) -> None:
    result = run("--db", archive, "--limit", "3", "sot xuat huyet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    blocks = [b.splitlines() for b in result.stdout.strip().split("\n\n")]
    assert 1 <= len(blocks) <= 3
    for when, link, snippet in blocks:
        assert re.match(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?  \S", when)
        assert link.strip().startswith("https://")
        assert "**" in snippet


def test_command_json_lines_keep_unicode(archive: str) -> None:
    result = run("--db", archive, "--json", "--section", "Kinh tế", "nghệ an")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and all(hit["section"] == "Kinh tế" for hit in hits)
    assert all("<mark>" in hit["snippet"] for hit in hits)
    assert "\\u" not in result.stdout


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--", "--"], 1, "nothing to search"),
        ([], 2, "a query is needed"),
        (["--limit", "0", "x"], 2, "expected a whole number from 1"),
    ],
)
def test_command_errors_are_one_line(
    archive: str, args: list[str], status: int, message: str
) -> None:
    result = run("--db", archive, *args)
    assert result.returncode == status
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_reindex_gives_the_same_results(archive: str) -> None:
    before = found(archive, "nghe an")
    assert main(["--db", archive, "--reindex"]) == 0
    assert found(archive, "nghe an") == before


def test_help_ends_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("Example: python -m storage.search")
