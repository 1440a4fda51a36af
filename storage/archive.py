"""Typed archive queries: store article versions, stream records, look articles up.

Only ``storage/`` knows SQL; callers pass record dicts and get record dicts or
small frozen dataclasses back. Every function takes an open
:class:`~sqlalchemy.orm.Session`; the caller owns the transaction::

    with db.session() as session, session.begin():
        outcome = upsert_article(session, record, page)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.captures import is_past_version, page_provenance, provenance_for, store_past_version
from storage.failed import known_failed
from storage.filters import RecordFilter as RecordFilter
from storage.filters import apply_filter
from storage.models import Article, ArticleRevision, Page
from storage.records import (
    RawPage,
    StoredPage,
    apply_record,
    article_values,
    check_record,
    content_hash,
    page_row,
    parse_fetched_at,
    parse_published,
    record_from_article,
    record_from_snapshot,
    replace_page,
    stored_page,
)

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged"]
OUTCOMES: tuple[Outcome, ...] = ("new", "updated", "unchanged")
_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class ArticleVersion:
    """A checked record ready to store (see :func:`prepare_article`)."""

    record: dict[str, Any]
    content_hash: str
    fetched_at: datetime
    page: RawPage | None
    reason: str
    """Recorded on the revision this version supersedes: "recrawl" or "reparse"."""
    page_id: int | None = None
    """The ``pages`` row that holds *page* already (a page kept raw after a failed
    extraction, :mod:`storage.failed`): the version links that row instead of storing a
    copy of the bytes, except onto an article whose page row is refreshed in place."""

    def page_row_in(self, session: Session) -> Page | None:
        """The ``pages`` row of this version's page: the stored one :attr:`page_id` names,
        else a new one (None without a page)."""
        if self.page_id is not None:
            return session.get_one(Page, self.page_id)
        return page_row(self.page) if self.page is not None else None


@dataclass(frozen=True)
class KnownArticle:
    """What an incremental crawl needs to know about an archived article."""

    canonical_url: str
    url: str
    fetched_at: datetime
    last_seen: datetime
    published_utc: datetime | None
    published_date: date | None
    version: int
    content_hash: str


def prepare_article(
    record: Mapping[str, Any], page: RawPage | None = None, *, reason: str = "recrawl"
) -> ArticleVersion:
    """Check *record* and derive what storing it needs; ValueError on a malformed record.

    The fetch time is the record's ``fetched_at``, else the page's.
    """
    checked = check_record(record)
    parse_published(checked["published_at"])  # a malformed date fails here, not in a batch
    if checked["fetched_at"] is not None:
        fetched_at = parse_fetched_at(checked["fetched_at"])
    elif page is not None:
        fetched_at = page.fetched_at.astimezone(UTC)
    else:
        raise ValueError(f"no fetch time for {checked['url']}: record and page lack one")
    return ArticleVersion(checked, content_hash(checked), fetched_at, page, reason)


def upsert_article(
    session: Session,
    record: Mapping[str, Any],
    page: RawPage | None = None,
    *,
    reason: str = "recrawl",
) -> Outcome:
    """Store one article version; "new", "updated" (old version kept) or "unchanged"."""
    return store_article(session, prepare_article(record, page, reason=reason))


def find_article(session: Session, canonical_url: str, url: str) -> Article | None:
    """The article with this canonical URL, else one known under *url* (a redirect)."""
    found = session.scalars(
        select(Article).where(Article.canonical_url == canonical_url)
    ).one_or_none()
    if found is not None:
        return found
    stmt = (
        select(Article)
        .where(or_(Article.canonical_url == url, Article.url.in_({url, canonical_url})))
        .order_by(Article.id)
        .limit(1)
    )
    return session.scalars(stmt).first()


def store_article(session: Session, version: ArticleVersion) -> Outcome:
    """Store a prepared version (see :func:`upsert_article`)."""
    record = version.record
    article = find_article(session, record["canonical_url"], record["url"])
    return store_found(session, article, version)[0]


def store_found(
    session: Session, article: Article | None, version: ArticleVersion
) -> tuple[Outcome, Article]:
    """Store *version* onto *article*, what :func:`find_article` found for it (None: new)."""
    if article is None:
        article = new_article(version, version.page_row_in(session))
        session.add(article)
        return "new", article
    if article.content_hash == version.content_hash:
        _refresh(session, article, version)
        return "unchanged", article
    if is_past_version(article, version):  # an older web-archive capture
        return ("updated" if store_past_version(session, article, version) else "unchanged",
                article)
    supersede_article(session, article, version)
    return "updated", article


def new_article_values(version: ArticleVersion) -> dict[str, Any]:
    """The ``articles`` columns of an article's first version (its page and lists aside)."""
    return {
        "fetched_at": version.fetched_at,
        "first_seen": version.fetched_at,
        "last_seen": version.fetched_at,
        "content_hash": version.content_hash,
        "version": 1,
    } | article_values(version.record)


def new_article(version: ArticleVersion, page: Page | None) -> Article:
    """The first version of an article, with its *page* row, not yet in a session."""
    article = Article(
        fetched_at=version.fetched_at,
        first_seen=version.fetched_at,
        last_seen=version.fetched_at,
        content_hash=version.content_hash,
        version=1,
    )
    apply_record(article, version.record)
    article.page = page
    return article


def _refresh(session: Session, article: Article, version: ArticleVersion) -> None:
    """Same content fetched again: move the fetch times (and the raw page) forward."""
    article.first_seen = min(article.first_seen, version.fetched_at)
    article.last_seen = max(article.last_seen, version.fetched_at)
    if version.fetched_at < article.fetched_at:
        return
    article.fetched_at = version.fetched_at
    article.url = version.record["url"]
    if version.page is None:
        return
    if article.page is None:
        article.page = version.page_row_in(session)
    else:
        replace_page(article.page, version.page)


