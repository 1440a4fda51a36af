"""End to end: backfills from web-archive stand-ins, WARC ingest, and the WARC round trip.

``scrapy crawl baonghean -a archive=...`` and ``python -m pipelines.ingest`` run as
subprocesses against ``tests/archiveserver.py`` on 127.0.0.1 (data from
:mod:`tests.archivegen`: 50 articles in three eras' layouts), into SQLite files and,
once, into PostgreSQL (``tests/services.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, text

from pipelines.record import RECORD_FIELDS
from storage.provenance import PROVENANCE_FIELDS, without_provenance
from tests.archivegen import ARTICLES, CRAWL, FETCHED_BAD, NOT_AN_ARTICLE, REVISED, generate
from tests.archiveserver import start_archive_server
from tests.siteserver import stop_server
from tests.test_e2e_crawl import Archive, archive_url, export_records

if TYPE_CHECKING:
    from tests.services import PostgresServer

pytest_plugins = ("tests.services",)  # postgres_server

REPO = Path(__file__).resolve().parent.parent
FAST = (
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "TELNETCONSOLE_ENABLED=0",
    "-s", "LOG_LEVEL=INFO", "-s", "ARCHIVE_WAYBACK_CDX_DELAY=0", "-s", "ARCHIVE_WAYBACK_DELAY=0",
    "-s", "ARCHIVE_CC_INDEX_DELAY=0", "-s", "ARCHIVE_CC_DATA_DELAY=0",
    "-s", "ARCHIVE_CDX_PAGE_SIZE=20",
)  # fmt: skip


@dataclass(frozen=True)
class Archives:
    root: Path
    base_url: str
    log: Path
    truth: dict[str, dict[str, Any]]

    def requests(self) -> list[str]:
        if not self.log.exists():
            return []
        return [line.split(" ")[1] for line in self.log.read_text().splitlines()]

    def settings(self) -> list[str]:
        endpoints = {"ARCHIVE_WAYBACK_CDX_URL": "/cdx", "ARCHIVE_WAYBACK_REPLAY_URL": "/web",
                     "ARCHIVE_CC_INDEX_URL": "/cc", "ARCHIVE_CC_DATA_URL": "/data"}
        return [arg for name, path in endpoints.items()
                for arg in ("-s", f"{name}={self.base_url}{path}")]


@dataclass(frozen=True)
class Run:
    process: subprocess.CompletedProcess[str]
    requests: list[str]


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archives]:
    root = tmp_path_factory.mktemp("archives")
    truth = generate(root)
    log = root / "requests.log"
    process, base_url = start_archive_server(root, log)
    try:
        yield Archives(root, base_url, log, truth)
    finally:
        stop_server(process)


def backfill(archives: Archives, db: Archive, *args: str) -> Run:
    before = len(archives.requests())
    command = [sys.executable, "-m", "scrapy", "crawl", "baonghean", *args,
               "-s", f"ARCHIVE_DB_URL={archive_url(db)}", *archives.settings(), *FAST]
    process = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300,
                             check=False)
    return Run(process, archives.requests()[before:])


def ingest(db: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipelines.ingest", "--db", f"sqlite:///{db}",
               "-s", "TELNETCONSOLE_ENABLED=0", *map(str, files)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300,
                          check=False)


def last_run(db: Archive) -> dict[str, Any]:
    """The newest ``crawl_runs`` row (its ``dropped`` and ``errors`` decoded)."""
    engine = create_engine(archive_url(db))
    try:
        with engine.connect() as connection:
            row = dict(connection.execute(text(
                "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")).mappings().one())
    finally:
        engine.dispose()
    for name in ("dropped", "errors"):
        if isinstance(row[name], str):
            row[name] = json.loads(row[name])
    return row


def count(db: Archive, sql: str) -> int:
    engine = create_engine(archive_url(db))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def stat(run: Run, name: str) -> int:
    """A counter of the run's closing stats dump (0 when absent)."""
    found = re.search(rf"'{re.escape(name)}': (\d+)", run.process.stderr)
    return int(found.group(1)) if found else 0


def outcomes(db: Archive) -> dict[str, str]:
    """``captures``: capture URL -> outcome."""
    engine = create_engine(archive_url(db))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT capture_url, outcome FROM captures"))
            return {capture_url: outcome for capture_url, outcome in rows}
    finally:
        engine.dispose()


def check_records(records: list[dict[str, Any]], archives: Archives, source: str) -> None:
    assert len(records) == ARTICLES
    assert {r["canonical_url"] for r in records} == set(archives.truth)
    prefix = "wayback_" if source == "wayback" else ""
    for record in records:
        fact = archives.truth[record["canonical_url"]]
        assert tuple(record) == RECORD_FIELDS + PROVENANCE_FIELDS
        assert record["url"] == record["canonical_url"]
        assert record["headline"] == fact[f"{prefix}headline"]
        assert record["extractor"] == fact[f"{prefix}extractor"]
        assert record["capture_source"] == source
        assert record["ingested_at"] is not None
        assert record["body"]


