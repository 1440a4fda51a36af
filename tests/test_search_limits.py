"""Search queries are normalised before FTS5 sees them: repeated words count once, the
number of different words and the length of the text are bounded (one line, status 1)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.db import Database
from storage.fts import MAX_QUERY_CHARS, MAX_TERMS, match_expression
from storage.pgsearch import QueryPart, parse_query
from storage.search import SearchOptions, search
from tests.test_search import build_fixture_archive

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_fixture_archive(tmp_path_factory.mktemp("limits") / "archive.db")


def found(url: str, query: str) -> tuple[list[str], float]:
    started = time.perf_counter()
    with Database.open(url, create=False) as db, db.session() as session:
        hits = [hit.canonical_url for hit in search(session, query, SearchOptions(limit=50))]
    return hits, time.perf_counter() - started


@pytest.mark.parametrize("query", [" ".join(["nghe"] * 20_000),
                                   " ".join(["Nghệ", "nghe", "NGHE", '"nghe"'] * 4_000)])
def test_a_word_repeated_twenty_thousand_times_is_the_word(archive: str, query: str) -> None:
    once, _ = found(archive, "nghe")
    many, seconds = found(archive, query)
    assert once and many == once
    assert seconds < 3  # was over two minutes


def test_repeated_phrase_still_ranks_words_side_by_side(archive: str) -> None:
    assert match_expression("nghe an nghe an") == (
        '("nghe" AND "an") OR ("nghe an nghe an")')
    assert match_expression("an an an") == '"an"'
    assert set(found(archive, "nghe an nghe an")[0]) == set(found(archive, "nghe an")[0])


def test_distinct_words_are_bounded(archive: str) -> None:
    words = [f"tu{n}" for n in range(MAX_TERMS)]
    assert match_expression(" ".join(words)).count(" AND ") == MAX_TERMS - 1
    assert found(archive, " ".join(words))[1] < 3
    with pytest.raises(ValueError, match=f"too many different words in the query "
                                         f"\\({MAX_TERMS + 1}; at most {MAX_TERMS}\\)"):
        match_expression(" ".join([*words, "them"]))


def test_postgres_query_parts_are_folded_and_bounded_alike() -> None:
    assert parse_query("nghe an " * 1000) == [QueryPart("phrase", "nghe"),
                                              QueryPart("phrase", "an")]
    with pytest.raises(ValueError, match="too many different words"):
        parse_query(" ".join(f"tu{n}" for n in range(MAX_TERMS + 1)))
    with pytest.raises(ValueError, match="too long"):
        parse_query("a" * (MAX_QUERY_CHARS + 1))


@pytest.mark.parametrize(("query", "message"), [
    (" ".join(f"tu{n}" for n in range(200)), "too many different words in the query (200"),
    ("x" * (MAX_QUERY_CHARS + 1), "the query is too long (100,001 characters"),
])
def test_command_refuses_in_one_line(archive: str, query: str, message: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "storage.search", "--db", archive, "--", query],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("python -m storage.search: error: " + message)
    assert done.stderr.count("\n") == 1
