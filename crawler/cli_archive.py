"""The archive subcommands of ``vnnews``: each runs the ``python -m`` command of the same
name (same options, output and exit status)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli_options import (
    author_option,
    date_range_options,
    db_option,
    forward,
    section_option,
    site_option,
)

SEARCH_ORDERS = ("rank", "newest", "oldest")
"""``storage.search.ORDERS`` (checked by tests/test_cli.py)."""


@click.command(short_help="Write the archive as JSON lines (or raw pages as WARC).")
@db_option
@date_range_options
@section_option
@author_option
@site_option
@click.option("--revisions", is_flag=True,
              help="every stored version of each article, each line with a 'version' field")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write to FILE (.gz: compressed)")
@click.option("--warc", type=click.Path(dir_okay=False, path_type=Path),
              help="write the raw pages to FILE as WARC records (FILE.warc.gz: compressed)")
@click.pass_context
def export(ctx: click.Context, **_: object) -> None:
    """Write the archived articles as JSON lines (one record per article), oldest first;
    or, with --warc, their raw pages as WARC response records. Same as
    `python -m storage.export`.

    Example:

    \b
        vnnews export --since 2024-05-01 --until 2024-05-31 -o may.jsonl.gz
    """
    from storage.export import main

    forward(ctx, main)


@click.command(short_help="Search the archive, ignoring case and diacritics.")
@click.argument("query", required=False)
@db_option
@date_range_options
@section_option
@author_option
@site_option
@click.option("--limit", type=click.IntRange(min=1), help="hits to show (default 20)")
@click.option("--sort", type=click.Choice(SEARCH_ORDERS), help="default: best match (rank)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object per line")
@click.option("--reindex", is_flag=True, help="rebuild the full-text index from the articles")
@click.pass_context
def search(ctx: click.Context, **_: object) -> None:
    """Search headlines, sapos and bodies, ignoring case and diacritics ("nghe an" finds
    "Nghệ An"). All words must occur; "quoted words" must occur together; word* matches a
    prefix. Same as `python -m storage.search`.

    Example:

    \b
        vnnews search --since 2024-01-01 --section "thoi su" "sốt xuất huyết"
    """
    from storage.search import main

    forward(ctx, main)


@click.command(short_help="Print the archive's totals and last crawl runs.")
@db_option
@click.option("--top", type=click.IntRange(min=0), help="authors to list (default 10)")
@click.option("--runs", type=click.IntRange(min=0), help="crawl runs to list (default 5)")
@site_option
@click.option("--json", "as_json", is_flag=True, help="one JSON object instead of text")
@click.pass_context
def stats(ctx: click.Context, **_: object) -> None:
    """Print the archive's totals (articles by month, section, author) and its last crawls.
    Same as `python -m storage.stats`; `vnnews report` draws the same archive as charts.

    Example:

    \b
        vnnews stats --db sqlite:///archive.db --top 20 --runs 5
    """
    from storage.stats import main

    forward(ctx, main)


@click.command(short_help="Re-extract the stored raw pages with the current extractor.")
@db_option
@date_range_options
@site_option
@section_option
@click.option("--limit", type=click.IntRange(min=1), help="stop after N pages")
@click.option("--dry-run", is_flag=True, help="count what would change, write nothing")
@click.pass_context
def reparse(ctx: click.Context, **_: object) -> None:
    """Re-extract the archived raw pages with the current extractor (nothing is fetched)
    and store changed extractions as new versions. Same as `python -m pipelines.reparse`.

    Example:

    \b
        vnnews reparse --since 2024-01-01 --dry-run
    """
    from pipelines.reparse import main

    forward(ctx, main)


@click.command(short_help="Print the record of one saved page.")
@click.argument("path", metavar="PATH")
@click.option("--url", required=True, help="URL the page was fetched from")
@click.option("--header", multiple=True, metavar="NAME:VALUE",
              help="response header, e.g. 'Content-Type: text/html; charset=utf-8' (repeatable)")
@click.option("--indent", type=int, help="pretty-print with N spaces")
@click.pass_context
def extract(ctx: click.Context, **_: object) -> None:
    """Print the article record of one saved page (PATH, or - for stdin) as JSON.
    Exit status: 0 article, 1 not an article (reason on stderr), 2 unreadable input.
    Same as `python -m pipelines.extract`.

    Example:

    \b
        vnnews extract --url https://baonghean.vn/bai-viet-10264872.html page.html
    """
    from pipelines.extract import main

    forward(ctx, main)


@click.command(short_help="Bring an archive's schema to the newest revision.")
@db_option
@click.option("--status", is_flag=True, help="print the revision, change nothing")
@click.option("--force", is_flag=True,
              help="add the archive's tables to a database that holds other tables")
@click.pass_context
def migrate(ctx: click.Context, **_: object) -> None:
    """Bring an archive's schema to the newest revision (opening an archive does it too);
    with --status, only print its revision (exit 1 when behind). Same as
    `python -m storage.migrate`.

    Example:

    \b
        vnnews migrate --db postgresql+psycopg://archive@localhost/archive
    """
    from storage.migrate import main

    forward(ctx, main)


@click.command(short_help="Copy an archive into another, empty database.")
@db_option
@click.option("--to", required=True, metavar="URL", help="target database URL")
@click.option("--chunk", type=click.IntRange(min=1), help="rows per insert (default 1000)")
@click.option("--force", is_flag=True,
              help="copy into a database that holds other tables, beside them")
@click.pass_context
def copy(ctx: click.Context, **_: object) -> None:
    """Copy every article, revision, raw page and crawl run of the archive --db into the
    empty archive --to (created when missing), e.g. SQLite into PostgreSQL. Same as
    `python -m storage.copy`.

    Example:

    \b
        vnnews copy --db sqlite:///archive.db --to postgresql+psycopg://archive@localhost/archive
    """
    from storage.copy import main

    forward(ctx, main)


COMMANDS = (export, search, stats, reparse, extract, migrate, copy)
