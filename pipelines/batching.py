"""What the storage pipeline buffers between two transactions, and its age check.

:class:`Batch` holds the prepared article versions, the pages kept raw after a
failed extraction (:mod:`storage.failed`), the web-archive captures dropped for good
(:mod:`storage.captures`), the pages' size in bytes, when the oldest
arrived, and the items waiting for the batch's commit (a crawl with a feed export
returns each record only once it is committed: see :mod:`pipelines.storage_pipeline`).
:class:`AgeTimer` calls the pipeline's check every second on the crawl's reactor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from storage.archive import ArticleVersion
from storage.captures import DroppedCapture
from storage.failed import FailedVersion


class NotStored(Exception):
    """The batch holding this item was not committed (a storage error)."""


@dataclass
class Batch:
    """Pages waiting for their transaction."""

    articles: list[ArticleVersion] = field(default_factory=list)
    failed: list[FailedVersion] = field(default_factory=list)
    dropped: list[DroppedCapture] = field(default_factory=list)
    size: int = 0
    """Bytes of the raw pages buffered."""
    first_at: float = 0.0
    """Clock time when the oldest page arrived."""
    waiters: list[Deferred[None]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.articles) + len(self.failed) + len(self.dropped)

    def add(self, version: ArticleVersion | FailedVersion | DroppedCapture, size: int,
            now: float) -> None:
        """Buffer *version*, its page of *size* bytes arriving at clock time *now*."""
        if not self:
            self.first_at = now
        if isinstance(version, DroppedCapture):
            self.dropped.append(version)
        elif isinstance(version, FailedVersion):
            self.failed.append(version)
        else:
            self.articles.append(version)
        self.size += size

    def wait(self) -> Deferred[None]:
        """Fires when this batch is committed; fails with :class:`NotStored` otherwise."""
        done: Deferred[None] = Deferred()
        self.waiters.append(done)
        return done

    def committed(self) -> None:
        for done in self.waiters:
            done.callback(None)

    def lost(self, why: str) -> None:
        for done in self.waiters:
            done.errback(NotStored(why))


async def once_stored(waiting: Deferred[None], record: dict[str, Any], url: str
                      ) -> dict[str, Any]:
    """*record*, once *waiting* (its batch's commit) fires; DropItem if it was not stored."""
    try:
        await maybe_deferred_to_future(waiting)
    except NotStored as error:
        raise DropItem(f"not stored ({error}): {url}", log_level="DEBUG") from None
    return record


class DelayedCall(Protocol):
    def active(self) -> bool: ...
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What the age checks need of a reactor (``twisted.internet.task.Clock`` in tests)."""

    def callLater(self, delay: float, callable: Callable[[], None]) -> DelayedCall: ...  # noqa: N802


class AgeTimer:
    """Calls *check* every *interval* seconds on a reactor, from :meth:`start` to
    :meth:`stop`."""

    def __init__(self, check: Callable[[], None], interval: float) -> None:
        self.check = check
        self.interval = interval
        self.clock: Clock | None = None
        self._call: DelayedCall | None = None
        self.running = False

    def start(self, clock: Clock | None) -> None:
        self.clock = clock
        self.running = clock is not None
        self._schedule()

    def _schedule(self) -> None:
        if self.running and self.clock is not None:
            self._call = self.clock.callLater(self.interval, self._fired)

    def _fired(self) -> None:
        self._call = None
        self.check()
        self._schedule()

    def stop(self) -> None:
        self.running = False
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None
