"""Layer 1 for the "OneCMS" platform: baonghean.vn today and its sister papers.

Recognised by structure (``div.c-news-detail`` around ``article.entry``, or the
``.sc-longform-header`` block), whatever the host. The header block (title, meta
line, sapo, lead image) sits inside ``article.entry`` and is kept out of the body,
as are related-story boxes, highlight boxes, ads, share widgets and the final
signed paragraph (which becomes the byline when the header has none).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.bylines import looks_like_byline
from pipelines.captions import image_url
from pipelines.sites.base import Extracted, RawCaption
from pipelines.text import BLOCK_TAGS, clean_text, element_text, squash_key, text_blocks

logger = logging.getLogger(__name__)

NAME = "onecms"

# Page-wide lookups walk one tag (``tree.iter("article")``), which is far cheaper
# than a whole-tree CSS scan; class selectors run inside the article only.
ENTRY_TAG, ENTRY_CLASS = "article", "entry"
WRAPPER_CLASSES = frozenset({"c-news-detail", "b-maincontent"})
HEADER = CSSSelector("div.sc-longform-header")
HEADLINE = CSSSelector("h1.sc-longform-header-title, h1.block-sc-title")
SAPO = CSSSelector("p.sc-longform-header-sapo, .block-sc-sapo")
AUTHOR = CSSSelector("span.sc-longform-header-author, .block-sc-author")
DATE = CSSSelector("span.sc-longform-header-date, .block-sc-publish-time")
SOURCE_LINE = CSSSelector(".js-source-copy")
BREADCRUMB_TAG = "ol"
BREADCRUMB_LINKS = CSSSelector("li.breadcrumb-item a")
"""Inside an ``<ol>``."""
TAG_LINKS = CSSSelector("div.c-widget-tags.onecms__tags ul li h4 a")
FIGURES = CSSSelector("figure, table.image, div.image, div.photo-box, .sc-longform-header-media")
FIGURE_CAPTION = CSSSelector("figcaption, .image_desc, .caption, .image-caption, .desc")
IMAGES = CSSSelector("img")

NOT_BODY_CLASSES = frozenset(
    {
        "sc-longform-header", "sc-related-articles", "sc-empty-layer", "sc-hightlight-box",
        "c-box", "js-source-copy", "c-widget-tags", "onecms__tags", "breadcrumb",
        "article__related-inline", "box-related", "related-news", "social-share",
        "image", "photo-box", "image_desc", "caption", "image-caption",
    }
)  # fmt: skip
NOT_BODY_CLASS_PATTERN = re.compile(
    r"(?:^|[\s_-])(?:ads?|advert\w*|banner|share|social|comments?|related|zalo|fb)(?:[\s_-]|$)",
    re.IGNORECASE,
)
NOT_BODY_IDS = re.compile(
    r"url-copy|comment|banner|(?:^|[-_])(?:ads?|adv|advert\w*)(?:[-_\d]|$)", re.IGNORECASE
)
NOT_BODY_TAGS = frozenset(
    {"figure", "figcaption", "iframe", "form", "button", "nav", "aside", "video", "audio",
     "svg", "ins", "object", "embed", "select", "input", "textarea", "picture", "img"}
)  # fmt: skip
BOX_TITLES = frozenset(
    squash_key(t) for t in ("Tin liên quan", "Bài liên quan", "Tin mới", "Xem thêm", "Đọc thêm")
)
HEADING_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th"})
"""Blocks whose whole text may be a box title; other blocks are containers, whose title
would be their first child."""
LINK_LIST_TAGS = frozenset({"ul", "ol", "p"})
"""Blocks dropped when (almost) all their text is links (related-story lists)."""
RIGHT_ALIGNED = re.compile(r"text-align\s*:\s*right|(?:^|\s)(?:text|align)-right(?:\s|$)")


class OneCmsLayout:
    """Rules for the OneCMS article page."""

    name = NAME

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return any(HEADER(entry) or _wrapper(entry) is not None for entry in _entries(tree))

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        entry, header = _entry_and_header(tree)
        if entry is None:
            return Extracted()
        scope = header if header is not None else entry
        wrapper = _wrapper(entry)
        around = wrapper if wrapper is not None else tree
        blocks = text_blocks(entry, is_not_body)
        byline = _first_text(AUTHOR(scope))
        if blocks and _is_signature(*blocks[-1]):
            signed = blocks.pop()[1]
            byline = byline or signed
        return Extracted(
            headline=_first_text(HEADLINE(scope)),
            sapo=_first_text(SAPO(scope)),
            dateline=_first_text(DATE(scope)),
            byline=byline or _first_text(SOURCE_LINE(around)),
            paragraphs=[text for _, text in blocks] or None,
            captions=captions(entry, url) or None,
            category=category(tree),
            tags=tags(around) or (tags(tree) if wrapper is not None else []) or None,
        )


def _entries(tree: HtmlElement) -> list[HtmlElement]:
    return [a for a in tree.iter(ENTRY_TAG) if ENTRY_CLASS in (a.get("class") or "").split()]


def _entry_and_header(tree: HtmlElement) -> tuple[HtmlElement | None, HtmlElement | None]:
    """The article entry holding the longform header (else the first in a wrapper)."""
    entries = _entries(tree)
    for entry in entries:
        header = _first(HEADER(entry))
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


def _first(elements: list[HtmlElement]) -> HtmlElement | None:
    return elements[0] if elements else None


def _first_text(elements: list[HtmlElement]) -> str | None:
    for el in elements:
        text = element_text(el).replace("\n", " ")
        if text:
            return text
    return None


def is_not_body(el: HtmlElement) -> bool:
    """True for an element whose subtree is never article prose."""
    if el.tag in NOT_BODY_TAGS:
        return True
    classes = el.get("class") or ""
    if classes and (
        NOT_BODY_CLASSES.intersection(classes.split()) or NOT_BODY_CLASS_PATTERN.search(classes)
    ):
        return True
    if NOT_BODY_IDS.search(el.get("id") or ""):
        return True
    if el.tag == "table" and IMAGES(el):
        return True  # an image table: its text is a caption
    return el.tag in BLOCK_TAGS and _is_related_box(el)


def _is_related_box(el: HtmlElement) -> bool:
    """A "Tin liên quan" heading, a box that starts with one, or a list of links only."""
    if el.tag in HEADING_TAGS:
        heading = el.text_content()
    elif el.text and not el.text.isspace():
        heading = el.text
    else:
        heading = _first_child_text(el)
    if len(heading) < 40 and squash_key(heading) in BOX_TITLES:
        return True
    if el.tag not in LINK_LIST_TAGS or el.find(".//a[@href]") is None:
        return False
    text = _letters(el.text_content())
    linked = sum(_letters(a.text_content()) for a in el.iter("a"))
    return text > 0 and linked >= 0.9 * text


def _first_child_text(el: HtmlElement) -> str:
    """Text of a container's first child, when that child is small enough to be a title."""
    child = next((c for c in el if isinstance(c.tag, str)), None)
    return child.text_content() if child is not None and len(child) <= 2 else ""


