"""Helpers for tests that run ``scrapy crawl`` in the background: slow sites, polling."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ServedSite
from tests.sitegen import generate
from tests.siteserver import start_server, stop_server
from tests.test_e2e_crawl import FAST, REPO

POLL_SECONDS = 0.05


def crawl_command(served: ServedSite, db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "baonghean",
            "-a", f"base_url={served.base_url}", "-s", f"ARCHIVE_DB_URL=sqlite:///{db}",
            *FAST, *args]


def crawl_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}


def start_crawl(served: ServedSite, db: Path, log: Path, *args: str) -> subprocess.Popen[bytes]:
    """``scrapy crawl`` in the background, its log (stderr) written to *log*."""
    with log.open("wb") as out:
        return subprocess.Popen(crawl_command(served, db, *args), cwd=REPO, env=crawl_env(),
                                stdout=subprocess.DEVNULL, stderr=out)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll *condition* every few milliseconds; fail the test after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(POLL_SECONDS)


def settle(served: ServedSite, quiet: float, timeout: float = 30.0) -> int:
    """Wait until the server has logged nothing for *quiet* seconds (a stopped crawl's
    requests still being answered); returns the log's length."""
    deadline = time.monotonic() + timeout
    length, since = len(served.requested_paths()), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"the server kept answering for {timeout}s")
        time.sleep(POLL_SECONDS)
        now = len(served.requested_paths())
        if now != length:
            length, since = now, time.monotonic()
    return length


def count_rows(db: Path, table: str = "articles") -> int:
    """Rows of *table*, 0 while the database or table does not exist yet."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


@contextmanager
def slow_site(root: Path, log: Path, delay: float) -> Iterator[ServedSite]:
    """The fixture site served with every article page answered after *delay* seconds."""
    site = generate(root)
    routes_file = root / "routes.json"
    routes = json.loads(routes_file.read_text(encoding="utf-8"))
    for article in site.articles:
        routes[article.path]["delay"] = delay
    routes_file.write_text(json.dumps(routes, ensure_ascii=False), encoding="utf-8")
    process, base_url = start_server(root, log)
    try:
        yield ServedSite(site=site, base_url=base_url, log=log)
    finally:
        stop_server(process)
