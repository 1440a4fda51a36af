"""Spider arguments (``-a NAME=VALUE``) and the archiver's settings (``-s NAME=VALUE``):
parsed and checked once, before the crawl starts."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipelines.dates import VN_TZ  # command-line dates are days in Vietnamese time
from pipelines.urls import DEFAULT_PORTS, canonicalize, resolve, urlsplit

ARGUMENTS = ("base_url", "since", "until", "url", "limit", "backfill", "archive", "crawl",
             "recheck")
ARCHIVES = ("wayback", "commoncrawl")
"""Values of ``-a archive=``: backfill from a web archive instead of the live site."""
CC_CRAWL = re.compile(r"CC-MAIN-\d{4}-\d{2}")
"""A Common Crawl crawl id (``CC-MAIN-2024-33``)."""
RECHECKS = ("failed",)
"""Values of ``-a recheck=``: fetch again the captures an earlier backfill dropped for good."""
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True, kw_only=True)
class CrawlOptions:
    """What one crawl is asked to do."""

    base_url: str
    """Origin of the site (``scheme://host[:port]``); every crawled URL is built from it."""
    since: date | None = None
    """Skip sitemap and feed entries dated before this day (when the date is known)."""
    until: date | None = None
    """Skip sitemap and feed entries dated after this day (when the date is known)."""
    url: str | None = None
    """Fetch exactly this one page and nothing else."""
    limit: int | None = None
    """Stop after this many article pages."""
    backfill: bool = False
    """Go deep: follow listing pages and sitemaps even where everything is already archived."""
    archive: str | None = None
    """Read the site's past from this web archive (:data:`ARCHIVES`) instead of the site."""
    crawl: str | None = None
    """The Common Crawl crawl to read (``CC-MAIN-YYYY-WW``); None: the newest."""
    recheck: str | None = None
    """"failed": a backfill fetches again the captures an earlier one dropped for good (a
    bad record, not an article, failed extraction), as after extraction improved."""

    @classmethod
    def parse(cls, args: dict[str, str | None], default_base_url: str) -> CrawlOptions:
        """Check raw string arguments; a bad one raises ``ValueError`` with a one-line message."""
        unknown = sorted(set(args) - set(ARGUMENTS))
        if unknown:
            raise ValueError(
                f"unknown argument {unknown[0]!r} (expected: {', '.join(ARGUMENTS)})"
            )
        url = _page_url(args.get("url"))
        default = _origin(url) if url and not args.get("base_url") else default_base_url
        base_url = _base_url(args.get("base_url") or default)
        if url:
            url = resolve(url, url, base_url)
            if url is None:
                raise ValueError(f"url: {args.get('url')!r} is not on base_url {base_url!r}")
        since = _day("since", args.get("since"))
        until = _day("until", args.get("until"))
        if since and until and since > until:
            raise ValueError(f"since ({since}) is after until ({until})")
        archive, crawl = _archive(args.get("archive"), args.get("crawl"))
        return cls(base_url=base_url, since=since, until=until, url=url,
                   limit=_limit(args.get("limit")),
                   backfill=_flag("backfill", args.get("backfill")),
                   archive=archive, crawl=crawl, recheck=_recheck(args.get("recheck"), archive))

    def in_range(self, when: datetime | None) -> bool:
        """False only when ``when`` is known and its Vietnamese day is outside since..until."""
        if when is None:
            return True
        day = when.astimezone(VN_TZ).date()
        return not ((self.since and day < self.since) or (self.until and day > self.until))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    valid = parts.scheme.lower() in DEFAULT_PORTS and parts.hostname
    if not valid or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"base_url: expected http(s)://host[:port], got {value!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError(f"base_url: bad port in {value!r}") from None
    return canonicalize(_origin(value.strip())).rstrip("/")


def _page_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"url: expected an absolute http(s) URL, got {value!r}")
    return canonicalize(value)


