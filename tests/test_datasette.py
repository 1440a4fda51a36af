"""The archive in Datasette: a real server on 127.0.0.1 with the repository's metadata file."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
import yaml
from sqlalchemy import select

from storage.db import Database
from storage.models import Article, Base
from storage.search import SearchOptions, search
from tests.test_search import build_fixture_archive

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "datasette-metadata.yaml"
STARTUP_SECONDS = 60
RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class Served:
    base_url: str
    db_url: str

    def get(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.base_url}{path}?{query}", timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def _wait_for_url(process: subprocess.Popen[str], lines: queue.Queue[str]) -> str:
    """The server's URL once uvicorn reports it is listening (bounded wait)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    seen: list[str] = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        if match := RUNNING.search(line):
            return match.group(1)
    raise AssertionError("datasette did not start:\n" + "".join(seen))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    path = tmp_path_factory.mktemp("datasette") / "archive.db"
    db_url = build_fixture_archive(path)
    command = [sys.executable, "-m", "datasette", "serve", str(path), "-m", str(METADATA),
               "-h", "127.0.0.1", "-p", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stderr, lines), daemon=True).start()
    try:
        yield Served(_wait_for_url(process, lines), db_url)
    finally:
        process.terminate()
        process.wait(timeout=30)


def storage_search(db_url: str, query: str) -> list[str]:
    with Database.open(db_url, create=False) as db, db.session() as session:
        return [hit.url for hit in search(session, query, SearchOptions(limit=1000))]


@pytest.mark.parametrize("query", ["Nghệ An", "nghe an", "NGHE AN"])
def test_table_search_uses_the_folded_index(served: Served, query: str) -> None:
    rows = served.get("/archive/articles.json", _search=query, _shape="array", _size="max",
                      _col="url")
    expected = storage_search(served.db_url, "nghe an")
    assert len(expected) >= 5
    assert sorted(row["url"] for row in rows) == sorted(expected)


def test_search_query_folds_d_and_marks_the_snippet(served: Served) -> None:
    rows = served.get("/archive/search.json", q="Do Luong", _shape="array")
    assert rows
    assert [row["url"] for row in rows] == storage_search(served.db_url, '"do luong"')
    assert all("[" in row["snippet"] for row in rows)
    assert any("[Đô Lương]" in row["snippet"] for row in rows)
    assert served.get("/archive/search.json", q="", _shape="array") == []


def test_a_row_by_primary_key(served: Served) -> None:
    with Database.open(served.db_url, create=False) as db, db.session() as session:
        article = session.scalars(select(Article).order_by(Article.id.desc()).limit(1)).one()
    [row] = served.get(f"/archive/articles/{article.id}.json", _shape="array")
    assert (row["canonical_url"], row["headline"], row["body"], row["version"]) == (
        article.canonical_url, article.headline, article.body, article.version
    )


def test_served_metadata_describes_the_tables(served: Served) -> None:
    metadata = served.get("/-/metadata.json")
    articles = metadata["databases"]["archive"]["tables"]["articles"]
    assert articles["fts_table"] == "articles_fts"
    assert articles["columns"]["published_date"]
    with urllib.request.urlopen(f"{served.base_url}/archive/articles", timeout=30) as response:
        page = response.read().decode("utf-8")
    assert articles["description"] in page
    assert 'name="_search"' in page  # the search box is offered


def test_metadata_describes_every_table_and_column() -> None:
    tables = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["tables"]
    shown = {name for name, table in tables.items() if not table.get("hidden")}
    assert shown == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        assert tables[name]["description"]
        described = tables[name]["columns"]
        assert set(described) == {column.name for column in table.columns}, name
        assert all(isinstance(text, str) and text for text in described.values())
