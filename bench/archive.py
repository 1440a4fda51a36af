"""Archive benchmark: build, export, WARC, search and re-parse on large synthetic archives.

Builds a synthetic archive of ``--articles`` articles (100,000 by default) and a
small one of ``--small`` (10,000) through the storage code the crawl uses
(``storage.batch.store_articles``; raw pages zlib-compressed, full-text index
kept by its triggers) in a temporary
directory, plus the small one again without the full-text index to show what
the index costs on insert. Then it measures, each step in its own subprocess so
that each has its own peak RSS:

- JSON-lines export and WARC export (records/s, MB/s) on both archives: the
  peak memory must be the same for 10k and 100k articles (streaming);
- search latency (median and 95th percentile per query, queries/s) on the big one;
- re-parse throughput on the first ``--reparse`` articles of the big one (their
  records were made by the real extractor, so they come out unchanged, as most
  pages do in a real re-parse); re-parsing all 100,000 pages takes about
  extraction time x 100,000 on one core.

Figures are printed, never asserted. Usage: ``python bench/archive.py`` (about
15 minutes on 2 cores); ``--workdir DIR`` keeps the archives and reuses them.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import text  # noqa: E402

from bench.synthetic import ArticleFactory  # noqa: E402
from pipelines.extract import extract_page  # noqa: E402
from pipelines.reparse import ReparseOptions, reparse  # noqa: E402
from storage.archive import ArticleVersion, prepare_article  # noqa: E402
from storage.batch import store_articles  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.export import export_to_file  # noqa: E402
from storage.filters import RecordFilter  # noqa: E402
from storage.fts import FTS_TABLE, match_expression  # noqa: E402
from storage.search import SearchOptions, search  # noqa: E402
from storage.warc import export_warc_file  # noqa: E402

BATCH = 500
QUERIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("nghe an", {}),
    ("Nghệ An", {"order": "newest"}),
    ("sốt xuất huyết", {}),
    ("đầu tư", {}),
    ('"giải phóng mặt bằng"', {}),
    ("Quỳ Hợp", {}),
    ("tuyen*", {}),
    ("nghe an", {"where": RecordFilter(section="kinh-te", since=date(2024, 1, 1))}),
    ("Mường Lống taluy", {}),
    ("xyzzy plugh", {}),
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_build(path: Path, total: int, extracted: int, index: bool) -> dict[str, Any]:
    """Store *total* synthetic articles; the first *extracted* with records from the extractor.

    A second process makes the articles while this one stores them.
    """
    make = functools.partial(_made, ArticleFactory(total), extracted)
    started = time.perf_counter()
    with Database.open(f"sqlite:///{path}") as db, multiprocessing.Pool(1) as pool:
        if not index:
            with db.engine.begin() as connection:
                for name in ("insert", "delete", "update"):
                    connection.execute(text(f"DROP TRIGGER articles_fts_{name}"))
                connection.execute(text(f"DROP TABLE {FTS_TABLE}"))
        pending = pool.map_async(make, range(min(BATCH, total)), chunksize=100)
        for start in range(BATCH, total + BATCH, BATCH):
            versions = pending.get()
            if start < total:  # the next batch is made while this one is stored
                pending = pool.map_async(make, range(start, min(start + BATCH, total)), 100)
            with db.session() as session, session.begin():
                store_articles(session, versions)
    seconds = time.perf_counter() - started
    return {"articles": total, "seconds": seconds, "per_second": total / seconds,
            "file_mb": path.stat().st_size / 2**20}


def _made(factory: ArticleFactory, extracted: int, n: int) -> ArticleVersion:
    record, page = factory.article(n)
    if n < extracted:
        fetched_at = record["fetched_at"]
        record = extract_page(page.body, page.final_url, page.headers)
        record.update(url=page.url, fetched_at=fetched_at)
    return prepare_article(record, page)


def step_export(path: Path, out: Path, warc: bool) -> dict[str, Any]:
    started = time.perf_counter()
    writer = export_warc_file if warc else export_to_file
    count = writer(f"sqlite:///{path}", RecordFilter(), out)
    seconds = time.perf_counter() - started
    size = out.stat().st_size
    out.unlink()
    return {"records": count, "seconds": seconds, "per_second": count / seconds,
            "output_mb": size / 2**20, "mb_per_second": size / 2**20 / seconds}


def step_search(path: Path, repeats: int) -> dict[str, Any]:
    results = []
    every: list[float] = []
    with Database.open(f"sqlite:///{path}", create=False) as db, db.session() as session:
        for query, options in QUERIES:
            matches = session.scalar(
                text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"),
                {"q": match_expression(query)},
            )
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                hits = search(session, query, SearchOptions(limit=20, **options))
                times.append(time.perf_counter() - started)
            every.extend(times)
            label = query + "".join(f" [{key}]" for key in options)
            results.append({"query": label, "matches": matches, "hits": len(hits),
                            "median_ms": statistics.median(times) * 1000,
                            "p95_ms": _p95(times) * 1000})
    return {"queries": results, "median_ms": statistics.median(every) * 1000,
            "p95_ms": _p95(every) * 1000, "per_second": len(every) / sum(every)}


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def step_reparse(path: Path, limit: int) -> dict[str, Any]:
    started = time.perf_counter()
    with Database.open(f"sqlite:///{path}", create=False) as db:
        summary = reparse(db, extract_page, ReparseOptions(limit=limit))
    seconds = time.perf_counter() - started
    return {"pages": summary.pages, "changed": summary.changed, "unchanged": summary.unchanged,
            "failed": sum(summary.failed.values()), "seconds": seconds,
            "per_second": summary.pages / seconds}


def run_step(*args: str) -> dict[str, Any]:
    """Run one step in a fresh interpreter; its figures, peak RSS included."""
    command = [sys.executable, str(Path(__file__).resolve()), "step", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{result.stderr}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def step_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/archive.py step")
    parser.add_argument("name", choices=("build", "export", "warc", "search", "reparse"))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--extracted", type=int, default=0)
    parser.add_argument("--no-index", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args(argv)
    if args.name == "build":
        figures = step_build(args.db, args.articles, args.extracted, not args.no_index)
    elif args.name in ("export", "warc"):
        figures = step_export(args.db, args.out, args.name == "warc")
    elif args.name == "search":
        figures = step_search(args.db, args.repeats)
    else:
        figures = step_reparse(args.db, args.limit)
    print(json.dumps(figures | {"peak_rss_mb": peak_rss_mb()}, ensure_ascii=False))
    return 0


def build_once(path: Path, articles: int, *extra: str) -> dict[str, Any] | None:
    if path.exists():
        print(f"reusing {path}")
        return None
    return run_step("build", "--db", str(path), "--articles", str(articles), *extra)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: python bench/archive.py --articles 100000 --small 10000 --reparse 2000",
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--reparse", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each search query")
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the archives here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        report(work, args)
    return 0


def report(work: Path, args: argparse.Namespace) -> None:
    big, small, plain = work / "big.db", work / "small.db", work / "small-no-index.db"
    sizes = {big: args.articles, small: args.small}
    for path, extra in ((big, ("--extracted", str(args.reparse))), (small, ()),
                        (plain, ("--no-index",))):
        figures = build_once(path, sizes.get(path, args.small), *extra)
        if figures is not None:
            print(f"build {path.name}: {figures['articles']:,} articles in "
                  f"{figures['seconds']:.0f} s = {figures['per_second']:,.0f}/s, "
                  f"{figures['file_mb']:,.0f} MB, peak RSS {figures['peak_rss_mb']:.0f} MB")
    for kind, suffix in (("export", "jsonl"), ("warc", "warc.gz")):
        for path in (small, big):
            out = work / f"out.{suffix}"
            f = run_step(kind, "--db", str(path), "--out", str(out))
            print(f"{kind} {sizes[path]:,} articles: {f['per_second']:,.0f} records/s, "
                  f"{f['mb_per_second']:.1f} MB/s ({f['output_mb']:,.0f} MB), "
                  f"peak RSS {f['peak_rss_mb']:.0f} MB")
    f = run_step("search", "--db", str(big), "--repeats", str(args.repeats))
    print(f"search {args.articles:,} articles: median {f['median_ms']:.1f} ms, "
          f"p95 {f['p95_ms']:.1f} ms, {f['per_second']:.0f} queries/s, "
          f"peak RSS {f['peak_rss_mb']:.0f} MB")
    for q in f["queries"]:
        print(f"  {q['query']:<45} {q['matches']:>7,} matches  median {q['median_ms']:7.1f} ms"
              f"  p95 {q['p95_ms']:7.1f} ms")
    f = run_step("reparse", "--db", str(big), "--limit", str(args.reparse))
    print(f"reparse first {f['pages']:,} of {args.articles:,} pages: "
          f"{f['per_second']:,.0f} pages/s ({f['changed']} changed, "
          f"{f['unchanged']} unchanged, {f['failed']} failed), "
          f"peak RSS {f['peak_rss_mb']:.0f} MB; all {args.articles:,} would take about "
          f"{args.articles / f['per_second'] / 60:.0f} min on one core")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "step":
        sys.exit(step_main(sys.argv[2:]))
    sys.exit(main())
