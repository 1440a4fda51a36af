"""What is not prose inside a OneCMS ``article.entry``, and the figure boxes found there.

:class:`BodyScan` is the skip rule of the body walk (:func:`pipelines.text.text_blocks`):
it leaves out the header block, related-story boxes, highlight boxes, ads, share
widgets, figures and image tables, and remembers the figure boxes it leaves out, in
page order, so that captions need no second search. Verdicts that depend only on an
element's tag, class and id are computed once per distinct (class, id) pair.
"""

from __future__ import annotations

import re

from lxml.etree import Element
from lxml.html import HtmlElement

from pipelines.bylines import looks_like_byline
from pipelines.text import BLOCK_TAGS, clean_text, element_text, squash_key, text_content

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

FIGURE_TAG = "figure"
FIGURE_BOX_CLASSES = {"table": frozenset({"image"}), "div": frozenset({"image", "photo-box"})}
"""``figure``, ``table.image``, ``div.image``, ``div.photo-box``: boxes of an image and
its caption."""
HEADER_CLASS = "sc-longform-header"
HEADER_MEDIA_CLASS = "sc-longform-header-media"
HEADER_MEDIA = frozenset({HEADER_MEDIA_CLASS})
"""The lead image's box (a figure box too, whatever its tag)."""
CAPTION_TAG = "figcaption"
CAPTION_CLASSES = frozenset({"image_desc", "caption", "image-caption", "desc"})
"""``figcaption, .image_desc, .caption, .image-caption, .desc``, inside a figure box."""


class BodyScan:
    """Skip rule for the walk of ``entry`` that records the figure boxes it skips."""

    def __init__(self, entry: HtmlElement, header: HtmlElement | None) -> None:
        self.entry = entry
        self.header = header
        self.boxes: list[HtmlElement] = []
        """Figure boxes in page order, the header's included (none inside a skipped box)."""
        self.marked: dict[tuple[str | None, str | None], bool] = {}
        """Verdict of :func:`_marked_not_body` by (class, id)."""

    def __call__(self, el: HtmlElement) -> bool:
        tag = el.tag
        if tag in NOT_BODY_TAGS:
            return self._skip(el)
        classes, ident = el.get("class"), el.get("id")
        if classes or ident:
            key = (classes, ident)
            marked = self.marked.get(key)
            if marked is None:
                marked = self.marked[key] = _marked_not_body(classes or "", ident or "")
            if marked:
                return self._skip(el)
            if classes and HEADER_MEDIA_CLASS in classes and HEADER_MEDIA_CLASS in classes.split():
                self.boxes.append(el)
        if (tag == "table" and _is_image_table(el)) or (tag in BLOCK_TAGS and _is_related_box(el)):
            return self._skip(el)
        return False

    def _skip(self, el: HtmlElement) -> bool:
        if self.header is not None and el is self.header:
            boxes = (box for box in el.iter(Element) if _is_figure_box(box))
            self.boxes.extend(box for box in boxes if not _in_a_box(box, self.entry))
        elif _is_figure_box(el):
            self.boxes.append(el)
        return True

    @staticmethod
    def caption_and_image(box: HtmlElement) -> tuple[str | None, HtmlElement | None]:
        """The box's first caption element with text, and its first image."""
        caption: str | None = None
        image: HtmlElement | None = None
        for el in box.iter():
            tag = el.tag
            if image is None and tag == "img":
                image = el
            if caption is None and (tag == CAPTION_TAG or _has_class(el, CAPTION_CLASSES)):
                caption = element_text(el).replace("\n", " ") or None
            if caption is not None and image is not None:
                break
        return caption, image


def is_not_body(el: HtmlElement) -> bool:
    """True for an element whose subtree is never article prose."""
    if el.tag in NOT_BODY_TAGS:
        return True
    if _marked_not_body(el.get("class") or "", el.get("id") or ""):
        return True
    if el.tag == "table" and _is_image_table(el):
        return True  # its text is a caption
    return el.tag in BLOCK_TAGS and _is_related_box(el)


def _marked_not_body(classes: str, ident: str) -> bool:
    """Its class or id names a box that is not prose."""
    if classes and (
        NOT_BODY_CLASSES.intersection(classes.split()) or NOT_BODY_CLASS_PATTERN.search(classes)
    ):
        return True
    return bool(ident) and NOT_BODY_IDS.search(ident) is not None


def _has_image(el: HtmlElement) -> bool:
    return next(el.iter("img"), None) is not None


def _is_image_table(table: HtmlElement) -> bool:
    """A table that frames an image and its caption, not a layout table around the article:
    it holds an image but no figure and at most one paragraph."""
    if not _has_image(table) or next(table.iter(FIGURE_TAG), None) is not None:
        return False
    paragraphs = table.iter("p")
    return next(paragraphs, None) is None or next(paragraphs, None) is None


def _has_class(el: HtmlElement, wanted: frozenset[str]) -> bool:
    classes = el.get("class")
    return bool(classes) and not wanted.isdisjoint(classes.split())


def _is_figure_box(el: HtmlElement) -> bool:
    if el.tag == FIGURE_TAG:
        return True
    wanted = FIGURE_BOX_CLASSES.get(el.tag)
    return (wanted is not None and _has_class(el, wanted)) or _has_class(el, HEADER_MEDIA)


def _in_a_box(figure: HtmlElement, entry: HtmlElement) -> bool:
    """Inside another figure, a related box, an ad... (the header block is fine)."""
    for node in figure.iterancestors():
        if node is entry:
            return False
        if HEADER_CLASS not in (node.get("class") or "") and is_not_body(node):
            return True
    return False


def _is_related_box(el: HtmlElement) -> bool:
    """A "Tin liên quan" heading, a box that starts with one, or a list of links only."""
    tag = el.tag
    full = text_content(el) if tag in HEADING_TAGS or tag in LINK_LIST_TAGS else ""
    if tag in HEADING_TAGS:
        heading = full
    elif el.text and not el.text.isspace():
        heading = el.text
    else:
        heading = _first_child_text(el)
    if len(heading) < 40 and squash_key(heading) in BOX_TITLES:
        return True
    if tag not in LINK_LIST_TAGS or not len(el):  # no child, no link
        return False
    links = list(el.iter("a"))
    if not any(a.get("href") is not None for a in links):
        return False
    text = _letters(full)
    linked = sum(_letters(text_content(a)) for a in links)
    return text > 0 and linked >= 0.9 * text


def _first_child_text(el: HtmlElement) -> str:
    """Text of a container's first child, when that child is small enough to be a title."""
    for child in el:
        if isinstance(child.tag, str):
            return text_content(child) if len(child) <= 2 else ""
    return ""


def _letters(text: str) -> int:
    return len("".join(text.split()))


def is_signature(el: HtmlElement, text: str) -> bool:
    """The final paragraph is a byline: right-aligned or bold, and name-like."""
    if not looks_like_byline(text):
        return False
    if clean_text(text).lower().startswith("theo "):
        return True
    return _right_aligned(el) or _all_bold(el, text)


def _right_aligned(el: HtmlElement) -> bool:
    for node in el.iter(Element):
        marks = f"{node.get('style', '')} {node.get('class', '')}".lower()
        if node.get("align", "").lower() == "right" or RIGHT_ALIGNED.search(marks):
            return True
    return False


def _all_bold(el: HtmlElement, text: str) -> bool:
    bold = " ".join(element_text(b) for b in el.iter("strong", "b"))
    return squash_key(bold) == squash_key(text)
