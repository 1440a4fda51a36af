"""Re-extract every archived raw page with the current extractor.

Nothing is fetched: the pages stored in the archive are parsed again, and an
article whose extraction changed gets a new version (its previous one kept as
a revision with reason ``reparse``). Articles whose page now fails extraction
are left as they are and counted as failed, by reason. Pages a crawl kept raw
because extraction failed on them (``failed_pages``, :mod:`storage.failed`) are
tried again too (without date or section filters): those that now give a record
are stored ("recovered") with the raw page they came from: a new or changed article
links the kept ``pages`` row (its provenance too), not a copy, so it can be re-parsed
and exported as any other; a web-archive capture among them is listed as stored.

Run as a command: ``python -m pipelines.reparse --db URL [--since YYYY-MM-DD]``.
Library use: :func:`reparse` takes the extract function, so a changed
extractor can be tried on an archive (``dry_run`` reports without writing).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC

from pipelines.extract import NotAnArticle, extract_page
from pipelines.record import ArticleRecord
from storage.archive import ArticleVersion, prepare_article
from storage.batch import store_articles
from storage.cli import (
    add_date_range,
    check_date_range,
    db_url,
    make_parser,
    run_cli,
    whole_number,
)
from storage.db import Database
from storage.failed import KeptPage, forget_failed, iter_failed
from storage.filters import RecordFilter, count_articles
from storage.pages import ArchivedPage, CanonicalConflict, pages_after, revise_article
from storage.progress import Progress

logger = logging.getLogger(__name__)

PROG = "python -m pipelines.reparse"
REASON = "reparse"
ExtractFunction = Callable[[bytes, str, Mapping[str, str]], ArticleRecord]
"""``extract_page``'s signature: (body, url, headers) -> record."""


@dataclass(frozen=True)
class ReparseOptions:
    where: RecordFilter = field(default_factory=RecordFilter)
    limit: int | None = None
    """Stop after this many pages (lowest article ids first)."""
    batch_size: int = 100
    """Pages read, extracted and written per transaction."""
    dry_run: bool = False
    """Count what would change, write nothing."""


@dataclass
class ReparseSummary:
    pages: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    """Failed pages by reason ("listing", "no-body", "error", ...)."""
    recovered: int = 0
    """Pages kept raw after a failed extraction that now gave an article."""

    def line(self, *, dry_run: bool = False) -> str:
        changed = "would change" if dry_run else "changed"
        text = (
            f"reparse: {self.pages:,} pages, {self.changed:,} {changed}, "
            f"{self.unchanged:,} unchanged, {sum(self.failed.values()):,} failed"
        )
        if self.failed:
            reasons = ", ".join(f"{reason} {n:,}" for reason, n in sorted(self.failed.items()))
            text += f" ({reasons})"
        if self.recovered:
            done = "would be recovered" if dry_run else "recovered"
            text += f"; {self.recovered:,} pages kept raw {done}"
        return text


def reextract(item: ArchivedPage, extract: ExtractFunction) -> ArticleVersion:
    """The version *extract* makes of an archived page, as the crawl would have stored it."""
    page = item.page
    record = extract(page.body, page.final_url, page.headers)
    record["url"] = page.url
    record["fetched_at"] = page.fetched_at.astimezone(UTC).isoformat(timespec="seconds")
    return prepare_article(record, reason=REASON)


def _try_reextract(
    item: ArchivedPage, extract: ExtractFunction, summary: ReparseSummary
) -> ArticleVersion | None:
    try:
        return reextract(item, extract)
    except NotAnArticle as error:
        summary.failed[error.reason] += 1
        logger.info("%s is no longer an article: %s", item.canonical_url, error)
    except ValueError as error:
        summary.failed["invalid-record"] += 1
        logger.warning("%s: invalid record: %s", item.canonical_url, error)
    except Exception as error:  # one page's extraction bug must not end a whole re-parse
        summary.failed["error"] += 1
        logger.warning("%s: extraction failed: %r", item.canonical_url, error)
    return None


