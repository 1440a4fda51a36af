"""What one extraction layer returns, and what a site layout module provides.

Extraction is layered: site rules (one module per layout), then structured
metadata (JSON-LD, OpenGraph, ``article:*``, ``<time datetime>``), then a generic
fallback. Each layer returns a partial :class:`Extracted` (``None`` = not found);
``pipelines.extract`` merges them field by field, earlier layers winning, then
normalises (dates parsed from the dateline, bylines split, credits parsed, NFC).

Layers do no I/O and know nothing of Scrapy: they take a parsed ``lxml.html``
tree and the page URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lxml.html import HtmlElement


@dataclass(kw_only=True)
class RawCaption:
    text: str
    """Caption as displayed (credit included), whitespace not yet normalised."""
    image_url: str | None = None
    """Image URL as found (may be relative); lazy ``data-src`` preferred."""


@dataclass(kw_only=True)
class Extracted:
    """Raw field values found by one layer; ``None`` means "this layer found nothing"."""

    headline: str | None = None
    sapo: str | None = None
    dateline: str | None = None
    """Date line text exactly as printed ("Thứ Sáu, 22/09/2017 - 17:30")."""
    published: str | None = None
    """Machine-readable date (``<time datetime>``, JSON-LD, ``article:published_time``)."""
    updated: str | None = None
    byline: str | None = None
    """Byline text as printed (author element, or the final signed paragraph)."""
    paragraphs: list[str] | None = None
    """Body paragraphs and sub-headings in order, byline/captions/boxes already removed."""
    captions: list[RawCaption] | None = None
    category: str | None = None
    tags: list[str] | None = None
    canonical_url: str | None = None
    language: str | None = None


class Layout(Protocol):
    """A site layout: named selector constants plus these two functions."""

    name: str
    """Stable layer name, reported in the record's ``extractor`` field."""

    def matches(self, tree: HtmlElement, url: str) -> bool:
        """True when the page is in this layout (checked by structure, not only host)."""
        ...

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        """Fields this layout's rules find on the page."""
        ...
