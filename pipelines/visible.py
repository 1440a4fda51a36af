"""Layer 3: the article's header as the page shows it, without site rules.

The generic layer (:mod:`pipelines.generic`) finds the body; this module finds the
headline element (the ``<h1>`` that agrees with the page's metadata titles, else the
one just before the body), and around it the sapo (the displayed lead agreeing with
the metadata description, or a lead-named element, with a displayed outlet prefix
such as "(VTC News) -") and the printed dateline (a short text that is mostly a date,
nearest the headline, above the body; below it only in a date-named element).
:class:`Region` says where all of that is in document order.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import islice

from lxml.html import HtmlElement

from pipelines.dates import parse_dateline
from pipelines.generic import GenericBody
from pipelines.generic_names import names_say
from pipelines.region import (
    Region,
    agrees,
    is_hidden,
    last_position,
    names_site,
    one_line,
    page_order,
)
from pipelines.text import clean_text, is_vietnamese, squash_key, text_content

OUTLET_TAG = re.compile(r"\(\s*[^()]{2,40}\)\s*[-–—:]?|[^\s()][^()]{0,30}?\s[-–—]")
"""A lead's outlet prefix as printed: "(VTC News) -", "(Chinhphu.vn) -", "TTO -"."""
PAREN_TAG = re.compile(r"\(\s*[^()]{2,40}\)\s*[-–—]")
LEAD_HINT = re.compile(
    r"sapo|lead|summary|description|\bdesc\b|intro|excerpt|chapeau|standfirst|abstract|"
    r"teaser|subtitle|sub title|tomtat|tom tat|mo ta"
)
DATE_HINT = re.compile(r"date|time|publish|posted|dateline|ngay|thoi gian|pdate|created")
DATE_NOISE = re.compile(
    r"(?i)thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy)|chủ\s+nhật|\bngày\b|\blúc\b|cập nhật|đăng|"
    r"gmt|utc|\b[ap]\.?m\.?\b|published|updated|posted|\d|[^\w]"
)
"""What a dateline holds besides its date: weekday, labels, zone, digits, punctuation."""
MAX_DATE_TEXT = 100
DATE_LIKE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{4}-\d{1,2}-\d{1,2}")
MAX_DATE_EXTRA = 24
"""Letters a dateline may hold besides the date ("Cập nhật", a weekday...)."""
BOX_WORDS = re.compile(
    r"related|relate|comment|binhluan|sidebar|menu|\bnav\b|footer|clock|today|weather|"
    r"topbar|top bar|lienquan|lien quan|tin khac|xem them|doc nhieu|trending|widget|"
    r"\bads?\b|banner|header top|header date|header time|site header|^header$"
)
"""Boxes whose dates are not the article's (clocks, teasers, comments)."""
TITLE_HINT = re.compile(r"title|headline|tieu de|tieude")
MAX_HEADLINE = 300
MIN_LEAD = 30
OPENING_BLOCKS = 3
OPENING_LEAD = 60
"""A lead printed in the body is longer than the toolbar or meta lines above it."""
MAX_LEAD_ELEMENTS = 40
MAX_LEAD = 1500
DATE_LEVELS = 3
"""The dateline is looked for in the region and its parent and grandparent."""


def headline_element(
    tree: HtmlElement,
    titles: list[str],
    keys: set[str],
    body_start: HtmlElement | None,
    order: dict[HtmlElement, int] | None = None,
) -> HtmlElement | None:
    """The article's ``<h1>``: the first agreeing with a metadata title, else the last
    before the body (the paper's name in a logo heading is never one). ``order``:
    :func:`pipelines.region.page_order`, when known."""
    headings = [h for h in tree.iter("h1") if one_line(h) and not is_hidden(h)]
    named = [h for h in headings if not names_site(one_line(h), keys)]
    for h1 in named:
        if any(agrees(one_line(h1), title) for title in titles):
            return h1
    if not named:
        return _titled(tree, titles, keys, body_start)
    if body_start is None:
        return named[0] if named else None
    order = order if order is not None else page_order(tree)
    before = [h for h in named if order[h] < order[body_start]]
    return before[-1] if before else named[0]


