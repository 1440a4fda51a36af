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
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from pipelines.dates import parse_dateline
from pipelines.sites.base import Extracted
from pipelines.text import clean_text, element_text

logger = logging.getLogger(__name__)

# One walk of the page collects the four tag names looked at (lxml's tag iterator, in C:
# far cheaper than XPath or CSS scans of the whole tree); a field the caller already
# has is not looked for (``skip``), and a <meta> content is cleaned only when read.
PAGE_TAGS = ("meta", "link", "script", "time")
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


@dataclass
class PageTags:
    """The page's ``<meta>``, ``<link>``, JSON-LD ``<script>`` and (when asked for)
    ``<time>`` elements, in page order, from one walk."""

    metas: list[HtmlElement] = field(default_factory=list)
    links: list[HtmlElement] = field(default_factory=list)
    scripts: list[HtmlElement] = field(default_factory=list)
    times: list[HtmlElement] = field(default_factory=list)

    @classmethod
    def of(cls, tree: HtmlElement, *, times: bool = True) -> PageTags:
        found = cls()
        for el in tree.iter(*PAGE_TAGS) if times else tree.iter(*PAGE_TAGS[:3]):
            tag = el.tag
            if tag == "meta":
                found.metas.append(el)
            elif tag == "link":
                found.links.append(el)
            elif tag == "time":
                found.times.append(el)
            elif (el.get("type") or "").strip() == JSON_LD_TYPE:
                found.scripts.append(el)
        return found


class MetaContents:
    """``<meta>`` contents keyed by lower-case ``property`` / ``name`` / ``itemprop``,
    cleaned when read; empty contents count as absent."""

    def __init__(self, metas: list[HtmlElement]) -> None:
        self.raw: dict[str, list[str]] = {}
        for el in metas:
            key = el.get("property") or el.get("name") or el.get("itemprop")
            content = el.get("content") if key else None
            if content:
                self.raw.setdefault(key.strip().lower(), []).append(content)

    def all(self, key: str) -> list[str]:
        return [text for text in map(clean_text, self.raw.get(key, ())) if text]

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for content in self.raw.get(key, ()):
                if text := clean_text(content):
                    return text
        return None


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-case ``property`` / ``name`` / ``itemprop``."""
    contents = MetaContents(PageTags.of(tree, times=False).metas)
    values = {key: contents.all(key) for key in contents.raw}
    return {key: found for key, found in values.items() if found}


def json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks (``@graph`` and lists flattened)."""
    return _objects(PageTags.of(tree, times=False).scripts)


def _objects(scripts: list[HtmlElement]) -> Iterator[dict[str, Any]]:
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
    return _article_ld(PageTags.of(tree, times=False).scripts)


def _article_ld(scripts: list[HtmlElement]) -> dict[str, Any] | None:
    for obj in _objects(scripts):
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


def from_json_ld(obj: dict[str, Any], skip: Collection[str] = ()) -> Extracted:
    """Fields of one JSON-LD article object (those named in ``skip`` are left None)."""
    found = Extracted(
        headline=_text(obj.get("headline")) or _text(obj.get("name")),
        published=_text(obj.get("datePublished")),
        updated=_text(obj.get("dateModified")),
        category=_text(obj.get("articleSection")),
        canonical_url=_text(obj.get("mainEntityOfPage")) or _text(obj.get("url")),
        language=_text(obj.get("inLanguage")),
    )
    if "sapo" not in skip:
        found.sapo = _text(obj.get("description"))
    if "byline" not in skip:
        found.byline = " - ".join(_names(obj.get("author"))) or None
    if "tags" not in skip:
        found.tags = _keywords(obj.get("keywords")) or None
    body = obj.get("articleBody")
    if isinstance(body, str) and "paragraphs" not in skip:
        paragraphs = (clean_text(p) for p in re.split(r"\n\s*\n|\r?\n", body))
        found.paragraphs = [p for p in paragraphs if p] or None
    return found


def from_meta_tags(
    tree: HtmlElement, skip: Collection[str] = (), found: PageTags | None = None
) -> Extracted:
    """Fields from OpenGraph, ``article:*``, description, canonical and ``<html lang>``
    (those named in ``skip`` are not looked for and left None)."""
    wants_time = not {"dateline", "published"}.issubset(skip)
    page = found if found is not None else PageTags.of(tree, times=wants_time)
    meta = MetaContents(page.metas)
    time_el = _article_time(page.times) if wants_time else None
    time_value = clean_text(time_el.get("datetime")) or None if time_el is not None else None
    tags = meta.all("article:tag") if "tags" not in skip else []
    return Extracted(
        headline=meta.first("og:title", "twitter:title") if "headline" not in skip else None,
        sapo=meta.first("og:description", "description", "twitter:description")
        if "sapo" not in skip
        else None,
        dateline=_printed_date(time_el) if "dateline" not in skip else None,
        published=meta.first("article:published_time", "datepublished", "pubdate") or time_value,
        updated=meta.first("article:modified_time", "og:updated_time", "datemodified"),
        byline=_not_url(meta.first("article:author")) if "byline" not in skip else None,
        category=meta.first("article:section"),
        tags=tags or None,
        canonical_url=_canonical(page.links) or meta.first("og:url"),
        language=clean_text(tree.get("lang") or tree.get("xml:lang")) or None,
    )


def _canonical(links: list[HtmlElement]) -> str | None:
    return next((clean_text(el.get("href")) for el in links if _is_canonical(el)), None)


def _is_canonical(link: HtmlElement) -> bool:
    return "canonical" in (link.get("rel") or "").lower().split() and bool(link.get("href"))


def article_time(tree: HtmlElement) -> HtmlElement | None:
    """The first ``<time datetime>`` inside the article, skipping clock widgets."""
    return _article_time(list(tree.iter("time")))


def _article_time(times: list[HtmlElement]) -> HtmlElement | None:
    for el in times:
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


def extract_metadata(tree: HtmlElement, url: str, skip: Collection[str] = ()) -> Extracted:
    """Layer 2: JSON-LD article fields first, meta tags filling the gaps. Fields named
    in ``skip`` (an earlier layer has them) are not looked for where that costs
    (text to clean, the article's ``<time>``) and may be left None."""
    page = PageTags.of(tree, times=not {"dateline", "published"}.issubset(skip))
    tags = from_meta_tags(tree, skip, page)
    obj = _article_ld(page.scripts)
    if obj is None:
        return tags
    ld = from_json_ld(obj, skip)
    for name, value in vars(ld).items():
        if value is None:
            setattr(ld, name, getattr(tags, name))
    return ld
