"""Generic body extraction for pages whose layout is unknown (any news site, any language).

Content scoring over the DOM in the spirit of readability, tuned for Vietnamese news: one
walk turns the page into text blocks (split at block elements and ``<br>``); each block of
25+ characters credits its nearest ancestors by length and comma count; the best container,
discounted by link density (lifted to the ancestor that close rivals share, or to a richer
parent), and its worthy siblings form the article. Blocks under boilerplate-named elements
(names in :mod:`pipelines.generic_names`) are dropped, judged by size so that a mis-named
wrapper around the whole article is kept; so are link lists (text inside a link, a teaser's
summary too) and box labels. The tree is never modified. Measured against trafilatura by
``python bench/extraction.py`` (``bench/README.md``), which is why there is no hybrid.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipelines.generic_names import (
    ARTICLE_RE,
    COMMA_RE,
    LABEL_RE,
    MAYBE_RE,
    META_RE,
    PARAGRAPH_TAGS,
    TAG_WEIGHTS,
    class_weight,
    name_words,
    skipped,
)
from pipelines.generic_walk import Block, Walker

logger = logging.getLogger(__name__)

MIN_SCORED_LEN = 25
MAX_LINK_DENSITY = 0.5
TOP_CANDIDATES = 5
MIN_RIVALS = 3
META_MAX_LEN = 400


@dataclass(slots=True)
class _Stats:
    text_len: int = 0
    link_len: int = 0
    score: float | None = None
    """Content score; None for elements no scored block credits."""

    @property
    def link_density(self) -> float:
        return self.link_len / self.text_len if self.text_len else 0.0


def _measure(walker: Walker, root: HtmlElement) -> dict[HtmlElement, _Stats]:
    """Text and link length under every element that holds a block (the walk's
    ``held``, and the walked root's ancestors)."""
    stats: dict[HtmlElement, _Stats] = defaultdict(_Stats)
    for el, (text_len, link_len) in walker.held.items():
        stats[el] = _Stats(text_len, link_len)
    if root in walker.held:
        for node in root.iterancestors():
            stats[node] = _Stats(*walker.held[root])
    return stats


def _holds_article(el: HtmlElement, stats: dict[HtmlElement, _Stats], total: int) -> bool:
    """A boilerplate-named wrapper around most of the page and around an article."""
    return stats[el].text_len >= total / 2 and any(
        node.tag == "article"
        or node.get("itemprop") == "articleBody"
        or ARTICLE_RE.search(name_words(node))
        for node in el.iterdescendants()
        if isinstance(node.tag, str)
    )


def _boilerplate(el: HtmlElement, stats: dict[HtmlElement, _Stats], total: int) -> bool:
    """Whether a boilerplate-named element really is boilerplate, judged by its size."""
    hints = name_words(el)
    if META_RE.search(hints):  # a byline or caption is short; a quote's "author" is prose
        quoted = any(
            a.tag == "blockquote" or "quote" in name_words(a)
            for a in itertools.islice(el.iterancestors(), 2)
        )
        return stats[el].text_len <= META_MAX_LEN and not quoted
    if MAYBE_RE.search(hints):  # "content-with-sidebar", "article__related-inline"
        return stats[el].text_len < total / 2
    return not _holds_article(el, stats, total)


def _content_blocks(blocks: list[Block], stats: dict[HtmlElement, _Stats]) -> list[Block]:
    """Blocks outside boilerplate-named elements (mis-named layout wrappers excepted)."""
    total = max(s.text_len for s in stats.values())
    verdict: dict[HtmlElement, bool] = {}
    kept = []
    for block in blocks:
        for el in block.unlikely:
            if el not in verdict:
                verdict[el] = _boilerplate(el, stats, total)
            if verdict[el]:
                break
        else:
            kept.append(block)
    return kept


def _score(blocks: list[Block], stats: dict[HtmlElement, _Stats]) -> None:
    for block in blocks:
        n = len(block.text)
        if n < MIN_SCORED_LEN:
            continue
        points = 1 + len(COMMA_RE.findall(block.text)) + min(n // 100, 3)
        node = block.owner.getparent() if block.owner.tag in PARAGRAPH_TAGS else block.owner
        for level in range(5):
            if node is None:
                break
            s = stats[node]
            if s.score is None:
                s.score = TAG_WEIGHTS.get(node.tag, 0) + class_weight(node)
            s.score += points / (1 if level == 0 else 2 if level == 1 else level * 3)
            node = node.getparent()


def _final(s: _Stats | None) -> float:
    return s.score * (1 - s.link_density) if s and s.score is not None else 0.0


def _top_candidate(stats: dict[HtmlElement, _Stats]) -> HtmlElement | None:
    """Best-scored container, lifted to a common ancestor when close rivals share one."""
    ranked = sorted(
        (el for el, s in stats.items() if _final(s) > 0),
        key=lambda el: (el.tag not in ("html", "body"), _final(stats[el])),
        reverse=True,
    )[:TOP_CANDIDATES]
    if not ranked or ranked[0].tag in ("html", "body"):
        return ranked[0] if ranked else None
    top = ranked[0]
    floor = 0.75 * _final(stats[top])
    rivals = [set(el.iterancestors()) for el in ranked[1:] if _final(stats[el]) >= floor]
    rivals = [ancestors for ancestors in rivals if top not in ancestors]
    if len(rivals) >= MIN_RIVALS:
        for parent in top.iterancestors():
            if parent.tag == "body":
                break
            if sum(parent in a for a in rivals) >= MIN_RIVALS:
                return parent
    return _climb(top, stats)


def _climb(top: HtmlElement, stats: dict[HtmlElement, _Stats]) -> HtmlElement:
    """Move up while the parents' scores grow (more content lurks beside the top)."""
    last = _final(stats[top])
    threshold = last / 3
    for parent in top.iterancestors():
        if parent.tag == "body":
            break
        score = _final(stats.get(parent))
        if score < threshold:
            break
        if score > last:
            return parent
        last = score
    while (parent := top.getparent()) is not None and parent.tag != "body" and len(parent) == 1:
        top = parent
    return top


def _best_containers(stats: dict[HtmlElement, _Stats]) -> list[HtmlElement]:
    """The top container and those of its siblings that look like more of it."""
    top = _top_candidate(stats)
    if top is None:
        return []
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, _final(stats[top]) * 0.2)
    return [el for el in parent if el is top or _final(stats.get(el)) >= threshold]


def _inside(el: HtmlElement, known: dict[HtmlElement, bool]) -> bool:
    """Whether ``el`` is one of the containers or inside one; ``known`` starts as the
    containers (True) and learns every element climbed through."""
    path = []
    node: HtmlElement | None = el
    while node is not None and (found := known.get(node)) is None:
        path.append(node)
        node = node.getparent()
    inside = node is not None and bool(found)
    for seen in path:
        known[seen] = inside
    return inside


@dataclass
class GenericBody:
    """Body blocks (owner element, text) in page order, and their containers."""

    blocks: list[tuple[HtmlElement, str]] = field(default_factory=list)
    roots: list[HtmlElement] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [text for _, text in self.blocks]


def extract_body(tree: HtmlElement, url: str) -> list[str]:
    """Body paragraphs (and sub-headings) of the page's main article, in document order.

    Text is whitespace-normalised; navigation, related lists, comments, share
    widgets, captions and footers are left out. Returns ``[]`` when the page has
    no recognisable body. The tree is not modified.
    """
    return read_body(tree, url).paragraphs


def read_body(tree: HtmlElement, url: str) -> GenericBody:
    """:func:`extract_body` with each paragraph's element and the chosen containers."""
    root = next(tree.iter("body"), tree)
    if not isinstance(root.tag, str) or skipped(root):
        return GenericBody()
    walker = Walker()
    try:
        walker.block(root)
    except RecursionError:  # only built trees nest this deep; lxml's parser stops at 255
        logger.warning("page too deeply nested for generic extraction: %s", url)
        return GenericBody()
    if not walker.blocks:
        return GenericBody()
    stats = _measure(walker, root)
    blocks = _content_blocks(walker.blocks, stats)
    _score(blocks, stats)
    roots = _best_containers(stats)
    if not roots:
        logger.debug("no content container found on %s", url)
        return GenericBody()
    known = dict.fromkeys(roots, True)
    kept = [(b.owner, b.text) for b in blocks if _inside(b.owner, known) and _is_prose(b)]
    return GenericBody(kept, roots)


def _is_prose(block: Block) -> bool:
    """Not a link list item, a box label ("Tin liên quan:") or a bare shortcode."""
    if block.link_len > MAX_LINK_DENSITY * len(block.text):
        return False
    return not LABEL_RE.fullmatch(block.text.rstrip(" :.»›>"))
