"""Layer 1 for the "OneCMS" platform: baonghean.vn today and its sister papers.

Recognised by structure (``div.c-news-detail`` around ``article.entry``, or the
``.sc-longform-header`` block), whatever the host. The header block (title, meta
line, sapo, lead image) sits inside ``article.entry`` and is kept out of the body,
as are related-story boxes, highlight boxes, ads, share widgets and the final
signed paragraph (which becomes the byline when the header has none).

Each part of the page is read in one pass: the header's fields in one walk of the
header, the body and its figure boxes in one walk of the entry (which box is left
out is decided by :mod:`pipelines.sites.onecms_body`), the tags from the few ``<h4>``
of the wrapper. Page-wide lookups walk one tag name in C.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.captions import image_source
from pipelines.sites.base import Extracted, RawCaption
from pipelines.sites.onecms_body import BodyScan, is_signature
from pipelines.text import element_text, first_text, squash_key, text_blocks
from pipelines.urls import urlsplit  # never raises on a malformed href

logger = logging.getLogger(__name__)

NAME = "onecms"

ENTRY_TAG, ENTRY_CLASS = "article", "entry"
WRAPPER_CLASSES = frozenset({"c-news-detail", "b-maincontent"})
HEADER_TAG, HEADER_CLASS = "div", "sc-longform-header"
"""``div.sc-longform-header``: the first one in the entry."""
Rule = tuple[str | None, str]
"""(tag or None for any, class): one alternative of a selector "tag.class"."""
HEADLINE: tuple[Rule, ...] = (("h1", "sc-longform-header-title"), ("h1", "block-sc-title"))
SAPO: tuple[Rule, ...] = (("p", "sc-longform-header-sapo"), (None, "block-sc-sapo"))
AUTHOR: tuple[Rule, ...] = (("span", "sc-longform-header-author"), (None, "block-sc-author"))
DATE: tuple[Rule, ...] = (("span", "sc-longform-header-date"), (None, "block-sc-publish-time"))
HEADER_FIELDS = {"headline": HEADLINE, "sapo": SAPO, "byline": AUTHOR, "dateline": DATE}
"""Read from the header block (from the entry when there is none), first match with text."""
FIELDS_BY_CLASS = {
    cls: tuple(
        (field, tag) for field, rules in HEADER_FIELDS.items() for tag, c in rules if c == cls
    )
    for rules in HEADER_FIELDS.values()
    for _, cls in rules
}
"""class -> (field, tag or None) of the rules naming that class."""
SOURCE_LINE = CSSSelector(".js-source-copy")
BREADCRUMB_LIST, BREADCRUMB_ITEM = "ol", ("li", "breadcrumb-item")
"""``ol li.breadcrumb-item a``."""
BREADCRUMB_CURRENT = "active"
"""``li.breadcrumb-item.active``: the section the article is filed in, when marked."""
TAG_WIDGETS = (frozenset({"c-widget-tags", "onecms__tags"}), frozenset({"c-tags"}))
"""``div.c-widget-tags.onecms__tags ul li h4 a`` (baonghean) or ``div.c-tags ul li h4 a``
(nguoiquansat's template): found from the ``<h4>`` up."""
TAG_HEADING = "h4"


class OneCmsLayout:
    """Rules for the OneCMS article page."""

    name = NAME

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return any(
            _header(entry) is not None or _wrapper(entry) is not None for entry in _entries(tree)
        )

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        entry, header = _entry_and_header(tree)
        if entry is None:
            return Extracted()
        wrapper = _wrapper(entry)
        around = wrapper if wrapper is not None else tree
        found = _header_fields(header if header is not None else entry)
        scan = BodyScan(entry, header)
        blocks = text_blocks(entry, scan)
        if blocks and is_signature(*blocks[-1]):
            signed = blocks.pop()[1]
            found.byline = found.byline or signed
        if not found.byline:
            found.byline = first_text(SOURCE_LINE(around))
        found.paragraphs = [text for _, text in blocks] or None
        found.captions = _captions(scan.boxes) or None
        found.category = category(tree)
        found.tags = tags(around) or (tags(tree) if wrapper is not None else []) or None
        return found


def _entries(tree: HtmlElement) -> list[HtmlElement]:
    return [a for a in tree.iter(ENTRY_TAG) if ENTRY_CLASS in (a.get("class") or "").split()]


def _header(entry: HtmlElement) -> HtmlElement | None:
    """The entry's first header block (it opens the entry: the walk stops there)."""
    for div in entry.iter(HEADER_TAG):
        if HEADER_CLASS in (div.get("class") or "").split():
            return div
    return None


def _entry_and_header(tree: HtmlElement) -> tuple[HtmlElement | None, HtmlElement | None]:
    """The article entry holding the longform header (else the first in a wrapper)."""
    entries = _entries(tree)
    for entry in entries:
        header = _header(entry)
        if header is not None:
            return entry, header
    wrapped = [entry for entry in entries if _wrapper(entry) is not None]
    return (wrapped[0] if wrapped else None), None


def _wrapper(entry: HtmlElement) -> HtmlElement | None:
    """The outermost ``div.c-news-detail`` / ``div.b-maincontent`` around the entry."""
    found = None
    for ancestor in entry.iterancestors("div"):
        if WRAPPER_CLASSES.intersection((ancestor.get("class") or "").split()):
            found = ancestor
    return found


def _header_fields(scope: HtmlElement) -> Extracted:
    """Headline, sapo, byline and dateline: the first element (in page order) matching
    each field's rules and holding text."""
    found: dict[str, str] = {}
    for el in scope.iter():
        classes = el.get("class")
        if not classes:
            continue
        for cls in classes.split():
            for field, tag in FIELDS_BY_CLASS.get(cls, ()):
                if field in found or (tag is not None and el.tag != tag):
                    continue
                if text := element_text(el).replace("\n", " "):
                    found[field] = text
        if len(found) == len(HEADER_FIELDS):
            break
    return Extracted(
        headline=found.get("headline"),
        sapo=found.get("sapo"),
        byline=found.get("byline"),
        dateline=found.get("dateline"),
    )



def _captions(boxes: list[HtmlElement]) -> list[RawCaption]:
    """One caption per figure box that shows one, with its first image's URL as written
    (made absolute with the others by :func:`pipelines.captions.normalise_captions`)."""
    found = []
    for box in boxes:
        caption, img = BodyScan.caption_and_image(box)
        if caption:
            url = image_source(img) if img is not None else None
            found.append(RawCaption(text=caption, image_url=url))
    return found


def category(tree: HtmlElement) -> str | None:
    """The breadcrumb item marked current (``li.breadcrumb-item.active``), else the item
    after "home" (or the first item when there is no home link)."""
    first: str | None = None
    for index, (link, current) in enumerate(_breadcrumb_links(tree)):
        name = element_text(link)
        if index == 0 and _is_home(link, name):
            continue
        if name and current:
            return name.replace("\n", " ")
        if name and first is None:
            first = name.replace("\n", " ")
    return first


def _breadcrumb_links(tree: HtmlElement) -> Iterator[tuple[HtmlElement, bool]]:
    """``ol li.breadcrumb-item a`` in page order, each once, found as they are read, each
    with whether its item is marked current."""
    seen: set[HtmlElement] = set()
    tag, cls = BREADCRUMB_ITEM
    for ol in tree.iter(BREADCRUMB_LIST):
        for li in ol.iter(tag):
            classes = (li.get("class") or "").split()
            if cls in classes:
                for link in li.iter("a"):
                    if link not in seen:
                        seen.add(link)
                        yield link, BREADCRUMB_CURRENT in classes


def _is_home(link: HtmlElement, text: str) -> bool:
    path = urlsplit(link.get("href") or "").path
    return path in ("", "/") or squash_key(text) in ("trangchủ", "home", "")


def tags(scope: HtmlElement) -> list[str]:
    """Tag names (``div.c-widget-tags.onecms__tags ul li h4 a``, ``div.c-tags ...``) in page
    order."""
    names = (
        element_text(a).lstrip("#").strip()
        for heading in scope.iter(TAG_HEADING)
        if _in_tag_widget(heading, scope)
        for a in heading.iter("a")
    )
    return list(dict.fromkeys(name for name in names if name))


def _in_tag_widget(heading: HtmlElement, scope: HtmlElement) -> bool:
    """``heading`` is in an ``li``, in a ``ul``, in the tag widget (which is ``scope`` or
    inside it)."""
    steps = ["li", "ul"]
    for node in heading.iterancestors():
        if steps:
            if node.tag == steps[0]:
                steps.pop(0)
        elif node.tag == "div" and _is_tag_widget((node.get("class") or "").split()):
            return True
        if node is scope:
            return False
    return False


def _is_tag_widget(classes: list[str]) -> bool:
    return any(widget.issubset(classes) for widget in TAG_WIDGETS)


LAYOUT = OneCmsLayout()
