"""The article record: the one shape shared by extraction, storage and export.

A record is a plain JSON-ready ``dict`` (dates as ISO 8601 strings) so that
``pipelines.extract``, ``scrapy crawl -O`` and ``storage.export`` all print the
same thing. :data:`RECORD_FIELDS` fixes the key order.
"""

from __future__ import annotations

from typing import TypedDict


class Caption(TypedDict):
    caption: str
    """Caption text as displayed, credit included ("Quang cảnh hội nghị. Ảnh: Thanh Lê")."""
    image_url: str | None
    """Absolute image URL (lazy ``data-src`` preferred over a placeholder ``src``)."""
    credit: str | None
    """Credit parsed from the caption ("Thanh Lê" from "Ảnh: Thanh Lê"), or None."""


class ArticleRecord(TypedDict):
    url: str
    """URL the article was fetched from (tracking parameters stripped)."""
    canonical_url: str
    """``<link rel=canonical>`` / ``og:url`` when on the same site, else the final URL."""
    site: str
    """Host name without ``www.`` (``baonghean.vn``)."""
    article_id: str | None
    """Numeric id from the URL (``10264872``, ``115327``, ``258616`` for ``-post258616``)."""
    headline: str
    sapo: str | None
    """The lead as printed, outlet tag included ("(Baonghean.vn) - ...")."""
    dateline: str | None
    """The date line exactly as printed on the page."""
    published_at: str | None
    """ISO 8601 with +07:00 ("2017-09-22T17:30:00+07:00"); a date alone when no time is shown."""
    updated_at: str | None
    byline: str | None
    """The byline as printed ("Thành Chung - Hoài Thu", "Theo TTXVN")."""
    authors: list[str]
    """Individual names/agencies from the byline (["Thành Chung", "Hoài Thu"], ["TTXVN"])."""
    source: str | None
    """Other outlet the story is credited to ("VnExpress" in "X/ VnExpress"), else None."""
    body: str
    """Body paragraphs and sub-headings in order, separated by a blank line."""
    captions: list[Caption]
    category: str | None
    """Section from the breadcrumbs ("Thời sự")."""
    tags: list[str]
    language: str
    """BCP 47 language code ("vi")."""
    extractor: str
    """Layer that gave the body: "onecms", "layout2018", "layout2017", "metadata", "generic"."""
    fetched_at: str | None
    """When the page was fetched, ISO 8601 UTC; None when extracting a saved file."""


RECORD_FIELDS: tuple[str, ...] = tuple(ArticleRecord.__annotations__)
