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
"""

from __future__ import annotations

import logging

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.sites.base import Extracted, RawCaption
from pipelines.sites.layout2017 import (
    Block,
    body_blocks,
    captions_in,
    first_image_url,
    first_text,
    outermost,
    section_name,
    split_trailing_byline,
)
from pipelines.text import element_text

logger = logging.getLogger(__name__)

ARTICLE = CSSSelector("article.article-wrap")
HEADLINE = CSSSelector("h1.article__title")
META_TIME = CSSSelector(".article__meta time")
SAPO = CSSSelector(".article__summary")
BODY = CSSSelector(".article__content > .content")
BYLINE = CSSSelector("p.article__author")
TAGS = CSSSelector(".article__tag .tag-listing a")
BREADCRUMB_LINKS = CSSSelector("ol.breadcrumb li a")
NOT_BODY = CSSSelector(
    "article.article__related-inline, .box-relate, table.article__related, "
    ".article__tag, .article__meta, p.article__author, .article-poll, .qc, "
    ".social-listing, iframe, object, embed, form"
)
CAPTION_BOXES = CSSSelector(
    ".full-img, .full-video, .box-image, .box-image-portrait, table.image, figure"
)
CAPTION_TEXT = CSSSelector(".fig, .image_desc, .box-desc, figcaption")
TABLE_CAPTIONS = CSSSelector("td.image_desc")
LONGFORM_PHOTOS = CSSSelector("img.cms-photo[cms-photo-caption]")
QUOTE_BOXES = CSSSelector(".quotes, .cms-quote")
QUOTE_AUTHOR = CSSSelector(".author")


def _caption_boxes(content: HtmlElement, order: dict[HtmlElement, int]) -> list[HtmlElement]:
    """Image boxes in document order, a table holding ``td.image_desc`` included."""
    boxes = list(CAPTION_BOXES(content))
    for cell in TABLE_CAPTIONS(content):
        table = next(cell.iterancestors("table"), None)
        if table is not None:
            boxes.append(table)
    return outermost(sorted(set(boxes), key=order.__getitem__))


def _box_caption(box: HtmlElement, url: str) -> RawCaption | None:
    """The visible caption of one box, else a longform photo's caption attribute."""
    shown = captions_in([box], url, CAPTION_TEXT)
    if shown:
        return shown[0]
    for img in LONGFORM_PHOTOS(box) or [box]:
        text = (img.get("cms-photo-caption") or "").strip()
        if text:
            return RawCaption(text=text, image_url=first_image_url(box, url))
    return None


def _captions(
    content: HtmlElement, boxes: list[HtmlElement], order: dict[HtmlElement, int], url: str
) -> list[RawCaption]:
    """One caption per image: boxes, then longform photos outside boxes, in page order."""
    boxed = set(boxes)
    loose = [
        img
        for img in LONGFORM_PHOTOS(content)
        if not any(anc in boxed for anc in img.iterancestors())
    ]
    found: list[tuple[int, RawCaption]] = []
    for el in (*boxes, *loose):
        caption = _box_caption(el, url)
        if caption is not None:
            found.append((order[el], caption))
    return [caption for _, caption in sorted(found, key=lambda item: item[0])]


def _quote_authors(content: HtmlElement) -> dict[HtmlElement, list[HtmlElement]]:
    """Attribution lines (class ``author``) of each quote box."""
    return {box: authors for box in QUOTE_BOXES(content) if (authors := QUOTE_AUTHOR(box))}


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


def _published(scope: HtmlElement) -> tuple[str | None, str | None]:
    """(date line as printed, ``datetime`` attribute) of the header's ``<time>``."""
    for time_el in META_TIME(scope):
        printed = element_text(time_el) or None
        machine = (time_el.get("datetime") or "").strip() or None
        if printed or machine:
            return printed, machine
    return None, None


class Layout2018:
    """``article.article-wrap`` pages of the 2018 template."""

    name = "layout2018"

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return any(HEADLINE(article) for article in ARTICLE(tree))

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        articles = ARTICLE(tree)
        scope = articles[0] if articles else tree
        dateline, published = _published(scope)
        found = Extracted(
            headline=first_text(HEADLINE, scope),
            sapo=first_text(SAPO, scope),
            dateline=dateline,
            published=published,
            byline=first_text(BYLINE, scope),
            category=section_name(BREADCRUMB_LINKS, tree),
            tags=list(dict.fromkeys(filter(None, map(element_text, TAGS(scope))))) or None,
        )
        bodies = BODY(scope)
        if bodies:
            self._body(bodies[0], url, found)
        return found

    @staticmethod
    def _body(content: HtmlElement, url: str, found: Extracted) -> None:
        order = {el: i for i, el in enumerate(content.iter())}
        boxes = _caption_boxes(content, order)
        quotes = _quote_authors(content)
        skip = set(NOT_BODY(content)).union(boxes, LONGFORM_PHOTOS(content))
        skip.update(author for authors in quotes.values() for author in authors)
        blocks = _with_quote_authors(body_blocks(content, skip), quotes)
        if found.byline is None:
            blocks, found.byline = split_trailing_byline(blocks, content)
        found.paragraphs = [text for _, text in blocks] or None
        found.captions = _captions(content, boxes, order, url)


LAYOUT = Layout2018()
