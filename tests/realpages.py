"""The real saved pages of Vietnamese papers in ``../shared/reference/real-pages/``.

They sit beside the checkout (never copied into the repository: the text belongs to
the publishers), each with a careful gold record in ``gold.json``. Helpers here load
them and compare a record with its gold the way the pages' README defines it.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest


def _find_shared() -> Path:
    """``shared/`` beside the checkout (as CI lays it), or beside one of its parents (a
    worktree in ``wt/<name>`` beside the main checkout); ``ARCHIVE_SHARED_DIR`` names
    another."""
    if named := os.environ.get("ARCHIVE_SHARED_DIR"):
        return Path(named)
    checkout = Path(__file__).resolve().parents[1]
    for parent in checkout.parents:
        if (parent / "shared" / "reference").is_dir():
            return parent / "shared"
    return checkout.parent / "shared"


SHARED = _find_shared()
REAL_PAGES = SHARED / "reference" / "real-pages"
BENCHMARK = SHARED / "benchmarks" / "article-extraction-benchmark"


def _needs(path: Path, what: str) -> pytest.MarkDecorator:
    """Skip when ``path`` is missing on a developer's machine; under ``CI=true`` the tests
    run, and fail, instead (CI always lays shared/ beside the checkout)."""
    missing = not path.exists() and os.environ.get("CI") != "true"
    return pytest.mark.skipif(missing, reason=f"{what} not present at {path}")


needs_real_pages = _needs(REAL_PAGES / "gold.json", "the shared real pages")
needs_benchmark = _needs(BENCHMARK, "the article-extraction-benchmark")
COMPARED = ("headline", "sapo", "byline", "authors", "tags", "category")
"""Fields compared exactly (``published_at`` to the minute, captions by text, body by F1)."""
BODY_F1 = 0.98
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RealPage:
    file: str
    gold: dict[str, Any]

    @property
    def id(self) -> str:
        return self.file.removesuffix(".html")

    @property
    def site(self) -> str:
        return self.file.rsplit("-", 1)[0]

    @property
    def url(self) -> str:
        return str(self.gold["url"])

    @property
    def body(self) -> bytes:
        return (REAL_PAGES / self.file).read_bytes()

    @property
    def is_article(self) -> bool:
        return bool(self.gold.get("is_article"))


@cache
def real_pages() -> tuple[RealPage, ...]:
    """Every saved page with its gold, in file order (empty when shared/ is missing)."""
    gold_file = REAL_PAGES / "gold.json"
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    return tuple(RealPage(name, gold[name]) for name in sorted(gold))


def articles() -> list[RealPage]:
    return [page for page in real_pages() if page.is_article]


def non_articles() -> list[RealPage]:
    return [page for page in real_pages() if not page.is_article]


def body_f1(got: str, want: str) -> float:
    """Token F1 of two texts (lower-cased words)."""
    got_words, want_words = Counter(WORD.findall(got.lower())), Counter(WORD.findall(want.lower()))
    common = sum((got_words & want_words).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got_words.values()), common / sum(want_words.values())
    return 2 * precision * recall / (precision + recall)


def differences(record: dict[str, Any], gold: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Field -> (got, wanted) for every field where the record misses its gold."""
    found: dict[str, tuple[Any, Any]] = {}
    for name in COMPARED:
        if record.get(name) != gold.get(name):
            found[name] = (record.get(name), gold.get(name))
    published, wanted = record.get("published_at") or "", gold.get("published_at") or ""
    if published[:16] != wanted[:16] or (wanted and published[16:] and published[-6:] != "+07:00"):
        found["published_at"] = (published, wanted)
    captions = [caption["caption"] for caption in record.get("captions", [])]
    if captions != gold.get("captions", []):
        found["captions"] = (captions, gold.get("captions"))
    score = body_f1(record.get("body", ""), "\n".join(gold.get("body", [])))
    if score < BODY_F1:
        found["body"] = (round(score, 3), BODY_F1)
    return found


def leaks(record: dict[str, Any], gold: dict[str, Any]) -> list[str]:
    """The gold's ``must_not_contain`` strings found in body, captions or sapo."""
    places = [record.get("body") or "", record.get("sapo") or ""]
    places += [caption["caption"] for caption in record.get("captions", [])]
    return [text for text in gold.get("must_not_contain", []) if any(text in p for p in places)]
