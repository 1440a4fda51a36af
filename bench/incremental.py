"""Incremental-crawl benchmark: requests of a scheduled crawl after N new articles appeared.

For each archive size in ``--articles`` (10,000 by default) the fixture site
(``tests/sitegen.py``, 20 articles per listing page) is served by
``bench/fastserver.py`` and crawled once in full into a fresh SQLite archive. Then,
for each N in ``--new`` (0, 10, 100), N articles are published on the site
(``tests/siteupdate.py``: one an hour before now, in every section, linked from the
listings, the sitemaps and the feeds) and a scheduled crawl (the ``baonghean``
spider with its defaults, incremental, politeness limits lifted) runs on a copy of
that archive. The server's request log gives the requests each crawl made, by kind;
the target is N article fetches plus a constant number of sitemap, feed and listing
pages whatever the archive's size. Figures are printed, never asserted; nothing is
written into the repository.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]  # bench/incremental.py would shadow the "incremental" package Twisted needs
sys.path.insert(0, str(HERE.parent))

from bench.common import (  # noqa: E402
    LIFTED,
    CrawlResult,
    CrawlSpec,
    bench_main,
    run_crawl,
    served,
)
from pipelines.profiles import profile  # noqa: E402
from tests.sitegen import Site, plan, write_site  # noqa: E402
from tests.siteupdate import Update, apply_update  # noqa: E402

is_article_url = profile("baonghean").urls.is_article

PER_PAGE = 20
KINDS = ("article", "sitemap", "feed", "listing", "robots")


def kind(target: str) -> str:
    path = urlsplit(target).path
    if path == "/robots.txt":
        return "robots"
    if path.startswith("/sitemap"):
        return "sitemap"
    if path.startswith("/rss/"):
        return "feed"
    return "article" if is_article_url("http://site" + target) else "listing"


class RequestLog:
    """The server's request log, read from where the previous crawl left it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def since_last(self) -> Counter[str]:
        with self.path.open(encoding="utf-8") as log:
            log.seek(self.offset)
            lines = log.read().splitlines()
            self.offset = log.tell()
        return Counter(kind(line.split(" ")[1]) for line in lines if line.count(" ") >= 2)


def site_state(today: date, articles: int, update: Update | None) -> Site:
    site = plan(today, articles, PER_PAGE)
    if update is not None:
        apply_update(site.articles, update)
    return site


def copy_archive(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def crawl(base_url: str, db: Path, work: Path) -> CrawlResult:
    spec = CrawlSpec("full", settings=dict(LIFTED, ARCHIVE_DB_URL=f"sqlite:///{db}"),
                     spider_args={"base_url": base_url})
    return run_crawl(spec, work)


def row(label: str, counts: Counter[str], result: CrawlResult) -> str:
    stats = result.stats
    others = sum(counts[k] for k in KINDS if k != "article")
    refetched = sum(v for k, v in stats.items() if k.startswith("archive/refetch/"))
    return (f"{label:>8}{sum(counts.values()):>9}{counts['article']:>9}{others:>8}"
            + "".join(f"{counts[k]:>9}" for k in KINDS[1:])
            + f"{stats.get('archive/articles/new', 0):>7}{refetched:>8}"
            + f"{stats.get('archive/skipped/known', 0):>8}{result.seconds:>7.1f}s")


def one_size(articles: int, news: Sequence[int], work: Path) -> None:
    today, now = date.today(), datetime.now(UTC).replace(second=0, microsecond=0)
    root = work / f"site-{articles}"
    updates = {n: Update(now=now, new=n) for n in news if n}
    for update in updates.values():  # every state's routes first: the server reads them once
        write_site(site_state(today, articles, update), root)
    write_site(site_state(today, articles, None), root)
    log = work / f"requests-{articles}.log"
    log.touch()
    requests = RequestLog(log)
    with served(root, log) as server:
        base_url = server.url
        base = work / f"archive-{articles}.db"
        first = crawl(base_url, base, work)
        problems = {k: v for k, v in first.stats.items()
                    if k.startswith(("archive/dropped/", "archive/errors/", "log_count/ERROR"))}
        print(f"\narchive of {articles} articles: first crawl stored "
              f"{first.stats.get('archive/articles/new', 0)} articles in {first.seconds:.0f}s, "
              f"finish reason {first.stats.get('finish_reason')}, problems {problems or 'none'}")
        print(f"{'new N':>8}{'requests':>9}{'articles':>9}{'others':>8}"
              + "".join(f"{k:>9}" for k in KINDS[1:])
              + f"{'stored':>7}{'refetch':>8}{'skipped':>8}{'time':>8}")
        print(row("first", requests.since_last(), first), flush=True)
        for n in news:
            write_site(site_state(today, articles, updates.get(n)), root)
            db = work / f"archive-{articles}-{n}.db"
            copy_archive(base, db)
            result = crawl(base_url, db, work)
            print(row(str(n), requests.since_last(), result), flush=True)


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        for articles in args.articles:
            one_size(articles, args.new, Path(tmp))
    print("\nrequests = articles + others; 'others' should not grow with the archive, and "
          "articles should equal N")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Requests made by a scheduled (incremental) crawl after N new articles "
                    "appeared on a site whose archive holds many.",
        epilog="Example: python bench/incremental.py --articles 2000 10000 --new 0 10 100",
    )
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000],
                        help="archive sizes: articles on the site (default: %(default)s)")
    parser.add_argument("--new", type=int, nargs="+", default=[0, 10, 100],
                        help="new articles before each scheduled crawl (default: %(default)s)")
    parser.add_argument("--profile", type=Path,
                        help="run under py-spy, write its raw profile here and summarise it")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(parse_args(argv), run)


if __name__ == "__main__":
    sys.exit(main())
