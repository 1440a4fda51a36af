"""Article extraction in child processes, driven from the crawl's reactor thread.

A crawl is CPU-bound in one process; :func:`pipelines.extract.extract_page` (pure:
bytes in, record out) can run on another core. ``concurrent.futures`` executors add
threads that fight the reactor thread for the GIL on every page, so the children are
spawned with ``reactor.spawnProcess`` and their pipes are read by the reactor itself.

The child is ``python -m pipelines.worker``; it reads requests on stdin and writes
replies on stdout, each a frame: a 4-byte big-endian length, then a pickle.

- request: ``(job, body, final_url, headers, profile)``;
- reply: ``(job, "record", record, logs)``, ``(job, "not-article", reason, message, logs)``
  or ``(job, "error", "ExcType: message", logs)``, where ``logs`` lists the
  ``(logger name, level, formatted message)`` of the log records at INFO or above that
  the extraction emitted; the crawl re-emits them through the same loggers.

The child exits at the end of its stdin. :class:`WorkerPool` is the crawl's side.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import pickle
import signal
import struct
import sys
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.error import ProcessExitedAlready
from twisted.internet.protocol import ProcessProtocol

from pipelines.extract import NotAnArticle, extract_page
from pipelines.record import ArticleRecord

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

HEADER = struct.Struct("!I")
"""A frame's length prefix."""
DEAD_WORKER_STAT = "archive/errors/extract-worker"
CLOSE_TIMEOUT = 10.0
"""Seconds a child has to exit once its stdin is closed; then it is killed."""

LogLine = tuple[str, int, str]
"""A log record shipped from the child: logger name, level, formatted message."""


def frame(message: Any) -> bytes:
    """*message* pickled, behind its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def read_frame(stream: IO[bytes]) -> Any | None:
    """The next message on *stream*; None at its end (a cut-off frame included: the
    writer is gone, nobody waits for an answer)."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    return pickle.loads(data) if len(data) == size else None


class _Captured(logging.Handler):
    """Keeps the log records at INFO or above of the job in hand, to ship with its reply."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[LogLine] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append((record.name, record.levelno, record.getMessage()))
        except Exception:  # a malformed %-format in a log call: say so on stderr
            self.handleError(record)


def answer(request: tuple[int, bytes, str, Mapping[str, str], str | None], captured: _Captured
           ) -> tuple[Any, ...]:
    """The reply to one request; an unexpected exception is an "error" reply."""
    job, body, url, headers, profile = request
    captured.lines = []
    result: tuple[Any, ...]
    try:
        result = ("record", extract_page(body, url, headers, profile=profile))
    except NotAnArticle as error:
        result = ("not-article", error.reason, str(error))
    except Exception as error:
        result = ("error", f"{type(error).__name__}: {error}")
    return (job, *result, captured.lines)


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Answer every request on *requests* until its end."""
    captured = _Captured()
    root = logging.getLogger()
    root.addHandler(captured)
    root.setLevel(logging.INFO)
    while (request := read_frame(requests)) is not None:
        replies.write(frame(answer(request, captured)))
        replies.flush()


def main() -> int:
    """The child: frames on fds 0 and 1. Anything else printed goes to stderr, and Ctrl-C
    is left to the crawl, which stops its children by closing their stdin."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, replies)
    return 0


class ExtractionFailed(Exception):
    """Extraction raised an unexpected exception in a worker: ``ExcType: message``."""


class WorkerDied(Exception):
    """The worker process ended before it answered the job."""


def outcome(reply: tuple[Any, ...]) -> ArticleRecord:
    """The record of a reply (without its job), as :func:`extract_page` would return it,
    or its :class:`NotAnArticle` or :class:`ExtractionFailed` raised; the child's log lines
    are emitted first, through the loggers that wrote them."""
    kind, *payload, logs = reply
    for name, level, message in logs:
        logging.getLogger(name).log(level, "%s", message)
    if kind == "record":
        record: ArticleRecord = payload[0]
        return record
    if kind == "not-article":
        reason, message = payload
        error = NotAnArticle(reason)
        error.args = (message,)  # the child's str(error), detail included
        raise error
    raise ExtractionFailed(payload[0])


def _how(reason: Failure) -> str:
    """How a child ended, in a few words."""
    code, number = getattr(reason.value, "exitCode", None), getattr(reason.value, "signal", None)
    return f"killed by signal {number}" if number else f"exit code {code}"


class _Process(Protocol):
    """What this module uses of Twisted's ``IProcessTransport`` (mypy cannot check the
    methods of its zope interface)."""

    pid: int | None

    def write(self, data: bytes) -> None: ...

    def closeStdin(self) -> None: ...  # noqa: N802 - Twisted's naming

    def signalProcess(self, signal: str) -> None: ...  # noqa: N802 - Twisted's naming


def _reactor() -> Any:
    """The running reactor (imported late: importing it early would install the default)."""
    from twisted.internet import reactor

    return reactor


class _Worker(ProcessProtocol):
    """One child: frames its stdout into replies, each firing its job's Deferred."""

    def __init__(self, number: int, pool: WorkerPool) -> None:
        self.number = number
        self.pool = pool
        self.process: _Process | None = None
        self.pid: int | None = None
        self.alive = True
        self.jobs: dict[int, defer.Deferred[tuple[Any, ...]]] = {}
        self.buffer = bytearray()
        self.waiters: list[defer.Deferred[None]] = []

    def submit(self, job: int, page: tuple[bytes, str, Mapping[str, str], str | None]
               ) -> defer.Deferred[tuple[Any, ...]]:
        assert self.process is not None
        self.jobs[job] = done = defer.Deferred[tuple[Any, ...]]()
        body, url, headers, profile = page
        self.process.write(frame((job, body, url, dict(headers), profile)))
        return done

    def outReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's naming
        self.buffer += data
        while len(self.buffer) >= HEADER.size:
            end = HEADER.size + HEADER.unpack_from(self.buffer)[0]
            if len(self.buffer) < end:
                return
            job, *reply = pickle.loads(self.buffer[HEADER.size:end])
            del self.buffer[:end]
            self.jobs.pop(job).callback(tuple(reply))

    def processEnded(self, reason: Failure) -> None:  # noqa: N802 - Twisted's naming
        self.alive = False
        pending, self.jobs = self.jobs, {}
        self.pool.ended(self, reason, len(pending))
        for job in pending.values():
            job.errback(WorkerDied())
        for waiter in self.waiters:
            waiter.callback(None)

    def when_ended(self) -> defer.Deferred[None]:
        if not self.alive:
            return defer.succeed(None)
        self.waiters.append(waiter := defer.Deferred[None]())
        return waiter


