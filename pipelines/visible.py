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
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipelines.dates import parse_dateline
from pipelines.generic import GenericBody
from pipelines.generic_names import name_words
from pipelines.text import clean_text, element_text, fold_diacritics, squash_key

TITLE_SEPARATORS = re.compile(r"\s+[-|–—:]\s+")
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
DATE_LEVELS = 3
"""The dateline is looked for in the region and its parent and grandparent."""
HIDDEN_STYLE = re.compile(r"(?i)display\s*:\s*none|visibility\s*:\s*hidden")


@dataclass
class Region:
    """Where the article is: its headline element, its body, and page order."""

    headline: HtmlElement | None
    body: GenericBody
    scope: HtmlElement
    """Nearest element holding the headline and the body."""
    order: dict[HtmlElement, int] = field(default_factory=dict)
    body_start: int = 0
    body_end: int = 0

    def pos(self, el: HtmlElement) -> int:
        return self.order.get(el, -1)

    def head(self) -> int:
        return self.pos(self.headline) if self.headline is not None else self.pos(self.scope)

    def before_body(self, el: HtmlElement) -> bool:
        return self.pos(el) < self.body_start

    def after_body(self, el: HtmlElement) -> bool:
        return self.pos(el) > self.body_end


def locate(tree: HtmlElement, body: GenericBody, headline: HtmlElement | None) -> Region:
    """The :class:`Region` of a page whose body and headline element were found."""
    order = {el: i for i, el in enumerate(tree.iter())}
    anchors = [el for el in (headline, *body.roots) if el is not None]
    scope = common_ancestor(anchors) if anchors else tree
    if headline is None and scope.getparent() is not None:
        scope = scope.getparent()  # the header sits beside the body's container
    owners = [owner for owner, _ in body.blocks]
    start = min((order[o] for o in owners), default=len(order))
    end = max((_last(order, o) for o in owners), default=start)
    return Region(headline, body, scope, order, start, end)


def _last(order: dict[HtmlElement, int], el: HtmlElement) -> int:
    """Position of the last element inside ``el``."""
    last = el
    while len(last):
        last = last[-1]
    return order.get(last, order[el])


def common_ancestor(elements: list[HtmlElement]) -> HtmlElement:
    first, *rest = elements
    chain = [first, *first.iterancestors()]
    for el in rest:
        ancestors = {el, *el.iterancestors()}
        chain = [node for node in chain if node in ancestors]
    return chain[0] if chain else first


def is_hidden(el: HtmlElement) -> bool:
    for node in (el, *el.iterancestors()):
        attrib = node.attrib
        if "hidden" in attrib or attrib.get("aria-hidden") == "true":
            return True
        if "style" in attrib and HIDDEN_STYLE.search(attrib["style"]):
            return True
    return False


def one_line(el: HtmlElement) -> str:
    return element_text(el).replace("\n", " ")


def site_keys(site_names: list[str], url: str) -> set[str]:
    """Comparison keys of the paper's names: declared names and the host's name."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    keys = {_name_key(name) for name in site_names} | {_name_key(host.split(".")[0])}
    return {key for key in keys if len(key) >= 3}


def _name_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold_diacritics(text))


def names_site(text: str, keys: set[str]) -> bool:
    """``text`` is the paper's name ("Báo Nghệ An", "VnExpress", "TUOI TRE ONLINE")."""
    key = _name_key(text)
    if len(key) < 3:
        return False
    return any(
        key == site
        or (site in key and len(key) <= len(site) + 8)
        or (key in site and len(key) >= 0.75 * len(site))
        for site in keys
    )


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """ "Tiêu đề - Báo Nghệ An" -> "Tiêu đề" (only when the last part names the site:
    the host's name "baonghean", or ``og:site_name``, compared without diacritics)."""
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = {fold_diacritics(n).replace(" ", "") for n in site_names}
    last, opening = parts[-1], parts[0]
    if len(last.split()) <= 6 and _named(last, names):
        return title[: title.rfind(last)].rstrip(" -|–—:")
    if len(opening.split()) <= 3 and _named(opening, names):  # "Baonghean - Tiêu đề"
        return title[len(opening) :].lstrip(" -|–—:")
    return title


def _named(part: str, names: set[str]) -> bool:
    folded = fold_diacritics(part).replace(" ", "")
    return any(name and name in folded for name in names)


def agrees(a: str, b: str) -> bool:
    """Same text but for case, spaces and punctuation, or one a large part of the other."""
    ka, kb = squash_key(a), squash_key(b)
    if not ka or not kb:
        return False
    short, long = sorted((ka, kb), key=len)
    return short == long or (len(short) >= 8 and len(short) >= 0.6 * len(long) and short in long)


