"""A crawl's feed export (``-O``) holds only records whose batch was committed."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from storage.db import Database
from storage.models import Article
from tests.test_storage import make_record
from tests.test_storage_pipeline import POISON, add_poison_trigger, run_crawl


def test_records_of_a_failed_batch_never_reach_the_feed(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    add_poison_trigger(db_url)
    records = [make_record(n) for n in range(8)]
    records[4] = make_record(4, canonical_url=POISON)
    log, feed = run_crawl(tmp_path, db_url, records)
    assert "storage error, stopping the crawl" in log
    exported = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]
    with Database.open(db_url, create=False) as db, db.session() as session:
        stored = session.scalars(select(Article.canonical_url).order_by(Article.id)).all()
    assert stored == [r["canonical_url"] for r in records[:4]]
    # in order, and nothing the archive does not hold; each with its provenance after it
    assert [{name: line[name] for name in record} for line, record in zip(
        exported, records, strict=False)] == records[:len(exported)]
    assert len(exported) == 4
    assert all(line["capture_source"] == "live" for line in exported)