def _day(name: str, value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from None


def _limit(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 1:
        raise ValueError(f"limit: expected a positive whole number, got {value!r}")
    return limit


def _flag(name: str, value: str | None) -> bool:
    lowered = (value or "").strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise ValueError(f"{name}: expected 1 or 0, got {value!r}")


NUMBER_SETTINGS: dict[str, tuple[type[int] | type[float], float, float]] = {
    "ARCHIVE_BATCH_SIZE": (int, 1, 100_000),
    "ARCHIVE_BATCH_SECONDS": (float, 0.001, 86_400),
    "ARCHIVE_EXTRACT_WORKERS": (int, 0, 64),
    "ARCHIVE_MAX_RETRY_AFTER": (float, 0, 86_400),
    "ARCHIVE_MAX_LISTING_PAGES": (int, 0, 1_000_000),
    "ARCHIVE_REFRESH_HOURS": (float, 0, 24 * 366 * 100),
    "ARCHIVE_SHARED_DELAY": (float, 0, 86_400),
    "ARCHIVE_WORKER_TTL": (float, 1, 86_400),
}
"""Numeric settings of the archiver: (type, least, most)."""
SCRAPY_NUMBER_SETTINGS: dict[str, tuple[type[int] | type[float], float, float]] = {
    "DOWNLOAD_DELAY": (float, 0, 86_400),
    "DOWNLOAD_TIMEOUT": (float, 0, 86_400),
    "DNS_TIMEOUT": (float, 0, 86_400),
    "DOWNLOAD_MAXSIZE": (int, 0, 2**40),
    "DOWNLOAD_WARNSIZE": (int, 0, 2**40),
    "CONCURRENT_REQUESTS": (int, 1, 10_000),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (int, 1, 10_000),
    "RETRY_TIMES": (int, 0, 1_000),
    "CLOSESPIDER_TIMEOUT": (float, 0, 10**9),
    "CLOSESPIDER_ITEMCOUNT": (int, 0, 10**12),
    "CLOSESPIDER_PAGECOUNT": (int, 0, 10**12),
}
"""Scrapy's numeric settings a scheduled crawl commonly sets, checked the same way."""
CHOICE_SETTINGS = {
    "ARCHIVE_SQLITE_SYNCHRONOUS": ("OFF", "NORMAL", "FULL", "EXTRA"),
    "ARCHIVE_SCHEDULER": ("local", "redis"),
}
_WHOLE = re.compile(r"[+-]?\d{1,18}")


def check_settings(settings: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` (a one-line message) for an ``ARCHIVE_*`` setting out of its
    type or bounds (:data:`NUMBER_SETTINGS`; ``ARCHIVE_INCREMENTAL`` a flag), before any
    component is built from it. None leaves a setting at its default."""
    for name, (kind, low, high) in (NUMBER_SETTINGS | SCRAPY_NUMBER_SETTINGS).items():
        value = settings.get(name)
        if value is not None and value != "":
            _number(name, value, kind, low, high)
    for name, choices in CHOICE_SETTINGS.items():
        value = settings.get(name)
        if value is not None and str(value).lower() not in (c.lower() for c in choices):
            raise ValueError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    incremental = settings.get("ARCHIVE_INCREMENTAL")
    if not isinstance(incremental, bool | None):
        text = str(incremental).strip().lower()
        if text not in _TRUE + _FALSE + ("none",):
            raise ValueError(f"ARCHIVE_INCREMENTAL: expected 1 or 0, got {incremental!r}")


def _number(name: str, value: Any, kind: type[int] | type[float], low: float, high: float
            ) -> float:
    text = str(value).strip()
    number: float | None = None
    if isinstance(value, bool):
        number = None
    elif kind is int and _WHOLE.fullmatch(text):
        number = int(text)
    elif kind is float:
        with contextlib.suppress(ValueError):
            number = float(text)
    if number is None or not low <= number <= high:  # NaN is refused here too
        what = (f"a whole number from {int(low):,} to {int(high):,}" if kind is int
                else f"a number from {low:g} to {high:,g}")
        raise ValueError(f"{name}: expected {what}, got {value!r}")
    return number


def _archive(archive: str | None, crawl: str | None) -> tuple[str | None, str | None]:
    """The checked ``archive`` and ``crawl`` arguments."""
    archive = (archive or "").strip().lower() or None
    crawl = (crawl or "").strip() or None
    if archive is not None and archive not in ARCHIVES:
        raise ValueError(f"archive: expected one of {', '.join(ARCHIVES)}, got {archive!r}")
    if crawl is not None and archive != "commoncrawl":
        raise ValueError("crawl: names a Common Crawl crawl; give it with -a archive=commoncrawl")
    if crawl is not None and not CC_CRAWL.fullmatch(crawl):
        raise ValueError(f"crawl: expected a crawl id like CC-MAIN-2024-33, got {crawl!r}")
    return archive, crawl


def _recheck(value: str | None, archive: str | None) -> str | None:
    """The checked ``recheck`` argument (it needs ``archive``)."""
    recheck = (value or "").strip().lower() or None
    if recheck is not None and recheck not in RECHECKS:
        raise ValueError(f"recheck: expected {', '.join(RECHECKS)}, got {value!r}")
    if recheck is not None and archive is None:
        raise ValueError("recheck: fetches web-archive captures again; give it with "
                         "-a archive=wayback or -a archive=commoncrawl")
    return recheck
