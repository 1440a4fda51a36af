"""Saved-page fixture cases: ``tests/fixtures/pages/<layout>/<case>/``.

Each case directory holds ``input.html`` (the page's exact bytes), ``meta.json``
(``{"url": ..., "headers": {...}}``, and ``"site_rules": false`` for a page that stands
for a layout no profile knows: it is read without site rules) and ``expected.json``: either the full
expected record (every field of :data:`pipelines.record.RECORD_FIELDS`, plus
optional ``body_contains`` / ``body_excludes`` snippet lists matched ignoring
whitespace) or ``{"not_article": "<reason>"}``. Any layout directory is loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.extract import NotAnArticle, extract_page

PAGES_DIR = Path(__file__).parent / "fixtures" / "pages"
SNIPPET_FIELDS = ("body_contains", "body_excludes")


@dataclass(frozen=True)
class PageCase:
    layout: str
    name: str
    directory: Path

    @property
    def id(self) -> str:
        return f"{self.layout}/{self.name}"

    @property
    def body(self) -> bytes:
        return (self.directory / "input.html").read_bytes()

    @property
    def meta(self) -> dict[str, Any]:
        return _read_json(self.directory / "meta.json")

    @property
    def expected(self) -> dict[str, Any]:
        return _read_json(self.directory / "expected.json")


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} must hold a JSON object"
    return data


def load_cases(layout: str | None = None) -> list[PageCase]:
    """Every case directory (with an ``input.html``), sorted; optionally one layout's."""
    pattern = f"{layout or '*'}/*/input.html"
    return [
        PageCase(layout=p.parent.parent.name, name=p.parent.name, directory=p.parent)
        for p in sorted(PAGES_DIR.glob(pattern))
    ]


@cache
def run_case(directory: Path) -> dict[str, Any] | NotAnArticle:
    """The record extracted from a case's page, or the NotAnArticle it raised."""
    case = PageCase(layout=directory.parent.name, name=directory.name, directory=directory)
    meta = case.meta
    try:
        return extract_page(case.body, meta["url"], meta.get("headers") or {},
                            site_rules=meta.get("site_rules", True))
    except NotAnArticle as error:
        return error


def crawled_case(directory: Path) -> dict[str, Any] | NotAnArticle:
    """The record a crawl extracts from a case's page (site rules on, whatever its
    ``meta.json`` says), or the NotAnArticle it raised."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    body = (directory / "input.html").read_bytes()
    try:
        return extract_page(body, meta["url"], meta.get("headers") or {})
    except NotAnArticle as error:
        return error


def squash_whitespace(text: str) -> str:
    """For snippet matching: all whitespace removed."""
    return "".join(text.split())
