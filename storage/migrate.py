"""``python -m storage.migrate``: bring an archive's schema to the newest revision.

The schema and its revisions are :mod:`storage.schema`; opening an archive upgrades it
too (:meth:`storage.db.Database.open`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from storage.cli import db_url, make_parser, run_cli
from storage.db import Database, create_db_engine
from storage.schema import HEAD_REVISION, schema_revision

PROG = "python -m storage.migrate"


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser(
        PROG,
        "Bring an archive's schema to the newest revision (opening an archive does it too); "
        "with --status, only print its revision.",
        f"{PROG} --db postgresql+psycopg://archive@localhost/archive",
    )
    parser.add_argument("--status", action="store_true", help="print the revision, change nothing")
    parser.add_argument("--force", action="store_true",
                        help="add the archive's tables to a database that holds other tables")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url = db_url(args)

    def command_() -> int:
        if args.status:
            engine = create_db_engine(url)
            try:
                with engine.connect() as connection:
                    current = schema_revision(connection)
            finally:
                engine.dispose()
            print(f"revision: {current or 'none'} (newest: {HEAD_REVISION})")
            return 0 if current == HEAD_REVISION else 1
        with Database.open(url, force=args.force) as db, db.engine.connect() as connection:
            print(f"revision: {schema_revision(connection)} (newest: {HEAD_REVISION})")
        return 0

    return run_cli(PROG, command_)


if __name__ == "__main__":
    sys.exit(main())
