"""Where an archived page's bytes came from: the live site or a web archive.

Every raw page (``pages``) keeps its provenance: the source (``live``, ``wayback``,
``commoncrawl``, ``warc``), the capture's own URL (a Wayback ``id_`` URL, a Common
Crawl WARC file with its byte range, a local WARC file with the record's offset) and
when this archive ingested it. The page's ``fetched_at`` (and the record's) is the
capture time. A record's provenance is that of its page; exports add it to the
record as :data:`PROVENANCE_FIELDS`.

Captures from web archives are also listed in ``captures`` (one row per capture URL),
so a second backfill or ingest skips what is already archived, whatever became of it
(new article, revision, or unchanged content).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SOURCES = ("live", "wayback", "commoncrawl", "warc")
"""Where a page's bytes came from."""
LIVE = "live"
PROVENANCE_FIELDS = ("capture_source", "capture_url", "ingested_at")
"""Fields exports add after the record's own (:data:`pipelines.record.RECORD_FIELDS`)."""


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """The provenance of one fetched page."""

    source: str = LIVE
    """One of :data:`SOURCES`."""
    capture_url: str | None = None
    """The capture's own URL (None for a live fetch)."""
    digest: str | None = None
    """The archive's content digest of the capture, when it gives one."""
    ingested_at: datetime
    """When this archive stored the page (its ``fetched_at`` is the capture time)."""

    @classmethod
    def of(cls, page: object | None, now: datetime | None = None) -> Provenance:
        """The provenance a page carries (``crawler.items.FetchedPage`` fields
        ``capture_source``, ``capture_url``, ``capture_digest``, ``ingested_at``); live
        when it has none; ingested *now* (default: the clock) when it does not say."""
        source = getattr(page, "capture_source", None) or LIVE
        if source not in SOURCES:
            raise ValueError(f"unknown capture source {source!r} (expected one of {SOURCES})")
        return cls(source=source, capture_url=getattr(page, "capture_url", None),
                   digest=getattr(page, "capture_digest", None),
                   ingested_at=getattr(page, "ingested_at", None) or now or datetime.now(UTC))

    @property
    def archived(self) -> bool:
        """True for a capture from a web archive (listed in ``captures``)."""
        return self.source != LIVE and self.capture_url is not None

    def columns(self) -> dict[str, Any]:
        """The ``pages`` columns."""
        return {"capture_source": self.source, "capture_url": self.capture_url,
                "ingested_at": self.ingested_at}

    def fields(self) -> dict[str, Any]:
        """The export fields (:data:`PROVENANCE_FIELDS`)."""
        return {"capture_source": self.source, "capture_url": self.capture_url,
                "ingested_at": format_time(self.ingested_at)}


def format_time(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, as the record's ``fetched_at``."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def fields_of_row(source: str | None, capture_url: str | None, ingested_at: datetime | None
                  ) -> dict[str, Any]:
    """The export fields of a stored page's provenance columns (all None without a page)."""
    return {"capture_source": source, "capture_url": capture_url,
            "ingested_at": format_time(ingested_at)}


NO_PAGE = fields_of_row(None, None, None)
"""Provenance fields of a record stored without a raw page."""


def without_provenance(record: dict[str, Any]) -> dict[str, Any]:
    """An exported record without its provenance fields (to compare the same article
    stored from different sources)."""
    return {name: value for name, value in record.items() if name not in PROVENANCE_FIELDS}