def _titled(
    tree: HtmlElement, titles: list[str], keys: set[str], body_start: HtmlElement | None
) -> HtmlElement | None:
    """With no ``<h1>``: the last title-named element (or ``<h2>``) before the body that
    agrees with a metadata title ("div.news_title" of older templates)."""
    found = None
    for el in tree.iter():
        if el is body_start:
            break
        if not isinstance(el.tag, str) or not (el.tag == "h2" or names_say(el, TITLE_HINT)):
            continue
        text = one_line(el)
        if not text or len(text) > MAX_HEADLINE or names_site(text, keys):
            continue
        if any(agrees(text, t) for t in titles):
            found = el
    return found


def find_sapo(region: Region, descriptions: list[str]) -> tuple[str, HtmlElement] | None:
    """The displayed lead: the element after the headline and before the body (or the
    body's first block) agreeing with a metadata description; else a lead-named
    element there."""
    texts = {el: one_line(el) for el in _header_zone(region) if _small(el) and _long(el)}
    candidates = [el for el, text in texts.items() if len(text) >= MIN_LEAD]
    opening = _opening(region.body)
    if opening is not None and _set_apart_lead(*opening):
        candidates.append(opening[0])
        texts[opening[0]] = opening[1]
    keys = [_lead_key(d) for d in descriptions]
    agreeing = [el for el in candidates if _agrees_any(texts[el], keys)]
    named = [el for el in candidates if _lead_marked(el, opening)]
    for el in agreeing[:1] or named[:1]:
        return _with_outlet_tag(el, texts[el]), el
    return None


def _opening(body: GenericBody) -> tuple[HtmlElement, str] | None:
    """The body's first block of some length, when only short lines (a toolbar, a
    meta line) come before it."""
    for owner, text in body.blocks[:OPENING_BLOCKS]:
        if len(text) >= OPENING_LEAD:
            return owner, text
    return None


def _lead_marked(el: HtmlElement, opening: tuple[HtmlElement, str] | None) -> bool:
    """A lead-named element above the body, or a body opening with an outlet tag."""
    if opening is not None and el is opening[0]:
        return bool(PAREN_TAG.match(opening[1]))
    return names_say(el, LEAD_HINT)


def _set_apart_lead(owner: HtmlElement, text: str) -> bool:
    """A first body paragraph printed as a Vietnamese sapo: all bold, lead-named, or
    opening with an outlet tag ("(Baonghean.vn) - "). (Elsewhere a lead printed in the
    body, a standfirst, is part of the body.)"""
    if not is_vietnamese(text):
        return False
    if names_say(owner, LEAD_HINT) or PAREN_TAG.match(text):
        return True
    bold = [child for child in owner if child.tag in ("b", "strong")]
    return len(bold) == 1 and len(one_line(bold[0])) >= 0.9 * len(text)


def _long(el: HtmlElement) -> bool:
    return MIN_LEAD <= len(text_content(el)) <= MAX_LEAD


def _small(el: HtmlElement) -> bool:
    """Few elements inside (a lead, not a box of teasers)."""
    return sum(1 for _ in islice(el.iter(), MAX_LEAD_ELEMENTS + 1)) <= MAX_LEAD_ELEMENTS


def _header_zone(region: Region) -> list[HtmlElement]:
    """Elements after the headline that end before the body, outermost first."""
    head = region.head()
    return [el for el in region.before(region.scope) if region.pos(el) > head]


def lead_agrees(text: str, description: str) -> bool:
    """A displayed lead and a (maybe truncated, maybe suffixed) description agree."""
    return _keys_agree(_lead_key(text), _lead_key(description))


def _agrees_any(text: str, keys: list[str]) -> bool:
    key = _lead_key(text)
    return any(_keys_agree(key, other) for other in keys)


def _lead_key(text: str) -> str:
    return squash_key(_without_outlet(text))


