"""Sitemaps and feeds, read safely: bounded gzip, no XML entities, dates with a zone.

Pure functions used by the spider; a refused sitemap comes back as ``(kind, detail)``
for :func:`crawler.middlewares.report`.
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, time
from email.utils import parsedate_to_datetime

from lxml.etree import LxmlError
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from crawler.middlewares import declares_entities
from pipelines.dates import VN_TZ, parse_iso


def read_sitemap(response: Response, max_size: int) -> Sitemap | tuple[str, str]:
    """The parsed sitemap, or why it is refused: (kind, detail) for crawler.middlewares.report.

    A gzip file is decompressed up to ``max_size`` bytes; entities are never expanded.
    """
    body = response.body
    if gzip_magic_number(response):
        try:
            body = gunzip(body, max_size=max_size)
        except ValueError:
            return "too-large", f"more than {max_size} bytes once decompressed"
        except (OSError, EOFError, struct.error, zlib.error):
            return "bad-sitemap", "broken gzip file"
    if declares_entities(body):
        return "xml-entities", "the document declares XML entities; not parsed"
    try:
        sitemap = Sitemap(body)
    except (StopIteration, SyntaxError, LxmlError):  # nothing lxml could recover
        return "bad-sitemap", "not XML"
    if sitemap.type not in ("sitemapindex", "urlset"):
        return "bad-sitemap", f"root element <{sitemap.type}> is not a sitemap"
    return sitemap


def parse_w3c_datetime(text: str | None) -> datetime | None:
    """``2025-03-05``, ``2025-03-05T08:15:00+07:00`` or ``...Z``; no zone means +07:00."""
    value = parse_iso(text) if text else None  # the one ISO 8601 reader (pipelines.dates)
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=VN_TZ)


def parse_feed_date(text: str | None) -> datetime | None:
    """RFC 822 (``Wed, 05 Mar 2025 08:15:00 +0700``) or ISO 8601; no zone means +07:00."""
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError, OverflowError):  # a zone of 3e9 seconds
        return parse_w3c_datetime(text)
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)
