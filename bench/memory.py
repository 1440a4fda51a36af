"""Memory benchmark: resident memory of our full crawl over 20,000+ pages of the local site.

The fixture site (``tests/sitegen.py`` with ``--articles`` articles, 20,000 by default)
is served by ``bench/fastserver.py`` and crawled once by the ``baonghean`` spider with
the project's pipelines into a fresh SQLite archive, politeness limits lifted. The
crawl process samples its RSS (``VmRSS``) and peak RSS (``VmHWM``) every
``--every`` responses, with the scheduler's queue length and the duplicate filter's
size; the table shows the samples and the figures at 5k, 10k and 20k pages.

Export and re-parse of a 100,000-article archive are measured by
``bench/archive.py``. Figures are printed, never asserted; nothing is written into
the repository.
"""

from __future__ import annotations

import argparse
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
    CrawlResult,
    CrawlSpec,
    bench_main,
    make_site,
    run_crawl,
    served,
)

CHECKPOINTS = (5_000, 10_000, 20_000)


def at(result: CrawlResult, responses: int) -> dict[str, float] | None:
    """The first sample taken at or after ``responses`` responses."""
    return next((s for s in result.samples if s["responses"] >= responses), None)


def report(result: CrawlResult) -> None:
    print(f"\n{'responses':>10}{'articles':>10}{'RSS MB':>9}{'peak MB':>9}{'queued':>8}"
          f"{'seen':>8}")
    for sample in result.samples:
        print(f"{sample['responses']:>10.0f}{sample['articles']:>10.0f}{sample['rss_mb']:>9.0f}"
              f"{sample['peak_mb']:>9.0f}{sample['queued']:>8.0f}{sample['seen']:>8.0f}")
    stored = result.stats.get("archive/articles/new", 0)
    print(f"\ncrawl: {result.responses} responses, {result.article_responses} article pages, "
          f"{stored} articles stored in {result.seconds:.0f}s")
    marks = [(n, at(result, n)) for n in CHECKPOINTS]
    shown = [f"{n // 1000}k: {s['rss_mb']:.0f} MB" for n, s in marks if s is not None]
    print("RSS at " + ", ".join(shown) + f"; peak {result.samples[-1]['peak_mb']:.0f} MB")
    first, last = marks[0][1], next((s for _, s in reversed(marks) if s is not None), None)
    if first is not None and last is not None and last["responses"] > first["responses"]:
        growth = (last["rss_mb"] - first["rss_mb"]) / (last["responses"] - first["responses"])
        print(f"growth from {first['responses']:.0f} to {last['responses']:.0f} responses: "
              f"{1000 * growth:+.2f} MB per 1,000 pages")


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        work = Path(tmp)
        site = make_site(work / "site", args.articles)
        with served(site.root) as server:
            base_url = server.url
            settings = dict(LIFTED, ARCHIVE_DB_URL=f"sqlite:///{work / 'archive.db'}")
            print(f"server: bench/fastserver.py at {base_url}; full crawl, RSS every "
                  f"{args.every} responses", flush=True)
            spec = CrawlSpec("full", settings=settings, spider_args={"base_url": base_url},
                             sample_every=args.every)
            result = run_crawl(spec, work)
    report(result)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="RSS of our full crawl at 5k, 10k and 20k pages of the local fixture site.",
        epilog="Example: python bench/memory.py --articles 20000 --every 1000",
    )
    parser.add_argument("--articles", type=int, default=20_000,
                        help="articles on the fixture site (default: %(default)s)")
    parser.add_argument("--every", type=int, default=1000,
                        help="responses between RSS samples (default: %(default)s)")
    parser.add_argument("--profile", type=Path,
                        help="run under py-spy, write its raw profile here and summarise it")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(parse_args(argv), run)


if __name__ == "__main__":
    sys.exit(main())
