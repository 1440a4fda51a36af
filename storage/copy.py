"""Copy a whole archive into another database: ``python -m storage.copy``.

Typically a SQLite archive into PostgreSQL, to crawl with several workers::

    python -m storage.copy --db sqlite:///archive.db \\
        --to postgresql+psycopg://archive@localhost/archive

Both archives are opened (and so brought to the newest schema revision); the
target must hold no rows. Every table is copied row for row, ids included, in
foreign-key order and in chunks, inside one transaction on the target: a copy
that fails leaves the target empty. The search index is not copied but built
by the target itself (SQLite's triggers, PostgreSQL's generated column).
PostgreSQL id sequences are moved past the copied ids, so new rows follow.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, Table, func, insert, select, text

from storage.cli import make_parser, run_cli, whole_number
from storage.db import Database, resolve_db_url
from storage.errors import StorageError
from storage.models import Base
from storage.outfile import archive_files

logger = logging.getLogger(__name__)

PROG = "python -m storage.copy"
CHUNK_ROWS = 1000
MAX_CHUNK_ROWS = 100_000

Progress = Callable[[str, int], None]
"""Called with a table name and the rows copied so far."""


def copy_archive(
    source: Database, target: Database, *, chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every row of *source* into the empty *target*; rows copied by table."""
    copied: dict[str, int] = {}
    with source.engine.connect() as reading, target.engine.begin() as writing:
        _require_empty(writing, target)
        for table in Base.metadata.sorted_tables:
            copied[table.name] = _copy_table(reading, writing, table, chunk_rows, progress)
        if writing.dialect.name == "postgresql":
            _move_sequences(writing)
    logger.info("copied %s", ", ".join(f"{n} {name}" for name, n in copied.items()))
    return copied


def _require_empty(connection: Connection, target: Database) -> None:
    for table in Base.metadata.sorted_tables:
        rows = connection.scalar(select(func.count()).select_from(table)) or 0
        if rows:
            shown = target.engine.url.render_as_string(hide_password=True)
            raise StorageError(f"{shown} is not empty ({table.name}: {rows} rows)")


def _copy_table(
    reading: Connection, writing: Connection, table: Table, chunk_rows: int,
    progress: Progress | None,
) -> int:
    stmt = select(table).order_by(*table.primary_key.columns)
    result = reading.execution_options(yield_per=chunk_rows).execute(stmt)
    count = 0
    for chunk in result.partitions():
        writing.execute(insert(table), [row._asdict() for row in chunk])
        count += len(chunk)
        if progress is not None:
            progress(table.name, count)
    return count


def _move_sequences(connection: Connection) -> None:
    """Set each table's id sequence to its largest id (next id: one more)."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
            )
        )


def _show_progress(table: str, rows: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{table}: {rows} rows", end="", file=sys.stderr, flush=True)


@contextmanager
def removed_on_failure(url: str) -> Iterator[None]:
    """A SQLite target file that did not exist before is deleted again (with its ``-wal``
    and ``-shm``) when the copy fails: no empty archive is left behind."""
    files = archive_files(url, lock=False)
    created = bool(files) and not files[0].exists()
    try:
        yield
    except BaseException:
        if created:
            for path in files:
                with suppress(FileNotFoundError):
                    path.unlink()
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser(
        PROG,
        "Copy every article, revision, raw page and crawl run of the archive --db into the "
        "empty archive --to (created when missing), e.g. SQLite into PostgreSQL.",
        f"{PROG} --db sqlite:///archive.db --to postgresql+psycopg://archive@localhost/archive",
    )
    parser.add_argument("--to", required=True, metavar="URL", help="target database URL")
    parser.add_argument("--chunk", type=whole_number(1, MAX_CHUNK_ROWS), default=CHUNK_ROWS,
                        metavar="N", help=f"rows per insert (default {CHUNK_ROWS})")
    parser.add_argument("--force", action="store_true",
                        help="copy into a database that holds other tables, beside them")
    args = parser.parse_args(argv)
    source_url = resolve_db_url(args.db)
    if source_url == args.to:
        parser.error("--db and --to are the same database")

    def command() -> int:
        with (removed_on_failure(args.to), Database.open(source_url, create=False) as source,
              Database.open(args.to, force=args.force) as target):
            copied = copy_archive(source, target, chunk_rows=args.chunk, progress=_show_progress)
        if sys.stderr.isatty():
            print(file=sys.stderr)
        shown = ", ".join(f"{name}: {rows}" for name, rows in copied.items())
        print(f"copied into {target.engine.url.render_as_string(hide_password=True)}: {shown}")
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
