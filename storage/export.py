"""Export the archive as newline-delimited JSON, one article record per line.

The records have exactly the shape extraction produced (``pipelines/record.py``),
so ``scrapy crawl -O out.jsonl`` and this export agree. Output is streamed:
memory use does not grow with the size of the archive.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from storage.archive import RecordFilter, iter_records, iter_versions
from storage.cli import EXIT_ERROR, db_url, iso_date, make_parser, run_cli
from storage.db import Database

PROG = "python -m storage.export"


def write_jsonl(records: Iterable[dict[str, Any]], stream: IO[bytes]) -> int:
    """Write *records* as UTF-8 JSON lines (Unicode unescaped); return how many."""
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count


def export(url: str, where: RecordFilter, stream: IO[bytes], *, revisions: bool = False) -> int:
    """Stream the archive at *url* to *stream*; every version if *revisions*."""
    with Database.open(url, create=False) as db, db.session() as session:
        records = iter_versions(session, where) if revisions else iter_records(session, where)
        return write_jsonl(records, stream)


def export_to_file(url: str, where: RecordFilter, path: Path, *, revisions: bool = False) -> int:
    """Like :func:`export`, into *path*, replaced only once the export is complete."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            count = export(url, where, stream, revisions=revisions)
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser(
        PROG,
        "Write the archived articles as JSON lines (one record per article), oldest first.",
        f"{PROG} --db sqlite:///archive.db --since 2024-05-01 --until 2024-05-31 -o may.jsonl",
    )
    parser.add_argument(
        "--since", type=iso_date, metavar="YYYY-MM-DD", help="published on or after (Vietnam date)"
    )
    parser.add_argument(
        "--until", type=iso_date, metavar="YYYY-MM-DD", help="published on or before (Vietnam date)"
    )
    parser.add_argument(
        "--revisions",
        action="store_true",
        help="every stored version of each article, each line with a 'version' field",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.since and args.until and args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")
    where = RecordFilter(since=args.since, until=args.until)
    url = db_url(args)

    def command() -> int:
        if args.output is not None:
            export_to_file(url, where, args.output, revisions=args.revisions)
            return 0
        sys.stdout.flush()
        try:
            export(url, where, sys.stdout.buffer, revisions=args.revisions)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, without a traceback at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_ERROR
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
