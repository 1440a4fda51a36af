"""Web-archive captures in the archive: which are stored, and past versions they give.

A backfill meets an article's captures in any order. A capture whose content equals
the current version only moves ``first_seen``/``last_seen``; one newer than the
current version and different supersedes it (as a re-crawl does); one *older* than
the current version and different is kept as a revision of its own (reason
``capture``), unless a revision with the same content is already stored: a capture
never duplicates a version. Revision numbers follow capture time: an older capture
arriving late renumbers the article's revisions (:func:`store_past_version`).

Every capture read whose outcome is for good is listed in ``captures`` with that
outcome (:func:`record_captures` for those stored, :func:`record_dropped` for the
others), so the next backfill asks the archive and skips it (:func:`known_captures`):
``stored`` and ``unchanged`` (:data:`KEPT`), or the kind of failure or drop of a
capture whose bytes cannot change (``warc-truncated``, ``warc-unreadable``,
``warc-revisit``, ``offsite-redirect``, ``not-html``, a "not an article" reason such
as ``listing``, ``extract-failed``...). Failures of the fetch itself (timeouts, 5xx,
429) are never listed: the next run tries again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleRevision, Capture, Page
from storage.provenance import NO_PAGE, Provenance, fields_of_row

if TYPE_CHECKING:
    from storage.archive import ArticleVersion, Outcome

PAST_REASON = "capture"
"""Reason of a revision made from a web-archive capture: an older capture kept beside the
current version, or the version a newer capture with other content superseded."""
_CHUNK = 500
STORED = "stored"
UNCHANGED = "unchanged"
KEPT = frozenset({STORED, UNCHANGED})
"""Outcomes of the captures the archive keeps; any other outcome names a failure or drop."""


@dataclass(frozen=True, kw_only=True)
class DroppedCapture:
    """A web-archive capture dropped for good, to list in ``captures``."""

    capture_url: str
    source: str
    url: str
    """The article URL captured."""
    digest: str | None
    captured_at: datetime
    outcome: str
    """Why it was dropped (not one of :data:`KEPT`)."""

    @classmethod
    def of(cls, page: Any, outcome: str) -> DroppedCapture | None:
        """The capture a page (or a ``crawler.items.BadCapture``) came from, dropped
        for *outcome*; None for a live page."""
        provenance = Provenance.of(page)
        if not provenance.archived:
            return None
        assert provenance.capture_url is not None
        return cls(capture_url=provenance.capture_url, source=provenance.source,
                   url=page.url, digest=provenance.digest, captured_at=page.fetched_at,
                   outcome=outcome)


def is_past_version(article: Article, version: ArticleVersion) -> bool:
    """True when *version* was fetched before *article*'s current version."""
    return version.fetched_at < article.fetched_at


def store_past_version(session: Session, article: Article, version: ArticleVersion) -> bool:
    """Keep *version* (older than the current one, different) as a revision; False when a
    revision with its content exists already (nothing stored). The current version keeps
    its content; the article's versions are numbered again in capture-time order."""
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
    page = version.page_row_in(session)
    if page is not None:
        session.add(page)
        session.flush()
    session.add(ArticleRevision(
        article_id=article.id, version=0, record=dict(version.record),
        content_hash=version.content_hash, fetched_at=version.fetched_at,
        superseded_at=datetime.now(UTC), reason=PAST_REASON,
        page_id=page.id if page is not None else None,
    ))
    article.first_seen = min(article.first_seen, version.fetched_at)
    renumber_versions(session, article)
    return True


def renumber_versions(session: Session, article: Article) -> None:
    """Number *article*'s revisions 1, 2... by fetch time (the current version last).

    ``(article_id, version)`` is unique: the revisions whose number changes first take
    numbers of their own below 1 (minus their id) in one flush, then their new ones."""
    session.flush()
    revisions = sorted(
        session.scalars(select(ArticleRevision).where(ArticleRevision.article_id == article.id)),
        key=lambda revision: (revision.fetched_at, revision.id))
    moved = [(revision, number) for number, revision in enumerate(revisions, start=1)
             if revision.version != number]
    if len(moved) > 1:
        for revision, _ in moved:
            revision.version = -revision.id
        session.flush()
    for revision, number in moved:
        revision.version = number
    article.version = len(revisions) + 1


def known_captures(session: Session, capture_urls: Iterable[str]) -> dict[str, str]:
    """The capture URLs among *capture_urls* that ``captures`` lists, with their outcome."""
    wanted = list(dict.fromkeys(capture_urls))
    known: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        stmt = select(Capture.capture_url, Capture.outcome).where(Capture.capture_url.in_(chunk))
        known.update((url, outcome) for url, outcome in session.execute(stmt))
    return known


def record_captures(session: Session, versions: Sequence[ArticleVersion],
                    outcomes: Sequence[Outcome]) -> int:
    """List the web-archive captures among *versions* (stored with these *outcomes*) in
    ``captures``; how many rows were new."""
    rows: dict[str, dict[str, Any]] = {}
    now = datetime.now(UTC)
    for version, outcome in zip(versions, outcomes, strict=True):
        provenance = Provenance.of(version.page, now)
        if not provenance.archived or version.page is None:
            continue
        assert provenance.capture_url is not None
        rows[provenance.capture_url] = {
            "capture_url": provenance.capture_url, "source": provenance.source,
            "url": version.record["url"], "digest": provenance.digest,
            "captured_at": version.fetched_at, "ingested_at": now,
            "outcome": UNCHANGED if outcome == UNCHANGED else STORED,
        }
    return _write(session, rows)


def record_dropped(session: Session, dropped: Sequence[DroppedCapture]) -> int:
    """List the captures dropped for good in ``captures`` (a listed one takes the newer
    outcome); how many rows were new."""
    now = datetime.now(UTC)
    rows = {capture.capture_url: {
        "capture_url": capture.capture_url, "source": capture.source, "url": capture.url,
        "digest": capture.digest, "captured_at": capture.captured_at, "ingested_at": now,
        "outcome": capture.outcome} for capture in dropped}
    return _write(session, rows)


def _write(session: Session, rows: dict[str, dict[str, Any]]) -> int:
    """Insert the rows not listed yet; set the outcome of those listed with another."""
    known = known_captures(session, rows)
    changed = [{"key": url, "new_outcome": rows[url]["outcome"]}
               for url, outcome in known.items() if rows[url]["outcome"] != outcome]
    for url in known:
        del rows[url]
    table = Capture.__table__
    if changed:
        session.execute(table.update().where(table.c.capture_url == bindparam("key"))  # type: ignore[attr-defined]
                        .values(outcome=bindparam("new_outcome")), changed)
    if rows:
        session.execute(table.insert(), list(rows.values()))  # type: ignore[attr-defined]
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
