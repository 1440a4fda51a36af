"""``vnnews``: one command for the whole archiver (click, like sqlite-utils and Datasette).

``vnnews crawl`` and ``vnnews crawlall`` run Scrapy's commands in this process (as
``scrapy crawl`` would, from any directory); the archive subcommands run the
``python -m`` commands (:mod:`crawler.cli_archive`); ``vnnews report`` draws the
archive's coverage (:mod:`storage.report`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import NoReturn

import click

from crawler.cli_archive import COMMANDS
from crawler.cli_options import F, db_option
from crawler.cli_report import report

SETTINGS_MODULE = "crawler.settings"
METADATA_FILE = "datasette-metadata.yaml"
PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}


@click.group()
@click.version_option(package_name="vnnews-archiver", message="%(prog)s %(version)s")
def cli() -> None:
    """Crawl Vietnamese news sites into an archive, and search, export and inspect it.

    Every subcommand has --help with an example.

    Example:

    \b
        vnnews crawl baonghean -a since=2024-11-01
        vnnews report -o report.html
    """


def run_scrapy(args: Sequence[str]) -> NoReturn:
    """Run ``scrapy ARGS`` in this process with the project's settings; exit with its status."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    from scrapy.cmdline import execute

    execute(["scrapy", *args])
    raise SystemExit(0)  # execute() always exits; this satisfies the type checker


def check_site(site: str) -> None:
    """Refuse (exit 2, one line) a site no spider crawls; Scrapy would print a traceback."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    known = sorted(get_spider_loader(get_project_settings()).list())
    if site not in known:
        raise click.BadParameter(f"no site named {site!r} (known: {', '.join(known)})",
                                 param_hint="SITE")


def _scrapy_options(arguments: Sequence[str], settings: Sequence[str], db: str | None) -> list[str]:
    options = [item for value in arguments for item in ("-a", value)]
    options += [item for value in settings for item in ("-s", value)]
    if db is not None:
        options += ["-s", f"ARCHIVE_DB_URL={db}"]
    return options


def _scrapy_pairs(command: F) -> F:
    command = click.option("-s", "settings", multiple=True, metavar="NAME=VALUE",
                           help="Scrapy or ARCHIVE_ setting (repeatable)")(command)
    return click.option("-a", "arguments", multiple=True, metavar="NAME=VALUE",
                        help="spider argument (repeatable)")(command)


@cli.command(context_settings=PASS_THROUGH,
             short_help="Crawl one site into the archive (scrapy crawl).")
@click.argument("site")
@_scrapy_pairs
@db_option
@click.pass_context
def crawl(
    ctx: click.Context, site: str, arguments: tuple[str, ...], settings: tuple[str, ...],
    db: str | None,
) -> None:
    """Crawl SITE (a name from `vnnews sites`) into the archive: the same as
    `scrapy crawl SITE`, whose other options (-O FILE, --logfile FILE, -L LEVEL) pass
    through. Arguments: since, until (YYYY-MM-DD), url, limit, backfill=1, base_url.
    Exit status: 0 finished, 1 ended abnormally, 2 bad arguments, 75 another crawl holds
    the archive.

    Example:

    \b
        vnnews crawl baonghean -a since=2024-11-01 --db sqlite:///nghean.db
    """
    check_site(site)
    run_scrapy(["crawl", site, *_scrapy_options(arguments, settings, db), *ctx.args])


@cli.command(context_settings=PASS_THROUGH,
             short_help="Crawl every profiled site in one process (scrapy crawlall).")
@_scrapy_pairs
@db_option
@click.pass_context
def crawlall(
    ctx: click.Context, arguments: tuple[str, ...], settings: tuple[str, ...], db: str | None
) -> None:
    """Crawl every profiled site (or those of -a sites=a,b) into the archive in one
    process, each site polite on its own: the same as `scrapy crawlall`.

    Example:

    \b
        vnnews crawlall -a sites=baonghean -a since=2024-11-01
    """
    run_scrapy(["crawlall", *_scrapy_options(arguments, settings, db), *ctx.args])


@cli.command(short_help="List the sites the crawler knows.")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def sites(as_json: bool) -> None:
    """List the sites the crawler knows: spider name, paper, hosts, platform and how its
    rules were checked.

    Example:

    \b
        vnnews sites --json
    """
    from pipelines.profiles import profiles

    for found in profiles():
        row = {"name": found.name, "title": found.title, "hosts": list(found.hosts),
               "platform": found.platform, "checked": found.checked}
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{found.name}\t{found.title}\t{' '.join(found.hosts)}\t{found.platform}")


@cli.command(context_settings=PASS_THROUGH,
             short_help="Browse the archive in Datasette.")
@click.argument("file", default="archive.db", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def serve(ctx: click.Context, file: str) -> None:
    """Browse and search the archive FILE (default archive.db) in a web browser with
    Datasette and the project's metadata (descriptions, facets, the search query).
    Datasette's own `serve` options (-p PORT, -h HOST, --open) pass through. Name the file
    archive.db: Datasette names the database after its file.

    Example:

    \b
        vnnews serve archive.db -p 8001
    """
    from datasette.cli import cli as datasette

    with as_file(files("storage").joinpath(METADATA_FILE)) as metadata:
        datasette.main(["serve", file, "-m", str(Path(metadata)), *ctx.args],
                       prog_name="vnnews serve")


for _command in COMMANDS:
    cli.add_command(_command)
cli.add_command(report)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``vnnews`` console script."""
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="vnnews")


if __name__ == "__main__":
    main()
