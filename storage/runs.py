"""Crawl run records (``crawl_runs``): opened when a crawl starts, closed with its figures.

While a crawl runs, its figures are written with every stored batch (in the
batch's transaction), so a crawl killed mid-way leaves a row with the figures of
what it committed; the next crawl, holding the archive lock, closes such rows as
``abandoned`` (:func:`close_abandoned_runs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun

ABANDONED = "abandoned"
"""Finish reason given to a run whose process died before closing it."""


@dataclass(frozen=True, kw_only=True)
class RunFigures:
    """What a crawl did, as counted by the crawler."""

    finish_reason: str
    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    skipped_known: int = 0
    """Discovered articles not fetched: the archive holds them and nothing says they changed."""
    dropped: dict[str, int] = field(default_factory=dict)
    """Dropped pages by reason ("listing": 2)."""
    errors: dict[str, int] = field(default_factory=dict)
    """Error counts by kind ("storage": 1, "spider_exceptions/ValueError": 3)."""


@dataclass(frozen=True, kw_only=True)
class RunSummary:
    """One ``crawl_runs`` row."""

    id: int
    spider: str
    args: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None
    figures: RunFigures | None
    """None while the run is open (a run whose process died stays open until the next crawl)."""

    def line(self) -> str:
        """One-line summary: "run 12 finished: 40 pages, 35 new, ... dropped: listing=2"."""
        if self.figures is None:
            return f"run {self.id} not finished (started {self.started_at:%Y-%m-%d %H:%M} UTC)"
        f = self.figures
        return (
            f"run {self.id} {f.finish_reason}: {f.pages_fetched} pages, {f.articles_new} new, "
            f"{f.articles_updated} updated, {f.articles_unchanged} unchanged, "
            f"{f.skipped_known} known skipped, "
            f"dropped: {_counts(f.dropped)}, errors: {_counts(f.errors)}"
        )


def _counts(counts: Mapping[str, int]) -> str:
    if not counts:
        return "none"
    return " ".join(f"{name}={count}" for name, count in sorted(counts.items()))


def start_run(
    session: Session, spider: str, args: Mapping[str, Any], started_at: datetime | None = None
) -> int:
    """Open a run row and return its id."""
    run = CrawlRun(spider=spider, args=dict(args), started_at=started_at or datetime.now(UTC))
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, figures: RunFigures, finished_at: datetime | None = None
) -> RunSummary:
    """Close run *run_id* with *figures*."""
    run = session.get_one(CrawlRun, run_id)
    run.finished_at = finished_at or datetime.now(UTC)
    run.finish_reason = figures.finish_reason
    _set_figures(run, figures)
    session.flush()
    return _summary(run)


def record_progress(session: Session, run_id: int, figures: RunFigures) -> None:
    """Write the figures so far of the open run *run_id* (its finish reason stays unset)."""
    _set_figures(session.get_one(CrawlRun, run_id), figures)
    session.flush()


def close_abandoned_runs(session: Session) -> list[RunSummary]:
    """Close every open run as ``abandoned`` (their process died); call it holding the lock.

    The figures stay as the dead crawl last recorded them; ``finished_at`` stays unset
    (the time of death is unknown).
    """
    stmt = select(CrawlRun).where(CrawlRun.finish_reason.is_(None)).order_by(CrawlRun.id)
    closed = []
    for run in session.scalars(stmt):
        run.finish_reason = ABANDONED
        closed.append(run)
    session.flush()
    return [_summary(run) for run in closed]


def recent_runs(session: Session, limit: int = 5) -> list[RunSummary]:
    """The last *limit* runs, newest first."""
    stmt = select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    return [_summary(run) for run in session.scalars(stmt)]


def closed_runs(session: Session, spider: str, limit: int = 20) -> list[RunSummary]:
    """The last *limit* closed runs of *spider* (any finish reason), newest first."""
    stmt = (
        select(CrawlRun)
        .where(CrawlRun.spider == spider, CrawlRun.finish_reason.is_not(None))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(limit)
    )
    return [_summary(run) for run in session.scalars(stmt)]


def _set_figures(run: CrawlRun, figures: RunFigures) -> None:
    run.pages_fetched = figures.pages_fetched
    run.articles_new = figures.articles_new
    run.articles_updated = figures.articles_updated
    run.articles_unchanged = figures.articles_unchanged
    run.skipped_known = figures.skipped_known
    run.dropped = dict(figures.dropped)
    run.errors = dict(figures.errors)


def _summary(run: CrawlRun) -> RunSummary:
    figures = None
    if run.finish_reason is not None:
        figures = RunFigures(
            finish_reason=run.finish_reason,
            pages_fetched=run.pages_fetched,
            articles_new=run.articles_new,
            articles_updated=run.articles_updated,
            articles_unchanged=run.articles_unchanged,
            skipped_known=run.skipped_known,
            dropped=dict(run.dropped),
            errors=dict(run.errors),
        )
    return RunSummary(
        id=run.id,
        spider=run.spider,
        args=dict(run.args),
        started_at=run.started_at,
        finished_at=run.finished_at,
        figures=figures,
    )
