"""JSON-LD blocks: the article object, its fields, breadcrumbs and publisher names.

Blocks are read leniently (HTML comments around them, trailing commas, lists and
``@graph`` flattened; unreadable blocks skipped). Every string value is entity-decoded,
also when a CMS escaped it twice ("Chi&amp;#7871;n" -> "Chiến"): see
:func:`pipelines.text.clean_value`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection, Iterator
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from pipelines.sites.base import Extracted
from pipelines.text import clean_value, text_blocks

logger = logging.getLogger(__name__)

JSON_LD_TYPE = "application/ld+json"
"""``<script type=...>`` of JSON-LD blocks."""
ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
        "Report", "LiveBlogPosting", "ScholarlyArticle", "SatiricalArticle",
    }
)  # fmt: skip
PUBLISHER_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation"})
"""Types whose ``name`` is a publisher's."""
ORGANIZATION_TYPES = PUBLISHER_TYPES | {"WebSite", "OnlineBusiness", "WebPage"}
"""Authors of these types are not people."""
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r?\n")
_MARKUP = re.compile(r"</?(?:p|div|br|body|h[2-6]|figure|img|span|strong|em|a)\b[^>]*>", re.I)


def ld_objects(scripts: list[HtmlElement]) -> Iterator[dict[str, Any]]:
    """Every JSON object in these JSON-LD ``<script>`` blocks, flattened."""
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


def ld_types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def article_ld(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first object typed as an article, if any."""
    return next((obj for obj in objects if ld_types(obj) & ARTICLE_TYPES), None)


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: the first of a list, the name (else id, url) of an object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or value.get("url")
    return clean_value(value) or None if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = (ld_text(item) for item in items)
    return [name for name in names if name]


def ld_keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return _names(value) if isinstance(value, list) else []


def person_names(value: Any) -> list[str]:
    """Authors that are people: organisations' names (the publisher) are left out."""
    items = value if isinstance(value, list) else [value]
    people = [
        item
        for item in items
        if not (isinstance(item, dict) and ld_types(item) & ORGANIZATION_TYPES)
    ]
    return _names(people)


def from_json_ld(obj: dict[str, Any], skip: Collection[str] = ()) -> Extracted:
    """Fields of one JSON-LD article object (those named in ``skip`` are left None)."""
    found = Extracted(
        headline=ld_text(obj.get("headline")) or ld_text(obj.get("name")),
        published=ld_text(obj.get("datePublished")),
        updated=ld_text(obj.get("dateModified")),
        category=ld_text(obj.get("articleSection")),
        canonical_url=ld_text(obj.get("mainEntityOfPage")) or ld_text(obj.get("url")),
        language=ld_text(obj.get("inLanguage")),
    )
    if "sapo" not in skip:
        found.sapo = ld_text(obj.get("description"))
    if "byline" not in skip:
        found.byline = " - ".join(person_names(obj.get("author"))) or None
    if "tags" not in skip:
        found.tags = ld_keywords(obj.get("keywords")) or None
    body = obj.get("articleBody")
    if isinstance(body, str) and "paragraphs" not in skip:
        found.paragraphs = body_paragraphs(body) or None
    return found


def body_paragraphs(body: str) -> list[str]:
    """An ``articleBody`` as paragraphs: lines of text, or the blocks of HTML markup."""
    if _MARKUP.search(body):
        root = lxml.html.fragment_fromstring(body, create_parent="div")
        return [text for _, text in text_blocks(root)]
    paragraphs = (clean_value(p) for p in _PARAGRAPH_BREAK.split(body))
    return [p for p in paragraphs if p]


def breadcrumb_names(objects: list[dict[str, Any]]) -> list[str]:
    """Item names of the first ``BreadcrumbList``, in position order."""
    for obj in objects:
        if "BreadcrumbList" in ld_types(obj):
            items = [item for item in _flatten(obj.get("itemListElement")) if "@type" in item]
            items.sort(key=lambda item: _position(item.get("position")))
            names = (ld_text(item.get("name")) or ld_text(item.get("item")) for item in items)
            return [name for name in names if name and "://" not in name]
    return []


def _position(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def publisher_names(objects: list[dict[str, Any]]) -> list[str]:
    """Names of the organisations the page declares (its publisher, its website)."""
    names: list[str] = []
    for obj in objects:
        if ld_types(obj) & PUBLISHER_TYPES:
            names.extend(_names(obj.get("name")) + _names(obj.get("alternateName")))
        publisher = obj.get("publisher")
        if isinstance(publisher, dict | list):
            names.extend(_names(publisher))
    return names