def _store(
    db: Database, changed: list[tuple[int, ArticleVersion]], summary: ReparseSummary
) -> None:
    with db.session() as session, session.begin():
        for article_id, version in changed:
            try:
                outcome = revise_article(session, article_id, version)
            except CanonicalConflict as error:
                summary.failed["canonical-conflict"] += 1
                logger.warning("%s", error)
                continue
            if outcome == "updated":
                summary.changed += 1
            else:
                summary.unchanged += 1


def reparse(
    db: Database,
    extract: ExtractFunction = extract_page,
    options: ReparseOptions | None = None,
    progress: Progress | None = None,
) -> ReparseSummary:
    """Re-extract the selected archived pages with *extract*; see the module docstring."""
    options = options or ReparseOptions()
    summary = ReparseSummary()
    after = 0
    while options.limit is None or summary.pages < options.limit:
        size = options.batch_size
        if options.limit is not None:
            size = min(size, options.limit - summary.pages)
        with db.session() as session:
            batch = pages_after(session, options.where, after, size)
        if not batch:
            break
        changed: list[tuple[int, ArticleVersion]] = []
        for item in batch:
            version = _try_reextract(item, extract, summary)
            if version is None:
                pass
            elif version.content_hash == item.content_hash:
                summary.unchanged += 1
            elif options.dry_run:
                summary.changed += 1
            else:
                changed.append((item.article_id, version))
        if changed:
            _store(db, changed, summary)
        summary.pages += len(batch)
        after = batch[-1].article_id
        if progress is not None:
            progress.advance(len(batch))
    return summary


def recover(kept: KeptPage, extract: ExtractFunction) -> ArticleVersion | None:
    """The version *extract* makes of a page kept raw, linking its stored page row; None
    when it fails again."""
    item = ArchivedPage(article_id=0, canonical_url=kept.url, content_hash="", page=kept.page)
    version = _try_reextract(item, extract, ReparseSummary())
    if version is None:
        return None
    return replace(version, page=kept.page, page_id=kept.page_id)


def retry_failed(db: Database, extract: ExtractFunction, summary: ReparseSummary, *,
                 dry_run: bool = False) -> None:
    """Extract the pages kept raw after a failed extraction again; store those that now
    give a record as articles with their raw pages (their failures forgotten)."""
    after = 0
    while True:
        with db.session() as session:
            batch = iter_failed(session, after)
        if not batch:
            return
        after = batch[-1].id
        versions = [v for v in (recover(kept, extract) for kept in batch) if v is not None]
        summary.recovered += len(versions)
        if versions and not dry_run:
            with db.session() as session, session.begin():
                store_articles(session, versions)
                forget_failed(session, [version.record["url"] for version in versions])


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser(
        PROG,
        "Re-extract the archived raw pages with the current extractor (nothing is fetched)\n"
        "and store changed extractions as new versions (revision reason 'reparse').",
        f"{PROG} --db sqlite:///archive.db --since 2024-01-01 --dry-run",
    )
    add_date_range(parser)
    parser.add_argument("--site", metavar="SITE",
                        help="only this site: a profile name (baonghean) or a host (baonghean.vn)")
    parser.add_argument("--section", metavar="NAME", help='only this section ("Thời sự")')
    parser.add_argument("--limit", type=whole_number(1, 10**12), metavar="N",
                        help="stop after N pages")
    parser.add_argument(
        "--dry-run", action="store_true", help="count what would change, write nothing"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check_date_range(parser, args)
    where = RecordFilter(since=args.since, until=args.until, site=args.site, section=args.section)
    options = ReparseOptions(where=where, limit=args.limit, dry_run=args.dry_run)
    url = db_url(args)

    def command() -> int:
        with Database.open(url, create=False) as db:
            with db.session() as session:
                total = count_articles(session, where)
            if args.limit is not None:
                total = min(total, args.limit)
            with Progress("reparse", total) as progress:
                summary = reparse(db, extract_page, options, progress)
            if where == RecordFilter() and args.limit is None:
                retry_failed(db, extract_page, summary, dry_run=args.dry_run)
        print(summary.line(dry_run=args.dry_run))
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
