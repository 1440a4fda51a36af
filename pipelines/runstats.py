"""A crawl's figures for its ``crawl_runs`` row, from the Scrapy stats and the storage
outcomes; and the short texts the storage pipeline logs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy import Spider

from storage.runs import RunFigures

DROPPED_PREFIX = "archive/dropped/"
SKIPPED_KNOWN = "archive/skipped/known"
"""Stat the spider counts: discovered articles not fetched because the archive has them."""
SKIPPED_KNOWN_FAILED = "archive/skipped/known_failed"
"""Stat a backfill counts: captures not fetched because an earlier run dropped them for good
(``-a recheck=failed`` fetches them again)."""
_ERROR_PREFIXES = {
    "archive/errors/": "",
    "spider_exceptions/": "spider/",
}
"""Stats copied into the run record's errors. Final fetch failures are already counted by kind
under ``archive/errors/`` (crawler/middlewares.py), so Scrapy's raw per-response and
per-exception counters (which include attempts that a retry later mended) are left out."""


def run_figures(stats: Mapping[str, Any], reason: str, counts: Mapping[str, int]) -> RunFigures:
    """A crawl's figures from its Scrapy stats and the storage outcome counts."""
    dropped = {
        key.removeprefix(DROPPED_PREFIX): int(value)
        for key, value in stats.items()
        if key.startswith(DROPPED_PREFIX)
    }
    return RunFigures(
        finish_reason=reason,
        pages_fetched=int(stats.get("response_received_count", 0)),
        articles_new=counts.get("new", 0),
        articles_updated=counts.get("updated", 0),
        articles_unchanged=counts.get("unchanged", 0),
        skipped_known=int(stats.get(SKIPPED_KNOWN, 0)),
        dropped=dropped,
        errors=error_counts(stats),
    )


def error_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, int] = {}
    for key, value in stats.items():
        for prefix, label in _ERROR_PREFIXES.items():
            if key.startswith(prefix) and key != "spider_exceptions/count":
                kind = key.removeprefix(prefix).rsplit(".", 1)[-1]
                errors[label + kind] = errors.get(label + kind, 0) + int(value)
    return errors


def database_says(exc: Exception) -> str:
    """The database's own words ("database is locked", "database or disk is full")."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def spider_args(spider: Spider | None) -> dict[str, Any]:
    """The spider's ``-a`` arguments: its ``arguments`` dict if it keeps one, else its
    plain public instance attributes."""
    if spider is None:
        return {}
    arguments = getattr(spider, "arguments", None)
    if isinstance(arguments, dict):
        return dict(arguments)
    return {
        key: value
        for key, value in vars(spider).items()
        if not key.startswith("_") and isinstance(value, str | int | float | bool)
    }
