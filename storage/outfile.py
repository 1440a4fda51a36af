"""Output files of the commands: never onto the archive, never replacing what is no file.

Every command that writes a file (``storage.export -o``, ``--warc``) goes through
:func:`output_file`:

- ``-`` is standard output;
- a target that is (or resolves to, through symbolic links or as a hard link) the
  archive's database file, its ``-wal``, ``-shm`` or ``-journal`` file or its lock
  file is refused with :class:`OutputRefused` (one line, exit status 2);
- an existing target that is not a regular file (a FIFO, a device, a directory, a
  socket) is refused the same way;
- otherwise the data goes to a temporary file in the directory of the target's real
  path and is renamed onto it once complete: a symbolic link keeps pointing at the
  file it names, now complete, and an error leaves an earlier file as it was. A new
  file gets the usual permissions (``0666`` less the umask), a replaced one keeps its own.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.errors import StorageError

STDOUT = "-"
DATABASE_FILES = ("", "-wal", "-shm", "-journal")
"""Suffixes of the files SQLite keeps for a database ``archive.db``."""
LOCK_FILE = ".lock"
"""Suffix of the archive's crawl lock (:mod:`storage.lock`)."""


class OutputRefused(StorageError):
    """The output target would destroy the archive, or is not a file to write."""


def archive_files(db_url: str, *, lock: bool = True) -> list[Path]:
    """The files of the SQLite archive at *db_url*, the database file first (none for
    other databases); its lock file last, unless not *lock*."""
    try:
        url = make_url(db_url)
    except ArgumentError:
        return []
    database = (url.database or "").removeprefix("file:")
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return []
    suffixes = DATABASE_FILES + ((LOCK_FILE,) if lock else ())
    return [Path(database + suffix) for suffix in suffixes]


def check_target(target: Path, protected: Iterable[Path] = (), *,
                 regular_only: bool = True) -> Path:
    """The real path to write *target* at; :class:`OutputRefused` when it must not be
    (one of the *protected* files; unless not *regular_only*, something else than a
    regular file)."""
    real = Path(os.path.realpath(target))
    try:
        found = os.stat(real)
    except FileNotFoundError:
        found = None
    for path in protected:
        if _same_file(real, found, path):
            raise OutputRefused(f"{target}: is the archive's own file ({path}); not overwritten")
    if regular_only and found is not None and not stat.S_ISREG(found.st_mode):
        raise OutputRefused(
            f"{target}: exists and is not a regular file ({_kind(found.st_mode)}); "
            f"use - for standard output"
        )
    return real


def _same_file(real: Path, found: os.stat_result | None, other: Path) -> bool:
    if real == Path(os.path.realpath(other)):
        return True
    try:
        theirs = os.stat(other)
    except OSError:
        return False
    return found is not None and (found.st_dev, found.st_ino) == (theirs.st_dev, theirs.st_ino)


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


@contextmanager
def output_file(target: str | Path, protected: Iterable[Path] = ()) -> Iterator[IO[bytes]]:
    """A binary stream to *target* (see the module docstring); ``-`` is standard output."""
    if str(target) == STDOUT:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    real = check_target(Path(target), protected)
    with replaced_when_done(real) as stream:
        yield stream


@contextmanager
def replaced_when_done(path: Path) -> Iterator[IO[bytes]]:
    """A binary stream to a temporary file beside *path*, renamed to *path* on success.

    On an error the temporary file is removed and an earlier *path* stays as it was.
    """
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _mode_for(path: Path) -> int:
    """The permissions of the file replaced, else ``0666`` less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
