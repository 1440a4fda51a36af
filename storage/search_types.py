"""What a search asks and finds, shared by both search back ends (SQLite's FTS5 in
:mod:`storage.search`, PostgreSQL's text search in :mod:`storage.pgsearch`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from storage.filters import RecordFilter

Order = Literal["rank", "newest", "oldest"]
ORDERS: tuple[Order, ...] = ("rank", "newest", "oldest")
JSON_MARKS = ("<mark>", "</mark>")
TERMINAL_MARKS = ("\x1b[1;33m", "\x1b[0m")
PLAIN_MARKS = ("**", "**")
ELLIPSIS = "…"


@dataclass(frozen=True)
class SearchOptions:
    where: RecordFilter = field(default_factory=RecordFilter)
    limit: int = 20
    order: Order = "rank"
    marks: tuple[str, str] = PLAIN_MARKS
    """Put around each matched word in the snippet."""
    snippet_words: int = 24


@dataclass(frozen=True)
class Hit:
    published_at: str | None
    headline: str
    url: str
    canonical_url: str
    section: str | None
    snippet: str
    """A passage of the best-matching field, matched words marked, on one line."""
