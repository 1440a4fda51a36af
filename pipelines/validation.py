"""Item pipeline: drop records that are not fit for the archive.

A record needs a headline and a body, a ``published_at`` no more than a day
after it was fetched, and every field of :class:`pipelines.record.ArticleRecord`
with the declared type (ISO strings for dates). A dropped record counts under
``archive/dropped/invalid-<field>`` (``archive/dropped/date-in-future`` for a date
in the future) and is logged once as a warning. A record whose printed dateline
could not be read is kept (without ``published_at``), logged and counted under
``archive/errors/unparseable-date``.
"""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.items import FetchedPage
from pipelines.dates import parse_iso
from pipelines.record import RECORD_FIELDS, ArticleRecord, Caption

logger = logging.getLogger(__name__)

FUTURE_TOLERANCE = timedelta(days=1)
RECORD_TYPES: dict[str, Any] = typing.get_type_hints(ArticleRecord)
CAPTION_TYPES: dict[str, Any] = typing.get_type_hints(Caption)
DATE_FIELDS = ("published_at", "updated_at", "fetched_at")
UNPARSEABLE_DATE_STAT = "archive/errors/unparseable-date"
"""A record kept with a dateline but no published_at (the printed date could not be read)."""


def problem(record: Mapping[str, Any], now: datetime | None = None) -> str | None:
    """Why a record is unfit ("invalid-headline", "date-in-future"...), or None if fine."""
    for name, fits in RECORD_CHECKS.items():
        if name not in record or not fits(record[name]):
            return f"invalid-{name}"
    if set(record) - set(RECORD_FIELDS):
        return "invalid-fields"
    for name in ("headline", "body", "url", "site"):
        if not record[name].strip():
            return f"invalid-{name}"
    for name in DATE_FIELDS:
        if record[name] is not None and parse_iso(record[name]) is None:
            return f"invalid-{name}"
    fetched = parse_iso(record["fetched_at"]) if record["fetched_at"] else None
    reference = fetched if isinstance(fetched, datetime) else now or datetime.now(UTC)
    published = parse_iso(record["published_at"]) if record["published_at"] else None
    if published is not None and _later_than(published, reference + FUTURE_TOLERANCE):
        return "date-in-future"
    return None


def _later_than(value: datetime | date, limit: datetime) -> bool:
    if isinstance(value, datetime):
        return value > limit
    return value > limit.date()


def type_check(expected: Any) -> Callable[[Any], bool]:
    """A test for values fitting the annotation (str, X | None, list[X], a TypedDict), built
    once per annotation: every stored record is checked against every field."""
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        arms = [type_check(arm) for arm in typing.get_args(expected)]
        return lambda value: any(arm(value) for arm in arms)
    if expected is type(None):
        return lambda value: value is None
    if origin is list:
        (inner,) = typing.get_args(expected)
        each = type_check(inner)
        return lambda value: isinstance(value, list) and all(each(v) for v in value)
    if expected is Caption:
        fields = {name: type_check(kind) for name, kind in CAPTION_TYPES.items()}
        return lambda value: (isinstance(value, dict) and value.keys() == fields.keys()
                              and all(check(value[k]) for k, check in fields.items()))
    return lambda value: isinstance(value, expected)


RECORD_CHECKS = {name: type_check(RECORD_TYPES[name]) for name in RECORD_FIELDS}


class ValidationPipeline:
    """Drops a :class:`FetchedPage` whose record fails :func:`problem`."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage) or item.failure is not None:
            return item  # a page extraction failed on goes on to be kept raw
        reason = "invalid-record" if item.record is None else problem(item.record)
        if reason is None:
            self._check_date(item.url, item.record or {})
            return item
        self.stats.inc_value(f"archive/dropped/{reason}")
        item.drop_reason = reason
        logger.warning("dropped %s: %s", item.url, reason)
        raise DropItem(f"invalid record ({reason}): {item.url}", log_level="DEBUG")

    def _check_date(self, url: str, record: Mapping[str, Any]) -> None:
        """A printed date that could not be read: kept, but counted and logged."""
        if record.get("dateline") and record.get("published_at") is None:
            self.stats.inc_value(UNPARSEABLE_DATE_STAT)
            logger.warning("unparseable date %r on %s: stored without published_at",
                           record["dateline"], url)