class WorkerPool:
    """*count* extraction children: each page goes to the one with the fewest pages in
    hand. A child that dies is counted under ``archive/errors/extract-worker`` and logged
    once; its pages in hand, and every page once no child is left, are extracted in this
    process, so none is lost."""

    def __init__(self, count: int, stats: StatsCollector) -> None:
        self.count = count
        self.stats = stats
        self.workers: list[_Worker] = []
        self.job_ids = itertools.count()
        self.closing = False

    def start(self) -> None:
        """Spawn the children: this interpreter, this directory, this ``sys.path``."""
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        argv = [sys.executable, "-m", __name__]
        for number in range(1, self.count + 1):
            worker = _Worker(number, self)
            worker.process = cast(_Process, _reactor().spawnProcess(
                worker, sys.executable, argv, env=env, path=os.getcwd(),
                childFDs={0: "w", 1: "r", 2: 2},
            ))
            worker.pid = worker.process.pid
            self.workers.append(worker)
        logger.info("extract workers started (pids %s)",
                    " ".join(str(w.pid) for w in self.workers))

    async def extract(self, body: bytes, url: str, headers: Mapping[str, str],
                      profile: str | None = None) -> ArticleRecord:
        """:func:`extract_page` of the page, by the least busy living child if any."""
        living = [w for w in self.workers if w.alive]
        if living:
            worker = min(living, key=lambda w: len(w.jobs))
            try:
                reply = await maybe_deferred_to_future(
                    worker.submit(next(self.job_ids), (body, url, headers, profile)))
            except WorkerDied:
                pass  # logged once by ended(); this page is extracted here
            else:
                return outcome(reply)
        return extract_page(body, url, headers, profile=profile)

    def ended(self, worker: _Worker, reason: Failure, pending: int) -> None:
        """A child exited: expected while closing, else an error said once."""
        if self.closing:
            return
        self.stats.inc_value(DEAD_WORKER_STAT)
        left = sum(w.alive for w in self.workers)
        logger.error(
            "extract worker %d (pid %s) died (%s): its %d pages in hand are extracted in the "
            "crawl process, %s", worker.number, worker.pid, _how(reason), pending,
            f"later pages by the {left} workers left" if left else "and so are later pages",
        )

    async def close(self) -> None:
        """Close the children's stdin, wait for them to exit, kill those that do not."""
        self.closing = True
        living = [w for w in self.workers if w.alive]
        for worker in living:
            assert worker.process is not None
            worker.process.closeStdin()
        for worker in living:
            await _wait_or_kill(worker)


async def _wait_or_kill(worker: _Worker) -> None:
    """Wait :data:`CLOSE_TIMEOUT` seconds for a child to exit, then kill it."""
    ended = worker.when_ended()
    ended.addTimeout(CLOSE_TIMEOUT, _reactor())
    try:
        await maybe_deferred_to_future(ended)
        return
    except defer.TimeoutError:
        logger.warning("extract worker %d (pid %s) still running %ss after the crawl; killed",
                       worker.number, worker.pid, CLOSE_TIMEOUT)
    assert worker.process is not None
    with contextlib.suppress(ProcessExitedAlready):
        worker.process.signalProcess("KILL")
    await maybe_deferred_to_future(worker.when_ended())


if __name__ == "__main__":
    sys.exit(main())
