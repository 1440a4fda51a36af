"""Storing a batch of article versions with one lookup query per 500 URLs.

:func:`store_articles` gives the same outcomes and rows as calling
:func:`storage.archive.store_article` on each version in turn (row ids aside),
without its two ``SELECT`` statements per article and the flush each of them sets
off (they cost most of a crawl's storage time). The articles the batch can match
are loaded first, in one query per chunk of URLs, and looked up in memory; the
session flushes only when a version matches an article already written in this
batch (the same page twice, or a redirect to it), so that article has its database
ids before it is updated again. New articles that share no URL with another
version of the batch are inserted with one Core ``INSERT`` per table, from row dicts
built by the same functions that fill :func:`storage.archive.new_article`'s objects
(no ORM objects, no unit of work).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.archive import ArticleVersion, Outcome, new_article_values, store_found
from storage.models import Article, ArticleAuthor, ArticleCaption, ArticleTag, Base, Page
from storage.records import list_rows, page_values

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
    insert_new(session, fresh)
    return outcomes


def _keys(version: ArticleVersion) -> tuple[str, str]:
    return version.record["canonical_url"], version.record["url"]


def _insert_ids(session: Session, model: type[Base], rows: list[dict[str, Any]], key: str
                ) -> list[int]:
    """Insert *rows* into *model*'s table; their new ids, in the order of *rows*.

    ``RETURNING`` with ``sort_by_parameter_order`` sends one statement per row on
    SQLite, so the rows go in batches and each id is matched to its row by the
    *key* column; rows whose keys repeat take the one-row-per-statement path.
    """
    table = cast(Table, model.__table__)
    keys = [row[key] for row in rows]
    if len(set(keys)) < len(keys):
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(stmt, rows).scalars())
    stmt = table.insert().returning(table.c.id, table.c[key])
    ids = {row_key: row_id for row_id, row_key in session.execute(stmt, rows)}
    return [ids[k] for k in keys]


def insert_new(session: Session, versions: Sequence[ArticleVersion]) -> None:
    """Insert the first versions of new articles with their pages and lists: one Core
    ``INSERT`` per table from plain row dicts, without ORM objects or the unit of work."""
    if not versions:
        return
    pages = [(n, v.page) for n, v in enumerate(versions) if v.page is not None]
    page_ids: dict[int, int] = {}
    if pages:
        ids = _insert_ids(session, Page, [page_values(page) for _, page in pages], "url")
        page_ids = {n: page_id for (n, _), page_id in zip(pages, ids, strict=True)}
    rows = [new_article_values(v) | {"page_id": page_ids.get(n)} for n, v in enumerate(versions)]
    article_ids = _insert_ids(session, Article, rows, "canonical_url")
    lists = [list_rows(v.record) for v in versions]
    for name, model in _LISTS.items():
        children = [child | {"article_id": article_id}
                    for rows_of, article_id in zip(lists, article_ids, strict=True)
                    for child in rows_of[name]]
        if children:
            session.execute(cast(Table, model.__table__).insert(), children)
