"""The record's JSON Schema (``storage/schema/record.schema.json``) against real records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError

from pipelines.extract import NotAnArticle
from pipelines.record import RECORD_FIELDS
from storage.export import SCHEMA_PATH, main
from storage.provenance import PROVENANCE_FIELDS
from tests.pages import load_cases, run_case
from tests.test_search import build_fixture_archive, fixture_articles
from tests.test_storage import make_record


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_schema_lists_the_record_fields_in_order(validator: Draft202012Validator) -> None:
    schema = validator.schema
    assert tuple(schema["required"]) == RECORD_FIELDS
    assert tuple(schema["properties"]) == (*RECORD_FIELDS, *PROVENANCE_FIELDS, "version")
    assert schema["additionalProperties"] is False
    assert all(schema["properties"][name].get("description") for name in schema["properties"])


def test_exported_records_validate(validator: Draft202012Validator, tmp_path: Path) -> None:
    url = build_fixture_archive(tmp_path / "archive.db")
    for args in ([], ["--revisions"]):
        out = tmp_path / "out.jsonl"
        assert main(["--db", url, *args, "-o", str(out)]) == 0
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(lines) >= len({r["canonical_url"] for r, _ in fixture_articles()})
        for line in lines:
            validator.validate(line)
            assert line["fetched_at"] is not None


def test_every_extracted_fixture_page_validates(validator: Draft202012Validator) -> None:
    records = [run_case(case.directory) for case in load_cases()]
    articles = [r for r in records if not isinstance(r, NotAnArticle)]
    assert len(articles) >= 20
    for record in articles:
        validator.validate(record)


def broken(**changes: Any) -> dict[str, Any]:
    return make_record() | changes


@pytest.mark.parametrize(
    "record",
    [
        pytest.param({k: v for k, v in make_record().items() if k != "sapo"}, id="missing-field"),
        pytest.param(broken(extra="x"), id="unknown-field"),
        pytest.param(broken(headline=""), id="empty-headline"),
        pytest.param(broken(body="   "), id="blank-body"),
        pytest.param(broken(published_at="2017-09-22T17:30:00"), id="naive-published-at"),
        pytest.param(broken(published_at="22/09/2017"), id="dateline-as-published-at"),
        pytest.param(broken(fetched_at="2024-05-01T10:04:05+07:00"), id="fetched-at-not-utc"),
        pytest.param(broken(authors="Thành Chung"), id="authors-not-a-list"),
        pytest.param(broken(captions=[{"caption": "Ảnh", "image_url": None}]), id="caption-shape"),
        pytest.param(broken(url="baonghean.vn/x.html"), id="relative-url"),
        pytest.param(broken(article_id=10264871), id="article-id-number"),
        pytest.param(broken(version=0), id="version-zero"),
    ],
)
def test_malformed_records_fail(validator: Draft202012Validator, record: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        validator.validate(record)


def test_the_sample_record_itself_validates(validator: Draft202012Validator) -> None:
    validator.validate(make_record())
    validator.validate(make_record(published_at="2017-09-22", fetched_at=None) | {"version": 3})
