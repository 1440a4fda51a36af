"""Where the article is on a page of unknown layout, and whose page it is.

:class:`Region` ties the headline element and the generic body (:mod:`pipelines.generic`)
to page order, so that the other readers of the visible page (:mod:`pipelines.visible`,
:mod:`pipelines.around`, :mod:`pipelines.captions`) look above the body, below it, or
around it without walking the body again. The paper's own names (``og:site_name``,
publishers, the host) are compared folded (:func:`names_site`): a headline, byline or
closing notice that is the paper's name is never taken for an article's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from lxml.html import HtmlElement

from pipelines.generic import GenericBody
from pipelines.text import element_text, fold_diacritics, squash_key
from pipelines.urls import urlsplit

TITLE_SEPARATORS = re.compile(r"\s+[-|–—:]\s+")
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

    def before(self, top: HtmlElement) -> Iterator[HtmlElement]:
        """Elements of ``top`` that end before the body starts, in page order (the
        body is not walked)."""
        if not self.body.blocks:
            yield from top.iter()
            return
        chain = _chain(self.body.blocks[0][0], top)
        for node in reversed(chain):
            for sibling in reversed(list(node.itersiblings(preceding=True))):
                yield from sibling.iter()

    def after(self, top: HtmlElement) -> Iterator[HtmlElement]:
        """Elements of ``top`` after the body's last block, in page order."""
        if not self.body.blocks:
            return
        for node in _chain(self.body.blocks[-1][0], top):
            for sibling in node.itersiblings():
                yield from sibling.iter()


def _chain(el: HtmlElement, top: HtmlElement) -> list[HtmlElement]:
    """``el`` and its ancestors below ``top`` (``top`` must hold ``el``)."""
    chain = []
    node: HtmlElement | None = el
    while node is not None and node is not top:
        chain.append(node)
        node = node.getparent()
    return chain


def page_order(tree: HtmlElement) -> dict[HtmlElement, int]:
    """Every element's position in page order."""
    return {el: i for i, el in enumerate(tree.iter())}


def locate(
    tree: HtmlElement,
    body: GenericBody,
    headline: HtmlElement | None,
    order: dict[HtmlElement, int] | None = None,
) -> Region:
    """The :class:`Region` of a page whose body and headline element were found
    (``order``: :func:`page_order`, when known)."""
    order = order if order is not None else page_order(tree)
    anchors = [el for el in (headline, *body.roots) if el is not None]
    scope = common_ancestor(anchors) if anchors else tree
    if headline is None and scope.getparent() is not None:
        scope = scope.getparent()  # the header sits beside the body's container
    owners = [owner for owner, _ in body.blocks]
    start = min((order[o] for o in owners), default=len(order))
    end = max((last_position(order, o) for o in owners), default=start)
    return Region(headline, body, scope, order, start, end)


def last_position(order: dict[HtmlElement, int], el: HtmlElement) -> int:
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


@lru_cache(maxsize=4096)
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
