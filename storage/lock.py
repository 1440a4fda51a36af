"""One writer per archive: the crawl lock.

A scheduled crawl takes the archive's lock before it starts and holds it until
the process ends; a second crawl of the same archive is refused at once with
:class:`LockHeld`, which names the holder.

:func:`archive_lock` picks the lock for a database URL:

- a SQLite file ``archive.db``: ``archive.db.lock`` beside the file's real path, so
  that every name of the archive (a symbolic link to it, a path through a linked
  directory, ``./archive.db``) leads to the same lock;
- an in-memory SQLite database: no lock (no other process can open it);
- any other database: a lock file named after the URL (password left out) in
  the lock directory, which guards against a second crawl on the same host.
  A database-side lock (a PostgreSQL advisory lock, a lock row) fits the same
  :class:`ArchiveLock` protocol and would be chosen here.

File locks use ``fcntl.flock``: the operating system releases the lock when its
process dies, however it dies (SIGKILL included), so a lock left by a killed
crawl is recovered by simply taking it again. The file is never deleted (a
deleted lock file lets two processes lock two different files); it holds the
holder's pid, host and start time, for the refusal message.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol

from sqlalchemy.engine import make_url

from storage.errors import StorageError

__all__ = ["ArchiveLock", "FileLock", "LockHeld", "LockHolder", "NoLock", "archive_lock"]

LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a lock, as written in the lock file."""

    pid: int | None
    host: str | None = None
    started_at: str | None = None
    """ISO 8601 UTC time the holder took the lock."""

    def describe(self) -> str:
        if self.pid is None:
            return "pid unknown"
        where = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        since = f", started {self.started_at}" if self.started_at else ""
        return f"pid {self.pid}{where}{since}"


class LockHeld(StorageError):
    """Another process holds the archive's lock."""

    def __init__(self, where: str, holder: LockHolder) -> None:
        super().__init__(f"another crawl holds the archive lock ({holder.describe()}): {where}")
        self.where = where
        self.holder = holder


class ArchiveLock(Protocol):
    """A lock on one archive, taken without waiting."""

    @property
    def where(self) -> str:
        """Where the lock lives, for messages (a path, a database key)."""
        ...

    def acquire(self) -> LockHolder | None:
        """Take the lock or raise :class:`LockHeld`.

        Returns the previous holder when the lock was left behind by a process
        that died without releasing it, else None.
        """
        ...

    def release(self) -> None:
        """Give the lock up; releasing a lock not held does nothing."""
        ...


class FileLock:
    """An exclusive ``flock`` on a file; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def where(self) -> str:
        return str(self.path)

    def acquire(self) -> LockHolder | None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already locked by this object")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockHeld(self.where, holder) from None
        except BaseException:
            os.close(fd)
            raise
        previous = _read_holder(fd)
        _write_holder(fd)
        self._fd = fd
        return previous if previous.pid is not None else None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing the last descriptor releases the flock

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class NoLock:
    """For archives no other process can reach (in-memory SQLite)."""

    where = "(no lock: in-memory database)"

    def acquire(self) -> LockHolder | None:
        return None

    def release(self) -> None:
        return None


def archive_lock(db_url: str, lock_dir: Path | None = None) -> ArchiveLock:
    """The lock of the archive at *db_url*; *lock_dir* (default: the system temporary
    directory) holds the lock files of archives that are not SQLite files."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return NoLock()
        path = Path(os.path.realpath(database.removeprefix("file:")))
        return FileLock(path.with_name(path.name + LOCK_SUFFIX))
    shown = url.render_as_string(hide_password=True)
    key = hashlib.sha256(shown.encode()).hexdigest()[:16]
    directory = lock_dir if lock_dir is not None else Path(tempfile.gettempdir())
    return FileLock(directory / f"vnnews-archive-{key}{LOCK_SUFFIX}")


def _read_holder(fd: int) -> LockHolder:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace")
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    pid = fields.get("pid", "")
    return LockHolder(
        pid=int(pid) if pid.isdigit() else None,
        host=fields.get("host") or None,
        started_at=fields.get("started") or None,
    )


def _write_holder(fd: int) -> None:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    text = f"pid={os.getpid()}\nhost={socket.gethostname()}\nstarted={started}\n"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())
    os.fsync(fd)
