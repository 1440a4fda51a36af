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
    body_blocks,
    captions_in,
    element_text,
    first_image_url,
    first_text,
    outermost,
    section_name,
    split_trailing_byline,
)

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
    ".social-listing, script, style, noscript, iframe, object, embed, form"
)
CAPTION_BOXES = CSSSelector(
    ".full-img, .full-video, .box-image, .box-image-portrait, table.image, figure"
)
CAPTION_TEXT = CSSSelector(".fig, .image_desc, .box-desc, figcaption")
TABLE_CAPTIONS = CSSSelector("td.image_desc")
LONGFORM_PHOTOS = CSSSelector("img.cms-photo[cms-photo-caption]")
QUOTE_AUTHORS = CSSSelector(".quotes .author, .cms-quote .author")


def _caption_boxes(content: HtmlElement, order: dict[HtmlElement, int]) -> list[HtmlElement]:
    """Image boxes in document order, a table holding ``td.image_desc`` included."""
    boxes = list(CAPTION_BOXES(content))
    for cell in TABLE_CAPTIONS(content):
        table = next(cell.iterancestors("table"), None)
        if table is not None:
            boxes.append(table)
    return outermost(sorted(set(boxes), key=order.__getitem__))


def _box_caption(box: HtmlElement) -> RawCaption | None:
    """The visible caption of one box, else a longform photo's caption attribute."""
    shown = captions_in([box], CAPTION_TEXT)
    if shown:
        return shown[0]
    for img in LONGFORM_PHOTOS(box):
        text = img.get("cms-photo-caption", "").strip()
        if text:
            return RawCaption(text=text, image_url=first_image_url(box))
    return None


def _captions(
    content: HtmlElement, boxes: list[HtmlElement], order: dict[HtmlElement, int]
) -> list[RawCaption]:
    """One caption per image: boxes first, then bare longform photos, in page order."""
    items: list[tuple[HtmlElement, RawCaption]] = []
    for box in boxes:
        caption = _box_caption(box)
        if caption is not None:
            items.append((box, caption))
    boxed = set(boxes)
    for img in LONGFORM_PHOTOS(content):
        if not any(anc in boxed for anc in img.iterancestors()):
            caption = _box_caption(img)
            if caption is not None:
                items.append((img, caption))
    return [caption for _, caption in sorted(items, key=lambda item: order[item[0]])]


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
            tags=list(dict.fromkeys(t for t in map(element_text, TAGS(scope)) if t)) or None,
        )
        bodies = BODY(scope)
        if bodies:
            content = bodies[0]
            order = {el: i for i, el in enumerate(content.iter())}
            boxes = _caption_boxes(content, order)
            skip = set(NOT_BODY(content)) | set(boxes) | set(LONGFORM_PHOTOS(content))
            blocks = body_blocks(content, skip, set(QUOTE_AUTHORS(content)))
            if found.byline is None:
                blocks, found.byline = split_trailing_byline(blocks, content)
            found.paragraphs = [b.text for b in blocks] or None
            found.captions = _captions(content, boxes, order)
        return found


LAYOUT = Layout2018()
