"""Storing a batch of article versions with one lookup query per 500 URLs.

:func:`store_articles` gives the same outcomes and rows as calling
:func:`storage.archive.store_article` on each version in turn (row ids aside),
without its two ``SELECT`` statements per article and the flush each of them sets
off (they cost most of a crawl's storage time). The columns that match and refresh
the articles the batch can find are read first, in one query per chunk of URLs
(no ORM objects, no pages or lists), and looked up in memory. Each version then
takes one of three paths:

* a new article that shares no URL with another version of the batch is inserted
  with one Core ``INSERT`` per table, from row dicts built by the same functions that
  fill :func:`storage.archive.new_article`'s objects;
* the same content fetched again, when no other version of the batch touches that
  article (neither the version's URLs nor the article's are another version's), is
  written with Core ``UPDATE`` executemany statements by id: the fetch times and URL
  that :func:`storage.archive._refresh` would set, and the raw page it would replace
  (when the article has none yet: the stored row the version names, else a new one);
* everything else (changed content, URLs repeated in the batch) goes through the ORM
  unit of work as in :func:`~storage.archive.store_article`, on articles loaded again
  with their page and lists for just those ids. The session flushes only when a
  version matches an article already written in this batch (the same page twice, or
  a redirect to it), so that article has its database ids before it is updated again.

The first two paths create no ORM objects and set off no flush.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, cast

from sqlalchemy import ColumnElement, Table, bindparam, case, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.archive import ArticleVersion, Outcome, new_article_values, store_found
from storage.captures import record_captures
from storage.models import Article, ArticleAuthor, ArticleCaption, ArticleTag, Base, Page
from storage.records import RawPage, list_rows, page_values

_LOOKUP_CHUNK = 500
_LISTS: dict[str, type[Base]] = {
    "authors": ArticleAuthor,
    "tags": ArticleTag,
    "captions": ArticleCaption,
}
"""Article's one-to-many lists, inserted after the articles; its page goes before them."""
_BULK_READY = set(inspect(Article).relationships.keys()) == {"page", *_LISTS}
"""New and unchanged articles take the Core paths only while they know every relationship
of Article; otherwise every version goes through the ORM."""
_KEPT_BODY = case((Page.body == bindparam("new_body"), Page.body), else_=bindparam("new_body"))
"""``pages.body`` set to the ``new_body`` parameter, the stored value kept when equal (a page
fetched again, unchanged): PostgreSQL then keeps its TOAST chunks instead of writing the
compressed body again, as when the ORM leaves an equal value out of its ``UPDATE``."""


class StoredArticle(NamedTuple):
    """The columns of an archived article that match a version to it and refresh it."""

    id: int
    canonical_url: str
    url: str
    content_hash: str
    fetched_at: datetime
    first_seen: datetime
    last_seen: datetime
    page_id: int | None


class _Keyed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def canonical_url(self) -> str: ...
    @property
    def url(self) -> str: ...


A = TypeVar("A", bound=_Keyed)


class ArticleIndex(Generic[A]):
    """Articles by canonical URL and by URL, as :func:`~storage.archive.find_article` sees them
    (ORM articles, or the :class:`StoredArticle` rows read to route a batch)."""

    def __init__(self, articles: Iterable[A] = ()) -> None:
        self.by_canonical: dict[str, A] = {}
        self.by_url: dict[str, list[A]] = {}
        for article in articles:
            self.add(article)

    def add(self, article: A) -> None:
        self.by_canonical[article.canonical_url] = article
        self.by_url.setdefault(article.url, []).append(article)

    def remove(self, article: A) -> None:
        if self.by_canonical.get(article.canonical_url) is article:
            del self.by_canonical[article.canonical_url]
        same = self.by_url.get(article.url, [])
        if article in same:
            same.remove(article)

    def find(self, canonical_url: str, url: str) -> A | None:
        """The article with this canonical URL, else the lowest id known under *url*."""
        found = self.by_canonical.get(canonical_url)
        if found is not None:
            return found
        candidates = [*self.by_url.get(url, ()), *self.by_url.get(canonical_url, ())]
        if url in self.by_canonical:
            candidates.append(self.by_canonical[url])
        return min(candidates, key=lambda article: article.id, default=None)


