"""Storage benchmark: articles per second written to SQLite through the storage pipeline.

The fixture site's article pages (``tests/sitegen.py``, ``--articles`` of them) are
extracted once by the extraction pipeline; the resulting items then go through
``pipelines.storage_pipeline.StoragePipeline`` (``process_item`` for each, ``close_spider``
for the last batch) into a fresh SQLite archive in a temporary directory, three
times: all new, fetched again unchanged, and fetched again with changed bodies (a
new version each, the old one kept as a revision). Each pass prints articles per
second (target: 2,000/s or better for new articles). Timings are printed, never
asserted; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]  # bench/incremental.py would shadow the "incremental" package Twisted needs
sys.path.insert(0, str(HERE.parent))

from scrapy.statscollectors import MemoryStatsCollector  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from bench.common import bench_main, make_site  # noqa: E402
from crawler import settings  # noqa: E402
from crawler.items import FetchedPage  # noqa: E402
from pipelines.extraction_pipeline import ExtractionPipeline  # noqa: E402
from pipelines.storage_pipeline import StoragePipeline  # noqa: E402

TARGET = 2000.0
FETCHED = datetime(2025, 12, 1, tzinfo=UTC)


def extracted_pages(site_root: Path, paths: list[str], base: str) -> list[FetchedPage]:
    """The site's article pages, each through the extraction pipeline."""
    crawler = get_crawler()
    crawler.stats = MemoryStatsCollector(crawler)
    extraction = ExtractionPipeline(crawler.stats)
    routes = json.loads((site_root / "routes.json").read_text(encoding="utf-8"))
    pages, start = [], time.perf_counter()
    for path in paths:
        route = routes[path]
        body = (site_root / route["file"]).read_bytes()
        page = FetchedPage(url=base + path, final_url=base + path, status=200,
                           headers={"content-type": route["type"]}, body=body,
                           fetched_at=FETCHED, discovered_via="sitemap")
        pages.append(extraction.process_item(page))
    elapsed = time.perf_counter() - start
    print(f"extraction (not timed below): {len(pages)} pages in {elapsed:.1f}s "
          f"({len(pages) / elapsed:.0f}/s)")
    return pages


def refetched(pages: list[FetchedPage], hours: int, change: bool) -> list[FetchedPage]:
    """The same pages fetched ``hours`` later, with a changed body paragraph if ``change``."""
    when = FETCHED + timedelta(hours=hours)
    out = []
    for page in pages:
        assert page.record is not None
        record = dict(page.record, fetched_at=when.isoformat(timespec="seconds"))
        if change:
            record["body"] += f"\n\nCập nhật lúc {when:%H:%M}."
        out.append(replace(page, fetched_at=when, record=record))
    return out


def store(db_url: str, pages: list[FetchedPage], batch: int
          ) -> tuple[float, float, dict[str, int]]:
    """(wall, CPU) seconds to push ``pages`` through a fresh StoragePipeline, and outcomes.

    ``open_spider`` (schema creation) and ``spider_closed`` (the run summary) are not timed.
    """
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_URL": db_url, "ARCHIVE_BATCH_SIZE": batch})
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    start, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        pipeline.process_item(page)
    pipeline.close_spider()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    pipeline.spider_closed("finished")
    return elapsed, cpu, dict(pipeline.counts)


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        work = Path(tmp)
        site = make_site(work / "site", args.articles)
        base = "https://baonghean.vn"
        pages = extracted_pages(site.root, [a.path for a in site.articles], base)
        db_url = f"sqlite:///{work / 'archive.db'}"
        passes = [("new", pages), ("unchanged", refetched(pages, 24, change=False)),
                  ("updated", refetched(pages, 48, change=True))]
        print(f"\nStoragePipeline into {db_url.replace(tmp, '$TMP')}, "
              f"ARCHIVE_BATCH_SIZE={args.batch}:")
        rates = {}
        for name, items in passes:
            seconds, cpu, counts = store(db_url, items, args.batch)
            rates[name] = len(items) / seconds
            print(f"    {name:<10}{len(items):>7} articles {seconds:>7.2f}s "
                  f"{rates[name]:>8.0f} articles/s  ({len(items) / cpu:>6.0f} per CPU-second)"
                  f"  outcomes {counts}")
        size = (work / "archive.db").stat().st_size / 1e6
        print(f"archive file: {size:.1f} MB; new articles: {rates['new']:.0f}/s "
              f"({rates['new'] / TARGET:.2f}x the 2,000/s target)")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Articles per second written to SQLite through the storage pipeline.",
        epilog="Example: python bench/storage.py --articles 5000 --batch 500",
    )
    parser.add_argument("--articles", type=int, default=5000,
                        help="articles on the fixture site (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=settings.ARCHIVE_BATCH_SIZE,
                        help="ARCHIVE_BATCH_SIZE (default: %(default)s, the project's)")
    parser.add_argument("--profile", type=Path,
                        help="run under py-spy, write its raw profile here and summarise it")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(parse_args(argv), run)


if __name__ == "__main__":
    sys.exit(main())
