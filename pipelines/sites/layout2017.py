"""Site rules for baonghean.vn pages in the 2017-2022 layout.

Article URLs end in ``<slug>-<6 digits>.html``; images live on
``image.baonghean.vn`` / ``image2.baonghean.vn/w607/Uploaded/...``. The page
carries ``#title``, ``#date`` and ``#content``. Inside ``#content``:

* captions sit in ``td.image_desc`` of a ``table.image`` or in a ``figcaption``;
* ``table.rl`` is a "Tin liên quan" (related stories) box, not prose;
* ``[gg_video]ID[/gg_video]`` shortcodes are left raw in the text (a video
  embed the front end never expanded) and are not prose;
* the lead may be the first paragraph, printed all in bold with the outlet tag
  ("(Baonghean.vn) - ...");
* the byline is the final short paragraph, right-aligned and/or bold
  ("Thanh Lê"), or an agency credit ("Theo TTXVN").

The block walker and the trailing-byline rule here are shared with the later
2018 template (:mod:`pipelines.sites.layout2018`), whose article bodies keep the
same CMS markup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.sites.base import Extracted, RawCaption

logger = logging.getLogger(__name__)

HEADLINE = CSSSelector("#title")
DATELINE = CSSSelector("#date")
BODY = CSSSelector("#content")
SAPO = CSSSelector("#sapo, #summary, h2.sapo, div.sapo")
BREADCRUMB_LINKS = CSSSelector(".breadcrumb a, .breadcrumbs a, #breadcrumb a")
NOT_BODY = CSSSelector("table.rl, script, style, noscript, iframe, object, embed, form, .qc, .adv")
CAPTION_BOXES = CSSSelector("table.image, figure")
CAPTION_TEXT = CSSSelector("td.image_desc, .image_desc, figcaption")
IMAGES = CSSSelector("img")

SHORTCODE_RE = re.compile(r"\[(gg_video|video|youtube)\][^\[]*\[/\1\]", re.IGNORECASE)
"""Raw embed shortcodes left in the text: ``[gg_video]1Bx9...[/gg_video]``."""
OUTLET_TAG_RE = re.compile(r"^\s*\((?:Baonghean|BNA)(?:\.vn)?\)\s*[-–—]", re.IGNORECASE)
AGENCY_CREDIT_RE = re.compile(r"^(?:Theo|Nguồn:?)\s+\S", re.IGNORECASE)
RIGHT_ALIGN_RE = re.compile(r"text-align\s*:\s*right", re.IGNORECASE)
HOME_CRUMBS = frozenset({"trang chủ", "home", ""})

BYLINE_MAX_CHARS = 60
BYLINE_MAX_WORDS = 9

INLINE_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font",
        "i", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike",
        "strong", "sub", "sup", "time", "tt", "u", "var",
    }
)  # fmt: skip
"""Elements that continue the current paragraph; anything else starts a new one."""
SILENT_TAGS = frozenset(
    {
        "script", "style", "noscript", "iframe", "img", "video", "audio", "source",
        "picture", "object", "embed", "svg", "input", "button", "select", "textarea",
        "canvas", "map", "area", "head", "title", "meta", "link",
    }
)  # fmt: skip
"""Elements whose text is never shown as prose (their tail still is)."""
BOLD_TAGS = frozenset({"b", "strong"})


@dataclass(slots=True)
class Block:
    """One paragraph of body text and the block element that printed it."""

    text: str
    element: HtmlElement


def collapse(text: str) -> str:
    """Join whitespace runs (``&nbsp;`` included) into single spaces."""
    return " ".join(text.split())


def element_text(el: HtmlElement) -> str:
    """Visible text of one element, whitespace collapsed, scripts left out."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SILENT_TAGS:
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return collapse("".join(parts))


class _Walker:
    """Cuts a container into paragraphs: block elements and ``<br>`` end one."""

    def __init__(self, skip: Collection[HtmlElement], blocks: Collection[HtmlElement]) -> None:
        self.skip = skip
        self.blocks = blocks
        self.out: list[Block] = []
        self.buf: list[str] = []

    def flush(self, owner: HtmlElement) -> None:
        text = collapse(SHORTCODE_RE.sub(" ", "".join(self.buf)))
        self.buf.clear()
        if text:
            self.out.append(Block(text, owner))

    def walk(self, el: HtmlElement) -> None:
        self.buf.append(el.text or "")
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SILENT_TAGS:
                pass
            elif tag == "br" or child in self.skip:
                self.flush(el)
            elif tag in INLINE_TAGS and child not in self.blocks:
                self.walk(child)
            else:
                self.flush(el)
                self.walk(child)
                self.flush(child)
            self.buf.append(child.tail or "")


