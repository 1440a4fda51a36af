"""Conversion between article records (export shape) and archive rows.

No SQL here: this module checks a record, derives the values the archive keeps
beside it (content hash, sortable publication time, Vietnam local date) and
rebuilds the record from a row in :data:`pipelines.record.RECORD_FIELDS` order.
"""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

import zstandard

from pipelines.dates import VN_TZ as VIETNAM
from pipelines.record import RECORD_FIELDS
from storage.models import Article, ArticleAuthor, ArticleCaption, ArticleTag, Page
from storage.provenance import Provenance

HASH_EXCLUDED = frozenset({"url", "fetched_at"})
"""Record fields left out of the content hash: they change on every fetch."""
PAGE_ENCODING = "zstd"
"""Compression of the raw pages written now (``pages.body_encoding``)."""
PAGE_LEVEL = 3
"""Zstandard level of stored pages (zstd's default). On the site's pages it compresses
3-4x faster than zlib at level 1, 5-12% smaller, and decompresses about 4x faster."""
_codecs = threading.local()
"""Per-thread zstd contexts (one context must not be used by two threads at once)."""
CAPTION_FIELDS = ("caption", "image_url", "credit")
_SCALAR_FIELDS = (
    "url",
    "canonical_url",
    "site",
    "article_id",
    "headline",
    "sapo",
    "dateline",
    "published_at",
    "updated_at",
    "byline",
    "source",
    "body",
    "category",
    "language",
    "extractor",
)


class RawPage(Protocol):
    """What the archive keeps of a fetched page (``crawler.items.FetchedPage`` fits)."""

    @property
    def url(self) -> str: ...
    @property
    def final_url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def fetched_at(self) -> datetime: ...


@dataclass(frozen=True, kw_only=True)
class StoredPage:
    """A raw page read back from the archive, body decompressed, with its provenance
    (so that storing it again keeps it: :func:`page_values`)."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    capture_source: str = "live"
    capture_url: str | None = None
    ingested_at: datetime | None = None


def check_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as a dict in RECORD_FIELDS order; ValueError if fields are missing or extra."""
    missing = [name for name in RECORD_FIELDS if name not in record]
    extra = [name for name in record if name not in RECORD_FIELDS]
    if missing or extra:
        raise ValueError(f"record shape mismatch: missing {missing}, unexpected {extra}")
    for name in ("url", "canonical_url", "headline", "body"):
        if not isinstance(record[name], str) or not record[name]:
            raise ValueError(f"record field {name!r} must be a non-empty string")
    return {name: record[name] for name in RECORD_FIELDS}


def content_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 over the extracted fields (everything but url and fetched_at)."""
    content = {k: v for k, v in record.items() if k not in HASH_EXCLUDED}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_published(value: str | None) -> tuple[datetime | None, date | None]:
    """(UTC instant, Vietnam local date) of a record's ``published_at``.

    A date alone gives no instant but keeps its date. A datetime without an
    offset is refused: the parser must attach +07:00.
    """
    if value is None:
        return None, None
    try:
        if "T" not in value and " " not in value.strip():
            return None, date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"published_at is not an ISO 8601 date: {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"published_at without a UTC offset: {value!r}")
    return moment.astimezone(UTC), moment.astimezone(VIETNAM).date()


def parse_fetched_at(value: str) -> datetime:
    """A record's ``fetched_at`` (ISO 8601 with offset) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"fetched_at is not an ISO 8601 date: {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"fetched_at without a UTC offset: {value!r}")
    return moment.astimezone(UTC)


def format_fetched_at(moment: datetime) -> str:
    """The record form of a fetch time: ISO 8601 in UTC ("2024-05-01T03:04:05+00:00")."""
    return moment.astimezone(UTC).isoformat()


def article_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``articles`` columns that come from *record*, by attribute name."""
    values = {name: record[name] for name in _SCALAR_FIELDS}
    values["published_utc"], values["published_date"] = parse_published(record["published_at"])
    return values


def list_rows(record: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of the record's lists ("authors", "tags", "captions"), article id left out."""
    return {
        "authors": [{"position": i, "name": n} for i, n in enumerate(record["authors"])],
        "tags": [{"position": i, "name": n} for i, n in enumerate(record["tags"])],
        "captions": [
            {"position": i, "caption": c["caption"], "image_url": c.get("image_url"),
             "credit": c.get("credit")}
            for i, c in enumerate(record["captions"])
        ],
    }


