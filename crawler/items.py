"""Items that flow from the spider into the pipelines.

The spider only discovers and fetches: it yields one :class:`FetchedPage` per
candidate article page. Extraction, normalisation, validation and storage happen
in ``pipelines/``; the extraction pipeline fills :attr:`FetchedPage.record` and the
storage pipeline finally returns that record (a plain ``dict`` in the export
shape), which is what Scrapy's feed export (``-O out.jsonl``) writes. A backfill also
yields a :class:`BadCapture` for a web-archive capture that cannot be used, so that the
storage pipeline remembers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipelines.record import ArticleRecord


@dataclass(kw_only=True)
class FetchedPage:
    """One fetched candidate article page, exactly as the server sent it."""

    url: str
    """URL as discovered and requested (tracking parameters stripped)."""
    final_url: str
    """URL of the response after redirects."""
    status: int
    """HTTP status of the final response."""
    headers: dict[str, str]
    """Response headers: lower-case name -> value (several values joined by ", ")."""
    body: bytes = field(repr=False)
    """Raw response body bytes, undecoded."""
    fetched_at: datetime
    """When the response arrived; timezone-aware (UTC). For a capture from a web archive:
    the capture time."""
    discovered_via: str = "unknown"
    """Which discovery source led here: sitemap, rss, listing, home, url."""
    lastmod: datetime | None = None
    """Sitemap ``<lastmod>`` or feed date for this URL, if the source gave one."""
    profile: str | None = None
    """Name of the site profile the crawl followed (its layouts are tried first)."""
    capture_source: str = "live"
    """Where the bytes came from: "live", "wayback", "commoncrawl", "warc"
    (:mod:`storage.provenance`)."""
    capture_url: str | None = None
    """The capture's own URL (Wayback ``id_`` URL, WARC file and record offset)."""
    capture_digest: str | None = None
    """The archive's digest of the capture's payload, when it gives one."""
    ingested_at: datetime | None = None
    """When the archive stored the page; set by the storage pipeline."""
    record: ArticleRecord | None = field(default=None)
    """The extracted article record (export shape); set by the extraction pipeline."""
    failure: str | None = field(default=None)
    """Set by the extraction pipeline instead of ``record`` when extraction raised an
    unexpected error (``ValueError: Invalid IPv6 URL``): the page is then kept raw."""
    drop_reason: str | None = field(default=None)
    """Set by the pipeline that drops the page as not an article (``listing``,
    ``not-html``, ``invalid-headline``...): a web-archive capture is then remembered."""


@dataclass(kw_only=True)
class BadCapture:
    """A web-archive capture fetched and found unusable for good: a bad WARC record, a
    revisit without payload, a capture of a redirect or an error page. The storage
    pipeline lists it in ``captures`` (:mod:`storage.captures`); it is never exported."""

    url: str
    """The article URL captured."""
    fetched_at: datetime
    """The capture time (UTC)."""
    capture_source: str
    capture_url: str
    capture_digest: str | None = None
    kind: str
    """Why it is unusable (``warc-truncated``, ``warc-revisit``, ``not-html``...)."""