def headline_element(
    tree: HtmlElement, titles: list[str], keys: set[str], body_start: HtmlElement | None
) -> HtmlElement | None:
    """The article's ``<h1>``: the first agreeing with a metadata title, else the last
    before the body (the paper's name in a logo heading is never one)."""
    headings = [h for h in tree.iter("h1") if one_line(h) and not is_hidden(h)]
    named = [h for h in headings if not names_site(one_line(h), keys)]
    for h1 in named:
        if any(agrees(one_line(h1), title) for title in titles):
            return h1
    if not named:
        return _titled(tree, titles, keys, body_start)
    if body_start is None:
        return named[0] if named else None
    order = {el: i for i, el in enumerate(tree.iter())}
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
        if not isinstance(el.tag, str) or not (el.tag == "h2" or TITLE_HINT.search(name_words(el))):
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
    candidates = [el for el in _header_zone(region) if len(one_line(el)) >= MIN_LEAD]
    opening = region.body.blocks[0] if region.body.blocks else None
    if opening is not None and _set_apart_lead(*opening):
        candidates.append(opening[0])
    agreeing = [el for el in candidates if any(lead_agrees(one_line(el), d) for d in descriptions)]
    named = [el for el in candidates if _lead_marked(el, opening)]
    for el in agreeing[:1] or named[:1]:
        return _with_outlet_tag(el), el
    return None


def _lead_marked(el: HtmlElement, opening: tuple[HtmlElement, str] | None) -> bool:
    """A lead-named element above the body, or a body opening with an outlet tag."""
    if opening is not None and el is opening[0]:
        return bool(PAREN_TAG.match(opening[1]))
    return bool(LEAD_HINT.search(name_words(el)))


def _set_apart_lead(owner: HtmlElement, text: str) -> bool:
    """A first body paragraph printed as a lead: all bold, lead-named, or opening with
    an outlet tag ("(Baonghean.vn) - ")."""
    if LEAD_HINT.search(name_words(owner)) or PAREN_TAG.match(text):
        return True
    bold = [child for child in owner if child.tag in ("b", "strong")]
    return len(bold) == 1 and len(one_line(bold[0])) >= 0.9 * len(text)


def _header_zone(region: Region) -> list[HtmlElement]:
    """Elements after the headline that end before the body, outermost first."""
    head = region.head()
    return [
        el
        for el in region.scope.iter()
        if isinstance(el.tag, str)
        and head < region.pos(el) < region.body_start
        and _last(region.order, el) < region.body_start
    ]


def lead_agrees(text: str, description: str) -> bool:
    """A displayed lead and a (maybe truncated, maybe suffixed) description agree."""
    a, b = squash_key(_without_outlet(text)), squash_key(_without_outlet(description))
    n = min(len(a), len(b), 60)
    return n >= 20 and a[:n] == b[:n] and len(a) <= 2 * len(b) + 40


def _without_outlet(text: str) -> str:
    match = OUTLET_TAG.match(text)
    return text[match.end() :] if match and match.end() < len(text) // 2 else text


def _with_outlet_tag(el: HtmlElement) -> str:
    """The lead's text, with an outlet tag printed just before it ("(VTC News) -")."""
    text = one_line(el)
    previous = el.getprevious()
    if previous is None or OUTLET_TAG.match(text):
        return text
    tag = one_line(previous)
    if tag and OUTLET_TAG.fullmatch(tag) and not clean_text(previous.tail):
        return f"{tag} {text}"
    return text


def find_dateline(region: Region) -> str | None:
    """The printed date: the innermost short date text nearest the headline above the
    body (one with a time first), else a date-named one below it; outside boilerplate
    (clocks, teasers, comments). Looked for in the region, then up to two levels
    around it."""
    scope = region.scope
    for _ in range(DATE_LEVELS):
        found = [el for el in scope.iter() if _dated(el, region)]
        found = [el for el in found if not any(_dated(d, region) for d in el.iterdescendants())]
        above = [el for el in found if region.before_body(el) and not _boxed(el, scope)]
        below = [el for el in found if region.after_body(el) and DATE_HINT.search(name_words(el))]
        above.sort(key=lambda el: (not _timed(el), abs(region.pos(el) - region.head())))
        for el in above + below:
            return one_line(el)
        if scope.getparent() is None:
            break
        scope = scope.getparent()
    return None


def _timed(el: HtmlElement) -> bool:
    return isinstance(parse_dateline(one_line(el)), datetime)


def _dated(el: HtmlElement, region: Region) -> bool:
    if not isinstance(el.tag, str) or el.tag in ("script", "style"):
        return False
    if not (el.tag == "time" or DATE_HINT.search(name_words(el)) or _digits(el.text)):
        return False
    text = one_line(el)
    if not text or len(text) > MAX_DATE_TEXT or parse_dateline(text) is None:
        return False
    return len(DATE_NOISE.sub("", text)) <= MAX_DATE_EXTRA


def _digits(text: str | None) -> bool:
    return bool(text) and any(ch.isdigit() for ch in text or "")


def _boxed(el: HtmlElement, scope: HtmlElement) -> bool:
    """Inside a boilerplate-named box (clock, related list, comments) within ``scope``."""
    for node in el.iterancestors():
        if node is scope:
            return False
        if BOX_WORDS.search(name_words(node)):
            return True
    return False
