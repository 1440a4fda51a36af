"""Aggregate figures over the archive (what ``python -m storage.stats`` prints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import Integer, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import Article, ArticleAuthor, ArticleRevision, Page

_T = TypeVar("_T")


@dataclass(frozen=True, kw_only=True)
class ArchiveTotals:
    articles: int
    revisions: int
    """Superseded versions kept in ``article_revisions``."""
    pages: int
    """Raw pages kept (current versions and revisions)."""
    undated: int
    """Articles without a publication date."""
    first_published: date | None
    last_published: date | None
    by_site: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    """("2024-05", count) in month order, Vietnam local dates."""
    by_section: list[tuple[str | None, int]]
    """(category, count), largest first; None for articles without a section."""
    top_authors: list[tuple[str, int]]
    """The most frequent author names, largest first."""


def archive_totals(session: Session, *, top: int = 10) -> ArchiveTotals:
    """Totals of the archive; *top* bounds the author list."""
    first, last = session.execute(
        select(func.min(Article.published_date), func.max(Article.published_date))
    ).one()
    undated = select(func.count(Article.id)).where(Article.published_date.is_(None))
    return ArchiveTotals(
        articles=session.scalar(select(func.count(Article.id))) or 0,
        revisions=session.scalar(select(func.count(ArticleRevision.id))) or 0,
        pages=session.scalar(select(func.count(Page.id))) or 0,
        undated=session.scalar(undated) or 0,
        first_published=first,
        last_published=last,
        by_site=_grouped(session, Article.site),
        by_month=_by_month(session),
        by_section=_grouped(session, Article.category),
        top_authors=_grouped(session, ArticleAuthor.name, limit=top),
    )


def _grouped(
    session: Session, column: InstrumentedAttribute[_T], limit: int | None = None
) -> list[tuple[_T, int]]:
    """(value, count) of *column*, largest first."""
    count = func.count()
    stmt = (
        select(column, count)
        .group_by(column)
        .order_by(count.desc(), column.asc().nulls_last())
        .limit(limit)
    )
    return [(value, n) for value, n in session.execute(stmt)]


def _by_month(session: Session) -> list[tuple[str, int]]:
    year = extract("year", Article.published_date).cast(Integer)
    month = extract("month", Article.published_date).cast(Integer)
    stmt = (
        select(year, month, func.count())
        .where(Article.published_date.is_not(None))
        .group_by(year, month)
        .order_by(year, month)
    )
    return [(f"{y:04d}-{m:02d}", n) for y, m, n in session.execute(stmt)]
