"""``vnnews report``: the archive's coverage as one HTML page (or its numbers as JSON)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click

from crawler.cli_options import check_date_range, date_range_options, db_option

PROG = "vnnews report"


@click.command(short_help="Draw the archive's coverage as an HTML page (or JSON).")
@db_option
@click.option("--site", metavar="NAME", help="only this site (profile name or host)")
@date_range_options
@click.option("--format", "output_format", type=click.Choice(["html", "json"]),
              default="html", show_default=True, help="a page with charts, or the numbers")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write to FILE (default: standard output)")
@click.pass_context
def report(ctx: click.Context, db: str | None, site: str | None, since: str | None,
           until: str | None, output_format: str, output: Path | None) -> None:
    """Draw the archive's coverage per site: articles per day with the days without any,
    crawl runs and their outcome, failures by kind, the extractor used per month, field
    completeness (time, authors, captions, tags) and the largest gaps in dates and
    article ids. The HTML file is self-contained (SVG charts, no scripts, nothing to
    fetch); --format json prints the same numbers.

    Example:

    \b
        vnnews report --site baonghean --since 2024-01-01 -o report.html
    """
    from storage.cli import run_cli
    from storage.db import Database, resolve_db_url
    from storage.report import ReportOptions, as_json, coverage
    from storage.report_html import render

    check_date_range(ctx)
    options = ReportOptions(site=site, since=_date(since), until=_date(until))
    url = resolve_db_url(db)

    def command() -> int:
        with Database.open(url, create=False) as archive, archive.session() as session:
            sites = coverage(session, options)
        if output_format == "json":
            text = json.dumps(as_json(sites, options), ensure_ascii=False, indent=1) + "\n"
        else:
            text = render(sites, options, datetime.now(UTC))
        _write(text, output, url)
        return 0

    ctx.exit(run_cli(PROG, command))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _write(text: str, output: Path | None, db_url: str) -> None:
    """To standard output, or into *output* (never onto the archive, see
    :func:`storage.outfile.output_file`; ``-`` is standard output)."""
    from storage.outfile import archive_files, output_file

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with output_file(output, archive_files(db_url)) as stream:
        stream.write(text.encode("utf-8"))