@pytest.fixture(scope="module")
def wayback(archives: Archives, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    db = tmp_path_factory.mktemp("wayback") / "archive.db"
    run = backfill(archives, db, "-a", "archive=wayback")
    assert run.process.returncode == 0, run.process.stderr[-3000:]
    return db, run


def test_wayback_backfill_archives_each_article_once(archives: Archives,
                                                     wayback: tuple[Path, Run]) -> None:
    db, run = wayback
    records = export_records(db)
    check_records(records, archives, "wayback")
    for record in records:
        captured_at = datetime.fromisoformat(archives.truth[record["canonical_url"]][
            "wayback_captured_at"])
        assert datetime.fromisoformat(record["fetched_at"]) == captured_at
        stamp = captured_at.strftime("%Y%m%d%H%M%S")
        assert record["capture_url"] == f"{archives.base_url}/web/{stamp}id_/{record['url']}"
    assert {r["extractor"] for r in records} == {"layout2017", "layout2018", "onecms"}
    assert count(db, "SELECT count(*) FROM article_revisions") == len(REVISED)
    assert "50 new, 2 updated, 1 unchanged" in run.process.stderr
    assert any("answered 429 with Retry-After" in line for line in run.process.stderr.splitlines())
    assert not any(path.startswith("/web/") and ("logo.png" in path or "event" in path)
                   for path in run.requests)


def test_wayback_revisions_keep_every_era(archives: Archives, wayback: tuple[Path, Run]) -> None:
    db, _ = wayback
    versions = export_records(db, "--revisions")
    assert len(versions) == ARTICLES + len(REVISED)
    revised = [v for v in versions if v["canonical_url"] in {
        url for url, fact in archives.truth.items() if fact["n"] in REVISED}]
    assert sorted(v["extractor"] for v in revised) == ["layout2017", "layout2017",
                                                        "layout2018", "layout2018"]
    assert all(v["capture_source"] == "wayback" and "id_/" in v["capture_url"] for v in revised)


def copied(db: Path, folder: Path) -> Path:
    copy = folder / "again.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def test_wayback_capture_that_is_no_article_is_remembered(wayback: tuple[Path, Run]) -> None:
    db, run = wayback
    assert last_run(db)["dropped"] == {"no-body": 1}
    assert [outcome for url, outcome in outcomes(db).items()
            if url.endswith(NOT_AN_ARTICLE)] == ["no-body"]
    assert sum(path.endswith(NOT_AN_ARTICLE) for path in run.requests) == 1


def test_second_wayback_backfill_fetches_nothing(archives: Archives, wayback: tuple[Path, Run],
                                                 tmp_path: Path) -> None:
    db, _ = wayback
    copy = copied(db, tmp_path)
    run = backfill(archives, copy, "-a", "archive=wayback")
    assert run.process.returncode == 0, run.process.stderr[-3000:]
    assert [path for path in run.requests if not path.startswith("/cdx")] == []
    assert last_run(copy)["articles_new"] == 0
    assert last_run(copy)["skipped_known"] == ARTICLES + len(REVISED) + 1
    assert stat(run, "archive/skipped/known_failed") == 1
    again = backfill(archives, copy, "-a", "archive=wayback", "-a", "recheck=failed")
    assert again.process.returncode == 0, again.process.stderr[-3000:]
    fetched = [path for path in again.requests if not path.startswith("/cdx")]
    assert len(fetched) == 1 and fetched[0].endswith(NOT_AN_ARTICLE)
    assert last_run(copy)["dropped"] == {"no-body": 1}


@pytest.fixture(scope="module")
def commoncrawl(archives: Archives, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, Run]:
    db = tmp_path_factory.mktemp("cc") / "archive.db"
    run = backfill(archives, db, "-a", "archive=commoncrawl")
    assert run.process.returncode == 0, run.process.stderr[-3000:]
    return db, run


def test_commoncrawl_backfill_archives_each_article_once(archives: Archives,
                                                         commoncrawl: tuple[Path, Run]) -> None:
    db, run = commoncrawl
    records = export_records(db)
    check_records(records, archives, "commoncrawl")
    for record in records:
        assert f"/data/crawl-data/{CRAWL}/" in record["capture_url"]
        assert "#offset=" in record["capture_url"]
    assert "/cc/collinfo.json" in run.requests  # no -a crawl: the newest
    assert count(db, "SELECT count(*) FROM article_revisions") == 0


def test_commoncrawl_bad_records_are_counted_by_kind(commoncrawl: tuple[Path, Run]) -> None:
    db, run = commoncrawl
    stats = run.process.stderr
    for kind in ("revisit", "not-html", "redirect"):
        assert f"'archive/backfill/skipped/{kind}': 1" in stats
    assert last_run(db)["errors"] == {"warc-truncated": 1, "warc-unreadable": 1,
                                      "offsite-redirect": 1}
    assert last_run(db)["dropped"] == {"warc-revisit": 1, "not-html": 1}
    assert last_run(db)["finish_reason"] == "finished"


def test_commoncrawl_bad_records_fetched_are_remembered(commoncrawl: tuple[Path, Run]) -> None:
    db, run = commoncrawl
    fetched = [path for path in run.requests if path.startswith("/data/")]
    assert len(fetched) == ARTICLES + len(FETCHED_BAD)
    assert sorted(outcome for outcome in outcomes(db).values() if outcome != "stored") == [
        "not-html", "offsite-redirect", "warc-revisit", "warc-truncated", "warc-unreadable"]
    assert len(outcomes(db)) == ARTICLES + len(FETCHED_BAD)


def test_second_commoncrawl_backfill_fetches_nothing(
        archives: Archives, commoncrawl: tuple[Path, Run], tmp_path: Path) -> None:
    db, _ = commoncrawl
    copy = copied(db, tmp_path)
    run = backfill(archives, copy, "-a", "archive=commoncrawl", "-a", f"crawl={CRAWL}")
    assert run.process.returncode == 0, run.process.stderr[-3000:]
    assert [path for path in run.requests if path.startswith("/data/")] == []
    assert last_run(copy)["articles_new"] == 0
    assert last_run(copy)["skipped_known"] == ARTICLES
    assert stat(run, "archive/skipped/known_failed") == len(FETCHED_BAD)
    assert last_run(copy)["errors"] == {}


def test_recheck_fetches_the_failed_captures_again(
        archives: Archives, commoncrawl: tuple[Path, Run], tmp_path: Path) -> None:
    db, _ = commoncrawl
    copy = copied(db, tmp_path)
    run = backfill(archives, copy, "-a", "archive=commoncrawl", "-a", f"crawl={CRAWL}",
                   "-a", "recheck=failed")
    assert run.process.returncode == 0, run.process.stderr[-3000:]
    assert len([path for path in run.requests if path.startswith("/data/")]) == len(FETCHED_BAD)
    assert stat(run, "archive/skipped/known_failed") == 0
    assert last_run(copy)["skipped_known"] == ARTICLES
    assert outcomes(copy) == outcomes(db)


def test_a_capture_the_archive_fails_to_serve_is_tried_again(archives: Archives,
                                                            tmp_path: Path) -> None:
    row = next(r for r in json.loads((archives.root / "cc-index.json").read_text())
               if r["url"].endswith("-10300002.html"))
    down = archives.root / "unavailable.txt"
    db = tmp_path / "archive.db"
    args = ("-a", "archive=commoncrawl", "-a", f"crawl={CRAWL}", "-a", f"url={row['url']}")
    down.write_text(f"{row['filename']} {row['offset']}\n")
    try:
        failed = backfill(archives, db, *args)
    finally:
        down.unlink()
    assert failed.process.returncode == 0, failed.process.stderr[-3000:]
    assert last_run(db)["errors"] == {"http-503": 1}
    assert outcomes(db) == {}  # an outage is not the record's fault: not remembered
    again = backfill(archives, db, *args)
    assert again.process.returncode == 0, again.process.stderr[-3000:]
    assert len([path for path in again.requests if path.startswith("/data/")]) == 1
    assert list(outcomes(db).values()) == ["stored"]
    assert last_run(db)["articles_new"] == 1


def test_warc_ingest_is_idempotent(archives: Archives, tmp_path: Path) -> None:
    files = sorted((archives.root / "data").rglob("*.warc.gz"))
    db = tmp_path / "ingested.db"
    first = ingest(db, *files)
    assert first.returncode == 0, first.stderr[-3000:]
    check_records(export_records(db), archives, "warc")
    assert "50 new, 0 updated" in first.stderr
    again = ingest(db, *files)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 new, 0 updated, 0 unchanged, 50 known skipped" in again.stderr
    assert count(db, "SELECT count(*) FROM pages") == ARTICLES


def test_warc_export_ingested_elsewhere_gives_the_same_records(
        wayback: tuple[Path, Run], tmp_path: Path) -> None:
    db, _ = wayback
    warc = tmp_path / "archive.warc.gz"
    subprocess.run([sys.executable, "-m", "storage.export", "--db", f"sqlite:///{db}",
                    "--warc", str(warc)], cwd=REPO, check=True, capture_output=True)
    empty = tmp_path / "elsewhere.db"
    done = ingest(empty, warc)
    assert done.returncode == 0, done.stderr[-3000:]
    original = [without_provenance(r) for r in export_records(db)]
    copied = export_records(empty)
    assert {r["capture_source"] for r in copied} == {"warc"}
    assert [without_provenance(r) for r in copied] == original


@pytest.mark.parametrize("args", [
    ("-a", "archive=gopher"),
    ("-a", f"crawl={CRAWL}"),
    ("-a", "archive=commoncrawl", "-a", "crawl=CC-MAIN-latest"),
    ("-a", "archive=wayback", "-a", "recheck=everything"),
    ("-a", "recheck=failed"),
    ("-a", "archive=wayback", "-s", "ARCHIVE_SCHEDULER=redis"),
])
def test_bad_archive_arguments_stop_at_once(archives: Archives, tmp_path: Path,
                                            args: tuple[str, ...]) -> None:
    run = backfill(archives, tmp_path / "none.db", *args)
    assert run.process.returncode == 2
    assert len(run.process.stderr.strip().splitlines()) == 1
    assert run.requests == []


def test_ingest_refuses_a_missing_file(tmp_path: Path) -> None:
    done = ingest(tmp_path / "x.db", tmp_path / "missing.warc.gz")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_wayback_backfill_stopped_and_resumed_with_jobdir(archives: Archives, tmp_path: Path
                                                          ) -> None:
    db, job = tmp_path / "archive.db", tmp_path / "job"
    stopped = backfill(archives, db, "-a", "archive=wayback", "-s", f"JOBDIR={job}",
                       "-s", "CLOSESPIDER_ITEMCOUNT=20")
    assert stopped.process.returncode == 0, stopped.process.stderr[-3000:]
    assert last_run(db)["finish_reason"] == "closespider_itemcount"
    assert count(db, "SELECT count(*) FROM articles") < ARTICLES
    resumed = backfill(archives, db, "-a", "archive=wayback", "-s", f"JOBDIR={job}")
    assert resumed.process.returncode == 0, resumed.process.stderr[-3000:]
    fetched = [p for run in (stopped, resumed) for p in run.requests if p.startswith("/web/")]
    assert len(fetched) == len(set(fetched))  # nothing fetched twice
    assert count(db, "SELECT count(*) FROM articles") == ARTICLES
    assert count(db, "SELECT count(*) FROM article_revisions") == len(REVISED)


def test_ingest_shows_progress_on_a_terminal_only(archives: Archives, tmp_path: Path) -> None:
    files = [str(f) for f in sorted((archives.root / "data").rglob("*.warc.gz"))]
    command = [sys.executable, "-m", "pipelines.ingest", "--db",
               f"sqlite:///{tmp_path / 'tty.db'}", "-s", "TELNETCONSOLE_ENABLED=0",
               "-s", "LOG_LEVEL=ERROR", *files]
    leader, follower = pty.openpty()
    shown = bytearray()

    def read_terminal() -> None:  # keeps the terminal drained while the command runs
        with contextlib.suppress(OSError):
            while chunk := os.read(leader, 65536):
                shown.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    try:
        done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, stderr=follower,
                              timeout=300, check=False)
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    assert done.returncode == 0
    assert re.search(rb"\ringest: WARC records read: \d+", bytes(shown)), bytes(shown)[-2000:]
    piped = ingest(tmp_path / "piped.db", *map(Path, files))
    assert "WARC records read:" not in piped.stderr


def test_commoncrawl_backfill_into_postgresql(archives: Archives,
                                              postgres_server: PostgresServer) -> None:
    url = postgres_server.new_database()
    try:
        first = backfill(archives, url, "-a", "archive=commoncrawl", "-a", f"crawl={CRAWL}")
        assert first.process.returncode == 0, first.process.stderr[-3000:]
        check_records(export_records(url), archives, "commoncrawl")
        assert last_run(url)["errors"] == {"warc-truncated": 1, "warc-unreadable": 1,
                                           "offsite-redirect": 1}
        assert len(outcomes(url)) == ARTICLES + len(FETCHED_BAD)
        again = backfill(archives, url, "-a", "archive=commoncrawl", "-a", f"crawl={CRAWL}")
        assert again.process.returncode == 0, again.process.stderr[-3000:]
        assert [path for path in again.requests if path.startswith("/data/")] == []
        assert (last_run(url)["articles_new"], last_run(url)["skipped_known"]) == (0, ARTICLES)
        assert stat(again, "archive/skipped/known_failed") == len(FETCHED_BAD)
        assert count(url, "SELECT count(*) FROM articles") == ARTICLES
    finally:
        postgres_server.drop_database(url)
