"""Pages extraction failed on (``failed_pages``): kept raw, so that none is lost.

A fetched page whose extraction raised an unexpected error (not "not an article") is
stored here by the URL it was requested at, with the error, instead of being dropped:
an incremental crawl knows it (it is fetched again only when its sitemap or feed date
says it changed), ``pipelines.reparse`` tries it again with the current extractor, and
once an article is stored under its URL the failure is forgotten. An article re-extracted
from the kept page links that ``pages`` row (:attr:`KeptPage.page_id`), which then stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, union
from sqlalchemy.orm import Session, selectinload

from storage.models import Article, ArticleRevision, FailedPage, Page
from storage.records import RawPage, StoredPage, page_row, replace_page, stored_page

_CHUNK = 500


@dataclass(frozen=True)
class FailedVersion:
    """A fetched page extraction failed on, ready to store."""

    url: str
    reason: str
    """The error's kind (``extract-failed``)."""
    detail: str
    """The error in one line."""
    page: RawPage


@dataclass(frozen=True)
class KeptPage:
    """A page kept raw after a failed extraction, read back to try it again."""

    id: int
    """Its ``failed_pages`` row."""
    url: str
    page_id: int
    """Its ``pages`` row, which an article re-extracted from it links (no copy)."""
    page: StoredPage


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    wanted = list(dict.fromkeys(values))
    for start in range(0, len(wanted), _CHUNK):
        yield wanted[start : start + _CHUNK]


def store_failed(session: Session, failures: Sequence[FailedVersion]) -> None:
    """Keep each page raw under its URL: a new row, or the newest fetch over the row
    an earlier failure left (its ``attempts`` counted up)."""
    counts = Counter(failure.url for failure in failures)
    latest = {failure.url: failure for failure in sorted(
        failures, key=lambda failure: failure.page.fetched_at)}
    existing: dict[str, FailedPage] = {}
    for chunk in _chunks(latest):
        stmt = select(FailedPage).options(selectinload(FailedPage.page)).where(
            FailedPage.url.in_(chunk))
        existing.update((row.url, row) for row in session.scalars(stmt))
    for url, failure in latest.items():
        fetched = failure.page.fetched_at
        row = existing.get(url)
        if row is None:
            session.add(FailedPage(url=url, reason=failure.reason, detail=failure.detail,
                                   attempts=counts[url], first_failed=fetched,
                                   last_failed=fetched, page=page_row(failure.page)))
            continue
        row.attempts += counts[url]
        if fetched >= row.last_failed:
            row.reason, row.detail, row.last_failed = failure.reason, failure.detail, fetched
            replace_page(row.page, failure.page)


def forget_failed(session: Session, urls: Iterable[str]) -> int:
    """Delete the failures of these URLs, now stored as articles, and their pages but
    those an article or a revision links (re-extracted from them); how many there were."""
    forgotten = 0
    for chunk in _chunks(urls):
        rows = session.execute(select(FailedPage.id, FailedPage.page_id).where(
            FailedPage.url.in_(chunk))).all()
        if not rows:
            continue
        pages = [page_id for _, page_id in rows]
        linked = union(select(Article.page_id).where(Article.page_id.in_(pages)),
                       select(ArticleRevision.page_id).where(ArticleRevision.page_id.in_(pages)))
        session.execute(delete(FailedPage).where(FailedPage.id.in_([r[0] for r in rows])))
        session.execute(delete(Page).where(Page.id.in_(pages), Page.id.not_in(linked)))
        forgotten += len(rows)
    return forgotten


def known_failed(session: Session, urls: Iterable[str]) -> dict[str, datetime]:
    """The failed pages among *urls*: URL -> fetch time of the page kept."""
    found: dict[str, datetime] = {}
    for chunk in _chunks(urls):
        stmt = select(FailedPage.url, FailedPage.last_failed).where(FailedPage.url.in_(chunk))
        found.update((url, when) for url, when in session.execute(stmt))
    return found


def iter_failed(session: Session, after: int = 0, limit: int = 100) -> list[KeptPage]:
    """Up to *limit* failed pages with ids above *after*, by id."""
    stmt = (select(FailedPage).options(selectinload(FailedPage.page))
            .where(FailedPage.id > after).order_by(FailedPage.id).limit(limit))
    return [KeptPage(id=row.id, url=row.url, page_id=row.page_id, page=stored_page(row.page))
            for row in session.scalars(stmt)]
