"""What the storage command-line tools share: parser, ``--db`` option, error handling."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import NoReturn

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from storage.db import DB_URL_ENV, DEFAULT_DB_URL, ArchiveNotFound, StorageError, resolve_db_url
from storage.outfile import OutputRefused
from storage.schema import ForeignDatabase

EXIT_ERROR = 1
EXIT_USAGE = 2
MAX_COUNT = 1_000_000
"""Largest ``--limit``, ``--top``, ``--runs`` a command accepts."""


class CliParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def make_parser(prog: str, description: str, example: str) -> CliParser:
    """A parser with a ``--db`` option and an "Example:" line closing its help."""
    parser = CliParser(
        allow_abbrev=False,
        prog=prog,
        description=description,
        epilog=f"Example: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help=f"archive database URL (default: ${DB_URL_ENV}, else {DEFAULT_DB_URL})",
    )
    return parser


def db_url(args: argparse.Namespace) -> str:
    """The ``--db`` value, else the environment, else the default."""
    return resolve_db_url(args.db)


def iso_date(value: str) -> date:
    """An argparse type for YYYY-MM-DD."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def whole_number(low: int, high: int = MAX_COUNT) -> Callable[[str], int]:
    """An argparse type for a whole number from *low* to *high* (a one-line error else)."""

    def parse(value: str) -> int:
        text = value.strip()
        digits = text.removeprefix("-")
        number = int(text) if digits.isdigit() and len(digits) <= len(str(high)) else None
        if number is None or not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low:,} to {high:,}, got {value!r}")
        return number

    parse.__name__ = "whole number"  # argparse names the type in its own messages
    return parse


def add_date_range(parser: argparse.ArgumentParser) -> None:
    """``--since`` / ``--until``: publication dates (Vietnam time), both inclusive."""
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD",
                        help="published on or after (Vietnam date)")
    parser.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD",
                        help="published on or before (Vietnam date)")


def check_date_range(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse (exit 2, one line) a ``--since`` later than ``--until``."""
    if args.since and args.until and args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")


def run_cli(prog: str, command: Callable[[], int]) -> int:
    """Run *command*; archive and database errors become one line on stderr: status 2
    for a missing archive, another application's database, a bad database URL and a
    refused output file, status 1 for the others.

    A reader that goes away (``| head``) ends the command quietly, status 1.
    """
    try:
        return command()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_ERROR
    except (ArchiveNotFound, ArgumentError, ForeignDatabase, OutputRefused) as exc:
        _say(prog, str(exc))
        return EXIT_USAGE
    except (StorageError, SQLAlchemyError, OSError, ValueError, OverflowError,
            MemoryError) as exc:
        _say(prog, _first_line(exc))
        return EXIT_ERROR


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _say(prog: str, message: str) -> None:
    print(f"{prog}: error: {message}", file=sys.stderr)
