"""Layer 2: structured metadata any page may carry.

JSON-LD (``NewsArticle``, ``Article``, ``ReportageNewsArticle``... at the top,
inside ``@graph`` or in lists; invalid JSON tolerated: :mod:`pipelines.jsonld`),
OpenGraph, ``article:*`` meta tags, ``meta[name=description]``, ``link[rel=canonical]``,
``<html lang>`` and a ``<time datetime>`` inside the article (never a clock widget in
the page header). Values are entity-decoded, also when escaped twice.

Besides the fields (:class:`~pipelines.sites.base.Extracted`), :func:`read_metadata`
gives the facts the other layers check the visible page against (:class:`MetaFacts`):
the titles, the publisher's names, whether the page calls itself an article, the
breadcrumb trail, the keyword lists.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml.html import HtmlElement

from pipelines.dates import parse_dateline
from pipelines.jsonld import (
    JSON_LD_TYPE,
    article_ld,
    breadcrumb_names,
    from_json_ld,
    ld_objects,
    ld_text,
    publisher_names,
)
from pipelines.sites.base import Extracted
from pipelines.text import clean_text, clean_value, element_text

# One walk of the page collects the tag names looked at (lxml's tag iterator, in C:
# far cheaper than XPath or CSS scans of the whole tree); a field the caller already
# has is not looked for (``skip``), and a <meta> content is cleaned only when read.
PAGE_TAGS = ("meta", "link", "script", "time")
ARTICLE_CONTAINERS = frozenset({"article", "main"})
"""A ``<time datetime>`` counts only inside one of these (or ``itemprop=articleBody``)."""
_CLOCK_HINT = re.compile(
    r"clock|today|weather|calendar|topbar|top-bar|current-?date|date-?now|header__date",
    re.IGNORECASE,
)
TITLE_KEYS = ("og:title", "twitter:title", "title")
SITE_NAME_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "copyright")
KEYWORD_KEYS = ("keywords", "news_keywords")


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

    @cached_property
    def contents(self) -> MetaContents:
        return MetaContents(self.metas)


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
        return [text for text in map(clean_value, self.raw.get(key, ())) if text]

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for content in self.raw.get(key, ()):
                if text := clean_value(content):
                    return text
        return None


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-case ``property`` / ``name`` / ``itemprop``."""
    contents = MetaContents(PageTags.of(tree, times=False).metas)
    values = {key: contents.all(key) for key in contents.raw}
    return {key: found for key, found in values.items() if found}


def json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks (``@graph`` and lists flattened)."""
    return ld_objects(PageTags.of(tree, times=False).scripts)


def find_article_ld(tree: HtmlElement) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article, if any."""
    return article_ld(list(json_ld_objects(tree)))


def from_meta_tags(
    tree: HtmlElement, skip: Collection[str] = (), found: PageTags | None = None
) -> Extracted:
    """Fields from OpenGraph, ``article:*``, description, canonical and ``<html lang>``
    (those named in ``skip`` are not looked for and left None)."""
    wants_time = not {"dateline", "published"}.issubset(skip)
    page = found if found is not None else PageTags.of(tree, times=wants_time)
    meta = page.contents
    time_el = _article_time(page.times) if wants_time else None
    time_value = clean_text(time_el.get("datetime")) or None if time_el is not None else None
    tags = split_list(meta.all("article:tag")) if "tags" not in skip else []
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


def split_list(values: list[str]) -> list[str]:
    """One comma-separated value ("a,b, c") as its items; several values kept as they are."""
    if len(values) != 1 or "," not in values[0]:
        return values
    return [item for item in (clean_text(v) for v in values[0].split(",")) if item]


@dataclass
class MetaFacts:
    """What the page's metadata says about it, for checks against the visible page."""

    titles: list[str] = field(default_factory=list)
    """``og:title``, ``twitter:title``, ``meta[name=title]``, JSON-LD ``headline``/``name``."""
    site_names: list[str] = field(default_factory=list)
    """``og:site_name``, ``application-name``, copyright, JSON-LD publishers."""
    article_typed: bool = False
    """``og:type`` ``article`` or a JSON-LD article object."""
    breadcrumb: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    """``meta[name=keywords]`` and ``news_keywords`` (never tags by themselves)."""
    descriptions: list[str] = field(default_factory=list)


@dataclass
class Metadata:
    fields: Extracted
    facts: MetaFacts


def read_metadata(
    tree: HtmlElement, url: str, skip: Collection[str] = (), *, facts: bool = True
) -> Metadata:
    """Layer 2: JSON-LD article fields first, meta tags filling the gaps. Fields named
    in ``skip`` (an earlier layer has them) are not looked for where that costs
    (text to clean, the article's ``<time>``) and may be left None; ``facts=False``
    leaves :class:`MetaFacts` empty."""
    page = PageTags.of(tree, times=not {"dateline", "published"}.issubset(skip))
    found = from_meta_tags(tree, skip, page)
    objects = list(ld_objects(page.scripts)) if page.scripts else []
    obj = article_ld(objects)
    if obj is not None:
        ld = from_json_ld(obj, skip)
        for name, value in vars(ld).items():
            if value is None:
                setattr(ld, name, getattr(found, name))
        found = ld
    known = _facts(page.contents, objects, obj) if facts else MetaFacts()
    return Metadata(found, known)


def _facts(meta: MetaContents, objects: list[dict[str, Any]], obj: Any) -> MetaFacts:
    ld = obj if isinstance(obj, dict) else {}
    ld_titles = (ld_text(ld.get("headline")), ld_text(ld.get("name")))
    ld_description = ld_text(ld.get("description"))
    twitter_site = (meta.first("twitter:site") or "").lstrip("@")
    return MetaFacts(
        titles=[t for t in (*(meta.first(key) for key in TITLE_KEYS), *ld_titles) if t],
        site_names=[
            name for name in (*(meta.first(key) for key in SITE_NAME_KEYS), twitter_site) if name
        ]
        + publisher_names(objects),
        article_typed=obj is not None or (meta.first("og:type") or "").lower() == "article",
        breadcrumb=breadcrumb_names(objects),
        keywords=[k for key in KEYWORD_KEYS for v in meta.all(key) for k in split_list([v])],
        descriptions=[
            d
            for d in (*(meta.first(k) for k in ("og:description", "description")), ld_description)
            if d
        ],
    )


def extract_metadata(tree: HtmlElement, url: str, skip: Collection[str] = ()) -> Extracted:
    """The fields of :func:`read_metadata`."""
    return read_metadata(tree, url, skip, facts=False).fields
