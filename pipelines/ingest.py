"""Ingest local WARC files: ``python -m pipelines.ingest FILE.warc[.gz]... [--db URL]``.

Reads each file's records (warcio; gzipped or not) and keeps the ``response`` records
of article pages of profiled sites (``--site NAME``: that site's only), by the site's
URL rules. Each becomes a :class:`~crawler.items.FetchedPage` (fetch time: the record's
``WARC-Date``; URL: ``WARC-X-Requested-URI`` when our own export wrote one, else the
target URI; provenance ``warc`` with the file and record offset) and goes through the
crawl's own pipelines (extraction, validation, storage) in a Scrapy run whose start
yields the pages: the same counts, run row and closing summary as a crawl. Records
already ingested (same file and offset, the ``captures`` table) are skipped (counted
as ``archive/skipped/known``, or ``archive/skipped/known_failed`` for those dropped
before as not articles), and
unchanged content stores nothing new, so ingesting twice stores nothing new. Other
records are counted: ``archive/ingest/skipped/<kind>`` (``warc-request``,
``warc-warcinfo``, ``off-site``, ``not-article``...), ``archive/dropped/<kind>``
(``warc-revisit``, ``not-html``, ``redirect``), ``archive/errors/<kind>``
(``warc-truncated``, ``warc-unreadable``, ``offsite-redirect``, ``http-<status>``).

Exit status: 0 done, 1 storage error or interrupted, 2 bad arguments (a missing file,
an unknown site), 75 another crawl holds the archive's lock.

Example: python -m pipelines.ingest --db sqlite:///archive.db crawl-2017.warc.gz
"""

from __future__ import annotations

import argparse
import logging
import sys
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.commands.crawl import EXIT_ABNORMAL, EXIT_LOCKED, EXIT_USAGE, exit_status
from crawler.items import FetchedPage
from crawler.middlewares import report
from crawler.warcrecords import ArchivedResponse, BadRecord, refusal, response_of
from pipelines.profiles import UnknownSite, for_url, profile
from pipelines.profiles.base import Profile
from pipelines.runstats import SKIPPED_KNOWN, SKIPPED_KNOWN_FAILED
from pipelines.urls import canonicalize, urlsplit
from storage.captures import KEPT, known_captures
from storage.db import Database, resolve_db_url
from storage.errors import StorageError
from storage.lock import LockHeld, archive_lock
from storage.progress import Progress
from storage.warc import REQUESTED_URI

logger = logging.getLogger(__name__)

PROG = "python -m pipelines.ingest"
SKIPPED = "archive/ingest/skipped/{kind}"
DROPPED_KINDS = frozenset({"warc-revisit", "redirect", "not-html"})
PROGRESS_EVERY = 1000
CHECK_CHUNK = 200
"""Records looked up in the archive (already ingested?) at a time."""


