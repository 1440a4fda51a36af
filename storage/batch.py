"""Storing a batch of article versions with one lookup query per 500 URLs.

:func:`store_articles` gives the same outcomes and rows as calling
:func:`storage.archive.store_article` on each version in turn, without its two
``SELECT`` statements per article and the flush each of them sets off (they cost
most of a crawl's storage time). The articles the batch can match are loaded
first, in one query per chunk of URLs, and looked up in memory; the session
flushes only when a version matches an article already written in this batch
(the same page twice, or a redirect to it), so that article has its database
ids before it is updated again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from storage.archive import ArticleVersion, Outcome, store_found
from storage.models import Article

_LOOKUP_CHUNK = 500


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
    keys = [key for v in versions for key in (v.record["canonical_url"], v.record["url"])]
    index = load_index(session, keys)
    written: set[str] = set()
    """Canonical URLs and URLs of the articles changed since the last flush."""
    outcomes: list[Outcome] = []
    with session.no_autoflush:
        for version in versions:
            canonical_url, url = version.record["canonical_url"], version.record["url"]
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
