"""Full-text search on PostgreSQL: the same queries and hits as SQLite's FTS5 search.

The index is the generated column ``articles.search_vector`` of migration 0003
(text search configuration ``archive_search``: ``unaccent`` then ``simple``),
so matching ignores case and diacritics and "đ" matches "d", as on SQLite.
:func:`storage.search.search` hands PostgreSQL sessions to :func:`search_postgres`.

A query reads as on SQLite: every word must occur (in headline, sapo or body),
"quoted words" must occur one after the other, ``word*`` matches a prefix, and
anything else (operators, punctuation) is taken literally. Ranking is
``ts_rank_cd`` (cover density: words found close together, as the syllables of
one Vietnamese word are, rank first) with the headline weighted above the sapo
above the body.
Snippets come from ``ts_headline`` over the text as published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.orm import Session

from storage.filters import apply_filter
from storage.fts import MAX_TERMS, check_query
from storage.models import Article
from storage.search_types import ELLIPSIS, Hit, Order, SearchOptions

CONFIG = "archive_search"
SEARCH_VECTOR = "articles.search_vector"
_QUERY_PARTS = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")
_START, _STOP = "\ue000", "\ue001"
"""Marks ts_headline puts around matched words (private-use characters, absent from text)."""


@dataclass(frozen=True)
class QueryPart:
    kind: str
    """"phrase" (its words in this order; one word alone) or "prefix" (the last word's)."""
    text: str


def parse_query(query: str) -> list[QueryPart]:
    """The searchable parts of a user query, each once; ValueError when nothing searchable
    is left or the query is too long (as on SQLite: :func:`storage.fts.check_query`,
    :data:`storage.fts.MAX_TERMS`)."""
    check_query(query)
    parts: list[QueryPart] = []
    for match in _QUERY_PARTS.finditer(query):
        phrase, word = match.group(1), match.group(2)
        raw = phrase if phrase is not None else word
        words = _WORD.findall(raw.replace("_", " "))
        if not words:
            continue
        if phrase is None and word.endswith("*"):
            parts.append(QueryPart("prefix", " <-> ".join(words) + ":*"))
        else:  # "covid-19" unquoted is a phrase too, as in FTS5
            parts.append(QueryPart("phrase", " ".join(words)))
    if not parts:
        raise ValueError(f"nothing to search for in {query[:200]!r}")
    distinct = list(dict.fromkeys(parts))
    if len(distinct) > MAX_TERMS:
        raise ValueError(f"too many different words in the query ({len(distinct)}; "
                         f"at most {MAX_TERMS})")
    return distinct


def ts_query(query: str) -> ColumnElement[Any]:
    """The ``tsquery`` of a user query (see the module docstring)."""
    config: ColumnElement[Any] = literal_column(f"'{CONFIG}'::regconfig")
    functions = {
        "phrase": func.phraseto_tsquery,
        "prefix": func.to_tsquery,  # the text holds only word characters, <-> and :*
    }
    combined: ColumnElement[Any] | None = None
    for part in parse_query(query):
        term = functions[part.kind](config, part.text)
        combined = term if combined is None else combined.op("&&")(term)
    assert combined is not None
    return combined


def _ordering(order: Order, rank: ColumnElement[Any]) -> tuple[ColumnElement[Any], ...]:
    if order == "newest":
        return Article.published_utc.desc().nulls_last(), Article.id.desc()
    if order == "oldest":
        return Article.published_utc.asc().nulls_last(), Article.id.asc()
    return rank.desc(), Article.id.asc()


def search_query(
    session: Session, query: str, options: SearchOptions
) -> Select[*tuple[Any, ...]]:
    """The SQL select of :func:`search_postgres`: the best *limit* matches, with passages."""
    tsquery = ts_query(query)
    vector: ColumnElement[Any] = literal_column(SEARCH_VECTOR)
    rank = func.ts_rank_cd(vector, tsquery)
    best = select(Article.id).where(vector.op("@@")(tsquery))
    best = apply_filter(session, best, options.where).order_by(*_ordering(options.order, rank))
    words = max(2, options.snippet_words)
    settings = (
        f'StartSel="{_START}", StopSel="{_STOP}", MaxWords={words}, '
        f"MinWords={max(1, words // 2)}, MaxFragments=1"
    )

    def passage(column: Any) -> ColumnElement[str]:
        return func.ts_headline(literal_column(f"'{CONFIG}'::regconfig"), column, tsquery,
                                settings)

    stmt = select(
        Article.published_at,
        Article.headline,
        Article.url,
        Article.canonical_url,
        Article.category,
        Article.body,
        Article.sapo,
        passage(Article.body),
        passage(func.coalesce(Article.sapo, "")),
        passage(Article.headline),
    ).where(Article.id.in_(best.limit(options.limit).scalar_subquery()))
    return stmt.order_by(*_ordering(options.order, rank))


def search_postgres(session: Session, query: str, options: SearchOptions) -> list[Hit]:
    """Articles matching *query*, best first (or by date); see :func:`storage.search.search`."""
    hits = []
    for row in session.execute(search_query(session, query, options)):
        published_at, headline, url, canonical_url, section, body, sapo = row[:7]
        passages = zip((body, sapo or "", headline), row[7:], strict=True)
        snippet = next(
            (_snippet(text, marked, options.marks) for text, marked in passages
             if _START in marked),
            _snippet(headline, headline, options.marks),
        )
        hits.append(Hit(published_at, headline, url, canonical_url, section, snippet))
    return hits


def _snippet(text: str, marked: str, marks: tuple[str, str]) -> str:
    """*marked* (a ts_headline passage of *text*) with our marks, "…" where it was cut."""
    plain = " ".join(marked.replace(_START, "").replace(_STOP, "").split())
    whole = " ".join(text.split())
    shown = " ".join(marked.split()).replace(_START, marks[0]).replace(_STOP, marks[1])
    if plain and not whole.startswith(plain):
        shown = ELLIPSIS + shown
    if plain and not whole.endswith(plain):
        shown += ELLIPSIS
    return shown
