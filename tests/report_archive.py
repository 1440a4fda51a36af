"""A small archive for the coverage report: a two-day hole, a gap in the article ids,
failed and abandoned crawl runs, a second (unprofiled) site.

baonghean.vn, May 2024 (Vietnam dates)::

    05-01  ids 100, 101   onecms     full records
    05-02  id 102         metadata   date only, no authors
    05-03, 05-04          nothing    (the hole)
    05-05  id 110         generic    no captions, no tags
    05-06  ids 111, 112   onecms
    05-07  id 113         layout2018
    undated id 114        generic
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storage.archive import upsert_article
from storage.db import Database
from storage.runs import RunFigures, close_abandoned_runs, finish_run, record_progress, start_run
from tests.test_storage import make_page, make_record

ARTICLES: list[tuple[str, int, str | None, str, dict[str, Any]]] = [
    # (host, id, published_at, extractor, changes)
    ("baonghean.vn", 100, "2024-05-01T08:00:00+07:00", "onecms", {}),
    ("baonghean.vn", 101, "2024-05-01T23:30:00+07:00", "onecms", {}),
    ("baonghean.vn", 102, "2024-05-02", "metadata", {"authors": [], "byline": None}),
    ("baonghean.vn", 110, "2024-05-05T06:00:00+07:00", "generic", {"captions": [], "tags": []}),
    ("baonghean.vn", 111, "2024-05-06T06:00:00+07:00", "onecms", {}),
    ("baonghean.vn", 112, "2024-05-06T07:00:00+07:00", "onecms", {}),
    ("baonghean.vn", 113, "2024-05-07T07:00:00+07:00", "layout2018", {}),
    ("baonghean.vn", 114, None, "generic", {"dateline": None}),
    ("tin.example", 5, "2024-06-01T10:00:00+07:00", "generic", {"tags": []}),
]

RUNS: list[tuple[str, dict[str, Any], datetime, str | None, dict[str, int], dict[str, int]]] = [
    # (spider, args, started, finish reason (None: abandoned), errors, dropped)
    ("baonghean", {}, datetime(2024, 5, 1, 1, 0, tzinfo=UTC), "finished", {}, {"listing": 2}),
    ("baonghean", {}, datetime(2024, 5, 3, 1, 0, tzinfo=UTC), "shutdown",
     {"timeout": 3, "http-404": 1}, {}),
    ("baonghean", {}, datetime(2024, 5, 4, 1, 0, tzinfo=UTC), None, {"connection": 2}, {}),
    ("baonghean", {}, datetime(2024, 5, 6, 1, 0, tzinfo=UTC), "finished", {"http-404": 1},
     {"video": 1}),
    ("news", {"base_url": "https://tin.example"}, datetime(2024, 6, 1, 4, 0, tzinfo=UTC),
     "finished", {}, {}),
]


def article(host: str, number: int, published: str | None, extractor: str,
            changes: dict[str, Any]) -> dict[str, Any]:
    record = make_record(number, published_at=published, extractor=extractor, **changes)
    url = f"https://{host}/tin-so-{number}-{number}.html"
    record.update(url=url, canonical_url=url, site=host, article_id=str(number))
    return record


def build_report_archive(url: str) -> None:
    """Write the archive described above at *url*."""
    with Database.open(url) as db, db.session() as session, session.begin():
        for host, number, published, extractor, changes in ARTICLES:
            record = article(host, number, published, extractor, changes)
            upsert_article(session, record, make_page(record))
        for spider, args, started, reason, errors, dropped in RUNS:
            run_id = start_run(session, spider, args, started)
            figures = RunFigures(finish_reason=reason or "", pages_fetched=10, articles_new=3,
                                 errors=errors, dropped=dropped)
            if reason is None:
                record_progress(session, run_id, figures)
            else:
                finish_run(session, run_id, figures, started.replace(minute=30))
        close_abandoned_runs(session)
