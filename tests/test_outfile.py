"""Output files of ``storage.export`` (``-o``, ``--warc``): never onto the archive, never
replacing a link, a FIFO or a device; ``-`` is stdout; normal permissions."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.export import main
from storage.outfile import OutputRefused, archive_files, check_target
from tests.test_export import archive_with
from tests.test_storage import make_record

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def archive(tmp_path: Path) -> tuple[str, Path]:
    url = archive_with(tmp_path, [make_record(n) for n in range(3)])
    return url, tmp_path / "archive.db"


def _same_archive(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.parametrize("option", ["-o", "--warc"])
@pytest.mark.parametrize("name", ["archive.db", "./archive.db", "archive.db-wal", "lnk.jsonl",
                                  "hard.jsonl", "sub/../archive.db"])
def test_output_onto_the_archive_is_refused(
    archive: tuple[str, Path], option: str, name: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, db = archive
    (db.parent / "lnk.jsonl").symlink_to("archive.db")
    os.link(db, db.parent / "hard.jsonl")
    (db.parent / "sub").mkdir()
    (db.parent / "archive.db-wal").write_bytes(b"")
    before = db.read_bytes()
    monkeypatch.chdir(db.parent)
    assert main(["--db", url, option, name]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is the archive's own file" in err
    _same_archive(db, before)
    assert (db.parent / "lnk.jsonl").is_symlink()
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize("make", [_fifo, _directory], ids=["fifo", "directory"])
def test_output_onto_what_is_no_regular_file_is_refused(
    archive: tuple[str, Path], make: Callable[[Path], None], capsys: pytest.CaptureFixture[str],
) -> None:
    url, db = archive
    target = db.parent / "out.jsonl"
    make(target)
    mode = target.lstat().st_mode
    assert main(["--db", url, "-o", str(target)]) == 2
    assert "is not a regular file" in capsys.readouterr().err
    assert target.lstat().st_mode == mode  # still the FIFO / directory


def test_device_is_refused() -> None:
    with pytest.raises(OutputRefused, match="character device"):
        check_target(Path(os.devnull))


def test_symlink_to_a_file_writes_the_file_and_keeps_the_link(archive: tuple[str, Path]) -> None:
    url, db = archive
    (db.parent / "real.jsonl").write_text("old\n")
    link = db.parent / "link.jsonl"
    link.symlink_to("real.jsonl")
    assert main(["--db", url, "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == "real.jsonl"
    lines = (db.parent / "real.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["headline"] for line in lines)


def test_dash_is_stdout_for_both_outputs(archive: tuple[str, Path]) -> None:
    url, db = archive
    for option, start in (("-o", b'{"url": '), ("--warc", b"WARC/1.0\r\n")):
        done = subprocess.run([sys.executable, "-m", "storage.export", "--db", url, option, "-"],
                              cwd=db.parent, env=_env(), capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(start)
        assert not (db.parent / "-").exists()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_new_files_get_normal_permissions_and_replaced_files_keep_theirs(
    archive: tuple[str, Path],
) -> None:
    url, db = archive
    old = os.umask(0o022)
    try:
        assert main(["--db", url, "-o", str(db.parent / "new.jsonl")]) == 0
        assert main(["--db", url, "--warc", str(db.parent / "new.warc.gz")]) == 0
        kept = db.parent / "kept.jsonl"
        kept.write_text("")
        kept.chmod(0o640)
        assert main(["--db", url, "-o", str(kept)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((db.parent / "new.jsonl").stat().st_mode) == 0o644
    assert stat.S_IMODE((db.parent / "new.warc.gz").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert kept.read_text(encoding="utf-8").count("\n") == 3


def test_archive_files_are_the_database_its_journals_and_lock(tmp_path: Path) -> None:
    names = [p.name for p in archive_files(f"sqlite:///{tmp_path / 'a.db'}")]
    assert names == ["a.db", "a.db-wal", "a.db-shm", "a.db-journal", "a.db.lock"]
    assert archive_files("sqlite://") == archive_files("postgresql://h/db") == []