def load_index(session: Session, keys: Iterable[str]) -> list[StoredArticle]:
    """The archived articles whose canonical URL or URL is among *keys*: the columns of
    :class:`StoredArticle` only (their pages hold compressed bodies, and no ORM objects)."""
    wanted = list(dict.fromkeys(keys))
    columns = [getattr(Article, name) for name in StoredArticle._fields]
    found: dict[int, StoredArticle] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        stmt = select(*columns).where(
            or_(Article.canonical_url.in_(chunk), Article.url.in_(chunk))
        )
        for row in session.execute(stmt):
            found[row.id] = StoredArticle._make(row)  # a second chunk may read it again
    return list(found.values())


def load_articles(session: Session, ids: Iterable[int]) -> list[Article]:
    """The ORM articles with these ids, with their page and lists (the ORM path needs them
    all: a changed version snapshots the lists and replaces them)."""
    wanted = list(ids)
    articles: list[Article] = []
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        stmt = (
            select(Article)
            .where(Article.id.in_(wanted[start : start + _LOOKUP_CHUNK]))
            .options(
                selectinload(Article.page),
                selectinload(Article.authors),
                selectinload(Article.tags),
                selectinload(Article.captions),
            )
        )
        articles.extend(session.scalars(stmt))
    return articles


def store_articles(session: Session, versions: Sequence[ArticleVersion]) -> list[Outcome]:
    """Store each version in order, as :func:`~storage.archive.store_article` would."""
    session.flush()
    keys = [key for v in versions for key in set(_keys(v))]
    stored = load_index(session, keys)
    index = ArticleIndex(stored)
    counts = Counter(keys)
    fresh: list[ArticleVersion] = []
    unchanged: list[tuple[ArticleVersion, StoredArticle]] = []
    rest: list[ArticleVersion] = []
    for version in versions:
        own = set(_keys(version))
        found = index.find(*_keys(version))
        alone = _BULK_READY and all(counts[k] == 1 for k in own)
        if alone and found is None:
            fresh.append(version)
        elif (alone and found is not None and found.content_hash == version.content_hash
              and all(counts[k] == 0 for k in {found.canonical_url, found.url} - own)):
            unchanged.append((version, found))
        else:
            rest.append(version)
    bulk: dict[int, Outcome] = {id(v): "new" for v in fresh}
    bulk.update((id(v), "unchanged") for v, _ in unchanged)
    outcomes = store_rest(session, versions, bulk, stored, rest)
    refresh_unchanged(session, unchanged)
    insert_new(session, fresh)
    record_captures(session, versions, outcomes)
    return outcomes


def store_rest(session: Session, versions: Sequence[ArticleVersion], bulk: dict[int, Outcome],
               stored: Sequence[StoredArticle], rest: Sequence[ArticleVersion]) -> list[Outcome]:
    """Every version's outcome: *bulk*'s (by ``id()``) for the versions the Core paths write,
    else what the ORM unit of work gives storing it. The articles *rest* can match are
    loaded with their page and lists; the others are left out (nothing else changes them)."""
    wanted = {key for version in rest for key in _keys(version)}
    index = ArticleIndex(load_articles(session, [
        article.id for article in stored
        if article.canonical_url in wanted or article.url in wanted
    ]))
    written: set[str] = set()
    """Canonical URLs and URLs of the articles changed since the last flush."""
    outcomes: list[Outcome] = []
    with session.no_autoflush:
        for version in versions:
            if id(version) in bulk:
                outcomes.append(bulk[id(version)])
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
    return outcomes


def _keys(version: ArticleVersion) -> tuple[str, str]:
    return version.record["canonical_url"], version.record["url"]


