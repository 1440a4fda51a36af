"""Print the archive's totals and its last crawl runs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from pipelines.profiles import for_host
from storage.cli import db_url, make_parser, run_cli, whole_number
from storage.db import Database
from storage.filters import site_hosts
from storage.runs import RunSummary, closed_runs, recent_runs
from storage.totals import ArchiveTotals, archive_totals

PROG = "python -m storage.stats"


@dataclass(frozen=True)
class SiteLine:
    """One site of the archive: its articles and its last crawl."""

    site: str
    """Host, as in the records' ``site``."""
    spider: str | None
    """The profile (spider) owning the host, if any."""
    articles: int
    last_run: RunSummary | None


def collect(url: str, *, top: int, runs: int, site: str | None = None
            ) -> tuple[ArchiveTotals, list[RunSummary], list[SiteLine]]:
    """Totals, the last *runs* crawl runs and each site's line, of the archive at *url*
    (of one site, a profile name or host, when *site* is given)."""
    hosts = site_hosts(site) if site else None
    with Database.open(url, create=False) as db, db.session() as session:
        totals = archive_totals(session, top=top, hosts=hosts)
        lines = [_site_line(session, host, count) for host, count in totals.by_site]
        spiders = {line.spider for line in lines if line.spider} if site else None
        last = recent_runs(session, limit=runs if spiders is None else runs * 50)
        if spiders is not None:
            last = [run for run in last if run.spider in spiders][:runs]
        return totals, last, lines


def _site_line(session: Session, host: str, articles: int) -> SiteLine:
    owner = for_host(host)
    spider = owner.name if owner is not None else None
    runs = closed_runs(session, spider, 1) if spider else []
    return SiteLine(host, spider, articles, runs[0] if runs else None)


def as_json(totals: ArchiveTotals, runs: Sequence[RunSummary],
            sites: Sequence[SiteLine] = ()) -> dict[str, Any]:
    """A JSON-ready view of *totals*, *runs* and the *sites*' lines."""
    return {
        "articles": totals.articles,
        "revisions": totals.revisions,
        "pages": totals.pages,
        "undated": totals.undated,
        "first_published": _iso(totals.first_published),
        "last_published": _iso(totals.last_published),
        "by_site": dict(totals.by_site),
        "sites": [{"site": line.site, "spider": line.spider, "articles": line.articles,
                   "last_run": _run_json(line.last_run) if line.last_run else None}
                  for line in sites],
        "by_month": dict(totals.by_month),
        "by_section": [{"section": s, "articles": n} for s, n in totals.by_section],
        "top_authors": [{"author": a, "articles": n} for a, n in totals.top_authors],
        "runs": [_run_json(run) for run in runs],
    }


def _run_json(run: RunSummary) -> dict[str, Any]:
    figures = asdict(run.figures) if run.figures is not None else {"finish_reason": None}
    return {
        "id": run.id,
        "spider": run.spider,
        "args": run.args,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        **figures,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def as_text(totals: ArchiveTotals, runs: Sequence[RunSummary],
            sites: Sequence[SiteLine] = ()) -> str:
    """The human-readable report."""
    span = f"{_iso(totals.first_published)} .. {_iso(totals.last_published)}"
    lines = [
        f"articles: {totals.articles} (earlier versions: {totals.revisions}, "
        f"raw pages: {totals.pages}, undated: {totals.undated})",
        f"published: {span if totals.first_published else 'none'}",
    ]
    lines.append("by site:")
    width = max((len(line.site) for line in sites), default=0)
    lines.extend(f"  {line.site:<{width}}  {line.articles:>7}  {_last_crawl(line)}"
                 for line in sites)
    sections: list[tuple[str, list[tuple[str, int]]]] = [
        ("by month", totals.by_month),
        ("by section", [(s or "(none)", n) for s, n in totals.by_section]),
        ("top authors", totals.top_authors),
    ]
    for title, rows in sections:
        lines.append(f"{title}:")
        width = max((len(name) for name, _ in rows), default=0)
        lines.extend(f"  {name:<{width}}  {n:>7}" for name, n in rows)
    lines.append("last runs:" if runs else "last runs: none")
    for run in runs:
        started = f"{run.started_at:%Y-%m-%d %H:%M}"
        lines.append(f"  {started} UTC  {run.spider}  {run.line()}")
    return "\n".join(lines)


def _last_crawl(line: SiteLine) -> str:
    if line.spider is None:
        return "(no site profile)"
    run = line.last_run
    if run is None:
        return f"{line.spider}: never crawled"
    finished = run.finished_at or run.started_at
    reason = run.figures.finish_reason if run.figures else "open"
    return f"{line.spider}: last crawl {finished:%Y-%m-%d %H:%M} UTC, {reason} (run {run.id})"


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser(
        PROG,
        "Print the archive's totals (articles by month, section, author) and its last crawls.",
        f"{PROG} --db sqlite:///archive.db --top 20 --runs 5",
    )
    parser.add_argument("--top", type=whole_number(0), default=10, metavar="N",
                        help="authors to list (default 10)")
    parser.add_argument("--runs", type=whole_number(0), default=5, metavar="N",
                        help="crawl runs to list (default 5)")
    parser.add_argument("--site", metavar="SITE",
                        help="only this site: a profile name (baonghean) or a host (baonghean.vn)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    url = db_url(args)

    def command() -> int:
        totals, runs, sites = collect(url, top=args.top, runs=args.runs, site=args.site)
        if args.json:
            print(json.dumps(as_json(totals, runs, sites), ensure_ascii=False, indent=2))
        else:
            print(as_text(totals, runs, sites))
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
