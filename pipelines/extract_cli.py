"""``python -m pipelines.extract --url URL PATH``: print the record of one saved page.

Exit status: 0 article, 1 not an article (reason on stderr), 2 unusable input: a file
that cannot be read, is empty or larger than :data:`pipelines.deep.MAX_PAGE_BYTES`
(at most that much is read, so an endless stdin stops there), a ``--url`` that is no
absolute http(s) URL, an ``--indent`` out of 0..16. Every error is one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import BinaryIO, NoReturn

from pipelines.deep import MAX_PAGE_BYTES
from pipelines.extract import NotAnArticle, extract_page
from pipelines.urls import urlsplit

PROG = "python -m pipelines.extract"
MAX_INDENT = 16
EXIT_ARTICLE, EXIT_NOT_ARTICLE, EXIT_INPUT = 0, 1, 2


class InputError(Exception):
    """The page cannot be read (one-line message)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        body = read_page(args.path)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    headers = dict(_header(h) for h in args.header)
    try:
        record = extract_page(body, args.url, headers)
    except NotAnArticle as error:
        print(f"not an article: {error}", file=sys.stderr)
        return EXIT_NOT_ARTICLE
    try:
        print(json.dumps(record, ensure_ascii=False, indent=args.indent), flush=True)
    except BrokenPipeError:  # `| head`: the reader went away
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_ARTICLE


def read_page(path: str) -> bytes:
    """The bytes of *path* (``-``: stdin), at most :data:`MAX_PAGE_BYTES`; InputError."""
    try:
        if path == "-":
            body = _read_bounded(sys.stdin.buffer)
        else:
            with open(path, "rb") as stream:
                body = _read_bounded(stream)
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    if body is None:
        raise InputError(f"{path} is larger than {MAX_PAGE_BYTES:,} bytes; not read")
    if not body.strip():
        raise InputError(f"{path} is empty")
    return body


def _read_bounded(stream: BinaryIO) -> bytes | None:
    """Up to :data:`MAX_PAGE_BYTES` bytes of *stream*; None when it holds more."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_PAGE_BYTES and (chunk := stream.read(MAX_PAGE_BYTES + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return None if size > MAX_PAGE_BYTES else b"".join(chunks)


def _header(text: str) -> tuple[str, str]:
    name, _, value = text.partition(":")
    return name.strip().lower(), value.strip()


def _page_url(value: str) -> str:
    """An argparse type: an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:
        host = None
    if not host or parts.scheme.lower() not in ("http", "https"):
        raise argparse.ArgumentTypeError(f"not an absolute http(s) URL: {value!r}")
    return value.strip()


def _indent(value: str) -> int:
    if not (value.isdigit() and int(value) <= MAX_INDENT):
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {MAX_INDENT}, "
                                         f"got {value!r}")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Extract the article record from a saved page and print it as JSON. "
        "Exit status: 0 article, 1 not an article (reason on stderr), 2 unreadable input "
        f"(also a page over {MAX_PAGE_BYTES // 1024 // 1024} MB, a bad --url or --indent).",
        epilog=f"Example: {PROG} --url https://baonghean.vn/bai-viet-10264872.html page.html",
    )
    parser.add_argument("path", metavar="PATH", help="saved page (raw bytes), or - for stdin")
    parser.add_argument("--url", required=True, type=_page_url,
                        help="URL the page was fetched from")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="response header, e.g. 'Content-Type: text/html; charset=utf-8' (repeatable)",
    )
    parser.add_argument("--indent", type=_indent, default=None,
                        help=f"pretty-print with N spaces (0 to {MAX_INDENT})")
    return parser
