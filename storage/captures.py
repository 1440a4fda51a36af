"""Web-archive captures in the archive: which are stored, and past versions they give.

A backfill meets an article's captures in any order. A capture whose content equals
the current version only moves ``first_seen``/``last_seen``; one newer than the
current version and different supersedes it (as a re-crawl does); one *older* than
the current version and different is kept as a revision of its own (reason
``capture``), unless a revision with the same content is already stored: a capture
never duplicates a version. Every capture stored is listed in ``captures``, so the
next backfill asks the archive and skips it (:func:`known_captures`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleRevision, Capture, Page
from storage.provenance import NO_PAGE, Provenance, fields_of_row
from storage.records import page_row

if TYPE_CHECKING:
    from storage.archive import ArticleVersion

PAST_REASON = "capture"
"""Reason of a revision made from a web-archive capture: an older capture kept beside the
current version, or the version a newer capture with other content superseded."""
_CHUNK = 500


def is_past_version(article: Article, version: ArticleVersion) -> bool:
    """True when *version* was fetched before *article*'s current version."""
    return version.fetched_at < article.fetched_at


def store_past_version(session: Session, article: Article, version: ArticleVersion) -> bool:
    """Keep *version* (older than the current one, different) as a revision; False when a
    revision with its content exists already (nothing stored). The current version keeps
    its content; its version number moves up by one so revision numbers stay unique."""
    if article.id is None:
        session.flush()
    else:
        same = select(ArticleRevision.id).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.content_hash == version.content_hash,
        )
        if session.scalar(same.limit(1)) is not None:
            article.first_seen = min(article.first_seen, version.fetched_at)
            return False
    page = page_row(version.page) if version.page is not None else None
    if page is not None:
        session.add(page)
        session.flush()
    session.add(ArticleRevision(
        article_id=article.id, version=article.version, record=dict(version.record),
        content_hash=version.content_hash, fetched_at=version.fetched_at,
        superseded_at=datetime.now(UTC), reason=PAST_REASON,
        page_id=page.id if page is not None else None,
    ))
    article.version += 1
    article.first_seen = min(article.first_seen, version.fetched_at)
    return True


def known_captures(session: Session, capture_urls: Iterable[str]) -> set[str]:
    """The capture URLs among *capture_urls* that the archive has stored."""
    wanted = list(dict.fromkeys(capture_urls))
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        known.update(session.scalars(select(Capture.capture_url)
                                     .where(Capture.capture_url.in_(chunk))))
    return known


def record_captures(session: Session, versions: Sequence[ArticleVersion]) -> int:
    """List the web-archive captures among *versions* in ``captures``; how many were new."""
    rows: dict[str, dict[str, Any]] = {}
    now = datetime.now(UTC)
    for version in versions:
        provenance = Provenance.of(version.page, now)
        if not provenance.archived or version.page is None:
            continue
        assert provenance.capture_url is not None
        rows.setdefault(provenance.capture_url, {
            "capture_url": provenance.capture_url, "source": provenance.source,
            "url": version.record["url"], "digest": provenance.digest,
            "captured_at": version.fetched_at, "ingested_at": now,
        })
    for known in known_captures(session, rows):
        del rows[known]
    if rows:
        session.execute(Capture.__table__.insert(), list(rows.values()))  # type: ignore[attr-defined]
    return len(rows)


def page_provenance(session: Session, page_ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """The export provenance fields of these pages, by page id (bodies are not read)."""
    wanted = [page_id for page_id in dict.fromkeys(page_ids) if page_id is not None]
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(Page.id, Page.capture_source, Page.capture_url, Page.ingested_at).where(
            Page.id.in_(wanted[start : start + _CHUNK]))
        for page_id, source, capture_url, ingested_at in session.execute(stmt):
            found[page_id] = fields_of_row(source, capture_url, ingested_at)
    return found


def provenance_for(found: dict[int, dict[str, Any]], page_id: int | None) -> dict[str, Any]:
    """The provenance fields of page *page_id* from :func:`page_provenance`'s answer."""
    return found.get(page_id, NO_PAGE) if page_id is not None else NO_PAGE
