"""Crawl benchmark: our full crawl into SQLite vs a bare Scrapy spider, same local site.

The fixture site (``tests/sitegen.py`` with ``--articles`` articles) is served by
``bench/fastserver.py``. Each round runs, in child processes and with politeness
limits lifted (no delay, no AutoThrottle, ``--concurrency`` requests at once):

(a) a bare Scrapy spider given the list of article URLs, fetching them and nothing
    else (project settings and middlewares, no pipelines, no robots.txt), also run
    as "bare-default" with Scrapy's default ``CONCURRENT_ITEMS`` (100);
(b) our full crawl, ``baonghean`` spider from the home page, robots.txt, sitemaps
    and feeds, with extraction, validation and storage into a fresh SQLite file, once
    for each ``--workers`` value (``ARCHIVE_EXTRACT_WORKERS``: "full" extracts in the
    crawl process, "full-w1" in one child process);
(c) "spider-only": our spider as in (b) with no item pipelines, the cost of discovery
    (sitemaps, feeds, listings, archive look-ups) before any extraction or storage.

Prints article pages per second for each, the CPU time of the crawl and of the
server (how many of the machine's cores the pair kept busy), and the ratio of their
times (target: full <= 1.3x bare). Timings are printed, never asserted; nothing is
written into the repository.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]  # bench/incremental.py would shadow the "incremental" package Twisted needs
sys.path.insert(0, str(HERE.parent))

from bench.common import (  # noqa: E402
    LIFTED,
    BenchError,
    CrawlResult,
    CrawlSpec,
    Server,
    environment,
    make_site,
    print_profile,
    run_crawl,
    served,
)

TARGET = 1.3
SCRAPY_CONCURRENT_ITEMS = 100
"""Scrapy's default, which the project lowers (see crawler/settings.py)."""


def describe(name: str, result: CrawlResult, server_cpu: float) -> None:
    stats = result.stats
    busy = result.cpu_seconds + result.child_cpu_seconds + server_cpu
    print(
        f"    {name:<13}{result.article_responses:>6} article pages {result.responses:>6} responses"
        f" {result.seconds:>6.2f}s {result.rate():>6.1f} article pages/s"
        f" {result.rate(articles_only=False):>6.1f} responses/s  CPU {result.cpu_seconds:.2f}s"
        + (f" + workers {result.child_cpu_seconds:.2f}s" if result.child_cpu_seconds else "")
        + f" + server {server_cpu:.2f}s = {busy / result.seconds:.2f} cores busy"
    )
    if name.startswith("full"):
        stored = stats.get("archive/articles/new", 0) + stats.get("archive/articles/unchanged", 0)
        dropped = {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
                   if k.startswith("archive/dropped/")}
        print(f"                 stored {stored} articles, dropped {dropped or 'none'}, "
              f"peak RSS {result.samples[-1]['peak_mb']:.0f} MB")


Round = dict[str, CrawlResult]
"""One round's crawls: "bare", "bare-default", "spider-only", "full" and "full-wN"."""


def full_name(workers: int) -> str:
    return f"full-w{workers}" if workers else "full"


def one_round(server: Server, urls: list[str], work: Path, args: argparse.Namespace,
              number: int) -> Round:
    settings = dict(LIFTED, CONCURRENT_REQUESTS=args.concurrency,
                    CONCURRENT_REQUESTS_PER_DOMAIN=args.concurrency)
    specs = {
        "bare": CrawlSpec("bare", settings=settings, urls=urls),
        "bare-default": CrawlSpec("bare", settings=dict(
            settings, CONCURRENT_ITEMS=SCRAPY_CONCURRENT_ITEMS), urls=urls),
    }
    specs["spider-only"] = CrawlSpec("full", settings=dict(
        settings, ARCHIVE_DB_URL=f"sqlite:///{work / f'archive-{number}-spider.db'}",
        ITEM_PIPELINES={}), spider_args={"base_url": server.url})
    for workers in args.workers:
        db = work / f"archive-{number}-{workers}.db"
        specs[full_name(workers)] = CrawlSpec("full", settings=dict(
            settings, ARCHIVE_DB_URL=f"sqlite:///{db}", ARCHIVE_EXTRACT_WORKERS=workers),
            spider_args={"base_url": server.url})
    crawls: Round = {}
    server_cpu: dict[str, float] = {}
    profiles: list[Path] = []
    for name, spec in specs.items():
        profile = None
        if args.profile and name.startswith("full"):
            profile = args.profile / f"crawl-{name}-{number}.txt"
            profiles.append(profile)
        before = server.cpu_seconds()
        crawls[name] = run_crawl(spec, work, profile)
        server_cpu[name] = server.cpu_seconds() - before
    print(f"  round {number}:")
    for name, result in crawls.items():
        describe(name, result, server_cpu[name])
    bare, default = crawls["bare"], crawls["bare-default"]
    for name in ["spider-only", *map(full_name, args.workers)]:
        full = crawls[name]
        print(f"    {name} / bare time: {full.seconds / bare.seconds:.2f}x "
              f"(CPU time of the crawl process: {full.cpu_seconds / bare.cpu_seconds:.2f}x); "
              f"{name} / bare-default: {full.seconds / default.seconds:.2f}x", flush=True)
    for profile in profiles:
        print_profile(profile)
    return crawls


def median_of(rounds: list[Round], name: str, key: str) -> float:
    values = [getattr(crawls[name], key) if key != "rate" else crawls[name].rate()
              for crawls in rounds]
    return statistics.median(values)


def run(args: argparse.Namespace) -> None:
    names = ["bare", "bare-default", "spider-only", *map(full_name, args.workers)]
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        site = make_site(work / "site", args.articles, args.per_page)
        with served(site.root) as server:
            print(f"server: bench/fastserver.py at {server.url}; concurrency {args.concurrency}; "
                  f"{args.rounds} round(s): {', '.join(names)}")
            urls = [server.url + article.path for article in site.articles]
            rounds = [one_round(server, urls, work, args, n + 1) for n in range(args.rounds)]
    print(f"\nmedian over {args.rounds} round(s):")
    for name in names:
        print(f"    {name:<13}{median_of(rounds, name, 'seconds'):>7.2f}s "
              f"{median_of(rounds, name, 'rate'):>7.1f} article pages/s")
    for name in ["spider-only", *map(full_name, args.workers)]:
        for other in ("bare", "bare-default"):
            ratios = [r[name].seconds / r[other].seconds for r in rounds]
            print(f"{name} / {other} time: median {statistics.median(ratios):.2f}x (rounds: "
                  f"{', '.join(f'{x:.2f}' for x in ratios)}); target <= {TARGET}x")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Pages per second of our full crawl into SQLite vs a bare Scrapy spider "
                    "on the local fixture site.",
        epilog="Example: python bench/crawl.py --articles 2000 --rounds 3 --workers 0 1",
    )
    parser.add_argument("--articles", type=int, default=2000,
                        help="articles on the fixture site (default: %(default)s)")
    parser.add_argument("--per-page", type=int, default=20,
                        help="articles per section listing page (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="concurrent requests, also per domain (default: %(default)s)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1],
                        help="one full crawl per value of ARCHIVE_EXTRACT_WORKERS (extraction "
                             "processes; 0, the project's default, extracts in the crawl) "
                             "(default: 0 1)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of the crawls above (default: %(default)s)")
    parser.add_argument("--profile", type=Path,
                        help="directory for py-spy profiles of the full crawls (printed too)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    environment()
    try:
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
        run(args)
    except (BenchError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
