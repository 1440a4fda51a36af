"""Site rules for baonghean.vn pages in the 2017-2022 layout.

Article URLs end in ``<slug>-<6 digits>.html``; images live on
``image.baonghean.vn`` / ``image2.baonghean.vn/w607/Uploaded/...``. The page
carries ``#title``, ``#date`` and ``#content``. Inside ``#content``:

* captions sit in ``td.image_desc`` of a ``table.image`` or in a ``figcaption``;
* ``table.rl`` is a "Tin liên quan" (related stories) box, not prose;
* ``[gg_video]ID[/gg_video]`` shortcodes are left raw in the text (a video
  embed the front end never expanded) and are not prose;
* the lead may be the first paragraph, printed all in bold with the outlet tag
  ("(Baonghean.vn) - ..."), when the page has no separate sapo element;
* the byline is the final paragraph when it reads as a signature and is set
  right-aligned and/or bold ("Thanh Lê"), or is an agency credit ("Theo TTXVN").

The body helpers (caption boxes, the trailing-signature rule) are shared with the
2018 template (:mod:`pipelines.sites.layout2018`), whose article bodies keep the same
CMS markup: see :mod:`pipelines.sites.legacy_body`. Page-wide lookups use the
parser's id index (``id()``) or stop at the first match.
"""

from __future__ import annotations

import logging

from lxml.cssselect import CSSSelector
from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.sites.base import Extracted
from pipelines.sites.legacy_body import (
    Block,
    BoxScan,
    body_blocks,
    box_caption,
    first_with_class,
    is_bold,
    is_image_table,
    section_name,
    split_bold_lead,
    split_trailing_byline,
)
from pipelines.text import element_text

__all__ = ["LAYOUT", "Block", "body_blocks", "is_bold", "split_trailing_byline"]

logger = logging.getLogger(__name__)

HEADLINE = XPath("id('title')")
DATELINE = XPath("id('date')")
BODY = XPath("id('content')")
SAPO_BY_ID = XPath("id('sapo summary')")
SAPO_TAGS = frozenset({"h2", "div", "p"})
SAPO_CLASS = "sapo"
"""``h2.sapo``, ``div.sapo``, ``p.sapo``: searched in the headline's container, before the
body only (sidebars and "Tin cùng chuyên mục" boxes print other stories' sapos)."""
BREADCRUMB = ("div", "breadcrumb")
"""The first ``div.breadcrumb``: its links give the section."""
BREADCRUMB_LINKS = CSSSelector("div.breadcrumb a")
"""Every breadcrumb link of the page, when the first breadcrumb names no section."""
NOT_BODY_TAGS = frozenset({"iframe", "object", "embed", "form"})
NOT_BODY_CLASSES = frozenset({"qc", "adv"})
"""With ``table.rl`` ("Tin liên quan"): ``table.rl, iframe, object, embed, form, .qc, .adv``."""
RELATED_TABLE_CLASS = "rl"
CAPTION_CLASSES = frozenset({"image_desc"})
"""``td.image_desc, .image_desc, figcaption`` inside an image box."""


def is_caption_box(el: HtmlElement, classes: str) -> bool:
    """``table[contains(@class, 'image') or .//td[contains(@class, 'image_desc')]]``,
    ``figure``, or ``*[contains(@class, 'image_desc')]`` (a caption standing alone
    captions the image before it)."""
    return el.tag == "figure" or "image_desc" in classes or is_image_table(el, classes)


def is_not_body(el: HtmlElement, classes: str) -> bool:
    if el.tag in NOT_BODY_TAGS:
        return True
    if not classes:
        return False
    tokens = classes.split()
    return not NOT_BODY_CLASSES.isdisjoint(tokens) or (
        el.tag == "table" and RELATED_TABLE_CLASS in tokens
    )


def first_text(selector: XPath, tree: HtmlElement) -> str | None:
    for el in selector(tree):
        text = element_text(el)
        if text:
            return text
    return None


def _sapo_near(container: HtmlElement | None, body: HtmlElement | None) -> str | None:
    """The first ``.sapo`` element of the headline's container printed before the body."""
    if container is None:
        return None
    for el in container.iter():
        if el is body:
            break
        is_sapo = el.tag in SAPO_TAGS and SAPO_CLASS in (el.get("class") or "").split()
        if is_sapo and (text := element_text(el)):
            return text
    return None


def category(tree: HtmlElement) -> str | None:
    first = first_with_class(tree, *BREADCRUMB)
    if first is None:
        return None
    return section_name(list(first.iter("a"))) or section_name(BREADCRUMB_LINKS(tree))


class Layout2017:
    """``#title`` / ``#date`` / ``#content`` pages (2017-2022)."""

    name = "layout2017"

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return bool(HEADLINE(tree)) and bool(DATELINE(tree)) and bool(BODY(tree))

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        headlines = HEADLINE(tree)
        container = headlines[0].getparent() if headlines else None
        bodies = BODY(tree)
        content = bodies[0] if bodies else None
        found = Extracted(
            headline=element_text(headlines[0]) or None if headlines else None,
            sapo=first_text(SAPO_BY_ID, tree) or _sapo_near(container, content),
            dateline=first_text(DATELINE, tree),
            category=category(tree),
        )
        if content is None:
            return found
        scan = BoxScan(is_caption_box, is_not_body)
        blocks = body_blocks(content, scan)
        lead, blocks = split_bold_lead(blocks)
        found.sapo = found.sapo or lead
        blocks, found.byline = split_trailing_byline(blocks, content)
        found.paragraphs = [text for _, text in blocks] or None
        captions = (box_caption(box, CAPTION_CLASSES) for box in scan.boxes)
        found.captions = [c for c in captions if c is not None]
        return found


LAYOUT = Layout2017()
