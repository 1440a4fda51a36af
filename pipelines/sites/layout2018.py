"""Site rules for baonghean.vn pages in the 2018 front-end template.

The template (``article.article-wrap``) puts the headline in
``h1.article__title``, an optional kicker in ``h2.article__sub-title`` (not part
of the record), the date in ``.article__meta time[datetime]``, the lead in
``.article__summary`` and the body in ``.article__content > .content``.

Inside the body, these are not prose and are left out:

* image boxes and their captions: ``div.full-img`` (``span.fig`` / ``div.fig``),
  ``.box-image`` / ``.box-image-portrait`` (``.box-desc``), tables with
  ``td.image_desc``; longform images ``img.cms-photo`` carry the caption again
  in a ``cms-photo-caption`` attribute (counted once, the visible text wins);
* ``article.article__related-inline`` and ``.box-relate`` (inline related
  stories), ``table.article__related`` ("TIN LIÊN QUAN"), the tag box, the
  share bar, polls and ads;
* ``p.article__author``, the byline (inside ``.content`` in the longform
  template, beside it otherwise).

Quote boxes (``div.quotes``, ``div.cms-quote``) are kept as body text, their
attribution as a paragraph of its own. That attribution also has class
``author``, which is why the byline selector is ``p.article__author`` and never
a bare ``.author``.

The page is read in few passes: one over the article's headings, ``<time>``, ``<div>``
and ``<p>`` for the header fields and the body, one walk of the body (see
:mod:`pipelines.sites.legacy_body`).
"""

from __future__ import annotations

import logging

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.sites.base import Extracted
from pipelines.sites.legacy_body import (
    Block,
    BoxScan,
    body_blocks,
    box_caption,
    classes_of,
    first_with_class,
    is_image_table,
    section_name,
    split_trailing_byline,
)
from pipelines.text import element_text

logger = logging.getLogger(__name__)

ARTICLE = ("article", "article-wrap")
"""``article.article-wrap``: the first one on the page is the story."""
HEADLINE = ("h1", "article__title")
META = ("div", "article__meta")
"""Its ``<time>`` holds the date."""
SAPO = ("div", "article__summary")
BYLINE = ("p", "article__author")
BODY_PARENT, BODY = ("div", "article__content"), ("div", "content")
"""``div.article__content > div.content``."""
TAG_BOX, TAG_LIST = ("div", "article__tag"), ("div", "tag-listing")
"""``div.article__tag div.tag-listing a``."""
HEADER_TAGS = ("h1", "time", "div", "p")
BREADCRUMB = ("ol", "breadcrumb")
"""The first ``ol.breadcrumb``: its links give the section."""
BREADCRUMB_LINKS = CSSSelector("ol.breadcrumb li a")
NOT_BODY_TAGS = frozenset({"iframe", "object", "embed", "form"})
NOT_BODY_CLASSES = {
    "article": frozenset({"article__related-inline"}),
    "div": frozenset({"box-relate", "article__tag", "article__meta", "qc", "social-listing"}),
    "table": frozenset({"article__related"}),
    "p": frozenset({"article__author"}),
    "section": frozenset({"article-poll"}),
}
"""``article.article__related-inline, div.box-relate, table.article__related, ...``."""
PHOTO_DIV_PARTS = ("full-img", "full-video", "box-image")
"""``div[contains(@class, ...)]`` image boxes (with ``figure``, image tables and
``img[cms-photo-caption]``)."""
CAPTION_CLASSES = frozenset({"fig", "image_desc", "box-desc"})
"""``.fig, .image_desc, .box-desc, figcaption`` inside an image box."""
QUOTE_BOXES = frozenset({"quotes", "cms-quote"})
"""``div.quotes, div.cms-quote``; their attribution has class ``author``."""
QUOTE_AUTHOR = "author"


def _is(el: HtmlElement, rule: tuple[str, str]) -> bool:
    return el.tag == rule[0] and rule[1] in classes_of(el)


def is_photo(el: HtmlElement, classes: str) -> bool:
    tag = el.tag
    if tag == "div":
        return any(part in classes for part in PHOTO_DIV_PARTS)
    if tag == "img":
        return el.get("cms-photo-caption") is not None
    return tag == "figure" or is_image_table(el, classes)


def is_not_body(el: HtmlElement, classes: str) -> bool:
    if el.tag in NOT_BODY_TAGS:
        return True
    wanted = NOT_BODY_CLASSES.get(el.tag)
    return wanted is not None and bool(classes) and not wanted.isdisjoint(classes.split())