def body_blocks(
    root: HtmlElement,
    skip: Collection[HtmlElement] = (),
    blocks: Collection[HtmlElement] = (),
) -> list[Block]:
    """Paragraphs of ``root`` in order, leaving out ``skip`` subtrees.

    ``blocks`` are inline elements to treat as paragraphs of their own (a quote's
    attribution in a ``<span>``). The tree is not modified.
    """
    walker = _Walker(skip, blocks)
    walker.walk(root)
    walker.flush(root)
    return walker.out


def is_bold(el: HtmlElement) -> bool:
    """True when every visible character of ``el`` is inside ``<b>``/``<strong>``."""
    if el.tag in BOLD_TAGS or "bold" in (el.get("style") or "").replace(" ", ""):
        return bool(element_text(el))
    if collapse(el.text or ""):
        return False
    seen = False
    for child in el:
        if collapse(child.tail or ""):
            return False
        if not isinstance(child.tag, str) or child.tag in SILENT_TAGS or child.tag == "br":
            continue
        if element_text(child):
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
        if "right" in (node.get("class") or "").split() or "text-right" in (
            node.get("class") or ""
        ):
            return True
        node = node.getparent()
    return False


def looks_like_byline(block: Block, root: HtmlElement) -> bool:
    """A short final paragraph printed as a signature, or an agency credit."""
    text = block.text
    if len(text) > BYLINE_MAX_CHARS or len(text.split()) > BYLINE_MAX_WORDS:
        return False
    if text.endswith((".", ":", "?", "!", "…")) and not AGENCY_CREDIT_RE.match(text):
        return False
    if AGENCY_CREDIT_RE.match(text):
        return True
    return is_right_aligned(block.element, root) or is_bold(block.element)


def split_trailing_byline(blocks: list[Block], root: HtmlElement) -> tuple[list[Block], str | None]:
    """Take the byline off the end of the body, if the last paragraph is one."""
    if len(blocks) > 1 and looks_like_byline(blocks[-1], root):
        return blocks[:-1], blocks[-1].text
    return blocks, None


def image_url(img: HtmlElement) -> str | None:
    """Lazy-loading source first, then ``src``."""
    for attr in ("data-src", "data-original", "data-lazy-src", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def first_image_url(box: HtmlElement) -> str | None:
    for img in IMAGES(box):
        url = image_url(img)
        if url:
            return url
    return None


def outermost(elements: Iterable[HtmlElement]) -> list[HtmlElement]:
    """Drop elements nested inside another element of the list (document order kept)."""
    kept: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for el in elements:
        if not any(anc in seen for anc in el.iterancestors()):
            kept.append(el)
            seen.add(el)
    return kept


def captions_in(
    boxes: Iterable[HtmlElement], texts_in: CSSSelector = CAPTION_TEXT
) -> list[RawCaption]:
    """One caption per image box that shows one (``td.image_desc``/``figcaption``)."""
    found: list[RawCaption] = []
    for box in boxes:
        texts = [element_text(el) for el in outermost(texts_in(box))]
        text = " ".join(t for t in texts if t)
        if text:
            found.append(RawCaption(text=text, image_url=first_image_url(box)))
    return found


def first_text(selector: CSSSelector, tree: HtmlElement) -> str | None:
    for el in selector(tree):
        text = element_text(el)
        if text:
            return text
    return None


def section_name(selector: CSSSelector, tree: HtmlElement) -> str | None:
    """The first breadcrumb after "Trang chủ" (home)."""
    for link in selector(tree):
        text = element_text(link)
        if text.lower() not in HOME_CRUMBS:
            return text
    return None


def split_bold_lead(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The lead printed as the body's first paragraph, all bold, with the outlet tag."""
    if blocks and OUTLET_TAG_RE.match(blocks[0].text) and is_bold(blocks[0].element):
        return blocks[0].text, blocks[1:]
    return None, blocks


class Layout2017:
    """``#title`` / ``#date`` / ``#content`` pages (2017-2022)."""

    name = "layout2017"

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return bool(HEADLINE(tree)) and bool(BODY(tree))

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        bodies = BODY(tree)
        if not bodies:
            return Extracted(headline=first_text(HEADLINE, tree))
        content = bodies[0]
        boxes = outermost(CAPTION_BOXES(content))
        skip = set(NOT_BODY(content)) | set(boxes)
        blocks = body_blocks(content, skip)
        lead, blocks = split_bold_lead(blocks)
        blocks, byline = split_trailing_byline(blocks, content)
        return Extracted(
            headline=first_text(HEADLINE, tree),
            sapo=first_text(SAPO, tree) or lead,
            dateline=first_text(DATELINE, tree),
            byline=byline,
            paragraphs=[b.text for b in blocks] or None,
            captions=captions_in(boxes),
            category=section_name(BREADCRUMB_LINKS, tree),
        )


LAYOUT = Layout2017()
