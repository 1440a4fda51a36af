"""Running ``scrapy crawl baonghean`` as a subprocess for the hostile-site and storage-fault
tests, and reading back what it left: the log, the server's request log, the archive rows
and the ``crawl_runs`` record."""

from __future__ import annotations

import json
import os
import queue
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FAST = (
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "TELNETCONSOLE_ENABLED=0",
    "-s", "LOG_LEVEL=INFO",
)  # fmt: skip
"""Politeness lifted: the local server is no weak news site."""
QUICK_FAILURES = (
    "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1", "-s", "ARCHIVE_MAX_RETRY_AFTER=0.2",
)  # fmt: skip
"""Failing pages give up within seconds (the defaults take minutes)."""
DATASETTE_RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class CrawlResult:
    returncode: int
    log: str
    """The crawl's log (stderr)."""
    db: Path
    requests: list[tuple[str, int]]
    """(path with query, status) the server answered during this crawl; status 0 is a reset."""

    def lines(self, *parts: str) -> list[str]:
        """Log lines holding every one of ``parts``."""
        return [line for line in self.log.splitlines() if all(p in line for p in parts)]

    def stat(self, name: str) -> int | None:
        """A number from the final Scrapy stats dump, None when the stat is absent."""
        match = re.search(rf"'{re.escape(name)}': (\d+)", self.log)
        return int(match.group(1)) if match else None

    def requested(self, path: str) -> list[int]:
        """Statuses of the answers to ``path`` (exact path and query)."""
        return [status for requested, status in self.requests if requested == path]

    def runs(self) -> list[dict[str, Any]]:
        """The ``crawl_runs`` rows, oldest first, with ``errors`` and ``dropped`` decoded."""
        with sqlite3.connect(self.db) as connection:
            connection.row_factory = sqlite3.Row
            rows = [dict(row) for row in connection.execute("SELECT * FROM crawl_runs ORDER BY id")]
        for row in rows:
            for name in ("errors", "dropped"):
                if isinstance(row.get(name), str):
                    row[name] = json.loads(row[name])
        return rows

    def stored(self) -> list[tuple[str, str]]:
        """(canonical_url, url) of every archived article."""
        return stored_rows(self.db)

    def export(self) -> list[str]:
        """``python -m storage.export`` output: one JSON line per article."""
        command = [sys.executable, "-m", "storage.export", "--db", f"sqlite:///{self.db}"]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120,
                              check=True)
        return [line for line in done.stdout.splitlines() if line.strip()]


def stored_rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute("SELECT canonical_url, url FROM articles ORDER BY id"))


def served_requests(log: Path) -> list[tuple[str, int]]:
    if not log.exists():
        return []
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        _, path, status = line.split(" ")
        found.append((path, int(status)))
    return found


def run_crawl(base_url: str, server_log: Path, db_url: str, *args: str,
              timeout: float = 240) -> CrawlResult:
    """``scrapy crawl baonghean`` on ``base_url`` into ``db_url``, fast settings, ``args`` last."""
    before = len(served_requests(server_log))
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
    command = [sys.executable, "-m", "scrapy", "crawl", "baonghean", "-a", f"base_url={base_url}",
               "-s", f"ARCHIVE_DB_URL={db_url}", *FAST, *args]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    db = Path(db_url.removeprefix("sqlite:///").removeprefix("file:").split("?")[0])
    return CrawlResult(done.returncode, done.stderr, db, served_requests(server_log)[before:])


@contextmanager
def datasette(db: Path, startup_seconds: float = 60) -> Iterator[str]:
    """The archive served by Datasette (the web view) on 127.0.0.1; yields its base URL."""
    command = [sys.executable, "-m", "datasette", "serve", str(db), "-m",
               str(REPO / "datasette-metadata.yaml"), "-h", "127.0.0.1", "-p", "0"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, cwd=REPO)
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr or ()],
                     daemon=True).start()
    try:
        seen = []
        while True:
            line = lines.get(timeout=startup_seconds)
            seen.append(line)
            if match := DATASETTE_RUNNING.search(line):
                break
            assert process.poll() is None, "datasette did not start:\n" + "".join(seen)
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
