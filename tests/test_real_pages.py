"""Real pages of eight Vietnamese papers, read without site rules, against their gold.

The pages and ``gold.json`` live in ``shared/reference/real-pages/`` beside the checkout
(``ARCHIVE_SHARED_DIR`` names another ``shared`` directory); they are never copied into
the repository. Each article must be accepted and every field must match its gold
(``published_at`` to the minute, body token F1 >= 0.98, no ``must_not_contain`` string
in body, captions or sapo); each home or section page must be rejected.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from bench.extraction import match, scores
from pipelines.extract import NotAnArticle, extract_page
from tests.realpages import REAL_PAGES, needs_real_pages

needs_pages = needs_real_pages
MIN_BODY_F1 = 0.98
FIELDS = ("headline", "sapo", "published_at", "authors", "captions", "tags", "category")


def _gold() -> dict[str, dict[str, Any]]:
    path = REAL_PAGES / "gold.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


GOLD = _gold()
ARTICLES = sorted(name for name, gold in GOLD.items() if gold["is_article"])
OTHERS = sorted(name for name, gold in GOLD.items() if not gold["is_article"])


@cache
def _extract(name: str) -> dict[str, Any] | NotAnArticle:
    try:
        return extract_page((REAL_PAGES / name).read_bytes(), GOLD[name]["url"], site_rules=False)
    except NotAnArticle as error:
        return error


def _record(name: str) -> dict[str, Any]:
    result = _extract(name)
    assert not isinstance(result, NotAnArticle), f"rejected: {result}"
    return result


def _value(record: dict[str, Any], field: str) -> Any:
    if field == "published_at":
        return (record[field] or "")[:16]  # to the minute
    if field == "captions":
        return [caption["caption"] for caption in record[field]]
    return record[field]


@needs_pages
def test_the_gold_has_both_kinds() -> None:
    assert len(ARTICLES) >= 8 and len(OTHERS) >= 7


@needs_pages
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", ARTICLES)
def test_article_field(name: str, field: str) -> None:
    gold = GOLD[name]
    expected = gold[field][:16] if field == "published_at" else gold[field]
    assert _value(_record(name), field) == expected


@needs_pages
@pytest.mark.parametrize("name", ARTICLES)
def test_article_body(name: str) -> None:
    f1, precision, recall = scores([match("\n\n".join(GOLD[name]["body"]), _record(name)["body"])])
    assert f1 >= MIN_BODY_F1, (f1, precision, recall)


@needs_pages
@pytest.mark.parametrize("name", ARTICLES)
def test_article_leaks_nothing(name: str) -> None:
    record = _record(name)
    shown = [record["body"], record["sapo"] or "", *(c["caption"] for c in record["captions"])]
    leaked = [text for text in GOLD[name]["must_not_contain"] if any(text in s for s in shown)]
    assert not leaked


@needs_pages
@pytest.mark.parametrize("name", OTHERS)
def test_home_and_section_pages_are_rejected(name: str) -> None:
    result = _extract(name)
    assert isinstance(result, NotAnArticle), f"extracted a record: {result}"
    assert result.reason == "listing"
