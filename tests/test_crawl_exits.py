"""Exit statuses cron can trust: a dead site (3), a bad archive URL or feed target (2), the
lock reached through another name of the archive (75); each with one line on stderr."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from crawler.outcome import FetchTally, exit_status
from tests.crawling import crawl_env
from tests.siteserver import start_server, stop_server
from tests.test_e2e_crawl import FAST, REPO
from tests.test_lock import HOLD_LOCK

QUICK = ("-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "DNS_TIMEOUT=5",
         "-s", "ROBOTSTXT_OBEY=0")


def crawl(base_url: str, db_url: str, *args: str, logfile: Path | None = None
          ) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "baonghean", "-a", f"base_url={base_url}",
               "-s", f"ARCHIVE_DB_URL={db_url}", *FAST, *QUICK, *args]
    if logfile is not None:
        command += ["--logfile", str(logfile)]
    return subprocess.run(command, cwd=REPO, env=crawl_env(), capture_output=True, text=True,
                          timeout=180, check=False)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_refused_connections_exit_3_with_a_summary_on_stderr(tmp_path: Path) -> None:
    done = crawl(f"http://127.0.0.1:{closed_port()}", f"sqlite:///{tmp_path / 'a.db'}",
                 logfile=tmp_path / "crawl.log")
    assert done.returncode == 3, (done.stderr, (tmp_path / "crawl.log").read_text()[-2000:])
    assert done.stderr == ("scrapy crawl baonghean: error: site unreachable: 0 pages fetched, "
                           "errors: connection=3\n")
    log = (tmp_path / "crawl.log").read_text()
    assert "finish_reason': 'finished'" in log
    assert "Traceback" not in log and " ERROR: " not in log  # robots.txt included


def test_unresolvable_host_exits_3(tmp_path: Path) -> None:
    done = crawl("http://nonexistent.invalid", f"sqlite:///{tmp_path / 'a.db'}")
    assert done.returncode == 3, done.stderr[-3000:]
    last = done.stderr.splitlines()[-1]
    assert last == "scrapy crawl baonghean: error: site unreachable: 0 pages fetched, errors: dns=3"


@pytest.fixture
def empty_site(tmp_path: Path) -> Iterator[str]:
    """A server that answers 404 to everything."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "routes.json").write_text(json.dumps({}))
    process, base_url = start_server(root, tmp_path / "requests.log")
    try:
        yield base_url
    finally:
        stop_server(process)


def test_site_answering_only_errors_exits_3(empty_site: str, tmp_path: Path) -> None:
    done = crawl(empty_site, f"sqlite:///{tmp_path / 'a.db'}", "-s", "ROBOTSTXT_OBEY=1")
    assert done.returncode == 3, done.stderr[-3000:]
    assert done.stderr.splitlines()[-1] == (
        "scrapy crawl baonghean: error: no page fetched: 5 error responses, "
        "errors: http-404=3")


@pytest.mark.parametrize(("stats", "status"), [
    ({}, 0),  # nothing tried (a worker of a shared crawl that found the queue empty)
    ({"downloader/response_status_count/200": 1, "downloader/exception_count": 9}, 0),
    ({"downloader/response_status_count/301": 1, "downloader/response_status_count/503": 3}, 0),
    ({"downloader/exception_count": 2, "archive/errors/timeout": 1}, 3),
    ({"downloader/response_status_count/503": 4, "archive/errors/http-503": 1}, 3),
])
def test_exit_status_from_the_stats(stats: dict[str, int], status: int) -> None:
    tally = FetchTally.from_stats(stats)
    assert exit_status("finished", tally=tally) == status
    assert exit_status("closespider_timeout", tally=tally) == status
    assert exit_status("storage-error", tally=tally) == 1
    assert exit_status("finished", bootstrap_failed=True, tally=tally) == 1


@pytest.mark.parametrize(("url", "message"), [
    ("archive.db", "not a database URL: 'archive.db'"),
    ("nosuchdb://x/y", "not a database URL"),
    ("sqlite:///{tmp}", "is a directory"),
    ("sqlite:///{tmp}/missing/a.db", "no such directory"),
])
def test_bad_archive_url_is_one_line_and_status_2(tmp_path: Path, url: str, message: str
                                                  ) -> None:
    done = crawl("http://127.0.0.1:9", url.format(tmp=tmp_path))
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert done.stderr.startswith("scrapy crawl baonghean: error: ")


@pytest.mark.parametrize(("table", "message"), [
    ("users", "the database holds tables that are not the archive's (users); --force"),
    ("articles", "the database has an 'articles' table that is not the archive's"),
])
def test_database_of_another_application_is_refused(tmp_path: Path, table: str,
                                                     message: str) -> None:
    db = tmp_path / "app.db"
    with closing(sqlite3.connect(db)) as connection:
        connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    before = db.read_bytes()
    done = crawl("http://127.0.0.1:9", f"sqlite:///{db}")
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr == f"scrapy crawl baonghean: error: {done.stderr.split('error: ', 1)[1]}"
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert db.read_bytes() == before  # not even switched to WAL


@pytest.mark.parametrize("target", ["{db}:jsonl", "file://{db}:jsonl", "{link}"])
def test_feed_onto_the_archive_is_refused(tmp_path: Path, target: str) -> None:
    db = tmp_path / "archive.db"
    db.write_bytes(b"SQLite format 3\x00 stands for an archive")
    link = tmp_path / "link.jsonl"
    link.symlink_to(db)
    done = crawl("http://127.0.0.1:9", f"sqlite:///{db}", "-O",
                 target.format(db=db, link=link))
    assert done.returncode == 2, done.stderr[-3000:]
    assert "is the archive's own file" in done.stderr and done.stderr.count("\n") == 1
    assert db.read_bytes() == b"SQLite format 3\x00 stands for an archive"


def test_lock_is_taken_through_a_symlink_to_the_archive(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    db = tmp_path / "real" / "archive.db"
    (tmp_path / "link.db").symlink_to(db)
    (tmp_path / "dir").symlink_to(tmp_path / "real")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, f"{db}.lock"], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        for name in (tmp_path / "link.db", tmp_path / "dir" / "archive.db"):
            done = crawl("http://127.0.0.1:9", f"sqlite:///{name}")
            assert done.returncode == 75, done.stderr[-3000:]
            assert f"another crawl holds the archive lock (pid {holder.pid}" in done.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(("setting", "message"), [
    ("ARCHIVE_REFRESH_HOURS=1e20", "ARCHIVE_REFRESH_HOURS: expected a number from 0 to"),
    ("ARCHIVE_BATCH_SIZE=abc", "ARCHIVE_BATCH_SIZE: expected a whole number from 1 to 100,000"),
    ("ARCHIVE_EXTRACT_WORKERS=99999999999999999999", "ARCHIVE_EXTRACT_WORKERS: expected a whole"),
    ("ARCHIVE_SQLITE_SYNCHRONOUS=bogus", "expected one of OFF, NORMAL, FULL, EXTRA"),
    ("ARCHIVE_SCHEDULER=bogus", "ARCHIVE_SCHEDULER: expected one of local, redis"),
    ("DOWNLOAD_MAXSIZE=abc", "DOWNLOAD_MAXSIZE: expected a whole number"),
])
def test_bad_settings_are_one_line_and_status_2(tmp_path: Path, setting: str, message: str
                                                ) -> None:
    db = tmp_path / "a.db"
    done = crawl("http://127.0.0.1:9", f"sqlite:///{db}", "-s", setting)
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr == f"scrapy crawl baonghean: error: {done.stderr.split('error: ', 1)[1]}"
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert not db.exists()