class _BodyScan(BoxScan):
    """Also leaves out quote attributions, remembered by quote box (outer boxes first)."""

    def __init__(self, content: HtmlElement) -> None:
        super().__init__(is_photo, is_not_body)
        self.content = content
        self.quotes: dict[HtmlElement, list[HtmlElement]] = {}

    def __call__(self, el: HtmlElement) -> bool:
        classes = el.get("class")
        if classes and QUOTE_AUTHOR in classes and QUOTE_AUTHOR in classes.split():
            boxes = [a for a in el.iterancestors("div") if _in_quote(a, self.content)]
            for box in reversed(boxes):
                self.quotes.setdefault(box, []).append(el)
            if boxes:
                return True
        return super().__call__(el)


def _in_quote(div: HtmlElement, content: HtmlElement) -> bool:
    return not QUOTE_BOXES.isdisjoint(classes_of(div)) and content in div.iterancestors()


def _with_quote_authors(
    blocks: list[Block], quotes: dict[HtmlElement, list[HtmlElement]]
) -> list[Block]:
    """Put each quote's attribution (walked past) back after the quote, on its own line."""
    out: list[Block] = []
    pending = dict(quotes)
    for index, (owner, text) in enumerate(blocks):
        out.append((owner, text))
        following = blocks[index + 1][0] if index + 1 < len(blocks) else None
        for box in [b for b in pending if b is owner or b in owner.iterancestors()]:
            if following is not None and (following is box or box in following.iterancestors()):
                continue
            out.extend((a, t) for a in pending.pop(box) if (t := element_text(a)))
    return out


def _article(tree: HtmlElement) -> HtmlElement | None:
    return next((a for a in tree.iter(ARTICLE[0]) if _is(a, ARTICLE)), None)


def _first_with_text(found: Extracted, name: str, el: HtmlElement) -> None:
    if getattr(found, name) is None:
        setattr(found, name, element_text(el) or None)


def _header(scope: HtmlElement) -> tuple[Extracted, HtmlElement | None]:
    """The header fields and tags, and the body element, from one pass over the article."""
    found, body, meta_times = Extracted(), None, []
    tags: list[str] = []
    for el in scope.iter(*HEADER_TAGS):
        tag = el.tag
        if tag == "time":
            meta_times.append(el)
            continue
        classes = el.get("class")
        if not classes:
            continue
        tokens = classes.split()
        if tag == "h1":
            if HEADLINE[1] in tokens:
                _first_with_text(found, "headline", el)
        elif tag == "p":
            if BYLINE[1] in tokens:
                _first_with_text(found, "byline", el)
        elif SAPO[1] in tokens:
            _first_with_text(found, "sapo", el)
        elif BODY[1] in tokens and body is None and _is(el.getparent(), BODY_PARENT):
            body = el
        elif TAG_LIST[1] in tokens and any(_is(a, TAG_BOX) for a in el.iterancestors("div")):
            tags.extend(filter(None, map(element_text, el.iter("a"))))
    found.dateline, found.published = _published(meta_times)
    found.tags = list(dict.fromkeys(tags)) or None
    return found, body


def _published(times: list[HtmlElement]) -> tuple[str | None, str | None]:
    """(date line as printed, ``datetime`` attribute) of the header's ``<time>``
    (``div.article__meta time``)."""
    for time_el in times:
        if not any(_is(a, META) for a in time_el.iterancestors("div")):
            continue
        printed = element_text(time_el) or None
        machine = (time_el.get("datetime") or "").strip() or None
        if printed or machine:
            return printed, machine
    return None, None


def category(tree: HtmlElement) -> str | None:
    first = first_with_class(tree, *BREADCRUMB)
    if first is None:
        return None
    links = [a for li in first.iter("li") for a in li.iter("a")]
    return section_name(links) or section_name(BREADCRUMB_LINKS(tree))


class Layout2018:
    """``article.article-wrap`` pages of the 2018 template."""

    name = "layout2018"

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return any(
            _is(h1, HEADLINE)
            for article in tree.iter(ARTICLE[0])
            if _is(article, ARTICLE)
            for h1 in article.iter(HEADLINE[0])
        )

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        article = _article(tree)
        found, body = _header(article if article is not None else tree)
        found.category = category(tree)
        if body is not None:
            self._body(body, found)
        return found

    @staticmethod
    def _body(content: HtmlElement, found: Extracted) -> None:
        scan = _BodyScan(content)
        blocks = _with_quote_authors(body_blocks(content, scan), scan.quotes)
        if found.byline is None:
            blocks, found.byline = split_trailing_byline(blocks, content)
        found.paragraphs = [text for _, text in blocks] or None
        captions = (box_caption(unit, CAPTION_CLASSES, longform=True) for unit in scan.boxes)
        found.captions = [c for c in captions if c is not None]


LAYOUT = Layout2018()
