"""``scrapy crawlall``: every profiled site (or ``-a sites=a,b``) in one process.

One cron line for all sites. Each site is its own crawler (its own spider, downloader
and politeness: per-site concurrency and delay), its own ``crawl_runs`` row and its
own summary line; all share the one archive, whose lock the command takes once.
Other ``-a`` arguments (``since``, ``until``, ``limit``, ``backfill``) go to every
site; ``-a base_url.SITE=URL`` points one site at a local copy.

Exit status as for ``scrapy crawl`` (:mod:`crawler.commands.crawl`), the highest of the
sites': 0 when every site finished, 1 when one ended abnormally, 3 when one could not be
reached (a line on stderr names it), 2 for bad arguments (an unknown site: one line
listing the known names), 75 when another crawl holds the archive's lock.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from sqlalchemy.exc import SQLAlchemyError

from crawler.commands.crawl import Command as CrawlCommand
from crawler.commands.crawl import fetch_tally, finish_reason
from crawler.outcome import EXIT_ABNORMAL, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, exit_status
from pipelines.profiles import SITES, names
from storage.db import Database, resolve_db_url
from storage.errors import StorageError
from storage.runs import closed_runs

SITES_ARGUMENT = "sites"
BASE_URL_PREFIX = "base_url."


class Command(CrawlCommand):
    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl every profiled site (or -a sites=a,b) into the archive, in one process"

    def long_desc(self) -> str:
        return (
            "Crawl every profiled site, or those named by -a sites=a,b, in one process: "
            "each site polite on its own, one crawl_runs row and one summary line per site. "
            "Example: scrapy crawlall -a sites=baonghean,vnexpress -s "
            "ARCHIVE_DB_URL=sqlite:///archive.db"
        )

    @staticmethod
    def _fail(name: str, message: str, status: int) -> None:
        where = "" if name == "crawlall" else f" ({name})"
        sys.stderr.write(f"scrapy crawlall{where}: error: {message}\n")
        sys.exit(status)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super(CrawlCommand, self).process_options(args, opts)
        if args or self.settings is None:
            return  # `run` reports the usage error
        try:
            self.plan = crawl_plan(opts.spargs)
        except ValueError as exc:
            self._fail("crawlall", str(exc), EXIT_USAGE)
        for site, spargs in self.plan.items():
            self._check_arguments(site, spargs)
        self._check_settings("crawlall")
        self._take_lock("crawlall")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("'scrapy crawlall' takes no spider name: use -a sites=a,b")
        try:
            if not self._distributed() and not self._recover_runs():
                self.exitcode = EXIT_ABNORMAL
                return
            self.exitcode = self._crawl_all()
        finally:
            if self.lock is not None:
                self.lock.release()

    def _crawl_all(self) -> int:
        assert self.crawler_process is not None
        started = datetime.now(UTC)
        crawlers: dict[str, Crawler] = {}
        for site, spargs in self.plan.items():
            crawlers[site] = self._create_crawler(site)
            self.crawler_process.crawl(crawlers[site], **spargs)
        self.crawler_process.start()
        failed = self.crawler_process.bootstrap_failed
        statuses = {}
        for site, crawler in crawlers.items():
            tally = fetch_tally(crawler)
            statuses[site] = exit_status(finish_reason(crawler), failed, tally)
            if statuses[site] == EXIT_UNREACHABLE and tally is not None:
                sys.stderr.write(f"scrapy crawlall ({site}): error: {tally.line()}\n")
        self._print_summaries(statuses, started)
        return max(statuses.values(), default=EXIT_OK)

    def _print_summaries(self, statuses: dict[str, int], started: datetime) -> None:
        """One line per site on stdout: its run's summary (from the archive) or its status."""
        lines = run_lines(self.settings.get("ARCHIVE_DB_URL") if self.settings else None,
                          list(statuses), started)
        for site, status in statuses.items():
            line = lines.get(site) or f"ended with status {status}, no run recorded"
            print(f"{site}: {line}", flush=True)


def crawl_plan(spargs: dict[str, str]) -> dict[str, dict[str, str]]:
    """Site -> its spider arguments; ``ValueError`` (one line) for an unknown site."""
    args = dict(spargs)
    chosen = [s.strip() for s in args.pop(SITES_ARGUMENT, "").split(",") if s.strip()]
    for site in chosen:
        if site not in SITES:
            raise ValueError(f"sites: no site profile named {site!r} "
                             f"(known: {', '.join(names())})")
    base_urls = {key.removeprefix(BASE_URL_PREFIX): args.pop(key)
                 for key in list(args) if key.startswith(BASE_URL_PREFIX)}
    for site in base_urls:
        if site not in SITES:
            raise ValueError(f"base_url.{site}: no site profile named {site!r} "
                             f"(known: {', '.join(names())})")
    if "base_url" in args or "url" in args:
        raise ValueError("base_url and url name one site: use -a base_url.SITE=URL, "
                         "or scrapy crawl SITE -a url=...")
    sites = list(dict.fromkeys(chosen)) or names()
    return {site: {**args, **({"base_url": base_urls[site]} if site in base_urls else {})}
            for site in sites}


def run_lines(db_setting: str | None, sites: list[str], started: datetime) -> dict[str, str]:
    """Site -> the summary line of its run that started after ``started``."""
    found: dict[str, str] = {}
    try:
        with Database.open(resolve_db_url(db_setting), create=False) as db, \
                db.session() as session:
            for site in sites:
                runs = [r for r in closed_runs(session, site, 1)
                        if r.started_at.replace(tzinfo=UTC) >= started.replace(microsecond=0)]
                if runs:
                    found[site] = runs[0].line()
    except (SQLAlchemyError, StorageError, OSError) as exc:
        sys.stderr.write(f"scrapy crawlall: cannot read the run summaries: {exc}\n")
    return found
