"""A layout described by CSS selectors: the shared helper behind most site profiles.

A profile that needs no code gives a :class:`Rules` (named selectors, data only);
:class:`SelectorLayout` reads a page with them. Everything a rule selects for a field
other than the body (headline, sapo, byline, dateline, image boxes, boxes to leave
out) is kept out of the body. Selectors are compiled when the rules are made, so a
malformed one fails at import (and in ``tests/test_profiles.py``), not mid-crawl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.captions import image_source
from pipelines.sites.base import Extracted, RawCaption
from pipelines.text import clean_text, element_text, first_text, squash_key, text_blocks
from pipelines.urls import urlsplit

ALWAYS_LEFT_OUT = (
    "script, style, noscript, template, iframe, form, button, input, select, textarea, svg, "
    "[class*='related'], [class*='relate-'], [class*='box-tin'], [class*='banner'], "
    "[class*='advert'], [id*='advert'], [class*='social'], [class*='share'], "
    "[class*='comment'], [class*='rating'], [class*='newsletter']"
)
"""Never article text, on any site."""

CAPTION_TEXT = "figcaption, [class*='caption'], [class*='Caption'], td.image_desc, p.Image"
"""Where an image box keeps its caption, on most sites."""


def _compile(css: str) -> CSSSelector | None:
    return CSSSelector(css) if css.strip() else None


@dataclass(frozen=True, kw_only=True)
class Rules:
    """Named selectors of one layout (CSS; empty = not on this layout)."""

    name: str
    """The record's ``extractor`` value for pages read with these rules."""
    root: str
    """Present on every article page of the layout, and on no other page kind."""
    headline: str
    body: str
    """The element holding the article text (the first match)."""
    sapo: str = ""
    dateline: str = ""
    byline: str = ""
    """The printed byline (first match with text); kept out of the body."""
    images: str = "figure, table.image, table.picture, div.image, [class*='PhotoCMS']"
    """Image boxes inside the body: their caption is a caption, never body text."""
    caption: str = CAPTION_TEXT
    """The caption inside an image box."""
    leave_out: str = ""
    """Boxes inside the body that are not article text (related stories, ads...)."""
    tags: str = ""
    """Tag links (``a``), anywhere on the page."""
    category: str = ""
    """Breadcrumb links (``a``) in order; the last that is not "home" is the category."""
    category_first: bool = False
    """Take the first breadcrumb link after "home" instead of the last."""
    compiled: dict[str, CSSSelector | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = ("root", "headline", "body", "sapo", "dateline", "byline", "images",
                 "caption", "leave_out", "tags", "category")
        compiled = {name: _compile(getattr(self, name)) for name in names}
        compiled["always"] = CSSSelector(ALWAYS_LEFT_OUT)
        object.__setattr__(self, "compiled", compiled)

    def select(self, name: str, scope: HtmlElement) -> list[HtmlElement]:
        selector = self.compiled[name]
        return selector(scope) if selector is not None else []


class SelectorLayout:
    """Layout protocol (:class:`pipelines.sites.base.Layout`) over :class:`Rules`."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.name = rules.name

    @property
    def reads_tags(self) -> bool:
        """The layout has a tag rule: a page where it finds none shows no tags (the
        metadata's keywords are not put in their place)."""
        return self.rules.compiled["tags"] is not None

    def matches(self, tree: HtmlElement, url: str) -> bool:
        rules = self.rules
        return bool(rules.select("root", tree)) and bool(rules.select("body", tree))

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        rules = self.rules
        bodies = rules.select("body", tree)
        if not bodies:
            return Extracted()
        body = bodies[0]
        found = Extracted(
            headline=first_text(rules.select("headline", tree)),
            sapo=first_text(rules.select("sapo", tree)),
            dateline=first_text(rules.select("dateline", tree)),
            byline=first_text(rules.select("byline", tree)),
        )
        boxes = [box for box in rules.select("images", body) if not _inside_any(box, body)]
        left_out = set(boxes)
        for name in ("leave_out", "always", "headline", "sapo", "byline", "dateline"):
            left_out.update(rules.select(name, body))
        blocks = text_blocks(body, left_out.__contains__)
        found.paragraphs = [text for _, text in blocks if text] or None
        found.captions = self._captions(boxes) or None
        found.tags = _texts(rules.select("tags", tree)) or None
        found.category = self._category(tree)
        return found

    def _captions(self, boxes: list[HtmlElement]) -> list[RawCaption]:
        found: list[RawCaption] = []
        for box in boxes:
            texts = self.rules.select("caption", box)
            text = " ".join(element_text(el) for el in texts[:1]).replace("\n", " ")
            if not text:
                continue
            images = list(box.iter("img"))
            url = image_source(images[0]) if images else None
            found.append(RawCaption(text=text, image_url=url))
        return found

    def _category(self, tree: HtmlElement) -> str | None:
        names = [
            element_text(link).replace("\n", " ")
            for link in self.rules.select("category", tree)
            if not _is_home(link)
        ]
        names = [name for name in names if name]
        if not names:
            return None
        return names[0] if self.rules.category_first else names[-1]



def _texts(elements: list[HtmlElement]) -> list[str]:
    names = (clean_text(element_text(el)).lstrip("#").strip() for el in elements)
    return list(dict.fromkeys(name for name in names if name))


def _inside_any(el: HtmlElement, stop: HtmlElement) -> bool:
    """True when an ancestor of ``el`` below ``stop`` is an image box too (nested boxes:
    the outer one is the box)."""
    for ancestor in el.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in ("figure", "table") and ancestor.tag == el.tag:
            return True
    return False


def _is_home(link: HtmlElement) -> bool:
    """A breadcrumb's link to the home page ("Trang chủ", an icon linking "/")."""
    if squash_key(element_text(link)) in ("trangchủ", "home", "trangchu"):
        return True
    try:
        path = urlsplit(link.get("href") or "").path
    except ValueError:
        return False
    return path in ("", "/")
