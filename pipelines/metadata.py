"""Layer 2: structured metadata any page may carry.

JSON-LD (``NewsArticle``, ``Article``, ``ReportageNewsArticle``... at the top,
inside ``@graph`` or in lists; invalid JSON tolerated), OpenGraph, ``article:*``
meta tags, ``meta[name=description]``, ``link[rel=canonical]``, ``<html lang>`` and
a ``<time datetime>`` inside the article (never a clock widget in the page header).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from pipelines.dates import parse_dateline
from pipelines.sites.base import Extracted
from pipelines.text import clean_text, element_text

logger = logging.getLogger(__name__)

# Each lookup walks one tag name (``tree.iter("meta")``), much cheaper than a CSS
# scan of the whole tree.
JSON_LD_TYPE = "application/ld+json"
"""``<script type=...>`` of JSON-LD blocks."""
ARTICLE_CONTAINERS = frozenset({"article", "main"})
"""A ``<time datetime>`` counts only inside one of these (or ``itemprop=articleBody``)."""
ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
        "Report", "LiveBlogPosting", "ScholarlyArticle", "SatiricalArticle",
    }
)  # fmt: skip
_CLOCK_HINT = re.compile(
    r"clock|today|weather|calendar|topbar|top-bar|current-?date|date-?now|header__date",
    re.IGNORECASE,
)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-case ``property`` / ``name`` / ``itemprop``."""
    values: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        content = clean_text(el.get("content")) if key else ""
        if content:
            values.setdefault(key.strip().lower(), []).append(content)
    return values


def json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks (``@graph`` and lists flattened)."""
    scripts = (el for el in tree.iter("script") if (el.get("type") or "").strip() == JSON_LD_TYPE)
    for script in scripts:
        data = _load_json(script.text or "")
        if data is not None:
            yield from _flatten(data)


def _load_json(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    logger.debug("unreadable JSON-LD block skipped")
    return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def find_article_ld(tree: HtmlElement) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article, if any."""
    for obj in json_ld_objects(tree):
        if _types(obj) & ARTICLE_TYPES:
            return obj
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or value.get("url")
    return clean_text(value) or None if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = (_text(item) for item in items)
    return [name for name in names if name]


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return _names(value) if isinstance(value, list) else []


def from_json_ld(obj: dict[str, Any]) -> Extracted:
    """Fields of one JSON-LD article object."""
    body = obj.get("articleBody")
    paragraphs = None
    if isinstance(body, str):
        paragraphs = [clean_text(p) for p in re.split(r"\n\s*\n|\r?\n", body) if clean_text(p)]
    authors = _names(obj.get("author"))
    page = obj.get("mainEntityOfPage")
    return Extracted(
        headline=_text(obj.get("headline")) or _text(obj.get("name")),
        sapo=_text(obj.get("description")),
        published=_text(obj.get("datePublished")),
        updated=_text(obj.get("dateModified")),
        byline=" - ".join(authors) or None,
        paragraphs=paragraphs or None,
        category=_text(obj.get("articleSection")),
        tags=_keywords(obj.get("keywords")) or None,
        canonical_url=_text(page) or _text(obj.get("url")),
        language=_text(obj.get("inLanguage")),
    )


def from_meta_tags(tree: HtmlElement) -> Extracted:
    """Fields from OpenGraph, ``article:*``, description, canonical and ``<html lang>``."""
    meta = meta_values(tree)

    def first(*keys: str) -> str | None:
        return next((meta[key][0] for key in keys if key in meta), None)

    canonical = next(
        (clean_text(el.get("href")) for el in tree.iter("link") if _is_canonical(el)), None
    )
    time_el = article_time(tree)
    time_value = clean_text(time_el.get("datetime")) or None if time_el is not None else None
    return Extracted(
        headline=first("og:title", "twitter:title"),
        sapo=first("og:description", "description", "twitter:description"),
        dateline=_printed_date(time_el),
        published=first("article:published_time", "datepublished", "pubdate") or time_value,
        updated=first("article:modified_time", "og:updated_time", "datemodified"),
        byline=_not_url(first("article:author")),
        category=first("article:section"),
        tags=meta.get("article:tag"),
        canonical_url=canonical or first("og:url"),
        language=clean_text(tree.get("lang") or tree.get("xml:lang")) or None,
    )


def _is_canonical(link: HtmlElement) -> bool:
    return "canonical" in (link.get("rel") or "").lower().split() and bool(link.get("href"))


def article_time(tree: HtmlElement) -> HtmlElement | None:
    """The first ``<time datetime>`` inside the article, skipping clock widgets."""
    for el in tree.iter("time"):
        if el.get("datetime") and _in_article(el):
            return el
    return None


def _in_article(el: HtmlElement) -> bool:
    """Inside ``<article>``/``<main>``/articleBody and not in a clock or date widget."""
    if el.get("itemprop") == "datePublished":
        return True
    for node in (el, *el.iterancestors()):
        if _CLOCK_HINT.search(_marks(node)):
            return False
        if node.tag in ARTICLE_CONTAINERS or node.get("itemprop") == "articleBody":
            return True
    return False


def _printed_date(el: HtmlElement | None) -> str | None:
    """The visible text of the article's ``<time>``, when it shows a date."""
    text = element_text(el).replace("\n", " ") if el is not None else ""
    return text if text and parse_dateline(text) is not None else None


def _marks(el: HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def _not_url(value: str | None) -> str | None:
    return None if value is None or "://" in value else value


def extract_metadata(tree: HtmlElement, url: str) -> Extracted:
    """Layer 2: JSON-LD article fields first, meta tags filling the gaps."""
    tags = from_meta_tags(tree)
    obj = find_article_ld(tree)
    if obj is None:
        return tags
    ld = from_json_ld(obj)
    for name, value in vars(ld).items():
        if value is None:
            setattr(ld, name, getattr(tags, name))
    return ld
