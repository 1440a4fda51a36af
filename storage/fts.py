"""The full-text search index (SQLite FTS5) over headline, sapo and body.

``articles_fts`` is an external-content FTS5 table: it keeps only the index,
and reads the text itself from ``articles`` (so snippets show the text as
published). Triggers keep it in step with every insert, update and delete of
``articles``, whoever writes them, so a new revision replaces the old text in
the index in the same transaction.

Matching ignores case and diacritics: the tokenizer (``unicode61
remove_diacritics 2``) folds case and tone marks, and the triggers index "đ"
as "d", which no Unicode decomposition does. Queries are folded the same way
in Python by :func:`fold`, so "nghe an", "Nghe An" and "Nghệ An" all find
"Nghệ An", and "Do Luong" finds "Đô Lương".

This module is the SQLite side. On PostgreSQL the index is the generated
column ``articles.search_vector`` (``unaccent`` text search, migration 0003;
queries in :mod:`storage.pgsearch`), which the database keeps in step by
itself: :func:`ensure_search_index` and :func:`rebuild_search_index` do nothing
there. The statements below also stand in migration 0003: change both together.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from sqlalchemy import Connection, Engine, inspect, text

from storage.errors import SearchUnavailable

logger = logging.getLogger(__name__)

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("headline", "sapo", "body")
TOKENIZER = "unicode61 remove_diacritics 2"
_TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")
_QUERY_PARTS = re.compile(r'"([^"]*)"|(\S+)')
MAX_QUERY_CHARS = 100_000
"""Longest query text read (longer ones are refused, before any parsing)."""
MAX_TERMS = 64
"""Most distinct words and phrases in one query: FTS5's time grows with the square of
the number of terms, so a query of thousands of words would run for minutes."""

__all__ = ["SearchUnavailable", "check_query", "ensure_search_index", "fold", "match_expression"]


def fold(text: str) -> str:
    """Search key of *text*: no diacritics, "đ" as "d", lower case ("Đô Lương" -> "do luong")."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def _sql_fold(expression: str) -> str:
    """SQL for what the index stores of a text column: "đ"/"Đ" as "d"/"D"."""
    return f"replace(replace({expression}, 'đ', 'd'), 'Đ', 'D')"


def _values(prefix: str) -> str:
    return ", ".join(_sql_fold(f"{prefix}.{name}") for name in FTS_COLUMNS)


_COLUMNS = ", ".join(FTS_COLUMNS)
_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_COLUMNS}, "
    f'content="articles", content_rowid="id", tokenize=\'{TOKENIZER}\')'
)
_INDEX_NEW = f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_values('new')});"
_UNINDEX_OLD = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) "
    f"VALUES ('delete', old.id, {_values('old')});"
)
_CREATE_TRIGGERS = (
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_INDEX_NEW} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_UNINDEX_OLD} END",
    f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF {_COLUMNS} ON articles "
    f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END",
)


def ensure_search_index(engine: Engine) -> bool:
    """Create the index and its triggers when missing (SQLite only); True if it was created.

    An archive created before the index existed is indexed in full here.
    """
    if engine.dialect.name != "sqlite":
        return False
    with engine.begin() as connection:
        names = set(inspect(connection).get_table_names())
        if FTS_TABLE in names:
            return False
        connection.execute(text(_CREATE_TABLE))
        for statement in _CREATE_TRIGGERS:
            connection.execute(text(statement))
        _index_all(connection)
    logger.info("created the full-text index %s", FTS_TABLE)
    return True


def rebuild_search_index(engine: Engine) -> None:
    """Drop and rebuild the index from ``articles``; PostgreSQL's generated column
    needs no rebuild."""
    if engine.dialect.name == "postgresql":
        logger.info("PostgreSQL keeps its search column in step by itself: nothing to rebuild")
        return
    require_search(engine)
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"))
        _index_all(connection)


def _index_all(connection: Connection) -> None:
    # FTS5's own 'rebuild' would index the stored text as is, with "đ" unfolded.
    connection.execute(
        text(
            f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) "
            f"SELECT id, {_values('articles')} FROM articles"
        )
    )


def require_search(engine: Engine) -> None:
    """Raise :class:`SearchUnavailable` unless the archive has the full-text index."""
    if engine.dialect.name != "sqlite":
        raise SearchUnavailable(f"full-text search needs SQLite, not {engine.dialect.name}")
    if not inspect(engine).has_table(FTS_TABLE):
        raise SearchUnavailable("the archive has no full-text index; open it for writing first")


def check_query(query: str) -> None:
    """ValueError (a one-line message) for a query too long to read."""
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is too long ({len(query):,} characters; "
                         f"at most {MAX_QUERY_CHARS:,})")


def bounded_terms(terms: list[str], query: str) -> list[str]:
    """*terms* with repeats folded (first occurrence kept); ValueError beyond
    :data:`MAX_TERMS` distinct ones."""
    distinct = list(dict.fromkeys(terms))
    if len(distinct) > MAX_TERMS:
        raise ValueError(f"too many different words in the query ({len(distinct)}; "
                         f"at most {MAX_TERMS})")
    if not distinct:
        raise ValueError(f"nothing to search for in {query[:200]!r}")
    return distinct


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression for a user query, folded like the index.

    Words and "quoted phrases" must all occur (in any indexed column); a word
    ending in ``*`` matches as a prefix. Everything else is taken literally:
    FTS5 operators and punctuation in the query have no special meaning.
    Vietnamese words are written as separate syllables ("Quỳ Hợp"), so when
    the plain words also occur side by side, in the query's order, the match
    ranks higher: the expression adds that phrase as an alternative that only
    boosts the rank (for queries of at most :data:`MAX_TERMS` plain words).
    Repeated words and phrases count once. ValueError when nothing searchable is
    left, or the query is too long (:func:`check_query`, :data:`MAX_TERMS`).
    """
    check_query(query)
    required: list[str] = []
    plain: list[str] = []
    for match in _QUERY_PARTS.finditer(query.replace("\x00", " ")):  # NUL ends FTS5's text
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word.replace('"', " ")  # an unmatched quote
        prefix = phrase is None and raw.endswith("*")
        key = " ".join(fold(raw.rstrip("*") if prefix else raw).split())
        if not any(ch.isalnum() for ch in key):
            continue
        if phrase is None and not prefix:
            plain.append(key)
        required.append(f'"{key}"*' if prefix else f'"{key}"')
    required = bounded_terms(required, query)
    every = " AND ".join(required)
    if len(plain) < 2 or len(set(plain)) < 2 or len(plain) > MAX_TERMS:
        return every
    together = [part for part in required if part[1:-1] not in plain]
    together.append('"' + " ".join(plain) + '"')
    return f"({every}) OR ({' AND '.join(together)})"
