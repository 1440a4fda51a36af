"""Raw pages for re-processing: streaming them out and re-parsing them in place.

``iter_stored_pages`` feeds the WARC export; ``pages_after`` and
``revise_article`` serve re-parsing, which reads pages in small batches by
article id (so no read stays open while it writes) and stores a changed
extraction as a new version of the same article.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.archive import ArticleVersion, Outcome, supersede_article
from storage.filters import RecordFilter, apply_filter
from storage.models import Article, ArticleRevision, Page
from storage.records import StoredPage, stored_page

logger = logging.getLogger(__name__)


class CanonicalConflict(ValueError):
    """A re-extracted record names a canonical URL that another article already has."""


@dataclass(frozen=True)
class ArchivedPage:
    """An article's current raw page, with what re-parsing compares against."""

    article_id: int
    """The archive's id of the article (``articles.id``)."""
    canonical_url: str
    content_hash: str
    page: StoredPage


def iter_stored_pages(
    session: Session,
    where: RecordFilter | None = None,
    *,
    revisions: bool = False,
    chunk_size: int = 100,
) -> Iterator[StoredPage]:
    """Raw pages of the selected articles, oldest publication first, in chunks.

    Each article's current page; with *revisions* also the pages of its
    superseded versions (oldest first, each page once).
    """
    stmt = apply_filter(session, select(Article.id, Article.page_id), where or RecordFilter())
    stmt = stmt.order_by(
        Article.published_date.asc().nulls_last(),
        Article.published_utc.asc().nulls_first(),
        Article.id,
    ).execution_options(yield_per=chunk_size)
    for chunk in session.execute(stmt).partitions():
        order: dict[int, list[int | None]] = {article_id: [] for article_id, _ in chunk}
        if revisions:
            for article_id, page_id in session.execute(
                select(ArticleRevision.article_id, ArticleRevision.page_id)
                .where(ArticleRevision.article_id.in_(order))
                .order_by(ArticleRevision.article_id, ArticleRevision.version)
            ):
                order[article_id].append(page_id)
        for article_id, page_id in chunk:
            order[article_id].append(page_id)
        wanted = list(dict.fromkeys(p for pages in order.values() for p in pages if p is not None))
        rows = {row.id: row for row in session.scalars(select(Page).where(Page.id.in_(wanted)))}
        for page_id in wanted:
            yield stored_page(rows[page_id])
        session.expunge_all()


def pages_after(
    session: Session, where: RecordFilter, after: int, limit: int
) -> list[ArchivedPage]:
    """Up to *limit* selected articles with a raw page and an id above *after*, by id."""
    stmt = apply_filter(
        session,
        select(Article.id, Article.canonical_url, Article.content_hash, Page)
        .join(Page, Page.id == Article.page_id)
        .where(Article.id > after),
        where,
    )
    rows = session.execute(stmt.order_by(Article.id).limit(limit)).all()
    archived = [
        ArchivedPage(
            article_id=article_id,
            canonical_url=canonical_url,
            content_hash=content_hash,
            page=stored_page(page),
        )
        for article_id, canonical_url, content_hash, page in rows
    ]
    session.expunge_all()
    return archived


def revise_article(session: Session, article_id: int, version: ArticleVersion) -> Outcome:
    """Store *version* as the new version of article *article_id* if its content differs.

    The current version becomes a revision with the version's reason; the raw
    page stays. :class:`CanonicalConflict` when the new canonical URL belongs to
    another article.
    """
    article = session.get(Article, article_id)
    if article is None:
        raise LookupError(f"no article with id {article_id}")
    if article.content_hash == version.content_hash:
        return "unchanged"
    canonical_url = version.record["canonical_url"]
    if canonical_url != article.canonical_url:
        others = select(Article.id).where(Article.id != article_id)
        holder = session.scalar(others.where(Article.canonical_url == canonical_url))
        if holder is not None:
            raise CanonicalConflict(
                f"{article.canonical_url}: re-extracted canonical URL {canonical_url} "
                f"belongs to article {holder}"
            )
    supersede_article(session, article, version)
    return "updated"
