"""Article body helpers shared by the 2017-2022 layout and the 2018 template.

Both keep the same CMS markup inside the body: image boxes (``table.image`` with
``td.image_desc``, figures, longform ``img[cms-photo-caption]``), a signature as the
last paragraph, raw embed shortcodes. A body is read in one walk
(:func:`pipelines.text.text_blocks`) whose skip rule, :class:`BoxScan`, leaves out
what is not prose and records the image boxes it meets, in page order; each box's
caption and image are then read in one pass over the box.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from lxml.etree import Element, XPath
from lxml.html import HtmlElement

from pipelines.bylines import looks_like_byline
from pipelines.captions import image_source
from pipelines.sites.base import RawCaption
from pipelines.text import clean_text, element_text, text_blocks

Block = tuple[HtmlElement, str]
"""A paragraph of body text and the block element that printed it."""
Test = Callable[[HtmlElement, str], bool]
"""A rule on an element and its class attribute ("" when it has none)."""

SHORTCODE_RE = re.compile(r"\[(gg_video|video|youtube)\][^\[\]]*\[/\1\]", re.IGNORECASE)
"""Raw embed shortcodes left in the text: ``[gg_video]1Bx9...[/gg_video]``."""
OUTLET_TAG_RE = re.compile(r"^\s*\((?:Baonghean|BNA)(?:\.vn)?\)\s*[-–—]", re.IGNORECASE)
AGENCY_CREDIT_RE = re.compile(r"^\(?\s*Theo\s+\S", re.IGNORECASE)
RIGHT_ALIGN_RE = re.compile(r"text-align\s*:\s*right", re.IGNORECASE)
RIGHT_CLASSES = frozenset({"right", "text-right", "align-right", "pull-right"})
BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
BOLD_TAGS = frozenset({"b", "strong"})
HOME_CRUMBS = frozenset({"trang chủ", "home", ""})
PREVIOUS_IMAGE = XPath("preceding::img[1]")
"""The image a caption standing alone (outside any box) belongs to."""


class BoxScan:
    """Skip rule of a body walk: image boxes (``is_box``, recorded in page order) and
    what ``not_body`` names are left out with their subtree."""

    def __init__(self, is_box: Test, not_body: Test) -> None:
        self.is_box = is_box
        self.not_body = not_body
        self.boxes: list[HtmlElement] = []

    def __call__(self, el: HtmlElement) -> bool:
        classes = el.get("class") or ""
        if self.is_box(el, classes):
            self.boxes.append(el)
            return True
        return self.not_body(el, classes)


def classes_of(el: HtmlElement) -> list[str]:
    classes = el.get("class")
    return classes.split() if classes else []


def is_image_table(el: HtmlElement, classes: str) -> bool:
    """``table[contains(@class, 'image') or .//td[contains(@class, 'image_desc')]]``."""
    return el.tag == "table" and (
        "image" in classes or any("image_desc" in (td.get("class") or "") for td in el.iter("td"))
    )


def body_blocks(
    root: HtmlElement, skip: Collection[HtmlElement] | Callable[[HtmlElement], bool]
) -> list[Block]:
    """Paragraphs under ``root`` in order, ``skip`` subtrees (a collection, or a test)
    and shortcodes left out. The tree is not modified."""
    rule = skip if callable(skip) else skip.__contains__
    blocks: list[Block] = []
    for owner, text in text_blocks(root, rule):
        if "[/" in text:
            text = clean_text(SHORTCODE_RE.sub(" ", text), keep_newlines=True)
        if text:
            blocks.append((owner, text))
    return blocks


def box_caption(
    box: HtmlElement, caption_classes: frozenset[str], *, longform: bool = False
) -> RawCaption | None:
    """The caption shown in an image box (``figcaption`` and elements of
    ``caption_classes``, the outermost ones, joined by line breaks), with the box's
    first usable image URL; else, with ``longform``, a ``cms-photo-caption`` attribute."""
    shown: list[HtmlElement] = []
    images: list[HtmlElement] = []
    for el in box.iter(Element):
        tag = el.tag
        if tag == "img":
            images.append(el)
            continue
        classes = el.get("class")
        is_caption = tag == "figcaption" or (
            classes is not None and not caption_classes.isdisjoint(classes.split())
        )
        if is_caption and not (shown and _inside(el, shown, box)):
            shown.append(el)
    text = "\n".join(filter(None, map(element_text, shown)))
    if not text and longform:
        text = next(filter(None, (_photo_caption(img) for img in images)), "")
    return RawCaption(text=text, image_url=first_image_url(box, images)) if text else None


def _photo_caption(img: HtmlElement) -> str:
    return (img.get("cms-photo-caption") or "").strip()


def _inside(el: HtmlElement, outer: list[HtmlElement], box: HtmlElement) -> bool:
    for node in el.iterancestors():
        if node in outer:
            return True
        if node is box:
            return False
    return False


def first_image_url(box: HtmlElement, images: list[HtmlElement] | None = None) -> str | None:
    """URL of the first image in ``box`` with one (``box`` itself when it is an ``<img>``);
    for a caption standing alone, of the image just before it."""
    if images is None:
        images = list(box.iter("img"))
    for img in images or PREVIOUS_IMAGE(box):
        found = image_source(img)
        if found:
            return found
    return None


def is_bold(el: HtmlElement) -> bool:
    """True when every visible character of ``el`` is inside ``<b>``/``<strong>``."""
    if el.tag in BOLD_TAGS or BOLD_STYLE_RE.search(el.get("style") or ""):
        return bool(element_text(el))
    if clean_text(el.text):
        return False
    seen = False
    for child in el:
        if clean_text(child.tail):
            return False
        if not isinstance(child.tag, str) or child.tag == "br" or not element_text(child):
            continue
        if not is_bold(child):
            return False
        seen = True
    return seen


def is_right_aligned(el: HtmlElement, root: HtmlElement) -> bool:
    """True when ``el`` or an ancestor below ``root`` is set to align right."""
    node: HtmlElement | None = el
    while node is not None and node is not root:
        if (node.get("align") or "").lower() == "right":
            return True
        if RIGHT_ALIGN_RE.search(node.get("style") or ""):
            return True
        if RIGHT_CLASSES.intersection(classes_of(node)):
            return True
        node = node.getparent()
    return False


def is_signature(block: Block, root: HtmlElement) -> bool:
    """A name (or "Theo <agency>") printed as a signature: right-aligned or bold."""
    owner, text = block
    if not looks_like_byline(text):
        return False
    if AGENCY_CREDIT_RE.match(text):
        return True
    return owner is not root and (is_right_aligned(owner, root) or is_bold(owner))


def split_trailing_byline(blocks: list[Block], root: HtmlElement) -> tuple[list[Block], str | None]:
    """Take the byline off the end of the body, if the last paragraph is one."""
    if len(blocks) > 1 and is_signature(blocks[-1], root):
        return blocks[:-1], blocks[-1][1]
    return blocks, None


def split_bold_lead(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The lead printed as the body's first paragraph, all bold, with the outlet tag."""
    if blocks and OUTLET_TAG_RE.match(blocks[0][1]) and is_bold(blocks[0][0]):
        return blocks[0][1], blocks[1:]
    return None, blocks


def first_with_class(tree: HtmlElement, tag: str, cls: str) -> HtmlElement | None:
    """The first ``tag.cls`` of the page, the walk stopping there (an XPath search with
    a class test would test every element of that tag first)."""
    for el in tree.iter(tag):
        classes = el.get("class")
        if classes and cls in classes.split():
            return el
    return None


def section_name(links: Collection[HtmlElement]) -> str | None:
    """The first breadcrumb after "Trang chủ" (home)."""
    for link in links:
        text = element_text(link)
        if text.lower() not in HOME_CRUMBS:
            return text
    return None
