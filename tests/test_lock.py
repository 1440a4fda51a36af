"""One crawl per archive: the lock file, and ``scrapy crawl`` refusing a second crawl."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import select

from crawler.commands.crawl import Command
from storage.db import Database
from storage.lock import FileLock, LockHeld, NoLock, archive_lock
from storage.models import CrawlRun
from tests.conftest import ServedSite
from tests.crawling import count_rows, crawl_command, crawl_env, slow_site, start_crawl, wait_for
from tests.test_e2e_crawl import REPO

HOLD_LOCK = """
import sys, time
from pathlib import Path
from storage.lock import FileLock
FileLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another process holding the lock of ``tmp_path/archive.db``."""
    path = tmp_path / "archive.db.lock"
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], cwd=REPO,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    try:
        yield process, path
    finally:
        process.kill()
        process.wait()


def test_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "archive.db.lock"
    first = FileLock(path)
    assert first.acquire() is None
    with pytest.raises(LockHeld) as refused:
        FileLock(path).acquire()
    assert refused.value.holder.pid == os.getpid()
    assert f"pid {os.getpid()}, started " in str(refused.value)
    assert str(path) in str(refused.value)
    first.release()
    with FileLock(path):
        pass
    assert path.read_text() == ""  # released: the holder is forgotten, the file stays


def test_lock_held_by_another_process_is_refused(
    holder: tuple[subprocess.Popen[str], Path]
) -> None:
    process, path = holder
    with pytest.raises(LockHeld, match=f"pid {process.pid}"):
        FileLock(path).acquire()


def test_lock_of_a_killed_process_is_recovered(
    holder: tuple[subprocess.Popen[str], Path]
) -> None:
    process, path = holder
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert f"pid={process.pid}" in path.read_text()  # the dead holder's note is still there
    lock = FileLock(path)
    previous = lock.acquire()
    assert previous is not None and previous.pid == process.pid
    assert f"pid={os.getpid()}" in path.read_text()
    lock.release()


def test_lock_per_database_url(tmp_path: Path) -> None:
    beside = archive_lock(f"sqlite:///{tmp_path / 'archive.db'}")
    assert isinstance(beside, FileLock) and beside.path == tmp_path / "archive.db.lock"
    relative = archive_lock("sqlite:///archive.db")
    assert isinstance(relative, FileLock)
    assert relative.path == Path(os.path.realpath("archive.db.lock"))  # keyed by real path
    for memory in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"):
        assert isinstance(archive_lock(memory), NoLock)
    server = archive_lock("postgresql://archiver:s3cret@db.example/news", tmp_path)
    other = archive_lock("postgresql://archiver:other@db.example/news2", tmp_path)
    assert isinstance(server, FileLock) and isinstance(other, FileLock)
    assert server.path.parent == tmp_path and server.path != other.path
    assert "s3cret" not in str(server.path)


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    root = tmp_path_factory.mktemp("slow-site")
    with slow_site(root, root / "requests.log", delay=0.5) as served:
        yield served


def test_second_crawl_is_refused_and_a_killed_crawls_lock_recovered(
    slow: ServedSite, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    lock_file = tmp_path / "archive.db.lock"
    first = start_crawl(slow, db, tmp_path / "first.log", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    try:
        wait_for(lambda: f"pid={first.pid}" in _text(lock_file), "the first crawl's lock")
        second = subprocess.run(crawl_command(slow, db), cwd=REPO, env=crawl_env(),
                                capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 75
        lines = second.stderr.splitlines()
        assert len(lines) == 1, second.stderr
        assert "another crawl holds the archive lock" in lines[0]
        assert f"pid {first.pid}" in lines[0]
        wait_for(lambda: count_rows(db, "crawl_runs") == 1, "the first crawl's run row")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        first.kill()
        first.wait()

    third = subprocess.run(crawl_command(slow, db), cwd=REPO, env=crawl_env(),
                           capture_output=True, text=True, timeout=300, check=False)
    assert third.returncode == 0, third.stderr[-3000:]
    assert f"Took over the archive lock left by pid {first.pid}" in third.stderr
    with Database.open(f"sqlite:///{db}", create=False) as archive, archive.session() as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    assert [run.finish_reason for run in runs] == ["abandoned", "finished"]
    assert lock_file.read_text() == ""


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def process_options(db: Path, *args: str) -> Command:
    """The crawl command's option processing (where the lock is taken), in-process."""
    command = Command()
    command.settings = Settings()
    command.settings.setmodule("crawler.settings", priority="project")
    parser = argparse.ArgumentParser()
    command.add_options(parser)
    opts = parser.parse_args(["-s", f"ARCHIVE_DB_URL=sqlite:///{db}", *args])
    command.process_options(["baonghean"], opts)
    return command


def test_distributed_workers_share_the_archive_without_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with FileLock(tmp_path / "archive.db.lock"):
        with pytest.raises(SystemExit) as refused:
            process_options(db)
        assert refused.value.code == 75
        worker = process_options(db, "-s", "ARCHIVE_SCHEDULER=redis")
        assert worker.lock is None