def _letters(text: str) -> int:
    return len("".join(text.split()))


def _is_signature(el: HtmlElement, text: str) -> bool:
    """The final paragraph is a byline: right-aligned or bold, and name-like."""
    if not looks_like_byline(text):
        return False
    if clean_text(text).lower().startswith("theo "):
        return True
    return _right_aligned(el) or _all_bold(el, text)


def _right_aligned(el: HtmlElement) -> bool:
    for node in (el, *el.iterdescendants()):
        marks = f"{node.get('style', '')} {node.get('class', '')}".lower()
        if node.get("align", "").lower() == "right" or RIGHT_ALIGNED.search(marks):
            return True
    return False


def _all_bold(el: HtmlElement, text: str) -> bool:
    bold = " ".join(element_text(b) for b in el.iter("strong", "b"))
    return squash_key(bold) == squash_key(text)


def captions(entry: HtmlElement, base_url: str) -> list[RawCaption]:
    """Displayed captions of the lead image and the body's figures (one per figure box,
    with its first image's URL)."""
    found: list[RawCaption] = []
    for figure in FIGURES(entry):
        if _in_a_box(figure, entry):
            continue
        caption = _first_text(FIGURE_CAPTION(figure))
        images = IMAGES(figure)
        if caption:
            url = image_url(images[0], base_url) if images else None
            found.append(RawCaption(text=caption, image_url=url))
    return found


def _in_a_box(figure: HtmlElement, entry: HtmlElement) -> bool:
    """Inside another figure, a related box, an ad... (the header block is fine)."""
    for node in figure.iterancestors():
        if node is entry:
            return False
        if "sc-longform-header" not in (node.get("class") or "") and is_not_body(node):
            return True
    return False


def category(tree: HtmlElement) -> str | None:
    """Breadcrumb item after "home" (or the first item when there is no home link)."""
    links = [a for ol in tree.iter(BREADCRUMB_TAG) for a in BREADCRUMB_LINKS(ol)]
    names = [element_text(a) for a in links]
    start = 1 if links and _is_home(links[0], names[0]) else 0
    for name in names[start:]:
        if name:
            return name.replace("\n", " ")
    return None


def _is_home(link: HtmlElement, text: str) -> bool:
    path = urlsplit(link.get("href") or "").path
    return path in ("", "/") or squash_key(text) in ("trangchủ", "home", "")


def tags(tree: HtmlElement) -> list[str]:
    names = (element_text(a).lstrip("#").strip() for a in TAG_LINKS(tree))
    return list(dict.fromkeys(name for name in names if name))


LAYOUT = OneCmsLayout()