def apply_record(article: Article, record: Mapping[str, Any]) -> None:
    """Copy the record's fields onto *article* (lists replace the old ones)."""
    for name, value in article_values(record).items():
        setattr(article, name, value)
    rows = list_rows(record)
    article.authors = [ArticleAuthor(**row) for row in rows["authors"]]
    article.tags = [ArticleTag(**row) for row in rows["tags"]]
    article.captions = [ArticleCaption(**row) for row in rows["captions"]]


def record_from_article(article: Article) -> dict[str, Any]:
    """Rebuild the record of *article*'s current version, in RECORD_FIELDS order."""
    values: dict[str, Any] = {name: getattr(article, name) for name in _SCALAR_FIELDS}
    values["authors"] = [author.name for author in article.authors]
    values["tags"] = [tag.name for tag in article.tags]
    values["captions"] = [
        {"caption": c.caption, "image_url": c.image_url, "credit": c.credit}
        for c in article.captions
    ]
    values["fetched_at"] = format_fetched_at(article.fetched_at)
    return {name: values[name] for name in RECORD_FIELDS}


def record_from_snapshot(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A stored revision snapshot in RECORD_FIELDS order (JSON key order is not kept by all DBs)."""
    return {name: snapshot.get(name) for name in RECORD_FIELDS}


def page_values(page: RawPage) -> dict[str, Any]:
    """The ``pages`` columns of *page* (body compressed), by attribute name, with its
    provenance (:class:`storage.provenance.Provenance`: live unless the page says else)."""
    return {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "headers": dict(page.headers),
        "body": compress_body(page.body),
        "body_encoding": PAGE_ENCODING,
        "body_size": len(page.body),
        "fetched_at": page.fetched_at,
    } | Provenance.of(page).columns()


def page_row(page: RawPage) -> Page:
    """A new ``pages`` row for *page*, body compressed."""
    return Page(**page_values(page))


def replace_page(row: Page, page: RawPage) -> None:
    """Overwrite *row* with *page* (a newer fetch of unchanged content)."""
    fresh = page_row(page)
    for name in ("url", "final_url", "status", "headers", "body", "body_encoding", "body_size",
                 "capture_source", "capture_url", "ingested_at"):
        setattr(row, name, getattr(fresh, name))
    row.fetched_at = page.fetched_at


def stored_page(row: Page) -> StoredPage:
    """Read a ``pages`` row back, decompressing the body."""
    try:
        body = decompress_body(row.body, row.body_encoding)
    except ValueError as error:  # an encoding this version does not know
        raise ValueError(f"page {row.id}: {error}") from None
    return StoredPage(
        url=row.url,
        final_url=row.final_url,
        status=row.status,
        headers=dict(row.headers),
        body=body,
        fetched_at=row.fetched_at,
        capture_source=row.capture_source,
        capture_url=row.capture_url,
        ingested_at=row.ingested_at,
    )


def compress_body(body: bytes) -> bytes:
    """*body* compressed as :data:`PAGE_ENCODING` (a zstd frame that records its size)."""
    compressor = getattr(_codecs, "compressor", None)
    if compressor is None:
        compressor = _codecs.compressor = zstandard.ZstdCompressor(level=PAGE_LEVEL)
    return compressor.compress(body)


def decompress_body(data: bytes, encoding: str) -> bytes:
    """A stored body back: *encoding* is the row's ``body_encoding``, "zstd", or "zlib" in
    archives written before zstd; ValueError for any other."""
    if encoding == "zlib":
        return zlib.decompress(data)
    if encoding != "zstd":
        raise ValueError(f"unknown body encoding {encoding!r}")
    decompressor = getattr(_codecs, "decompressor", None)
    if decompressor is None:
        decompressor = _codecs.decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(data)
