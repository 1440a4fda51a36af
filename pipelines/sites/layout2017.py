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

The body helpers here (caption boxes, the trailing-signature rule) are shared
with the 2018 template (:mod:`pipelines.sites.layout2018`), whose article bodies
keep the same CMS markup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable

from lxml.cssselect import CSSSelector
from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.bylines import looks_like_byline
from pipelines.captions import LAZY_ATTRIBUTES
from pipelines.sites.base import Extracted, RawCaption
from pipelines.text import clean_text, element_text, text_blocks

logger = logging.getLogger(__name__)

# Page-wide lookups use the parser's id index (``id()``), a whole-tree CSS scan
# costs as much as parsing a small page.
HEADLINE = XPath("id('title')")
DATELINE = XPath("id('date')")
BODY = XPath("id('content')")
SAPO_BY_ID = XPath("id('sapo summary')")
SAPO_TAGS = frozenset({"h2", "div", "p"})
SAPO_CLASS = "sapo"
"""``h2.sapo``, ``div.sapo``, ``p.sapo``: searched in the headline's container, before the
body only (sidebars and "Tin cùng chuyên mục" boxes print other stories' sapos)."""
BREADCRUMB_LINKS = CSSSelector("div.breadcrumb a")
NOT_BODY = CSSSelector("table.rl, iframe, object, embed, form, .qc, .adv")
CAPTION_BOXES = XPath(
    ".//table[contains(@class, 'image') or .//td[contains(@class, 'image_desc')]]"
    " | .//figure | .//*[contains(@class, 'image_desc')]"
)
"""Image boxes in page order; an ``.image_desc`` outside any box captions the image before it."""
CAPTION_TEXT = CSSSelector("td.image_desc, .image_desc, figcaption")
IMAGES = CSSSelector("img")
PREVIOUS_IMAGE = XPath("preceding::img[1]")

SHORTCODE_RE = re.compile(r"\[(gg_video|video|youtube)\][^\[\]]*\[/\1\]", re.IGNORECASE)
"""Raw embed shortcodes left in the text: ``[gg_video]1Bx9...[/gg_video]``."""
OUTLET_TAG_RE = re.compile(r"^\s*\((?:Baonghean|BNA)(?:\.vn)?\)\s*[-–—]", re.IGNORECASE)
AGENCY_CREDIT_RE = re.compile(r"^\(?\s*Theo\s+\S", re.IGNORECASE)
RIGHT_ALIGN_RE = re.compile(r"text-align\s*:\s*right", re.IGNORECASE)
RIGHT_CLASSES = frozenset({"right", "text-right", "align-right", "pull-right"})
BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
BOLD_TAGS = frozenset({"b", "strong"})
HOME_CRUMBS = frozenset({"trang chủ", "home", ""})

Block = tuple[HtmlElement, str]
"""A paragraph of body text and the block element that printed it."""


def body_blocks(root: HtmlElement, skip: Collection[HtmlElement]) -> list[Block]:
    """Paragraphs under ``root`` in order, ``skip`` subtrees and shortcodes left out.

    The tree is not modified.
    """
    blocks: list[Block] = []
    for owner, text in text_blocks(root, skip.__contains__):
        if "[/" in text:
            text = clean_text(SHORTCODE_RE.sub(" ", text), keep_newlines=True)
        if text:
            blocks.append((owner, text))
    return blocks


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
        if RIGHT_CLASSES.intersection((node.get("class") or "").split()):
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


def image_url(img: HtmlElement) -> str | None:
    """The image's URL as written: a lazy-loading attribute (set only when ``src``
    holds a placeholder) wins over ``src``; ``data:`` URIs are never an answer."""
    for name in (*LAZY_ATTRIBUTES, "src"):
        value = (img.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value.split(",")[0].split()[0]
    return None


def first_image_url(box: HtmlElement) -> str | None:
    """URL of the first image in ``box`` (``box`` itself when it is an ``<img>``); for a
    caption standing alone, the image just before it."""
    images = [box] if box.tag == "img" else IMAGES(box) or PREVIOUS_IMAGE(box)
    for img in images:
        found = image_url(img)
        if found:
            return found
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
        text = "\n".join(filter(None, map(element_text, outermost(texts_in(box)))))
        if text:
            found.append(RawCaption(text=text, image_url=first_image_url(box)))
    return found


def first_text(selector: XPath, tree: HtmlElement) -> str | None:
    for el in selector(tree):
        text = element_text(el)
        if text:
            return text
    return None


def section_name(selector: XPath, tree: HtmlElement) -> str | None:
    """The first breadcrumb after "Trang chủ" (home)."""
    for link in selector(tree):
        text = element_text(link)
        if text.lower() not in HOME_CRUMBS:
            return text
    return None


def split_bold_lead(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The lead printed as the body's first paragraph, all bold, with the outlet tag."""
    if blocks and OUTLET_TAG_RE.match(blocks[0][1]) and is_bold(blocks[0][0]):
        return blocks[0][1], blocks[1:]
    return None, blocks


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
            category=section_name(BREADCRUMB_LINKS, tree),
        )
        if content is None:
            return found
        boxes = outermost(CAPTION_BOXES(content))
        blocks = body_blocks(content, set(NOT_BODY(content)).union(boxes))
        lead, blocks = split_bold_lead(blocks)
        found.sapo = found.sapo or lead
        blocks, found.byline = split_trailing_byline(blocks, content)
        found.paragraphs = [text for _, text in blocks] or None
        found.captions = captions_in(boxes)
        return found


LAYOUT = Layout2017()
