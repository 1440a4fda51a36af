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
    names_of,
    skipped,
    unlikely,
    words_of,
)


@dataclass
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
    verdicts: dict[str, bool] = field(default_factory=dict)
    """``_unlikely`` by class/id string: pages repeat the same few names."""

    def suspect(self, el: HtmlElement) -> bool:
        names = names_of(el)
        if not names:
            return False
        verdict = self.verdicts.get(names)
        if verdict is None:
            hints = words_of(names)
            verdict = self.verdicts[names] = bool(hints) and unlikely(hints)
        return verdict

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if in_link:
            self.link_len += len(text)

    def flush(self, owner: HtmlElement) -> None:
        if not self.parts:
            return
        text = " ".join(INVISIBLE_CHARS_RE.sub("", "".join(self.parts)).split())
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)  # labels below are matched in NFC
        if text:
            self.blocks.append(Block(owner, text, min(self.link_len, len(text)), self.unlikely))
        self.parts.clear()
        self.link_len = 0

    def block(self, el: HtmlElement, in_link: bool = False) -> None:
        outer = self.unlikely
        if el.tag not in ("body", "html") and self.suspect(el):
            self.unlikely = (*outer, el)
        self.inline(el, el, in_link)
        self.flush(el)
        self.unlikely = outer

    def inline(self, el: HtmlElement, owner: HtmlElement, in_link: bool) -> None:
        if el.text:
            self.add(el.text, in_link)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and not skipped(child):
                if tag == "br":
                    self.flush(owner)
                elif tag in BLOCK_TAGS or (tag != "a" and self.suspect(child)):
                    self.flush(owner)
                    self.block(child, in_link)  # a teaser's title and summary inside one link
                else:
                    self.inline(child, owner, in_link or tag == "a")
            if child.tail:
                self.add(child.tail, in_link)
