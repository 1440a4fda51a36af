"""Storing a batch of article versions with one lookup query per 500 URLs.

:func:`store_articles` gives the same outcomes and rows as calling
:func:`storage.archive.store_article` on each version in turn (row ids aside),
without its two ``SELECT`` statements per article and the flush each of them sets
off (they cost most of a crawl's storage time). The articles the batch can match
are loaded first, in one query per chunk of URLs, and looked up in memory; the
session flushes only when a version matches an article already written in this
batch (the same page twice, or a redirect to it), so that article has its database
ids before it is updated again. New articles that share no URL with another
version of the batch are built as usual (:func:`storage.archive.new_article`) but
inserted with one ``INSERT`` per table instead of the ORM's unit of work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.archive import ArticleVersion, Outcome, new_article, store_found
from storage.models import Article, ArticleAuthor, ArticleCaption, ArticleTag, Base, Page

_LOOKUP_CHUNK = 500
_LISTS: dict[str, type[Base]] = {
    "authors": ArticleAuthor,
    "tags": ArticleTag,
    "captions": ArticleCaption,
}
"""Article's one-to-many lists, inserted after the articles; its page goes before them."""
_BULK_READY = set(inspect(Article).relationships.keys()) == {"page", *_LISTS}
"""New articles take the bulk path only while it knows every relationship of Article."""


class ArticleIndex:
    """Articles by canonical URL and by URL, as :func:`~storage.archive.find_article` sees them."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self.by_canonical: dict[str, Article] = {}
        self.by_url: dict[str, list[Article]] = {}
        for article in articles:
            self.add(article)

    def add(self, article: Article) -> None:
        self.by_canonical[article.canonical_url] = article
        self.by_url.setdefault(article.url, []).append(article)

    def remove(self, article: Article) -> None:
        if self.by_canonical.get(article.canonical_url) is article:
            del self.by_canonical[article.canonical_url]
        same = self.by_url.get(article.url, [])
        if article in same:
            same.remove(article)

    def find(self, canonical_url: str, url: str) -> Article | None:
        """The article with this canonical URL, else the lowest id known under *url*."""
        found = self.by_canonical.get(canonical_url)
        if found is not None:
            return found
        candidates = [*self.by_url.get(url, ()), *self.by_url.get(canonical_url, ())]
        if url in self.by_canonical:
            candidates.append(self.by_canonical[url])
        return min(candidates, key=lambda article: article.id, default=None)


def load_index(session: Session, keys: Iterable[str]) -> ArticleIndex:
    """The archived articles whose canonical URL or URL is among *keys*, with their lists."""
    wanted = list(dict.fromkeys(keys))
    index = ArticleIndex()
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        stmt = (
            select(Article)
            .where(or_(Article.canonical_url.in_(chunk), Article.url.in_(chunk)))
            .options(
                selectinload(Article.page),
                selectinload(Article.authors),
                selectinload(Article.tags),
                selectinload(Article.captions),
            )
        )
        for article in session.scalars(stmt):
            index.remove(article)  # a second chunk may load it again
            index.add(article)
    return index


def store_articles(session: Session, versions: Sequence[ArticleVersion]) -> list[Outcome]:
    """Store each version in order, as :func:`~storage.archive.store_article` would."""
    session.flush()
    keys = [key for v in versions for key in set(_keys(v))]
    index = load_index(session, keys)
    counts = Counter(keys)
    fresh = [v for v in versions
             if all(counts[k] == 1 for k in _keys(v)) and index.find(*_keys(v)) is None]
    if not _BULK_READY:
        fresh = []
    written: set[str] = set()
    """Canonical URLs and URLs of the articles changed since the last flush."""
    outcomes: list[Outcome] = []
    bulk = {id(v) for v in fresh}
    with session.no_autoflush:
        for version in versions:
            if id(version) in bulk:
                outcomes.append("new")
                continue
            canonical_url, url = _keys(version)
            if canonical_url in written or url in written:
                session.flush()
                written.clear()
            article = index.find(canonical_url, url)
            if article is not None:
                index.remove(article)
            outcome, article = store_found(session, article, version)
            index.add(article)
            written.update((canonical_url, url, article.canonical_url, article.url))
            outcomes.append(outcome)
    insert_new(session, [new_article(v) for v in fresh])
    return outcomes


def _keys(version: ArticleVersion) -> tuple[str, str]:
    return version.record["canonical_url"], version.record["url"]


def _row(obj: Any) -> dict[str, Any]:
    """The column values set on a transient ORM object, by attribute name."""
    columns = inspect(type(obj)).column_attrs
    return {c.key: obj.__dict__[c.key] for c in columns if c.key in obj.__dict__}


def insert_new(session: Session, articles: Sequence[Article]) -> None:
    """Insert transient articles (from :func:`~storage.archive.new_article`) with their pages
    and lists: one ``INSERT`` per table, without the ORM's unit of work."""
    if not articles:
        return
    pages = [(n, a.page) for n, a in enumerate(articles) if a.page is not None]
    page_ids: dict[int, int] = {}
    if pages:
        stmt = insert(Page).returning(Page.id, sort_by_parameter_order=True)
        ids = session.scalars(stmt, [_row(page) for _, page in pages]).all()
        page_ids = {n: page_id for (n, _), page_id in zip(pages, ids, strict=True)}
    rows = [_row(a) | {"page_id": page_ids.get(n)} for n, a in enumerate(articles)]
    stmt = insert(Article).returning(Article.id, sort_by_parameter_order=True)
    article_ids = session.scalars(stmt, rows).all()
    for name, model in _LISTS.items():
        children = [_row(child) | {"article_id": article_id}
                    for article, article_id in zip(articles, article_ids, strict=True)
                    for child in getattr(article, name)]
        if children:
            session.execute(insert(model), children)
