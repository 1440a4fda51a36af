"""Every saved page against its expected record: one test per (case, field)."""

from __future__ import annotations

import pytest

from pipelines.extract import NotAnArticle
from pipelines.pagekind import REASONS
from pipelines.record import RECORD_FIELDS
from tests.pages import PageCase, load_cases, run_case, squash_whitespace

CASES = load_cases()


def _checks(case: PageCase) -> list[str]:
    expected = case.expected
    if "not_article" in expected:
        return ["not_article"]
    extra = [name for name in ("body_contains", "body_excludes") if name in expected]
    return ["complete", *RECORD_FIELDS, *extra]


PARAMS = [
    pytest.param(case, check, id=f"{case.id}::{check}") for case in CASES for check in _checks(case)
]


def _occurs(snippet: str, text: str, squashed: str) -> bool:
    """Whitespace-insensitive match; a snippet that is only spaces is looked for as is."""
    key = squash_whitespace(snippet)
    return key in squashed if key else snippet in text


def test_there_are_cases() -> None:
    assert len(CASES) >= 16


@pytest.mark.parametrize(("case", "check"), PARAMS)
def test_page_field(case: PageCase, check: str) -> None:
    expected = case.expected
    result = run_case(case.directory)
    if check == "not_article":
        assert expected["not_article"] in REASONS
        assert isinstance(result, NotAnArticle), f"extracted a record: {result}"
        assert result.reason == expected["not_article"]
        return
    assert not isinstance(result, NotAnArticle), f"rejected: {result}"
    if check == "complete":
        missing = [name for name in RECORD_FIELDS if name not in expected]
        assert not missing, f"expected.json lacks {missing}"
        assert list(result) == list(RECORD_FIELDS)
    elif check == "body_contains":
        body = squash_whitespace(result["body"])
        missing = [s for s in expected[check] if squash_whitespace(s) not in body]
        assert not missing
    elif check == "body_excludes":
        body = squash_whitespace(result["body"])
        leaked = [s for s in expected[check] if _occurs(s, result["body"], body)]
        assert not leaked
    else:
        assert result[check] == expected[check]
