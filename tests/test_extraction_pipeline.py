from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage
from pipelines.extraction_pipeline import ExtractionPipeline
from pipelines.validation import ValidationPipeline, problem
from tests.pages import PAGES_DIR

FETCHED_AT = datetime(2024, 11, 28, 1, 2, 3, 456789, tzinfo=UTC)


def fetched(case: str, *, url: str | None = None) -> FetchedPage:
    directory = PAGES_DIR / case
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    return FetchedPage(
        url=url or meta["url"],
        final_url=meta["url"],
        status=200,
        headers=meta["headers"],
        body=(directory / "input.html").read_bytes(),
        fetched_at=FETCHED_AT,
        discovered_via="sitemap",
    )


def expected(case: str) -> dict[str, Any]:
    data = json.loads((PAGES_DIR / case / "expected.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def crawler() -> Any:
    return get_crawler()


def test_sets_the_record_with_fetch_time_and_requested_url(crawler: Any) -> None:
    pipeline = ExtractionPipeline.from_crawler(crawler)
    page = fetched("onecms/quy-che-phoi-hop", url="https://baonghean.vn/requested-10285431.html")
    assert pipeline.process_item(page) is page
    assert page.record is not None
    want = expected("onecms/quy-che-phoi-hop")
    assert page.record["url"] == "https://baonghean.vn/requested-10285431.html"
    assert page.record["fetched_at"] == "2024-11-28T01:02:03+00:00"
    assert page.record["headline"] == want["headline"]
    assert page.record["body"] == want["body"]
    assert crawler.stats.get_value("archive/extracted/onecms") == 1


def test_not_an_article_is_dropped_counted_and_logged(
    crawler: Any, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = ExtractionPipeline.from_crawler(crawler)
    page = fetched("special/video-page")
    with (
        caplog.at_level(logging.INFO, logger="pipelines.extraction_pipeline"),
        pytest.raises(DropItem) as dropped,
    ):
        pipeline.process_item(page)
    assert dropped.value.log_level == "DEBUG"  # our INFO line is the one line per drop
    assert crawler.stats.get_value("archive/dropped/video") == 1
    assert page.record is None
    lines = [r.getMessage() for r in caplog.records if r.name == "pipelines.extraction_pipeline"]
    assert len(lines) == 1 and page.url in lines[0] and "video" in lines[0]


def test_other_items_pass_through_untouched(crawler: Any) -> None:
    item = {"a": 1}
    assert ExtractionPipeline.from_crawler(crawler).process_item(item) is item
    assert ValidationPipeline.from_crawler(crawler).process_item(item) is item


def valid_record() -> dict[str, Any]:
    record = {
        k: v for k, v in expected("onecms/quy-che-phoi-hop").items() if not k.startswith("body_")
    }
    record["fetched_at"] = "2024-11-28T01:02:03+00:00"
    return record


def test_a_valid_record_passes(crawler: Any) -> None:
    page = fetched("onecms/quy-che-phoi-hop")
    page.record = valid_record()
    assert ValidationPipeline.from_crawler(crawler).process_item(page) is page
    assert problem(valid_record()) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"headline": ""}, "invalid-headline"),
        ({"headline": None}, "invalid-headline"),
        ({"body": "   "}, "invalid-body"),
        ({"authors": "Thanh Lê"}, "invalid-authors"),
        ({"tags": [1, 2]}, "invalid-tags"),
        ({"captions": [{"caption": "x"}]}, "invalid-captions"),
        ({"captions": [{"caption": "x", "image_url": None, "credit": 5}]}, "invalid-captions"),
        ({"captions": [{"caption": "x", "image_url": None, "credit": None, "alt": ""}]},
         "invalid-captions"),
        ({"captions": ({"caption": "x", "image_url": None, "credit": None},)},
         "invalid-captions"),
        ({"sapo": 3}, "invalid-sapo"),
        ({"article_id": 10285431}, "invalid-article_id"),
        ({"published_at": "hôm qua"}, "invalid-published_at"),
        ({"published_at": "2024-11-29T09:00:00+07:00"}, "date-in-future"),
        ({"published_at": "2024-12-01"}, "date-in-future"),
        ({"unexpected": 1}, "invalid-fields"),
    ],
)
def test_invalid_records_are_dropped_with_a_stat(
    crawler: Any, change: dict[str, Any], reason: str
) -> None:
    page = fetched("onecms/quy-che-phoi-hop")
    page.record = valid_record() | change
    with pytest.raises(DropItem):
        ValidationPipeline.from_crawler(crawler).process_item(page)
    assert crawler.stats.get_value(f"archive/dropped/{reason}") == 1


def test_missing_field_is_invalid() -> None:
    record = valid_record()
    del record["language"]
    assert problem(record) == "invalid-language"


def test_less_than_a_day_ahead_is_tolerated() -> None:
    record = valid_record() | {"published_at": "2024-11-29T07:00:00+07:00"}
    assert problem(record) is None


def test_without_fetch_time_the_clock_is_the_reference() -> None:
    record = copy.deepcopy(valid_record()) | {"fetched_at": None}
    now = datetime(2024, 11, 28, tzinfo=UTC)
    assert problem(record, now=now) is None
    assert problem(record, now=now - timedelta(days=3)) == "date-in-future"


def test_every_fixture_record_is_valid() -> None:
    from tests.pages import load_cases, run_case

    for case in load_cases():
        result = run_case(case.directory)
        if isinstance(result, dict):
            assert problem(result, now=datetime(2030, 1, 1, tzinfo=UTC)) is None, case.id
