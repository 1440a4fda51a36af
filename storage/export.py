"""Export the archive as newline-delimited JSON, one article record per line.

The records have exactly the shape extraction produced (``pipelines/record.py``;
JSON Schema in ``storage/schema/record.schema.json``), so ``scrapy crawl -O
out.jsonl`` and this export agree. Output is streamed: memory use does not grow
with the size of the archive. A file name ending in ``.gz`` is gzip-compressed.
``--warc`` writes the raw pages instead, as WARC records (:mod:`storage.warc`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from storage.archive import RecordFilter, iter_records, iter_versions
from storage.cli import add_date_range, check_date_range, db_url, make_parser, run_cli
from storage.db import Database
from storage.filters import count_articles, count_versions
from storage.outfile import STDOUT, archive_files, output_file
from storage.progress import Progress
from storage.warc import export_warc_file

PROG = "python -m storage.export"
GZIP_LEVEL = 6
SCHEMA_PATH = Path(__file__).parent / "schema" / "record.schema.json"


class BinaryWriter(Protocol):
    def write(self, data: bytes, /) -> int: ...


def write_jsonl(
    records: Iterable[dict[str, Any]], stream: BinaryWriter, progress: Progress | None = None
) -> int:
    """Write *records* as UTF-8 JSON lines (Unicode unescaped); return how many."""
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
        if progress is not None:
            progress.advance()
    return count


def export(url: str, where: RecordFilter, stream: BinaryWriter, *, revisions: bool = False) -> int:
    """Stream the archive at *url* to *stream*; every version if *revisions*.

    Progress shows on stderr when it is a terminal.
    """
    with Database.open(url, create=False) as db, db.session() as session:
        total = (count_versions if revisions else count_articles)(session, where)
        records = iter_versions(session, where) if revisions else iter_records(session, where)
        with Progress("export", total) as progress:
            return write_jsonl(records, stream, progress)


def export_to_file(
    url: str, where: RecordFilter, target: str | Path, *, revisions: bool = False
) -> int:
    """Like :func:`export`, into *target* (see :func:`storage.outfile.output_file`: ``-`` is
    stdout, never the archive itself), gzipped if its name ends in ``.gz``."""
    with output_file(target, archive_files(url)) as raw:
        if str(target) == STDOUT or not str(target).endswith(".gz"):
            return export(url, where, raw, revisions=revisions)
        name = Path(target).name[: -len(".gz")]
        with gzip.GzipFile(
            filename=name, mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL
        ) as stream:
            return export(url, where, stream, revisions=revisions)


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser(
        PROG,
        "Write the archived articles as JSON lines (one record per article), oldest first;\n"
        "or, with --warc, their raw pages as WARC response records.",
        f"{PROG} --db sqlite:///archive.db --since 2024-05-01 --until 2024-05-31 -o may.jsonl.gz",
    )
    add_date_range(parser)
    parser.add_argument(
        "--section", metavar="NAME", help='only this section ("Thời sự", "thoi su", "thoi-su")'
    )
    parser.add_argument(
        "--author", metavar="NAME", help='only articles by this author ("Thanh Lê", "thanh le")'
    )
    parser.add_argument("--site", metavar="SITE",
                        help="only this site: a profile name (baonghean) or a host (baonghean.vn)")
    parser.add_argument(
        "--revisions",
        action="store_true",
        help="every stored version of each article, each line with a 'version' field",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (.gz: compressed; -: stdout)"
    )
    output.add_argument(
        "--warc",
        metavar="FILE",
        help="write the raw pages to FILE as WARC records (FILE.warc.gz: compressed; -: stdout)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check_date_range(parser, args)
    where = RecordFilter(
        since=args.since,
        until=args.until,
        site=args.site,
        section=args.section,
        author=args.author,
    )
    url = db_url(args)

    def command() -> int:
        if args.warc is not None:
            export_warc_file(url, where, args.warc, revisions=args.revisions)
        else:
            export_to_file(url, where, args.output or STDOUT, revisions=args.revisions)
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
