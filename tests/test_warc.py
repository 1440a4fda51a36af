"""``python -m storage.export --warc``: raw pages as WARC response records, read back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.cli import main as warcio_cli

from storage.archive import load_page, upsert_article
from storage.db import Database
from storage.export import main
from storage.models import Article
from storage.records import StoredPage
from tests.test_search import build_fixture_archive
from tests.test_storage import make_page, make_record


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_fixture_archive(tmp_path_factory.mktemp("warc") / "archive.db")


def stored_pages(url: str) -> dict[str, StoredPage]:
    """Each article's current raw page, by canonical URL, read through the storage API."""
    with Database.open(url, create=False) as db, db.session() as session:
        urls = session.scalars(select(Article.canonical_url)).all()
        pages = {canonical: load_page(session, canonical) for canonical in urls}
    return {canonical: page for canonical, page in pages.items() if page is not None}


def read_warc(path: Path) -> list[Any]:
    """(type, headers, http headers, payload) of every record in *path*."""
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            payload = record.content_stream().read()
            records.append((record.rec_type, record.rec_headers, record.http_headers, payload))
    return records


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_article_page_is_in_the_warc_byte_for_byte(archive: str, tmp_path: Path) -> None:
    out = tmp_path / "archive.warc.gz"
    assert main(["--db", archive, "--warc", str(out)]) == 0
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    records = read_warc(out)
    assert records[0][0] == "warcinfo"
    assert records[0][1].get_header("WARC-Filename") == "archive.warc.gz"
    responses = {
        headers.get_header("WARC-Target-URI"): (http, payload)
        for kind, headers, http, payload in records
        if kind == "response"
    }
    assert len(records) == 1 + len(responses)
    pages = stored_pages(archive)
    assert len(pages) >= 20
    assert set(responses) == {page.final_url for page in pages.values()}
    for page in pages.values():
        http, payload = responses[page.final_url]
        assert payload == page.body
        assert http.get_statuscode() == str(page.status)
        assert http.get_header("content-type") == page.headers["content-type"]
        assert http.get_header("content-length") == str(len(page.body))
    dates = {h.get_header("WARC-Target-URI"): h.get_header("WARC-Date") for _, h, _, _ in records}
    assert all(dates[p.final_url] == warc_date(p.fetched_at) for p in pages.values())


def test_warcio_checker_accepts_the_file(archive: str, tmp_path: Path) -> None:
    out = tmp_path / "archive.warc.gz"
    assert main(["--db", archive, "--warc", str(out)]) == 0
    with pytest.raises(SystemExit) as exit_info:
        warcio_cli(["check", str(out)])  # block and payload digests
    assert exit_info.value.code == 0


def test_encodings_are_dropped_and_revision_pages_included(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    first = make_record(1)
    second = make_record(1, body="Bản sửa.", fetched_at="2024-05-02T00:00:00+00:00")
    old_page = make_page(first, body="<html>bản cũ</html>".encode())
    new_page = make_page(second, body="<html>bản mới</html>".encode())
    new_page.headers = {
        "content-type": "text/html; charset=utf-8",
        "content-encoding": "gzip",
        "transfer-encoding": "chunked",
        "content-length": "17",
        "last-modified": "Wed, 01 May 2024 10:00:00 GMT",
    }
    new_page.status = 203
    with Database.open(url) as db:
        for record, page in ((first, old_page), (second, new_page)):
            with db.session() as session, session.begin():
                upsert_article(session, record, page)
    latest = tmp_path / "latest.warc"
    every = tmp_path / "every.warc"
    assert main(["--db", url, "--warc", str(latest)]) == 0
    assert main(["--db", url, "--warc", str(every), "--revisions"]) == 0
    assert latest.read_bytes().startswith(b"WARC/1.0\r\n")  # not gzipped without .gz
    [(http, payload)] = [(r[2], r[3]) for r in read_warc(latest) if r[0] == "response"]
    assert payload == new_page.body
    assert http.statusline == "203 Non-Authoritative Information"
    assert http.get_header("content-encoding") is None
    assert http.get_header("transfer-encoding") is None
    assert http.get_header("content-length") == str(len(new_page.body))
    assert http.get_header("last-modified") == "Wed, 01 May 2024 10:00:00 GMT"
    payloads = [r[3] for r in read_warc(every) if r[0] == "response"]
    assert payloads == [old_page.body, new_page.body]


def test_warc_respects_filters(archive: str, tmp_path: Path) -> None:
    out = tmp_path / "kinh-te.warc.gz"
    assert main(["--db", archive, "--warc", str(out), "--section", "kinh-te"]) == 0
    with Database.open(archive, create=False) as db, db.session() as session:
        expected = set(
            session.scalars(select(Article.canonical_url).where(Article.category == "Kinh tế"))
        )
    responses = [h for kind, h, _, _ in read_warc(out) if kind == "response"]
    got = {headers.get_header("WARC-Target-URI") for headers in responses}
    pages = stored_pages(archive)
    assert got == {pages[url].final_url for url in expected}
    assert 0 < len(got) < len(pages)
