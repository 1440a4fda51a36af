"""Extraction in child processes (``ARCHIVE_EXTRACT_WORKERS``, :mod:`pipelines.worker`).

The child is run for real: once directly, fed the saved fixture pages through its pipe,
and inside ``scrapy crawl`` of the fixture site, where its records must equal those of a
crawl that extracts in process, a child killed half-way must cost no page, and the
child's log lines must reach the crawl's log.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from pipelines.extract import NotAnArticle
from pipelines.extraction_pipeline import ExtractionPipeline, WorkerExtractionPipeline
from pipelines.worker import DEAD_WORKER_STAT, ExtractionFailed, frame, outcome, read_frame
from tests.conftest import ServedSite
from tests.crawling import count_rows, slow_site, start_crawl, wait_for
from tests.pages import PageCase, crawled_case, load_cases
from tests.sitegen import generate
from tests.siteserver import start_server, stop_server
from tests.test_e2e_crawl import REPO, export_records, run_crawl, stored_rows

WORKER = ("-s", "ARCHIVE_EXTRACT_WORKERS=1")
STARTED = re.compile(r"\[pipelines\.worker\] INFO: extract workers started \(pids (\d+)\)")
DIED = "[pipelines.worker] ERROR: extract worker 1 (pid {pid}) died (killed by signal 9)"
STAT_LINE = re.compile(r"'(archive/[^']+)': (\d+)")
NESTED = "[pipelines.generic] WARNING: page too deeply nested for generic extraction: {url}"
SMALL_STACK = """import sys
if sys.orig_argv[1:3] == ["-m", "pipelines.worker"]:
    sys.setrecursionlimit(200)
"""
"""A ``sitecustomize`` that gives the extract worker (and no other process) a small stack."""


class Child:
    """``python -m pipelines.worker`` spoken to one request at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.worker"], cwd=REPO,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.jobs = 0

    def ask(self, body: bytes, url: str | None, headers: dict[str, str]) -> tuple[Any, ...]:
        """The reply to one page, without its job number (checked)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.jobs += 1
        self.process.stdin.write(frame((self.jobs, body, url, headers, None)))
        self.process.stdin.flush()
        job, *reply = read_frame(self.process.stdout)
        assert job == self.jobs
        return tuple(reply)

    def finish(self) -> tuple[int, bytes]:
        """Close its stdin; its exit status and what it wrote on stderr."""
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        status = self.process.wait(timeout=60)
        return status, self.process.stderr.read()


@pytest.fixture(scope="module")
def child() -> Iterator[Child]:
    worker = Child()
    yield worker
    worker.finish()


def ask_case(child: Child, case: PageCase) -> tuple[Any, ...]:
    meta = case.meta
    return child.ask(case.body, meta["url"], meta.get("headers") or {})


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: case.id)
def test_fixture_page_extracts_the_same_in_the_worker(child: Child, case: PageCase) -> None:
    in_process = crawled_case(case.directory)
    reply = ask_case(child, case)
    if isinstance(in_process, NotAnArticle):
        assert reply[0] == "not-article"
        with pytest.raises(NotAnArticle) as refused:
            outcome(reply)
        assert refused.value.reason == in_process.reason
        assert str(refused.value) == str(in_process)
    else:
        assert reply[0] == "record"
        assert outcome(reply) == in_process
    assert reply[-1] == []  # no log line at INFO or above


def test_an_extraction_error_is_a_reply_and_the_worker_goes_on(child: Child) -> None:
    case = load_cases("onecms")[0]
    reply = child.ask(case.body, None, {})  # no URL: extract_page fails on it
    assert reply[0] == "error" and reply[1].startswith("AttributeError: ")
    with pytest.raises(ExtractionFailed, match="^AttributeError: "):
        outcome(reply)
    assert ask_case(child, case)[0] == "record"


def test_the_worker_exits_cleanly_at_the_end_of_its_input() -> None:
    worker = Child()
    case = load_cases("onecms")[0]
    assert ask_case(worker, case)[0] == "record"
    assert worker.finish() == (0, b"")


def small_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawls started from now on give their extract worker a small stack."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SMALL_STACK, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hooks), *sys.path]))


@contextmanager
def site_with_page(root: Path, log: Path, page: bytes) -> Iterator[tuple[ServedSite, str]]:
    """The fixture site with its first article's page replaced by *page*; that page's path."""
    site = generate(root)
    path = site.articles[0].path
    routes = json.loads((root / "routes.json").read_text(encoding="utf-8"))
    (root / routes[path]["file"]).write_bytes(page)
    process, base_url = start_server(root, log)
    try:
        yield ServedSite(site=site, base_url=base_url, log=log), path
    finally:
        stop_server(process)


def deep_page() -> bytes:
    """An article page in no known layout whose text is 240 elements deep."""
    text = "<p>" + "Người dân xã Nghi Lộc cùng nhau dọn dẹp đường làng sau bão. " * 10 + "</p>"
    return ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Bài sâu</title>'
            "</head><body>" + "<div>" * 240 + text * 3 + "</div>" * 240 + "</body></html>"
            ).encode()


def archive_stats(log: str) -> dict[str, int]:
    """The ``archive/`` counters of the crawl's final stats dump."""
    return {name: int(value) for name, value in STAT_LINE.findall(log)}


def errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "] ERROR: " in line]


def test_crawl_with_a_worker_stores_the_same_records(site_server: ServedSite, tmp_path: Path
                                                     ) -> None:
    here = run_crawl(site_server, tmp_path / "in-process.db")
    there = run_crawl(site_server, tmp_path / "worker.db", *WORKER)
    for crawl in (here, there):
        assert crawl.process.returncode == 0, crawl.process.stderr[-3000:]
        assert not errors(crawl.process.stderr)
    assert STARTED.search(there.process.stderr)
    assert not STARTED.search(here.process.stderr)

    def records(db: Path) -> dict[str, dict[str, Any]]:
        return {r["canonical_url"]: {k: v for k, v in r.items()
                                     if k not in ("fetched_at", "ingested_at")}
                for r in export_records(db)}

    stored = records(tmp_path / "worker.db")
    assert len(stored) == len(site_server.site.articles)
    assert stored == records(tmp_path / "in-process.db")
    assert archive_stats(there.process.stderr) == archive_stats(here.process.stderr)


def queued_bytes(pid: int) -> int:
    """Bytes waiting in the stdin pipe of process *pid* (the pipe opened again via /proc)."""
    pipe = os.open(f"/proc/{pid}/fd/0", os.O_RDONLY | os.O_NONBLOCK)
    try:
        return int(struct.unpack("i", fcntl.ioctl(pipe, termios.FIONREAD, bytes(4)))[0])
    finally:
        os.close(pipe)


def test_a_killed_worker_loses_no_page(tmp_path: Path) -> None:
    db, log = tmp_path / "archive.db", tmp_path / "crawl.log"
    with slow_site(tmp_path / "site", tmp_path / "requests.log", 0.3) as served:
        crawl = start_crawl(served, db, log, *WORKER, "-s", "ARCHIVE_BATCH_SIZE=1")
        try:
            wait_for(lambda: STARTED.search(log.read_text(encoding="utf-8")) is not None,
                     "the worker to start")
            found = STARTED.search(log.read_text(encoding="utf-8"))
            assert found is not None
            pid = int(found.group(1))
            wait_for(lambda: count_rows(db) > 0, "the first stored article")
            os.kill(pid, signal.SIGSTOP)
            wait_for(lambda: queued_bytes(pid) > 0, "a page sent to the stopped worker")
            os.kill(pid, signal.SIGKILL)
            assert crawl.wait(timeout=120) == 0
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()
        text = log.read_text(encoding="utf-8")
        stored = {row[0] for row in stored_rows(db)}
        assert stored == {served.url(a.path) for a in served.site.articles}
    lines = errors(text)
    assert len(lines) == 1 and DIED.format(pid=pid) in lines[0]
    in_hand = re.search(r"its (\d+) pages in hand are extracted in the crawl process", lines[0])
    assert in_hand is not None and int(in_hand.group(1)) >= 1
    assert archive_stats(text)[DEAD_WORKER_STAT] == 1


def test_the_workers_log_lines_reach_the_crawl_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_stack(tmp_path, monkeypatch)
    with site_with_page(tmp_path / "site", tmp_path / "requests.log", deep_page()) as (
        served, path
    ):
        crawl = run_crawl(served, tmp_path / "archive.db", *WORKER)
    log = crawl.process.stderr
    assert crawl.process.returncode == 0, log[-3000:]
    assert log.count(NESTED.format(url=served.url(path))) == 1
    assert not errors(log)


@pytest.mark.parametrize("value", ["-1", -2, "two", "1.5", 1.5, "", True])
def test_a_bad_number_of_workers_is_refused(value: object) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_EXTRACT_WORKERS": value})
    with pytest.raises(ValueError, match=r"^ARCHIVE_EXTRACT_WORKERS must be a whole number"):
        ExtractionPipeline.from_crawler(crawler)


@pytest.mark.parametrize(("value", "workers"), [("0", 0), (0, 0), (" 2", 2), (3, 3)])
def test_a_number_of_workers_is_taken(value: object, workers: int) -> None:
    pipeline = ExtractionPipeline.from_crawler(
        get_crawler(settings_dict={"ARCHIVE_EXTRACT_WORKERS": value}))
    if workers:
        assert isinstance(pipeline, WorkerExtractionPipeline)
        assert pipeline.pool.count == workers
    else:
        assert type(pipeline) is ExtractionPipeline


def test_a_crawl_with_a_bad_number_of_workers_does_not_start(site_server: ServedSite,
                                                             tmp_path: Path) -> None:
    crawl = run_crawl(site_server, tmp_path / "bad.db", "-s", "ARCHIVE_EXTRACT_WORKERS=-1")
    assert crawl.process.returncode != 0
    assert "ARCHIVE_EXTRACT_WORKERS: expected a whole number from 0 to 64, got '-1'" in (
        crawl.process.stderr)
    assert crawl.requests == []