def supersede_article(session: Session, article: Article, version: ArticleVersion) -> None:
    """Changed content: keep the current version as a revision, then overwrite the article."""
    session.add(
        ArticleRevision(
            article_id=article.id,
            version=article.version,
            record=record_from_article(article),
            content_hash=article.content_hash,
            fetched_at=article.fetched_at,
            superseded_at=datetime.now(UTC),
            reason=version.reason,
            page_id=article.page_id,
        )
    )
    apply_record(article, version.record)
    article.content_hash = version.content_hash
    article.version += 1
    article.fetched_at = version.fetched_at
    article.first_seen = min(article.first_seen, version.fetched_at)
    article.last_seen = max(article.last_seen, version.fetched_at)
    page = version.page_row_in(session)
    if page is not None:
        article.page = page


def known_articles(session: Session, urls: Iterable[str]) -> dict[str, KnownArticle]:
    """Archived articles among *urls* (matched by canonical URL or fetched URL), by that URL.

    A page kept raw because extraction failed on it (:mod:`storage.failed`) is known too,
    undated: it is fetched again only when its source says it changed."""
    wanted = list(dict.fromkeys(urls))
    known: dict[str, KnownArticle] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = set(wanted[start : start + _LOOKUP_CHUNK])
        stmt = select(Article).where(or_(Article.canonical_url.in_(chunk), Article.url.in_(chunk)))
        for article in session.scalars(stmt):
            entry = _known(article)
            if article.url in chunk:
                known.setdefault(article.url, entry)
            if article.canonical_url in chunk:
                known[article.canonical_url] = entry
    missing = [url for url in wanted if url not in known]
    for url, when in known_failed(session, missing).items():
        known[url] = KnownArticle(canonical_url=url, url=url, fetched_at=when, last_seen=when,
                                  published_utc=None, published_date=None, version=0,
                                  content_hash="")
    return known


def newest_published_date(session: Session) -> date | None:
    """The Vietnam local publication date of the archive's newest article (None if empty)."""
    return session.scalar(select(func.max(Article.published_date)))


def _known(article: Article) -> KnownArticle:
    return KnownArticle(
        canonical_url=article.canonical_url,
        url=article.url,
        fetched_at=article.fetched_at,
        last_seen=article.last_seen,
        published_utc=article.published_utc,
        published_date=article.published_date,
        version=article.version,
        content_hash=article.content_hash,
    )


def _articles_query(session: Session, where: RecordFilter) -> Select[Article]:
    stmt = select(Article).options(
        selectinload(Article.authors), selectinload(Article.tags), selectinload(Article.captions)
    )
    return apply_filter(session, stmt, where).order_by(
        Article.published_date.asc().nulls_last(),
        Article.published_utc.asc().nulls_first(),
        Article.id,
    )


def _article_chunks(
    session: Session, where: RecordFilter, chunk_size: int
) -> Iterator[Sequence[Article]]:
    stmt = _articles_query(session, where).execution_options(yield_per=chunk_size)
    yield from session.scalars(stmt).partitions()


def iter_records(
    session: Session, where: RecordFilter | None = None, *, chunk_size: int = 200
) -> Iterator[dict[str, Any]]:
    """Stream the latest record of each article, oldest publication first, in chunks."""
    for chunk in _article_chunks(session, where or RecordFilter(), chunk_size):
        found = page_provenance(session, [article.page_id for article in chunk])
        for article in chunk:
            yield record_from_article(article) | provenance_for(found, article.page_id)


def iter_versions(
    session: Session, where: RecordFilter | None = None, *, chunk_size: int = 200
) -> Iterator[dict[str, Any]]:
    """Stream every version of each article (oldest first), each record with a ``version``."""
    for chunk in _article_chunks(session, where or RecordFilter(), chunk_size):
        ids = [article.id for article in chunk]
        stmt = (
            select(ArticleRevision)
            .where(ArticleRevision.article_id.in_(ids))
            .order_by(ArticleRevision.article_id, ArticleRevision.version)
        )
        revisions: dict[int, list[ArticleRevision]] = {}
        for revision in session.scalars(stmt):
            revisions.setdefault(revision.article_id, []).append(revision)
        found = page_provenance(session, [
            *(article.page_id for article in chunk),
            *(r.page_id for versions in revisions.values() for r in versions)])
        for article in chunk:
            for revision in revisions.get(article.id, []):
                yield (record_from_snapshot(revision.record)
                       | provenance_for(found, revision.page_id) | {"version": revision.version})
            yield (record_from_article(article) | provenance_for(found, article.page_id)
                   | {"version": article.version})


def load_page(session: Session, canonical_url: str) -> StoredPage | None:
    """The raw page of an article's current version, or None."""
    article = session.scalars(
        select(Article).where(Article.canonical_url == canonical_url)
    ).one_or_none()
    if article is None or article.page is None:
        return None
    return stored_page(article.page)


def iter_pages(session: Session, *, chunk_size: int = 100) -> Iterator[tuple[str, StoredPage]]:
    """Stream (canonical URL, raw page) of every article's current version, for re-parsing."""
    stmt = (
        select(Article)
        .options(selectinload(Article.page))
        .where(Article.page_id.is_not(None))
        .order_by(Article.id)
        .execution_options(yield_per=chunk_size)
    )
    for article in session.scalars(stmt):
        if article.page is not None:
            yield article.canonical_url, stored_page(article.page)