def _keys_agree(a: str, b: str) -> bool:
    n = min(len(a), len(b), 60)
    return n >= 20 and a[:n] == b[:n] and len(a) <= 2 * len(b) + 40


def _without_outlet(text: str) -> str:
    match = OUTLET_TAG.match(text)
    return text[match.end() :] if match and match.end() < len(text) // 2 else text


def _with_outlet_tag(el: HtmlElement, text: str) -> str:
    """The lead's text, with an outlet tag printed just before it ("(VTC News) -")."""
    previous = el.getprevious()
    if previous is None or OUTLET_TAG.match(text):
        return text
    tag = one_line(previous)
    if tag and OUTLET_TAG.fullmatch(tag) and not clean_text(previous.tail):
        return f"{tag} {text}"
    return text


def find_dateline(region: Region) -> str | None:
    """The printed date's text (see :func:`dateline_element`)."""
    el = dateline_element(region)
    return one_line(el) if el is not None else None


def dateline_element(region: Region) -> HtmlElement | None:
    """The printed date: the innermost short date text nearest the headline above the
    body (one with a time first), else a date-named one below it; outside boilerplate
    (clocks, teasers, comments, the site's header). Looked for in the region, then up to
    two levels around it."""
    levels = [region.scope]
    while len(levels) < DATE_LEVELS and levels[-1].getparent() is not None:
        levels.append(levels[-1].getparent())
    above = _innermost([el for el in region.before(levels[-1]) if _dated(el)])
    for scope in levels:
        start, end = region.pos(scope), last_position(region.order, scope)
        shown = [el for el in above if start <= region.pos(el) <= end and _free(el, scope, region)]
        shown.sort(key=lambda el: (not _timed(el), abs(region.pos(el) - region.head())))
        if shown:
            return shown[0]
    below = [el for el in region.after(region.scope) if names_say(el, DATE_HINT)]
    below = _innermost([el for el in below if _dated(el) and _free(el, region.scope, region)])
    return below[0] if below else None


def _free(el: HtmlElement, scope: HtmlElement, region: Region) -> bool:
    return not _boxed(el, scope, region.headline)


def _innermost(dated: list[HtmlElement]) -> list[HtmlElement]:
    """The date texts holding no other."""
    return [el for el in dated if not any(_dated(d) for d in el.iterdescendants())]


def _timed(el: HtmlElement) -> bool:
    return isinstance(parse_dateline(one_line(el)), datetime)


def _dated(el: HtmlElement) -> bool:
    if not isinstance(el.tag, str) or el.tag in ("script", "style"):
        return False
    text = el.text or ""
    if not (el.tag == "time" or DATE_LIKE.search(text) or names_say(el, DATE_HINT)):
        return False
    return date_text(one_line(el))


def date_text(text: str) -> bool:
    """A short text that is mostly a printed date ("Thứ Năm, 03/10/2024 - 16:40")."""
    if not text or len(text) > MAX_DATE_TEXT or parse_dateline(text) is None:
        return False
    return len(DATE_NOISE.sub("", text)) <= MAX_DATE_EXTRA


def opening_dateline(body: GenericBody) -> tuple[str | None, GenericBody]:
    """A dateline printed among the short blocks that open the body (a layout whose
    header sits in the article's container), taken off the body."""
    for index, (_, text) in enumerate(body.blocks):
        if len(text) >= MAX_DATE_TEXT:
            break
        if date_text(text):
            blocks = body.blocks[:index] + body.blocks[index + 1 :]
            return text, GenericBody(blocks, body.roots)
    return None, body


def _boxed(el: HtmlElement, scope: HtmlElement, headline: HtmlElement | None) -> bool:
    """Inside a boilerplate-named box (clock, related list, comments) within ``scope``,
    or in the page's navigation, sidebar, footer or header (one without the headline)."""
    for node in el.iterancestors():
        if node is scope:
            return False
        if node.tag in ("nav", "aside", "footer") or names_say(node, BOX_WORDS):
            return True
        if node.tag == "header" and (headline is None or node not in headline.iterancestors()):
            return True
    return False
