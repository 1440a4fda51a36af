"""Aggregate figures over the archive (what ``python -m storage.stats`` prints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement, Integer, extract, func, or_, select
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


def archive_totals(session: Session, *, top: int = 10, hosts: list[str] | None = None
                   ) -> ArchiveTotals:
    """Totals of the archive (of the articles of ``hosts`` only, when given); *top* bounds
    the author list."""
    chosen = select(Article.id) if hosts is None else select(Article.id).where(
        Article.site.in_(hosts))
    mine = Article.id.in_(chosen)
    first, last = session.execute(
        select(func.min(Article.published_date), func.max(Article.published_date)).where(mine)
    ).one()
    undated = select(func.count(Article.id)).where(mine, Article.published_date.is_(None))
    revisions = select(func.count(ArticleRevision.id)).where(ArticleRevision.article_id.in_(chosen))
    pages = select(func.count(Page.id))
    if hosts is not None:
        pages = pages.where(or_(
            Page.id.in_(select(Article.page_id).where(mine)),
            Page.id.in_(select(ArticleRevision.page_id).where(ArticleRevision.article_id.in_(chosen))),
        ))
    return ArchiveTotals(
        articles=session.scalar(select(func.count(Article.id)).where(mine)) or 0,
        revisions=session.scalar(revisions) or 0,
        pages=session.scalar(pages) or 0,
        undated=session.scalar(undated) or 0,
        first_published=first,
        last_published=last,
        by_site=_grouped(session, Article.site, where=mine),
        by_month=_by_month(session, mine),
        by_section=_grouped(session, Article.category, where=mine),
        top_authors=_grouped(session, ArticleAuthor.name, limit=top,
                             where=ArticleAuthor.article_id.in_(chosen)),
    )


def _grouped(
    session: Session, column: InstrumentedAttribute[_T], limit: int | None = None,
    where: ColumnElement[bool] | None = None,
) -> list[tuple[_T, int]]:
    """(value, count) of *column*, largest first."""
    count = func.count()
    stmt = select(column, count)
    if where is not None:
        stmt = stmt.where(where)
    stmt = (
        stmt
        .group_by(column)
        .order_by(count.desc(), column.asc().nulls_last())
        .limit(limit)
    )
    return [(value, n) for value, n in session.execute(stmt)]


def _by_month(session: Session, where: ColumnElement[bool]) -> list[tuple[str, int]]:
    year = extract("year", Article.published_date).cast(Integer)
    month = extract("month", Article.published_date).cast(Integer)
    stmt = (
        select(year, month, func.count())
        .where(where, Article.published_date.is_not(None))
        .group_by(year, month)
        .order_by(year, month)
    )
    return [(f"{y:04d}-{m:02d}", n) for y, m, n in session.execute(stmt)]
