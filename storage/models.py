"""The archive schema: SQLAlchemy 2.0 typed ORM models.

Tables:

``articles``
    The latest version of each article, unique by ``canonical_url``.
``article_authors``, ``article_tags``, ``article_captions``
    Ordered lists belonging to an article (``position`` keeps the record's order).
``pages``
    Raw fetched pages (body compressed) so the archive can be re-parsed
    without re-crawling. ``articles.page_id`` points at the page of the current
    version, ``article_revisions.page_id`` at the page of a superseded version,
    ``failed_pages.page_id`` at a page kept raw (an article re-extracted from it later
    links the same row).
``article_revisions``
    Superseded versions: a JSON snapshot of the record as it was.
``captures``
    Captures read from web archives (Wayback, Common Crawl, WARC files), one row per
    capture URL with its outcome (stored, unchanged, or why it was dropped), so a
    backfill or ingest run again skips them (:mod:`storage.captures`).
``crawl_runs``
    One row per crawl: when, why it ended, and what it stored, dropped and hit.
``failed_pages``
    Fetched pages that extraction could not process (it raised something else than
    "not an article"), kept raw with the error: never lost, known to incremental
    crawls, and retried by ``pipelines.reparse``.

Datetimes are stored in UTC by :class:`UTCDateTime` and come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC.

    SQLite has no zone type, so the value is converted to UTC on the way in and
    the UTC zone is attached again on the way out. Naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused by the archive: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        dict[str, int]: JSON(),
        bytes: LargeBinary(),
    }


class Page(Base):
    """A raw fetched page, body compressed."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int]
    headers: Mapped[dict[str, Any]]
    body: Mapped[bytes]
    body_encoding: Mapped[str] = mapped_column(String(16))
    """Compression of ``body``: "zstd", or "zlib" in archives written before zstd."""
    body_size: Mapped[int]
    """Length of the uncompressed body in bytes."""
    fetched_at: Mapped[datetime]
    """When the bytes were fetched: the capture time for a page from a web archive."""
    capture_source: Mapped[str] = mapped_column(String(16), server_default="live")
    """Where the bytes came from: "live", "wayback", "commoncrawl" or "warc"."""
    capture_url: Mapped[str | None] = mapped_column(Text)
    """The capture's own URL (Wayback ``id_`` URL, WARC file and offset); None when live."""
    ingested_at: Mapped[datetime | None]
    """When this archive stored the page (None only in rows older than provenance)."""


class Capture(Base):
    """A capture read from a web archive whose outcome is for good: stored, or dropped
    for a reason that fetching it again would not change."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    capture_url: Mapped[str] = mapped_column(Text, unique=True)
    source: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text, index=True)
    """The original (article) URL captured."""
    digest: Mapped[str | None] = mapped_column(String(128))
    captured_at: Mapped[datetime]
    ingested_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(32), server_default="stored")
    """"stored" (a version of its article), "unchanged" (the content of a version already
    stored), else the kind of failure or drop ("warc-truncated", "not-html", "listing",
    "extract-failed"...): see :data:`storage.captures.KEPT`."""


class Article(Base):
    """The latest version of one article; columns mirror the record fields."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    site: Mapped[str] = mapped_column(String(255), index=True)
    article_id: Mapped[str | None] = mapped_column(String(64))
    headline: Mapped[str] = mapped_column(Text)
    sapo: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(String(64))
    """``published_at`` exactly as in the record (ISO 8601, or a date alone)."""
    published_utc: Mapped[datetime | None]
    """The same instant in UTC, for sorting; None for a date-only value."""
    published_date: Mapped[date | None]
    """Vietnam local publication date (also set for a date-only value)."""
    updated_at: Mapped[str | None] = mapped_column(String(64))
    byline: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35))
    extractor: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    """Fetch time of the latest fetch (the record's ``fetched_at``)."""
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))

    page: Mapped[Page | None] = relationship()
    authors: Mapped[list[ArticleAuthor]] = relationship(
        order_by="ArticleAuthor.position", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[ArticleTag]] = relationship(
        order_by="ArticleTag.position", cascade="all, delete-orphan", passive_deletes=True
    )
    captions: Mapped[list[ArticleCaption]] = relationship(
        order_by="ArticleCaption.position", cascade="all, delete-orphan", passive_deletes=True
    )


class ArticleAuthor(Base):
    __tablename__ = "article_authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text, index=True)


class ArticleTag(Base):
    __tablename__ = "article_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text, index=True)


class ArticleCaption(Base):
    __tablename__ = "article_captions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    caption: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)


class ArticleRevision(Base):
    """A superseded version of an article."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    record: Mapped[dict[str, Any]]
    """The record of that version, in export shape."""
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    superseded_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(32))
    """Why it was superseded: "recrawl" (content changed on the site), "reparse", or
    "capture" (a web-archive capture with other content, older or newer)."""
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))


class CrawlRun(Base):
    """One crawl: opened when the spider starts, closed with its figures."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(128))
    args: Mapped[dict[str, Any]]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    pages_fetched: Mapped[int] = mapped_column(default=0)
    articles_new: Mapped[int] = mapped_column(default=0)
    articles_updated: Mapped[int] = mapped_column(default=0)
    articles_unchanged: Mapped[int] = mapped_column(default=0)
    skipped_known: Mapped[int] = mapped_column(default=0, server_default="0")
    """Discovered articles not fetched because the archive already holds them, unchanged."""
    dropped: Mapped[dict[str, int]] = mapped_column(default=dict)
    """Dropped pages by reason ("listing": 2)."""
    errors: Mapped[dict[str, int]] = mapped_column(default=dict)
    """Error counts by kind, from the crawl stats."""


class FailedPage(Base):
    """A fetched page extraction failed on, raw, by the URL it was requested at."""

    __tablename__ = "failed_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    reason: Mapped[str] = mapped_column(String(64))
    """The error's kind (``extract-failed``)."""
    detail: Mapped[str] = mapped_column(Text)
    """The error in one line (``ValueError: Invalid IPv6 URL``)."""
    attempts: Mapped[int]
    """How many fetches of it failed so far."""
    first_failed: Mapped[datetime]
    last_failed: Mapped[datetime]
    """Fetch time of the page kept."""
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))

    page: Mapped[Page] = relationship()


Index("ix_articles_published", Article.published_date, Article.published_utc, Article.id)
