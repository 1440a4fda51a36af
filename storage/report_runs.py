"""Crawl runs for the coverage report: each ``crawl_runs`` row as a point in time with its
outcome, grouped by site."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.outcome import NORMAL_FINISH
from pipelines.dates import VN_TZ as VIETNAM
from pipelines.urls import urlsplit
from storage.models import CrawlRun

OPEN = "open"
"""Outcome of a run with no finish reason yet (running, or died and not yet closed)."""


@dataclass(frozen=True)
class RunPoint:
    id: int
    spider: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    """The finish reason, or ``open``."""
    pages: int
    new: int
    updated: int
    errors: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome in NORMAL_FINISH

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "spider": self.spider,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "outcome": self.outcome,
            "ok": self.ok,
            "pages": self.pages,
            "new": self.new,
            "updated": self.updated,
            "errors": self.errors,
            "dropped": self.dropped,
        }


def site_runs(
    session: Session, since: date | None, until: date | None, site_key: Callable[[str], str]
) -> dict[str, list[RunPoint]]:
    """Runs started in the range (Vietnam dates), oldest first, by site name.

    A run belongs to its spider's site; the ``news`` spider's (which crawls any site)
    to the host of its ``base_url``.
    """
    stmt = select(CrawlRun).order_by(CrawlRun.started_at, CrawlRun.id)
    if since is not None:
        stmt = stmt.where(CrawlRun.started_at >= _vietnam_midnight(since))
    if until is not None:
        stmt = stmt.where(CrawlRun.started_at < _vietnam_midnight(until + timedelta(days=1)))
    runs: dict[str, list[RunPoint]] = defaultdict(list)
    for run in session.scalars(stmt):
        runs[_run_site(run, site_key)].append(_point(run))
    return runs


def _vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=VIETNAM)


def _run_site(run: CrawlRun, site_key: Callable[[str], str]) -> str:
    base_url = run.args.get("base_url") if run.spider == "news" else None
    host = urlsplit(str(base_url)).hostname if base_url else None
    return site_key(host.removeprefix("www.")) if host else run.spider


def _point(run: CrawlRun) -> RunPoint:
    return RunPoint(
        id=run.id,
        spider=run.spider,
        started_at=run.started_at,
        finished_at=run.finished_at,
        outcome=run.finish_reason or OPEN,
        pages=run.pages_fetched,
        new=run.articles_new,
        updated=run.articles_updated,
        errors=dict(run.errors),
        dropped=dict(run.dropped),
    )