def refresh_unchanged(session: Session, found: Sequence[tuple[ArticleVersion, StoredArticle]]
                      ) -> None:
    """Write each version onto its stored article as :func:`storage.archive._refresh` would,
    with Core ``UPDATE`` executemany statements by id, without ORM objects.

    An older fetch than the stored one moves only ``first_seen``; a newer one also sets
    the fetch time and URL and overwrites the page's columns, as
    :func:`storage.records.replace_page` does, or, if the article has none, links the
    stored page row the version names (``page_id``) or inserts its page.
    As in the ORM's flush, an article's ``UPDATE`` sets only the columns whose values
    change (an unchanged URL left out spares its index entry); the articles that change
    the same columns share one statement. Articles and pages the session already holds
    are expired, so that it reads the new values.
    """
    refreshed: list[tuple[StoredArticle, dict[str, Any]]] = []
    pages: list[dict[str, Any]] = []
    new_pages: list[tuple[dict[str, Any], RawPage]] = []
    for version, article in found:
        values: dict[str, Any] = {
            "first_seen": min(article.first_seen, version.fetched_at),
            "last_seen": max(article.last_seen, version.fetched_at),
        }
        refreshed.append((article, values))
        if version.fetched_at < article.fetched_at:
            continue
        values |= {"fetched_at": version.fetched_at, "url": version.record["url"]}
        if version.page is None:
            continue
        if article.page_id is None and version.page_id is not None:
            values["page_id"] = version.page_id
        elif article.page_id is None:
            new_pages.append((values, version.page))
        else:
            page = page_values(version.page) | {"row_id": article.page_id}
            page["new_body"] = page.pop("body")
            pages.append(page)
    if new_pages:
        ids = _insert_ids(session, Page, [page_values(page) for _, page in new_pages], "url")
        for (values, _), page_id in zip(new_pages, ids, strict=True):
            values["page_id"] = page_id
    articles: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for article, values in refreshed:
        changed = {name: value for name, value in values.items()
                   if value != getattr(article, name)}
        if changed:
            articles.setdefault(tuple(changed), []).append(changed | {"row_id": article.id})
    _update_by_id(session, Page, pages, body=_KEPT_BODY)
    for rows in articles.values():
        _update_by_id(session, Article, rows)


def _update_by_id(session: Session, model: type[Base], rows: list[dict[str, Any]],
                  **sql: ColumnElement[Any]) -> None:
    """One executemany ``UPDATE`` of *model*'s table where ``id`` is each row's ``row_id``:
    the row's other columns (the same in all rows) set to its values, and the *sql* ones to
    those expressions. The instances the session holds are expired."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    stmt = table.update().where(table.c.id == bindparam("row_id"))
    session.execute(stmt.values(sql) if sql else stmt, rows)
    if session.identity_map:
        for row in rows:
            held = session.identity_map.get(session.identity_key(model, row["row_id"]))
            if held is not None:
                session.expire(held)


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
    ``INSERT`` per table from plain row dicts, without ORM objects or the unit of work.
    A version that names a stored page row (``page_id``) links it: no copy is inserted."""
    if not versions:
        return
    pages = [(n, v.page) for n, v in enumerate(versions)
             if v.page is not None and v.page_id is None]
    page_ids: dict[int, int] = {}
    if pages:
        ids = _insert_ids(session, Page, [page_values(page) for _, page in pages], "url")
        page_ids = {n: page_id for (n, _), page_id in zip(pages, ids, strict=True)}
    rows = [new_article_values(v) | {"page_id": page_ids.get(n, v.page_id)}
            for n, v in enumerate(versions)]
    article_ids = _insert_ids(session, Article, rows, "canonical_url")
    lists = [list_rows(v.record) for v in versions]
    for name, model in _LISTS.items():
        children = [child | {"article_id": article_id}
                    for rows_of, article_id in zip(lists, article_ids, strict=True)
                    for child in rows_of[name]]
        if children:
            session.execute(cast(Table, model.__table__).insert(), children)