class IngestSpider(scrapy.Spider):
    """Yields the article pages of WARC files from its start; see the module docstring."""

    name = "ingest"

    def __init__(self, files: Sequence[str] = (), site: str | None = None, **kwargs: Any
                 ) -> None:
        super().__init__(**kwargs)
        self.files = [Path(name).resolve() for name in files]
        self.site: Profile | None = profile(site) if site else None
        self.arguments = {"files": [str(f) for f in self.files], "site": site or ""}
        self.read = 0
        self.progress = Progress("ingest", enabled=False)

    async def start(self) -> AsyncIterator[Any]:
        with Progress("ingest: WARC records read") as self.progress:  # on a terminal only
            for path in self.files:
                for batch in _chunks(self._pages(path), CHECK_CHUNK):
                    for page in self._unknown(batch):
                        yield page

    def _pages(self, path: Path) -> Iterator[FetchedPage]:
        """The article pages of one file, in order; a file that breaks off is counted."""
        location = path.as_uri()
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            try:
                for record in records:
                    page = self._page(record, records, location)
                    if page is not None:
                        yield page
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
                report(self.crawler.stats, location, "warc-truncated",
                       f"the file breaks off after record {self.read}: {exc}")

    def _page(self, record: Any, records: ArchiveIterator, location: str
              ) -> FetchedPage | None:
        self.read += 1
        self.progress.advance()
        if self.read % PROGRESS_EVERY == 0:
            logger.info("ingest: %d records read", self.read)
        try:
            archived = response_of(record)  # the record is read before its offset is asked
        except BadRecord as bad:
            capture_url = f"{location}#offset={records.get_record_offset()}"
            self._bad(capture_url, bad.kind, bad.detail)
            return None
        self.crawler.stats.inc_value("response_received_count")  # "pages" of the summary
        capture_url = f"{location}#offset={records.get_record_offset()}"
        url = canonicalize(record.rec_headers.get_header(REQUESTED_URI) or archived.url)
        site = for_url(url) if self.site is None else self.site
        if site is None or not _on(site, url):
            self._skip("off-site")
            return None
        if not site.urls.is_article(url):
            self._skip("not-article")
            return None
        refused = refusal(archived)
        if refused is not None:
            self._bad(capture_url, *refused)
            return None
        return _fetched(url, archived, site, capture_url)

    def _unknown(self, pages: list[FetchedPage]) -> list[FetchedPage]:
        db = Database.open(resolve_db_url(self.crawler.settings.get("ARCHIVE_DB_URL")))
        try:
            with db.session() as session:
                known = known_captures(session, [p.capture_url or "" for p in pages])
        finally:
            db.close()
        kept = sum(outcome in KEPT for outcome in known.values())
        if kept:
            self.crawler.stats.inc_value(SKIPPED_KNOWN, kept)
        if len(known) > kept:
            self.crawler.stats.inc_value(SKIPPED_KNOWN_FAILED, len(known) - kept)
        return [page for page in pages if page.capture_url not in known]

    def _skip(self, kind: str) -> None:
        self.crawler.stats.inc_value(SKIPPED.format(kind=kind))

    def _bad(self, where: str, kind: str, detail: str) -> None:
        if kind in DROPPED_KINDS:
            self.crawler.stats.inc_value(f"archive/dropped/{kind}")
            logger.info("dropped %s: %s: %s", where, kind, detail)
        elif kind.startswith("warc-") and kind not in ("warc-truncated", "warc-unreadable"):
            self._skip(kind)  # request, warcinfo, metadata... records: no responses
        else:
            report(self.crawler.stats, where, kind, detail)


def _on(site: Profile, url: str) -> bool:
    """Is *url* on one of the site's hosts (``www.`` and sub-domains included)?"""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return any(host == name or host.endswith("." + name) for name in site.hosts)


def _fetched(url: str, archived: ArchivedResponse, site: Profile, capture_url: str
             ) -> FetchedPage:
    return FetchedPage(
        url=url, final_url=archived.url or url, status=archived.status,
        headers=archived.headers, body=archived.body, fetched_at=archived.captured_at,
        discovered_via="warc", profile=site.name, capture_source="warc",
        capture_url=capture_url, capture_digest=archived.digest,
    )


def _chunks(pages: Iterator[FetchedPage], size: int) -> Iterator[list[FetchedPage]]:
    batch: list[FetchedPage] = []
    for page in pages:
        batch.append(page)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Store the article pages of WARC files in the archive, through the "
        "crawl's own pipelines (extraction, validation, storage); records already ingested "
        "are skipped.",
        epilog="Example: python -m pipelines.ingest --db sqlite:///archive.db crawl.warc.gz",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.warc[.gz]")
    parser.add_argument("--db", help="the archive (default: ARCHIVE_DB_URL, else archive.db)")
    parser.add_argument("--site", help="keep this profiled site's pages only (e.g. baonghean)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting, as for scrapy crawl")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    missing = [str(path) for path in args.files if not path.is_file()]
    try:
        if missing:
            raise ValueError(f"no such file: {missing[0]}")
        if args.site:
            profile(args.site)
        settings = get_project_settings()
        for item in args.settings:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"-s {item!r}: expected NAME=VALUE")
            settings.set(name, value, priority="cmdline")
    except (ValueError, UnknownSite) as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_USAGE
    if args.db:
        settings.set("ARCHIVE_DB_URL", args.db, priority="cmdline")
    return _run(settings, [str(p) for p in args.files], args.site)


def _run(settings: Any, files: list[str], site: str | None) -> int:
    lock_dir = settings.get("ARCHIVE_LOCK_DIR")
    lock = archive_lock(resolve_db_url(settings.get("ARCHIVE_DB_URL")),
                        Path(lock_dir) if lock_dir else None)
    try:
        lock.acquire()
    except LockHeld as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_LOCKED
    except (OSError, StorageError) as exc:
        sys.stderr.write(f"{PROG}: error: cannot take the archive lock: {exc}\n")
        return EXIT_ABNORMAL
    try:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(IngestSpider)
        process.crawl(crawler, files=files, site=site)
        process.start()
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        return exit_status(str(reason) if reason else None, process.bootstrap_failed)
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
