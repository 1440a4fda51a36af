"""The storage commands on odd input: huge numbers, another application's database, a
read-only archive, a directory for an archive; one line and a status, never a traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from storage.schema import REVISIONS, alembic_config
from tests.test_export import archive_with
from tests.test_storage import make_record

ROOT = Path(__file__).resolve().parent.parent
HUGE = "99999999999999999999"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ARCHIVE_DB_URL", None)
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def one_line(done: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert all(word in done.stderr for word in words), done.stderr


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    return archive_with(tmp_path_factory.mktemp("faults"), [make_record(n) for n in range(3)])


@pytest.mark.parametrize(("command", "option", "bad", "good"), [
    ("storage.search", "--limit", HUGE, "1000000"),
    ("storage.stats", "--top", HUGE, "1000000"),
    ("storage.stats", "--runs", HUGE, "1000000"),
    ("storage.stats", "--runs", "-1", "0"),
    ("pipelines.reparse", "--limit", HUGE, "1000000000000"),
])
def test_huge_numbers_are_refused_in_one_line(archive: str, command: str, option: str,
                                              bad: str, good: str) -> None:
    query = ["nghe"] if command == "storage.search" else []
    one_line(run(command, "--db", archive, option, bad, *query), 2, "expected a whole number")
    done = run(command, "--db", archive, option, good, *query)
    assert done.returncode == 0 and done.stdout and not done.stderr, done.stderr


def test_copy_with_a_huge_chunk_is_refused_and_leaves_no_target(archive: str,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    done = run("storage.copy", "--db", archive, "--to", f"sqlite:///{target}", "--chunk", HUGE)
    one_line(done, 2, "--chunk")
    assert not target.exists()


def test_failed_copy_removes_the_target_it_created(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    with sqlite3.connect(broken) as connection:  # articles, but nothing else an archive has
        connection.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, canonical_url TEXT)")
    target = tmp_path / "copy.db"
    one_line(run("storage.copy", "--db", f"sqlite:///{broken}", "--to", f"sqlite:///{target}"),
             2, "not the archive's")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.db"]


def _foreign(path: Path, table: str) -> str:
    with sqlite3.connect(path) as connection:
        connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, title TEXT)")
    return f"sqlite:///{path}"


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master "
                                                     "WHERE type = 'table'")}


@pytest.mark.parametrize("command", ["migrate", "copy"])
def test_database_of_another_application_is_refused_unless_forced(
    archive: str, tmp_path: Path, command: str,
) -> None:
    path = tmp_path / "app.db"
    url = _foreign(path, "users")
    args = ("storage.migrate", "--db", url) if command == "migrate" else (
        "storage.copy", "--db", archive, "--to", url)
    one_line(run(*args), 2, "tables that are not the archive's (users)", "--force")
    assert _tables(path) == {"users"}
    done = run(*args, "--force")
    assert done.returncode == 0, done.stderr
    assert {"users", "articles", "crawl_runs"} <= _tables(path)


@pytest.mark.parametrize("args", [("storage.migrate",), ("storage.migrate", "--force"),
                                  ("storage.export",), ("storage.stats",)])
def test_foreign_articles_table_is_refused_clearly(tmp_path: Path, args: tuple[str, ...]) -> None:
    path = tmp_path / "blog.db"
    url = _foreign(path, "articles")
    one_line(run(*args, "--db", url), 2, "'articles' table that is not the archive's")
    assert _tables(path) == {"articles"}


def test_revisions_list_every_revision_file_in_order() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert [rev.revision for rev in script.walk_revisions()][::-1] == list(REVISIONS)


@pytest.mark.parametrize("args", [("storage.export",), ("storage.stats",),
                                  ("storage.search", "nghe")])
def test_archive_path_that_is_a_directory(tmp_path: Path, args: tuple[str, ...]) -> None:
    one_line(run(args[0], "--db", f"sqlite:///{tmp_path}", *args[1:]), 2, "is a directory")


def read_only(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m ARGS`` with *directory* read-only: a read-only bind mount in a user
    namespace when running as root (whom permissions do not stop), else no write
    permission on it."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            return run(*args)
        finally:
            directory.chmod(0o755)
    mount = (f'mount --bind "{directory}" "{directory}" && '
             f'mount -o remount,ro,bind "{directory}" "{directory}" && exec "$@"')
    assert shutil.which("unshare"), "unshare (util-linux) is needed to mount read-only"
    return run_shell(["unshare", "-rm", "sh", "-c", mount, "sh", sys.executable, "-m", *args])


def run_shell(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def wal_archive(tmp_path: Path) -> Path:
    """A WAL archive in a directory of its own, closed (no -wal or -shm file left)."""
    directory = tmp_path / "media"
    directory.mkdir()
    archive_with(directory, [make_record(n) for n in range(3)])
    db = directory / "archive.db"
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert sorted(p.name for p in directory.iterdir()) == ["archive.db"]
    return db


@pytest.mark.parametrize(("args", "expected"), [
    (("storage.export",), '"headline": '),
    (("storage.search", "nghe an"), "Nghệ An"),
    (("storage.stats",), "articles: 3"),
])
def test_read_only_wal_archive_can_be_read(wal_archive: Path, args: tuple[str, ...],
                                           expected: str) -> None:
    before = wal_archive.read_bytes()
    done = read_only(wal_archive.parent, args[0], "--db", f"sqlite:///{wal_archive}", *args[1:])
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert wal_archive.read_bytes() == before


def test_read_only_archive_with_its_wal_sees_the_last_commits(wal_archive: Path) -> None:
    done = read_only(wal_archive.parent, "storage.export", "--db", f"sqlite:///{wal_archive}")
    assert done.returncode == 0, done.stderr  # without a WAL file: opened immutable
    with closing(sqlite3.connect(wal_archive)) as connection:
        connection.execute("PRAGMA wal_autocheckpoint = 0")
        connection.execute("UPDATE articles SET headline = 'Chỉ trong WAL' WHERE id = 1")
        connection.commit()
        copy = wal_archive.parent.parent / "copy"
        copy.mkdir()
        for name in ("archive.db", "archive.db-wal", "archive.db-shm"):
            shutil.copy(wal_archive.parent / name, copy / name)
    done = read_only(copy, "storage.export", "--db", f"sqlite:///{copy / 'archive.db'}")
    assert done.returncode == 0, done.stderr  # with one: read-only, the log read
    assert "Chỉ trong WAL" in done.stdout
