"""Backfill from web archives: ``scrapy crawl <site> -a archive=wayback|commoncrawl``.

A mixin of :class:`crawler.spiders.news.NewsSpider` (its callbacks are spider methods,
so a ``JOBDIR`` backfill pauses and resumes). Instead of the live site it reads:

- **wayback**: the CDX API lists the site's captures (one per URL and content digest,
  HTML with status 200 only, paged by resume key); each article capture is fetched as
  its original bytes (``<replay>/<timestamp>id_/<url>``);
- **commoncrawl**: the crawl's index (``-a crawl=CC-MAIN-YYYY-WW``, else the newest in
  ``collinfo.json``) lists the site's records; each article record is fetched as a byte
  range of its WARC file and decompressed (:mod:`crawler.warcrecords`).

Index rows are kept when the site's URL rules call them articles, within
``since``..``until`` (capture days), and not already known (the archive's ``captures``
table, :mod:`storage.captures`): stored ones are counted as ``archive/skipped/known``,
those an earlier run dropped for good (a bad record, not an article...) as
``archive/skipped/known_failed``, unless ``-a recheck=failed`` asks for them again
(after extraction improved). Each capture becomes a
:class:`~crawler.items.FetchedPage` under the article's live URL, with the capture
time as ``fetched_at`` and its provenance, and goes through the usual pipelines.
Index rows not fetched are counted as ``archive/backfill/skipped/<kind>``; bad records
as ``archive/errors/<kind>`` (``warc-truncated``, ``warc-unreadable``,
``offsite-redirect``, ``http-<status>``) or ``archive/dropped/<kind>``
(``warc-revisit``, ``redirect``, ``not-html``), and yielded as a
:class:`~crawler.items.BadCapture` so the archive remembers them. A failed fetch
(timeout, 5xx or 429 after the retries) is not remembered: the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response

from crawler import cdx
from crawler.archivesettings import ArchiveEndpoints
from crawler.incremental import ArchiveIndex
from crawler.items import BadCapture, FetchedPage
from crawler.middlewares import report
from crawler.warcrecords import ArchivedResponse, BadRecord, read_range, refusal
from pipelines.runstats import SKIPPED_KNOWN, SKIPPED_KNOWN_FAILED
from storage.captures import KEPT, known_captures

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

    from crawler.incremental import NoIndex
    from crawler.options import CrawlOptions
    from pipelines.profiles.base import Profile

logger = logging.getLogger(__name__)

SKIPPED = "archive/backfill/skipped/{kind}"
DROPPED_KINDS = frozenset({"warc-revisit", "redirect", "not-html"})
"""Record kinds that are no fault (counted as dropped, not as errors)."""
CAPTURE_PRIORITY = 10
Target = tuple[str, bool]
"""What an index is asked about: a host (all its URLs) or one URL (exact)."""


def _meta(slot: str, **extra: Any) -> dict[str, Any]:
    """Request meta of an archive's API: its own download slot (politeness set per
    archive), off the site's host, and not subject to robots.txt: the archives' index and
    replay endpoints are APIs for programs, governed by their documented rate limits."""
    return {"allow_offsite": True, "download_slot": slot, "dont_obey_robotstxt": True,
            "autothrottle_dont_adjust_delay": True, **extra}


class WebArchiveBackfill:
    """The ``-a archive=`` part of the news spider; see the module docstring."""

    if TYPE_CHECKING:
        name: str
        crawler: Crawler
        options: CrawlOptions
        site: Profile
        profile: Profile | None
        index: ArchiveIndex | NoIndex
        state: dict[str, Any]

        def resolve(self, href: str, page_url: str) -> str | None: ...
        def is_article(self, url: str) -> bool: ...
        def fetch_failed(self, failure: Failure) -> None: ...

    @property
    def endpoints(self) -> ArchiveEndpoints:
        return ArchiveEndpoints.from_settings(self.crawler.settings)

    def archive_requests(self) -> Iterator[Request]:
        """The first requests of a backfill: index queries for the site (or ``url``)."""
        logger.info("Backfill from %s: %s", self.options.archive,
                    ", ".join(target for target, _ in self._archive_targets()))
        if self.options.archive == "wayback":
            for target, exact in self._archive_targets():
                yield self._wayback_index(target, exact, None)
        elif self.options.crawl:
            yield from self._cc_page_counts(self.options.crawl)
        else:
            yield Request(f"{self.endpoints.cc_index}/collinfo.json", callback=self.parse_collinfo,
                          errback=self.fetch_failed, meta=_meta("archive-cc-index"))

    def _archive_targets(self) -> list[Target]:
        if self.options.url:
            return [(self.options.url, True)]
        return [(host, False) for host in self.site.hosts]

    # -- the Wayback Machine ------------------------------------------------------------------

    def _wayback_index(self, target: str, exact: bool, resume_key: str | None) -> Request:
        endpoints = self.endpoints
        url = cdx.wayback_query(endpoints.wayback_cdx, target, exact=exact,
                                page_size=endpoints.page_size, since=self.options.since,
                                until=self.options.until, resume_key=resume_key)
        return Request(url, callback=self.parse_wayback_index, errback=self.fetch_failed,
                       meta=_meta("archive-wayback-cdx", target=target, exact=exact))

    def parse_wayback_index(self, response: Response) -> Iterator[Request]:
        """One CDX page: capture requests, then the next page (resume key)."""
        try:
            captures, resume_key = cdx.parse_wayback(response.text)
        except (ValueError, AttributeError) as exc:
            report(self.crawler.stats, response.url, "bad-index", f"unreadable CDX answer: {exc}")
            return
        for capture, url in self._archive_wanted(captures):
            capture_url = self._capture_url(capture)
            yield Request(capture_url, callback=self.parse_wayback_capture,
                          errback=self.fetch_failed, priority=CAPTURE_PRIORITY,
                          meta=_meta("archive-wayback", capture=_described(capture, url,
                                                                           capture_url)))
        if resume_key:
            yield self._wayback_index(response.meta["target"], response.meta["exact"], resume_key)

    def parse_wayback_capture(self, response: Response) -> Iterator[FetchedPage]:
        """An ``id_`` capture: the original bytes, as archived."""
        capture = response.meta["capture"]
        headers = {key.decode("latin-1").lower(): ", ".join(v.decode("latin-1") for v in values)
                   for key, values in response.headers.items()}
        yield from self._archive_page(capture, response.status, headers, response.body)

    # -- Common Crawl -------------------------------------------------------------------------

    def parse_collinfo(self, response: Response) -> Iterator[Request]:
        try:
            crawl = cdx.newest_crawl(response.text)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            report(self.crawler.stats, response.url, "bad-index", f"no crawl to read: {exc}")
            return
        logger.info("Common Crawl: reading the newest crawl, %s", crawl)
        yield from self._cc_page_counts(crawl)

    def _cc_page_counts(self, crawl: str) -> Iterator[Request]:
        for target, exact in self._archive_targets():
            url = cdx.cc_query(self.endpoints.cc_index, crawl, target, exact=exact)
            yield Request(url, callback=self.parse_cc_pages, errback=self.fetch_failed,
                          meta=_meta("archive-cc-index", target=target, exact=exact,
                                     crawl=crawl, handle_httpstatus_list=[404]))

    def parse_cc_pages(self, response: Response) -> Iterator[Request]:
        """The index's page count for a target: a request per page."""
        if _no_captures(response):
            return
        try:
            pages = cdx.parse_cc_pages(response.text)
        except (ValueError, AttributeError) as exc:
            report(self.crawler.stats, response.url, "bad-index", str(exc))
            return
        meta = response.meta
        for page in range(pages):
            url = cdx.cc_query(self.endpoints.cc_index, meta["crawl"], meta["target"],
                               exact=meta["exact"], page=page)
            yield Request(url, callback=self.parse_cc_index, errback=self.fetch_failed,
                          meta=_meta("archive-cc-index", handle_httpstatus_list=[404]))

    def parse_cc_index(self, response: Response) -> Iterator[Request]:
        """One page of the index: a byte-range request per wanted record."""
        if _no_captures(response):
            return
        rows = list(cdx.parse_cc(response.text.splitlines()))
        captures = [row for row in rows if row is not None]
        self._archive_skipped("bad-index-line", len(rows) - len(captures))
        for capture, url in self._archive_wanted(captures):
            assert capture.offset is not None and capture.length is not None
            capture_url = self._capture_url(capture)
            file_url = capture_url.split("#", 1)[0]
            last = capture.offset + capture.length - 1
            yield Request(file_url, callback=self.parse_cc_record, errback=self.fetch_failed,
                          headers={"Range": f"bytes={capture.offset}-{last}"},
                          priority=CAPTURE_PRIORITY, dont_filter=True,
                          meta=_meta("archive-cc-data", capture=_described(
                              capture, url, capture_url, capture.offset, capture.length)))

    def parse_cc_record(self, response: Response) -> Iterator[FetchedPage | BadCapture]:
        """A WARC record fetched by byte range (a server ignoring the range is sliced)."""
        capture = response.meta["capture"]
        body = response.body
        if response.status == 200 and len(body) > capture["length"]:
            body = body[capture["offset"] : capture["offset"] + capture["length"]]
        try:
            archived = read_range(body)
        except BadRecord as bad:
            yield self._bad_record(capture, bad.kind, bad.detail)
            return
        yield from self._archived_page(capture, archived)

    def _archived_page(self, capture: dict[str, Any], archived: ArchivedResponse
                       ) -> Iterator[FetchedPage | BadCapture]:
        refused = refusal(archived)
        if refused is not None:
            yield self._bad_record(capture | {"captured_at": archived.captured_at}, *refused)
            return
        capture = capture | {"captured_at": archived.captured_at}
        yield from self._archive_page(capture, archived.status, archived.headers, archived.body)

    # -- shared -------------------------------------------------------------------------------

    def _archive_wanted(self, captures: Iterable[cdx.CdxCapture]
                        ) -> list[tuple[cdx.CdxCapture, str]]:
        """The index rows to fetch, with the article's live URL (see the module docstring)."""
        seen: set[tuple[str, str]] = self.state.setdefault("archive_seen", set())
        wanted: list[tuple[cdx.CdxCapture, str]] = []
        for capture in captures:
            kind = cdx.skip_kind(capture)
            url = self.resolve(capture.original, capture.original) if kind is None else None
            if kind is None and (url is None or not self.is_article(url)):
                kind = "not-article"
            elif kind is None and not self.options.in_range(capture.captured_at):
                kind = "out-of-range"
            elif (url, capture.digest or capture.timestamp) in seen:
                kind = "same-digest"
            if kind is not None or url is None:
                self._archive_skipped(kind or "not-article")
                continue
            seen.add((url, capture.digest or capture.timestamp))
            wanted.append((capture, url))
        return self._archive_unknown(wanted)

    def _archive_unknown(self, wanted: list[tuple[cdx.CdxCapture, str]]
                 ) -> list[tuple[cdx.CdxCapture, str]]:
        """*wanted* less the captures the archive knows: stored ones, and those dropped
        for good unless ``recheck=failed``."""
        if not wanted or not isinstance(self.index, ArchiveIndex):
            return wanted
        keys = {id(capture): self._capture_url(capture) for capture, _ in wanted}
        with self.index.db.session() as session:
            known = known_captures(session, keys.values())
        kept = {url for url, outcome in known.items() if outcome in KEPT}
        failed = set() if self.options.recheck == "failed" else known.keys() - kept
        if kept:
            self.crawler.stats.inc_value(SKIPPED_KNOWN, len(kept))
        if failed:
            self.crawler.stats.inc_value(SKIPPED_KNOWN_FAILED, len(failed))
        return [(capture, url) for capture, url in wanted
                if keys[id(capture)] not in kept and keys[id(capture)] not in failed]

    def _capture_url(self, capture: cdx.CdxCapture) -> str:
        if self.options.archive == "wayback":
            return f"{self.endpoints.wayback_replay}/{capture.timestamp}id_/{capture.original}"
        return (f"{self.endpoints.cc_data}/{capture.filename}"
                f"#offset={capture.offset}&length={capture.length}")

    def _archive_page(self, capture: dict[str, Any], status: int, headers: dict[str, str],
              body: bytes) -> Iterator[FetchedPage]:
        stored: int = self.state.get("archive_pages", 0)
        limit = self.options.limit
        if limit is not None and stored >= limit:
            return
        self.state["archive_pages"] = stored + 1
        self.crawler.stats.inc_value(f"{self.name}/discovered/{self.options.archive}")
        yield FetchedPage(
            url=capture["url"], final_url=capture["url"], status=status, headers=headers,
            body=body, fetched_at=capture["captured_at"],
            discovered_via=str(self.options.archive),
            profile=self.profile.name if self.profile is not None else None,
            capture_source=str(self.options.archive), capture_url=capture["capture_url"],
            capture_digest=capture["digest"],
        )
        if limit is not None and stored + 1 >= limit:
            raise CloseSpider("limit")

    def _archive_skipped(self, kind: str, count: int = 1) -> None:
        if count:
            self.crawler.stats.inc_value(SKIPPED.format(kind=kind), count)

    def _bad_record(self, capture: dict[str, Any], kind: str, detail: str) -> BadCapture:
        """Count and log a capture that cannot be used; the item that remembers it."""
        url = capture["capture_url"]
        if kind in DROPPED_KINDS:
            self.crawler.stats.inc_value(f"archive/dropped/{kind}")
            logger.info("dropped %s: %s: %s", url, kind, detail)
        else:
            report(self.crawler.stats, url, kind, detail)
        return BadCapture(url=capture["url"], fetched_at=capture["captured_at"],
                          capture_source=str(self.options.archive), capture_url=url,
                          capture_digest=capture["digest"], kind=kind)


def _no_captures(response: Response) -> bool:
    """The Common Crawl index answers 404 ("No Captures found") for a site it lacks."""
    if response.status != 404:
        return False
    logger.info("No captures in %s", response.url)
    return True


def _described(capture: cdx.CdxCapture, url: str, capture_url: str, offset: int | None = None,
               length: int | None = None) -> dict[str, Any]:
    """What a capture request carries in its meta (plain values: ``JOBDIR`` pickles it)."""
    captured_at: datetime | None = capture.captured_at
    return {"url": url, "capture_url": capture_url, "digest": capture.digest,
            "captured_at": captured_at, "offset": offset, "length": length}
