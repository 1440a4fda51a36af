"""Full-text search over the archive: ``python -m storage.search "query"``.

Matching ignores case and diacritics (see :mod:`storage.fts`); results come
best match first (or by date), each with a snippet of the text as published in
which the matched words are marked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from storage.cli import (
    MAX_COUNT,
    add_date_range,
    check_date_range,
    db_url,
    make_parser,
    run_cli,
    whole_number,
)
from storage.db import Database
from storage.filters import RecordFilter, apply_filter
from storage.fts import (
    FTS_COLUMNS,
    FTS_TABLE,
    match_expression,
    rebuild_search_index,
    require_search,
)
from storage.models import Article
from storage.search_types import (
    ELLIPSIS,
    JSON_MARKS,
    ORDERS,
    PLAIN_MARKS,
    TERMINAL_MARKS,
    Hit,
    SearchOptions,
)

PROG = "python -m storage.search"
_FTS = table(FTS_TABLE, column("rowid"), column("rank"))


def best_ids_query(session: Session, match: str, options: SearchOptions) -> Select[int]:
    """Ids of the best *limit* articles for the MATCH expression *match*, in result order.

    With no filter and the rank order the index alone answers; otherwise each
    match is joined to its article for the filters or the date order.
    """
    matching = text(f"{FTS_TABLE} MATCH :match").bindparams(match=match)
    if options.where == RecordFilter() and options.order == "rank":
        ranked = select(_FTS.c.rowid).where(matching)
        return ranked.order_by(_FTS.c.rank, _FTS.c.rowid).limit(options.limit)
    if options.order == "newest":
        order: tuple[ColumnElement[Any], ...] = (
            Article.published_utc.desc().nulls_last(),
            Article.id.desc(),
        )
    elif options.order == "oldest":
        order = Article.published_utc.asc().nulls_last(), Article.id.asc()
    else:
        order = _FTS.c.rank.asc(), Article.id.asc()
    stmt = select(Article.id).join(_FTS, _FTS.c.rowid == Article.id).where(matching)
    return apply_filter(session, stmt, options.where).order_by(*order).limit(options.limit)


def hit_query(
    match: str, article_id: int, options: SearchOptions
) -> Select[str | None, str, str, str, str | None, str]:
    """One article's fields and snippet for the MATCH expression *match*.

    Snippets need the match: asked for one article at a time, the index looks
    at that article only (a list of ids would re-run the whole match per id).
    """
    matching = text(f"{FTS_TABLE} MATCH :match").bindparams(match=match)
    return (
        select(
            Article.published_at,
            Article.headline,
            Article.url,
            Article.canonical_url,
            Article.category,
            _snippet(options),
        )
        .join(_FTS, _FTS.c.rowid == Article.id)
        .where(matching, _FTS.c.rowid == article_id)
    )


def _snippet(options: SearchOptions) -> ColumnElement[str]:
    """A passage of the body, else the sapo, else the headline, with the matched words marked."""
    opening, closing = options.marks

    def passage(index: int) -> ColumnElement[str]:
        fts: ColumnElement[Any] = literal_column(FTS_TABLE)
        return func.snippet(fts, index, opening, closing, ELLIPSIS, options.snippet_words)

    body, sapo = passage(FTS_COLUMNS.index("body")), passage(FTS_COLUMNS.index("sapo"))
    return case(
        (func.instr(body, opening) > 0, body),
        (func.instr(sapo, opening) > 0, sapo),
        else_=passage(-1),
    )


def search(session: Session, query: str, options: SearchOptions | None = None) -> list[Hit]:
    """Articles matching *query* (all words and "phrases", ``word*`` for a prefix).

    The best *limit* articles are chosen first, then each one's snippet is made.
    """
    options = options or SearchOptions()
    if session.get_bind().dialect.name == "postgresql":
        from storage.pgsearch import search_postgres  # PostgreSQL's code only when used

        return search_postgres(session, query, options)
    require_search(session.get_bind().engine)
    match = match_expression(query)
    hits = []
    for article_id in session.scalars(best_ids_query(session, match, options)).all():
        row = session.execute(hit_query(match, article_id, options)).one()
        published_at, headline, url, canonical_url, section, snippet = row
        hits.append(
            Hit(
                published_at=published_at,
                headline=headline,
                url=url,
                canonical_url=canonical_url,
                section=section,
                snippet=" ".join(snippet.split()),
            )
        )
    return hits


def format_hit(hit: Hit) -> str:
    """Three lines: date and headline, URL, snippet."""
    when = hit.published_at[:16].replace("T", " ") if hit.published_at else "(no date)"
    return f"{when}  {hit.headline}\n    {hit.url}\n    {hit.snippet}\n"


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser(
        PROG,
        "Search headlines, sapos and bodies, ignoring case and diacritics "
        '("nghe an" finds "Nghệ An", "do" finds "đô"). All words must occur; '
        '"quoted words" must occur together; word* matches a prefix.',
        f'{PROG} --db sqlite:///archive.db --since 2024-01-01 --section "thoi su" "sốt xuất huyết"',
    )
    parser.add_argument("query", nargs="?", help="words to search for")
    add_date_range(parser)
    parser.add_argument("--section", metavar="NAME", help='section ("Thời sự", "thoi-su")')
    parser.add_argument("--author", metavar="NAME", help='one of the authors ("Thanh Lê")')
    parser.add_argument("--site", metavar="SITE",
                        help="only this site: a profile name (baonghean) or a host (baonghean.vn)")
    parser.add_argument("--limit", type=whole_number(1), default=20, metavar="N",
                        help=f"default 20, at most {MAX_COUNT:,}")
    parser.add_argument("--sort", choices=ORDERS, default="rank", help="default: best match")
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    parser.add_argument(
        "--reindex", action="store_true", help="rebuild the full-text index from the articles"
    )
    return parser


def _options(args: argparse.Namespace) -> SearchOptions:
    terminal = TERMINAL_MARKS if sys.stdout.isatty() else PLAIN_MARKS
    marks = JSON_MARKS if args.json else terminal
    where = RecordFilter(
        since=args.since, until=args.until, site=args.site, section=args.section, author=args.author
    )
    return SearchOptions(where=where, limit=args.limit, order=args.sort, marks=marks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.query is None and not args.reindex:
        parser.error("a query is needed (or --reindex)")
    check_date_range(parser, args)
    url = db_url(args)

    def command() -> int:
        if args.reindex:
            with Database.open(url) as db:
                rebuild_search_index(db.engine)
            if args.query is None:
                return 0
        with Database.open(url, create=False) as db, db.session() as session:
            hits = search(session, args.query, _options(args))
        for hit in hits:
            if args.json:
                print(json.dumps(asdict(hit), ensure_ascii=False))
            else:
                print(format_hit(hit))
        return 0

    return run_cli(PROG, command)


if __name__ == "__main__":
    sys.exit(main())
