"""The walk of :mod:`pipelines.generic`: a page as text blocks.

Text is split at block elements and ``<br>``; each block remembers its owner element,
how much of it is link text (text inside a link counts, also in blocks nested in the
link: a teaser's title and summary) and its boilerplate-named ancestors. Skipped
subtrees (scripts, navigation, hidden parts) contribute nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipelines.generic_names import (
    BLOCK_TAGS,
    INVISIBLE_CHARS_RE,
    names_unless_skipped,
    suspect,
)


@dataclass(slots=True)
class Block:
    owner: HtmlElement
    text: str
    link_len: int
    unlikely: tuple[HtmlElement, ...]
    """Boilerplate-named block ancestors, outermost first."""


@dataclass
class Walker:
    """Splits a subtree into text blocks; skipped subtrees contribute nothing."""

    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_len: int = 0
    unlikely: tuple[HtmlElement, ...] = ()
    held: dict[HtmlElement, tuple[int, int]] = field(default_factory=dict)
    """Text and link length of the blocks inside each element that holds any (the
    element's own blocks included), summed as the walk returns."""
    text_sum: int = 0
    link_sum: int = 0
    """Lengths of all blocks so far."""

    def flush(self, owner: HtmlElement) -> None:
        if not self.parts:
            return
        text = "".join(self.parts)
        if text.isspace():  # the indentation between tags
            self.parts.clear()
            self.link_len = 0
            return
        if INVISIBLE_CHARS_RE.search(text):
            text = INVISIBLE_CHARS_RE.sub("", text)
        text = " ".join(text.split())
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)  # labels below are matched in NFC
        if text:
            link_len = min(self.link_len, len(text))
            self.blocks.append(Block(owner, text, link_len, self.unlikely))
            self.text_sum += len(text)
            self.link_sum += link_len
        self.parts.clear()
        self.link_len = 0

    def block(self, el: HtmlElement, in_link: bool = False, boilerplate: bool = False) -> None:
        """Blocks of ``el`` (``boilerplate``: its names are :func:`suspect`)."""
        outer = self.unlikely
        if boilerplate:
            self.unlikely = (*outer, el)
        text_sum, link_sum = self.text_sum, self.link_sum
        self.inline(el, el, in_link)
        if self.parts:
            self.flush(el)
        self.unlikely = outer
        if self.text_sum != text_sum:  # every block since is el's or inside it
            self.held[el] = (self.text_sum - text_sum, self.link_sum - link_sum)

    def inline(self, el: HtmlElement, owner: HtmlElement, in_link: bool) -> None:
        parts = self.parts
        count = len(self.blocks)
        text = el.text
        if text and (parts or in_link or not text.isspace()):  # not a block's indentation
            parts.append(text)
            if in_link:
                self.link_len += len(text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and (names := names_unless_skipped(child)) is not None:
                if tag == "br":
                    if parts:
                        self.flush(owner)
                else:
                    named = bool(names) and tag not in WRAPPERS and suspect(names)
                    if tag in BLOCK_TAGS or (named and tag != "a"):
                        if parts:
                            self.flush(owner)
                        self.block(child, in_link, named)  # a teaser's title and summary in a link
                    elif len(child):
                        self.inline(child, owner, in_link or tag == "a")
                    elif text := child.text:  # an inline leaf, walked here
                        linked = in_link or tag == "a"
                        if parts or linked or not text.isspace():
                            parts.append(text)
                            if linked:
                                self.link_len += len(text)
            tail = child.tail
            if tail and (parts or in_link or not tail.isspace()):
                parts.append(tail)
                if in_link:
                    self.link_len += len(tail)
        if el is not owner and len(self.blocks) != count:
            self._hold(el, owner, count)

    def _hold(self, el: HtmlElement, owner: HtmlElement, count: int) -> None:
        """``held`` for an inline element around blocks of its own (a teaser's link
        around its title and summary): those since ``count`` but the owner's."""
        inside = [block for block in self.blocks[count:] if block.owner is not owner]
        if inside:
            self.held[el] = (sum(len(b.text) for b in inside), sum(b.link_len for b in inside))


WRAPPERS = frozenset({"body", "html"})
"""Never boilerplate, whatever their names."""
