"""Real-page part of ``bench/extraction.py``: the record users get, field by field.

The pages are ``shared/reference/real-pages/`` beside the checkout (15 pages of eight
Vietnamese papers with hand-made gold records, ``gold.json``). Printed:

* body F1 (the benchmark's shingle metric) of ``extract_page`` with and without site
  rules, of ``pipelines.generic`` alone and of trafilatura on the eight articles;
* for ``extract_page(..., site_rules=False)`` (the layer below site rules): articles
  accepted, home/section pages rejected, and each field's agreement with the gold
  (``published_at`` to the minute, body F1 >= 0.98, no ``must_not_contain`` leak);
* throughput of that path against trafilatura on the same pages (full-size pages of
  unknown layouts: the generic path's cost, not the site-layout one of part (b)).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from bench.extraction_speed import Page, pace
from pipelines.extract import NotAnArticle, extract_page
from pipelines.generic import extract_body
from pipelines.pagekind import parse_html

FIELDS = ("headline", "sapo", "published_at", "authors", "captions", "tags", "category")
MIN_BODY_F1 = 0.98
Scorer = Callable[[str, str], tuple[float, float, float]]
"""(true text, predicted text) -> (tp, fp, fn), :func:`bench.extraction.match`."""


def load(root: Path) -> tuple[dict[str, dict[str, Any]], dict[str, bytes]]:
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    return gold, {name: (root / name).read_bytes() for name in gold}


def record(body: bytes, url: str, site_rules: bool) -> dict[str, Any] | None:
    try:
        return extract_page(body, url, site_rules=site_rules)
    except NotAnArticle:
        return None


def bodies(gold: dict[str, Any], pages: dict[str, bytes]) -> dict[str, Callable[[str], str]]:
    """Body text per contender, by page name."""

    def ours(rules: bool) -> Callable[[str], str]:
        return lambda name: (record(pages[name], gold[name]["url"], rules) or {}).get("body", "")

    return {
        "extract_page (site rules on)": ours(True),
        "extract_page(site_rules=False)": ours(False),
        "pipelines.generic alone": lambda name: "\n\n".join(
            extract_body(parse_html(pages[name]), gold[name]["url"])
        ),
        "trafilatura.extract(bytes)": lambda name: trafilatura.extract(pages[name]) or "",
    }


def field_checks(gold: dict[str, Any], got: dict[str, Any], match: Scorer) -> dict[str, bool]:
    """Whether each field of a record agrees with its gold."""
    checks = {}
    for field in FIELDS:
        value, want = got[field], gold[field]
        if field == "published_at":
            value, want = (value or "")[:16], (want or "")[:16]
        if field == "captions":
            value = [caption["caption"] for caption in value]
        checks[field] = value == want
    tp, fp, fn = match("\n\n".join(gold["body"]), got["body"])
    checks["body"] = tp / (tp + (fp + fn) / 2) >= MIN_BODY_F1 if tp else False
    shown = [got["body"], got["sapo"] or "", *(c["caption"] for c in got["captions"])]
    checks["no leak"] = not any(s in t for s in gold["must_not_contain"] for t in shown)
    return checks


def report(root: Path, match: Scorer, compare: Callable[..., None], seconds: float) -> None:
    gold, pages = load(root)
    articles = [name for name in gold if gold[name]["is_article"]]
    print(f"\n(c) Real pages: {len(articles)} articles and {len(gold) - len(articles)} home or "
          f"section pages of {root}")  # fmt: skip
    contenders = bodies(gold, pages)
    compare(contenders, [(name, "\n\n".join(gold[name]["body"])) for name in articles])
    results = {name: record(pages[name], gold[name]["url"], False) for name in gold}
    accepted = sum(results[name] is not None for name in articles)
    rejected = sum(results[name] is None for name in gold if name not in articles)
    print(f"    site_rules=False: articles accepted {accepted}/{len(articles)}, home/section "
          f"pages rejected {rejected}/{len(gold) - len(articles)}")  # fmt: skip
    fields(gold, results, articles, match)
    speed(gold, pages, seconds)


def fields(
    gold: dict[str, Any], results: dict[str, Any], articles: list[str], match: Scorer
) -> None:
    totals: dict[str, int] = {}
    for name in articles:
        got = results[name]
        checks = field_checks(gold[name], got, match) if got else {}
        for field, ok in checks.items():
            totals[field] = totals.get(field, 0) + ok
            if not ok:
                print(f"      {name}: {field} differs from the gold")
    row = ", ".join(f"{field} {count}/{len(articles)}" for field, count in totals.items())
    print(f"    fields agreeing with the gold: {row}")


def speed(gold: dict[str, Any], pages: dict[str, bytes], seconds: float) -> None:
    sample = [Page(name, gold[name]["url"], body) for name, body in pages.items()]
    rates = pace(
        {
            "extract_page(site_rules=False)": lambda p: record(p.body, p.url, False),
            "trafilatura.extract(bytes)": lambda p: trafilatura.extract(p.body),
        },
        sample,
        seconds,
    )
    ours, theirs = rates.values()
    print(
        f"    throughput on these pages: extract_page(site_rules=False) {ours:.1f}/s, "
        f"trafilatura {theirs:.1f}/s: {ours / theirs:.1f}x"
    )
