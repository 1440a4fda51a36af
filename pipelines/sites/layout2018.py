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
from lxml.etree import XPath
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
META_TIME = CSSSelector("div.article__meta time")
SAPO = CSSSelector("div.article__summary")
BODY = CSSSelector("div.article__content > div.content")
BYLINE = CSSSelector("p.article__author")
TAGS = CSSSelector("div.article__tag div.tag-listing a")
BREADCRUMB_LINKS = CSSSelector("ol.breadcrumb li a")
NOT_BODY = CSSSelector(
    "article.article__related-inline, div.box-relate, table.article__related, "
    "div.article__tag, div.article__meta, p.article__author, section.article-poll, "
    "div.qc, div.social-listing, iframe, object, embed, form"
)
PHOTOS = XPath(
    ".//div[contains(@class, 'full-img') or contains(@class, 'full-video')"
    " or contains(@class, 'box-image')]"
    " | .//table[contains(@class, 'image') or .//td[contains(@class, 'image_desc')]]"
    " | .//figure | .//img[@cms-photo-caption]"
)
"""Image units in page order: boxes (with their caption) and bare longform photos."""
CAPTION_TEXT = CSSSelector(".fig, .image_desc, .box-desc, figcaption")
LONGFORM_PHOTOS = CSSSelector("img[cms-photo-caption]")
QUOTE_BOXES = CSSSelector("div.quotes, div.cms-quote")
QUOTE_AUTHOR = CSSSelector(".author")


def _caption(unit: HtmlElement) -> RawCaption | None:
    """The visible caption of an image unit, else a longform photo's caption attribute."""
    shown = captions_in([unit], CAPTION_TEXT)
    if shown:
        return shown[0]
    for img in [unit] if unit.tag == "img" else LONGFORM_PHOTOS(unit):
        text = (img.get("cms-photo-caption") or "").strip()
        if text:
            return RawCaption(text=text, image_url=first_image_url(unit))
    return None


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
            self._body(bodies[0], found)
        return found

    @staticmethod
    def _body(content: HtmlElement, found: Extracted) -> None:
        photos = outermost(PHOTOS(content))
        quotes = _quote_authors(content)
        skip = set(NOT_BODY(content)).union(photos)
        skip.update(author for authors in quotes.values() for author in authors)
        blocks = _with_quote_authors(body_blocks(content, skip), quotes)
        if found.byline is None:
            blocks, found.byline = split_trailing_byline(blocks, content)
        found.paragraphs = [text for _, text in blocks] or None
        found.captions = [c for c in (_caption(unit) for unit in photos) if c is not None]


LAYOUT = Layout2018()
