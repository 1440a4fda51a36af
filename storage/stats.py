"""Print the archive's totals and its last crawl runs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from storage.cli import db_url, make_parser, run_cli, whole_number
from storage.db import Database
from storage.runs import RunSummary, recent_runs
from storage.totals import ArchiveTotals, archive_totals

PROG = "python -m storage.stats"


def collect(url: str, *, top: int, runs: int) -> tuple[ArchiveTotals, list[RunSummary]]:
    """Totals and the last *runs* crawl runs of the archive at *url*."""
    with Database.open(url, create=False) as db, db.session() as session:
        return archive_totals(session, top=top), recent_runs(session, limit=runs)


def as_json(totals: ArchiveTotals, runs: Sequence[RunSummary]) -> dict[str, Any]:
    """A JSON-ready view of *totals* and *runs*."""
    return {
        "articles": totals.articles,
        "revisions": totals.revisions,
        "pages": totals.pages,
        "undated": totals.undated,
        "first_published": _iso(totals.first_published),
        "last_published": _iso(totals.last_published),
        "by_site": dict(totals.by_site),
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


def as_text(totals: ArchiveTotals, runs: Sequence[RunSummary]) -> str:
    """The human-readable report."""
    span = f"{_iso(totals.first_published)} .. {_iso(totals.last_published)}"
    lines = [
        f"articles: {totals.articles} (earlier versions: {totals.revisions}, "
        f"raw pages: {totals.pages}, undated: {totals.undated})",
        f"published: {span if totals.first_published else 'none'}",
    ]
    sections: list[tuple[str, list[tuple[str, int]]]] = [
        ("by site", totals.by_site),
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
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    url = db_url(args)

    def command() -> int:
        totals, runs = collect(url, top=args.top, runs=args.runs)
        if args.json:
            print(json.dumps(as_json(totals, runs), ensure_ascii=False, indent=2))
        else:
            print(as_text(totals, runs))
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
