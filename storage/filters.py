"""Which articles a command works on: dates, site, section and author filters.

Section and author names are matched like search terms, ignoring case and
diacritics, so ``--section "thoi su"`` (or the URL slug ``thoi-su``) selects
"Thời sự" and ``--author "thanh le"`` selects "Thanh Lê". The names present in
the archive are few, so they are compared in Python; the query itself then
uses plain ``IN`` lists and stays portable across databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.fts import fold
from storage.models import Article, ArticleAuthor, ArticleRevision

_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class RecordFilter:
    """Which articles to select; dates are Vietnam local publication dates, inclusive."""

    since: date | None = None
    until: date | None = None
    site: str | None = None
    """A site profile's name ("baonghean": every host of the profile) or a host name as in
    the record's ``site`` ("baonghean.vn")."""
    section: str | None = None
    """The record's ``category`` ("Thời sự", "thoi su" or "thoi-su")."""
    author: str | None = None
    """One of the record's ``authors`` ("Thanh Lê" or "thanh le")."""


def name_key(name: str) -> str:
    """Comparison key of a section or author name: folded, hyphens as spaces, spaces squashed."""
    return " ".join(fold(name).replace("-", " ").replace("_", " ").split())


def site_hosts(site: str) -> list[str]:
    """The hosts a ``--site`` value names: a profile's hosts, else the host itself
    (``www.`` and case aside)."""
    from pipelines.profiles import SITES, profile

    name = site.strip().lower()
    if name in SITES:
        return list(profile(name).hosts)
    return [name.removeprefix("www.")]


def apply_filter(session: Session, stmt: _S, where: RecordFilter) -> _S:
    """*stmt* (a select over ``articles``) restricted to the articles *where* selects."""
    if where.since is not None:
        stmt = stmt.where(Article.published_date >= where.since)
    if where.until is not None:
        stmt = stmt.where(Article.published_date <= where.until)
    if where.site is not None:
        stmt = stmt.where(Article.site.in_(site_hosts(where.site)))
    if where.section is not None:
        stmt = stmt.where(_named(session, Article.category, where.section))
    if where.author is not None:
        authors = select(ArticleAuthor.article_id).where(
            _named(session, ArticleAuthor.name, where.author)
        )
        stmt = stmt.where(Article.id.in_(authors))
    return stmt


def _named(
    session: Session, column: InstrumentedAttribute[Any], wanted: str
) -> ColumnElement[bool]:
    """``column IN (stored names whose key equals wanted's)``, or false when none does."""
    key = name_key(wanted)
    stored = session.scalars(select(column).distinct().where(column.is_not(None)))
    matching = sorted({name for name in stored if name_key(name) == key})
    return column.in_(matching) if matching else false()


def count_articles(session: Session, where: RecordFilter) -> int:
    """How many articles *where* selects."""
    stmt = apply_filter(session, select(func.count(Article.id)), where)
    return session.scalar(stmt) or 0


def count_versions(session: Session, where: RecordFilter) -> int:
    """How many versions (current ones and revisions) the selected articles have."""
    revisions = apply_filter(
        session,
        select(func.count(ArticleRevision.id)).join(
            Article, Article.id == ArticleRevision.article_id
        ),
        where,
    )
    return count_articles(session, where) + (session.scalar(revisions) or 0)
