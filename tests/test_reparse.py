"""Re-parsing stored raw pages (``pipelines.reparse``) on an archive of real fixture pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipelines.extract import NotAnArticle, extract_page
from pipelines.reparse import ReparseOptions, main, reparse
from storage.db import Database
from storage.filters import RecordFilter
from storage.models import Article, ArticleRevision, Page
from storage.search import search
from tests.test_search import build_fixture_archive, fixture_articles

ROOT = Path(__file__).resolve().parent.parent
OUTLET_TAG = re.compile(r"^\(Baonghean(?:\.vn)?\)\s*-\s*")


def without_outlet_tag(body: bytes, url: str, headers: Mapping[str, str]) -> dict[str, Any]:
    """A changed extractor rule: the sapo loses its "(Baonghean.vn) - " tag."""
    record = extract_page(body, url, headers)
    if record["sapo"]:
        record["sapo"] = OUTLET_TAG.sub("", record["sapo"]) or None
    return record


def tagged_sapos() -> set[str]:
    return {
        record["canonical_url"]
        for record, _ in fixture_articles()
        if record["sapo"] and OUTLET_TAG.match(record["sapo"])
    }


@pytest.fixture
def archive(tmp_path: Path) -> str:
    return build_fixture_archive(tmp_path / "archive.db")


def counts(url: str) -> tuple[int, int, int]:
    """(articles, revisions, pages) in the archive."""
    with Database.open(url, create=False) as db, db.session() as session:
        return (
            session.scalar(select(func.count(Article.id))) or 0,
            session.scalar(select(func.count(ArticleRevision.id))) or 0,
            session.scalar(select(func.count(Page.id))) or 0,
        )


def article_revisions(session: Session, article_id: int) -> list[ArticleRevision]:
    stmt = select(ArticleRevision).where(ArticleRevision.article_id == article_id)
    return list(session.scalars(stmt))


def test_unchanged_extractor_makes_no_revisions(archive: str) -> None:
    before = counts(archive)
    with Database.open(archive, create=False) as db:
        summary = reparse(db, extract_page)
    assert (summary.pages, summary.changed, summary.unchanged) == (before[0], 0, before[0])
    assert not summary.failed
    assert counts(archive) == before


def test_changed_rule_stores_reparse_revisions(archive: str) -> None:
    articles, revisions, pages = counts(archive)
    changed = tagged_sapos()
    assert 0 < len(changed) < articles
    with Database.open(archive, create=False) as db:
        summary = reparse(db, without_outlet_tag, ReparseOptions(batch_size=7))
        with db.session() as session:
            revised = session.scalars(
                select(ArticleRevision).where(ArticleRevision.id > revisions)
            ).all()
            assert {r.reason for r in revised} == {"reparse"}
            assert {r.record["canonical_url"] for r in revised} == changed
            assert all(OUTLET_TAG.match(r.record["sapo"]) for r in revised)
            stmt = select(Article).where(Article.canonical_url.in_(changed))
            for article in session.scalars(stmt):
                assert article.version == 1 + len(article_revisions(session, article.id))
                assert article.sapo and not OUTLET_TAG.match(article.sapo)
            hits = search(session, '"baonghean vn"')
    assert (summary.changed, summary.unchanged) == (len(changed), articles - len(changed))
    assert counts(archive) == (articles, revisions + len(changed), pages)  # no page re-stored
    assert not {hit.canonical_url for hit in hits} & changed  # the index follows the sapo
    with Database.open(archive, create=False) as db:
        again = reparse(db, without_outlet_tag)
    assert (again.changed, again.unchanged) == (0, articles)


def test_revision_keeps_the_page_it_was_extracted_from(archive: str) -> None:
    with Database.open(archive, create=False) as db:
        reparse(db, without_outlet_tag)
        with db.session() as session:
            for revision in session.scalars(
                select(ArticleRevision).where(ArticleRevision.reason == "reparse")
            ):
                article = session.get_one(Article, revision.article_id)
                assert revision.page_id == article.page_id


def test_dry_run_counts_without_writing(archive: str) -> None:
    before = counts(archive)
    with Database.open(archive, create=False) as db:
        summary = reparse(db, without_outlet_tag, ReparseOptions(dry_run=True))
    assert summary.changed == len(tagged_sapos())
    assert counts(archive) == before


def test_failures_are_counted_and_leave_articles_alone(archive: str) -> None:
    tagged = tagged_sapos()
    pages = {record["canonical_url"]: page.url for record, page in fixture_articles()}
    victims = sorted(tagged)[:2]
    listing, buggy = (pages[url] for url in victims)

    def picky(body: bytes, url: str, headers: Mapping[str, str]) -> dict[str, Any]:
        if url == listing:
            raise NotAnArticle("listing", "now looks like a listing")
        if url == buggy:
            raise RuntimeError("extractor bug")
        return without_outlet_tag(body, url, headers)

    articles = counts(archive)[0]
    with Database.open(archive, create=False) as db:
        summary = reparse(db, picky)
        with db.session() as session:
            kept = session.scalars(select(Article).where(Article.canonical_url.in_(victims)))
            assert all(article.version == 1 for article in kept)
    assert dict(summary.failed) == {"listing": 1, "error": 1}
    assert summary.changed == len(tagged) - 2
    assert summary.pages == articles


def test_filters_and_limit_select_pages(archive: str) -> None:
    records = [record for record, _ in fixture_articles()]
    recent = {r["canonical_url"] for r in records if (r["published_at"] or "") >= "2024-01-01"}
    with Database.open(archive, create=False) as db:
        where = RecordFilter(since=date(2024, 1, 1))
        since = reparse(db, extract_page, ReparseOptions(where=where))
        limited = reparse(db, extract_page, ReparseOptions(limit=3, batch_size=2))
    assert 0 < since.pages == len(recent) < counts(archive)[0]
    assert limited.pages == 3


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.reparse", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_command_prints_a_summary_and_no_progress_when_piped(archive: str) -> None:
    articles = counts(archive)[0]
    result = run("--db", archive)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        f"reparse: {articles} pages, 0 changed, {articles} unchanged, 0 failed\n"
    )


def test_command_errors(tmp_path: Path) -> None:
    missing = run("--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 2 and "no archive database" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    bad = run("--limit", "0")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_help_ends_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("Example: python -m pipelines.reparse")
