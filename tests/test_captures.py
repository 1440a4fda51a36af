"""Web-archive captures in the archive: provenance, revisions from older captures, no
duplicates, and the captures a backfill skips (storage.captures, storage.batch)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.archive import iter_records, iter_versions, prepare_article
from storage.batch import store_articles
from storage.captures import PAST_REASON, DroppedCapture, known_captures, record_dropped
from storage.db import Database
from storage.models import ArticleRevision, Capture, Page
from storage.provenance import Provenance
from tests.test_storage import make_record

T2017 = datetime(2017, 9, 23, 1, 0, tzinfo=UTC)


@dataclass(kw_only=True)
class Captured:
    """A FetchedPage-like raw page from a web archive."""

    url: str
    final_url: str
    body: bytes
    fetched_at: datetime
    status: int = 200
    headers: dict[str, str] | None = None
    capture_source: str = "wayback"
    capture_url: str | None = None
    capture_digest: str | None = None


def capture(when: datetime, **changes: Any) -> Any:
    record = make_record(1, fetched_at=when.isoformat(), **changes)
    stamp = when.strftime("%Y%m%d%H%M%S")
    page = Captured(url=record["url"], final_url=record["url"], body=record["body"].encode(),
                    fetched_at=when, headers={"content-type": "text/html"},
                    capture_url=f"https://web.archive.org/web/{stamp}id_/{record['url']}",
                    capture_digest=stamp)
    return prepare_article(record, page, reason=PAST_REASON)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Any:
    with Database.open(f"sqlite:///{tmp_path / 'a.db'}") as database:
        yield database


def store(db: Database, *versions: Any) -> list[str]:
    with db.session() as session, session.begin():
        return list(store_articles(session, list(versions)))


def test_older_capture_with_other_content_is_a_revision_not_the_current(db: Database) -> None:
    newer = capture(T2017 + timedelta(days=400), extractor="layout2018", body="Bản 2018.")
    older = capture(T2017, extractor="layout2017", body="Bản 2017.")
    assert store(db, newer) == ["new"]
    assert store(db, older) == ["updated"]
    assert store(db, older) == ["unchanged"]  # never a duplicate
    with db.session() as session:
        [current] = list(iter_records(session))
        versions = list(iter_versions(session))
        revisions = session.scalars(select(ArticleRevision)).all()
    assert current["extractor"] == "layout2018"
    assert current["fetched_at"] == (T2017 + timedelta(days=400)).isoformat()
    assert current["capture_source"] == "wayback" and "id_/" in current["capture_url"]
    assert [r.reason for r in revisions] == [PAST_REASON]
    assert [v["extractor"] for v in versions] == ["layout2017", "layout2018"]
    assert versions[0]["capture_url"] == older.page.capture_url


def test_same_content_captured_again_only_moves_the_seen_times(db: Database) -> None:
    first = capture(T2017)
    later = capture(T2017 + timedelta(days=30))
    earlier = capture(T2017 - timedelta(days=30))
    assert store(db, first) == ["new"]
    assert store(db, later, earlier) == ["unchanged", "unchanged"]
    with db.session() as session:
        [record] = list(iter_records(session))
        pages = session.scalars(select(Page)).all()
        listed = session.scalars(select(Capture.capture_url)).all()
    assert record["fetched_at"] == later.record["fetched_at"]
    assert record["capture_url"] == later.page.capture_url
    assert len(pages) == 1
    assert sorted(listed) == sorted(v.page.capture_url for v in (first, later, earlier))


def test_known_captures_are_those_stored(db: Database) -> None:
    stored = capture(T2017)
    store(db, stored)
    with db.session() as session:
        assert known_captures(session, [stored.page.capture_url, "http://other"]) == {
            stored.page.capture_url: "stored"}


def test_live_pages_are_live_and_not_listed(db: Database) -> None:
    live = capture(T2017)
    live = replace(live, page=replace(live.page, capture_source="live", capture_url=None))
    store(db, live)
    with db.session() as session:
        [record] = list(iter_records(session))
        assert session.scalars(select(Capture)).all() == []
    assert (record["capture_source"], record["capture_url"]) == ("live", None)
    assert record["ingested_at"] is not None


def test_unknown_capture_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown capture source"):
        Provenance.of(Captured(url="u", final_url="u", body=b"", fetched_at=T2017,
                               capture_source="ftp"))


def revisions_by_version(db: Database) -> list[tuple[int, int]]:
    """(version, year fetched) of every version of the one article, the current last."""
    with db.session() as session:
        versions = [(v.version, v.fetched_at.year) for v in session.scalars(
            select(ArticleRevision).order_by(ArticleRevision.version))]
        [current] = list(iter_records(session))
    return [*versions, (len(versions) + 1, datetime.fromisoformat(current["fetched_at"]).year)]


@pytest.mark.parametrize("years", [(2022, 2015, 2018), (2022, 2018, 2015), (2018, 2022, 2015),
                                   (2015, 2022, 2018)])
def test_version_numbers_follow_capture_time_whatever_the_order(db: Database,
                                                                years: tuple[int, ...]) -> None:
    for year in years:
        store(db, capture(T2017.replace(year=year), body=f"Bản {year}."))
    assert revisions_by_version(db) == [(1, 2015), (2, 2018), (3, 2022)]
    with db.session() as session:
        [current] = list(iter_records(session))
        assert current["body"] == "Bản 2022."


def test_version_numbers_follow_capture_time_within_one_batch(db: Database) -> None:
    store(db, *(capture(T2017.replace(year=year), body=f"Bản {year}.")
                for year in (2022, 2018, 2015, 2020)))
    assert revisions_by_version(db) == [(1, 2015), (2, 2018), (3, 2020), (4, 2022)]


def dropped(url: str, outcome: str) -> DroppedCapture:
    return DroppedCapture(capture_url=url, source="commoncrawl", url="https://baonghean.vn/a.html",
                          digest=None, captured_at=T2017, outcome=outcome)


def test_dropped_captures_are_known_with_their_outcome(db: Database) -> None:
    stored = capture(T2017)
    with db.session() as session, session.begin():
        assert record_dropped(session, [dropped("cc#1", "warc-truncated"),
                                        dropped("cc#2", "listing")]) == 2
    store(db, stored)
    with db.session() as session:
        assert known_captures(session, ["cc#1", "cc#2", stored.page.capture_url]) == {
            "cc#1": "warc-truncated", "cc#2": "listing", stored.page.capture_url: "stored"}


def test_a_capture_checked_again_takes_its_new_outcome(db: Database) -> None:
    again = capture(T2017)
    with db.session() as session, session.begin():
        record_dropped(session, [dropped(again.page.capture_url, "extract-failed"),
                                 dropped("cc#1", "not-html")])
    assert store(db, again) == ["new"]
    with db.session() as session, session.begin():
        assert record_dropped(session, [dropped("cc#1", "warc-unreadable")]) == 0
    with db.session() as session:
        assert known_captures(session, [again.page.capture_url, "cc#1"]) == {
            again.page.capture_url: "stored", "cc#1": "warc-unreadable"}
        assert len(session.scalars(select(Capture)).all()) == 2
