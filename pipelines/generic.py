"""Generic body extraction for pages whose layout is unknown.

Content scoring over the DOM in the spirit of readability: the page is walked
once into text blocks (paragraph-like runs of text, split at block elements and
``<br>``); each block scores its ancestors by length and comma count; the best
container (discounted by its link density) and its worthy siblings form the
article; blocks inside it that look like boilerplate are dropped.

The caller's tree is never modified: boilerplate is skipped during the walk.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

SKIP_TAGS = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "button",
        "select",
        "input",
        "textarea",
        "option",
        "nav",
        "aside",
        "footer",
        "figure",
        "figcaption",
        "caption",
        "audio",
        "video",
        "canvas",
        "picture",
        "dialog",
        "menu",
        "h1",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "main",
        "header",
        "hr",
        "address",
        "center",
        "form",
        "fieldset",
        "details",
        "summary",
        "body",
        "html",
    }
)
PARAGRAPH_TAGS = frozenset(
    {"p", "pre", "li", "dt", "dd", "blockquote", "h2", "h3", "h4", "h5", "h6", "td", "th"}
)
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
SKIP_ROLES = frozenset(
    {"navigation", "complementary", "contentinfo", "banner", "dialog", "menu", "search"}
)
UNLIKELY_RE = re.compile(
    r"-ad-|\bads?\b|advert|banner|breadcrumb|combx|comment|community|disqus|footer|gdpr|"
    r"header|legends|menu|related|relate|remark|replies|rss|shoutbox|sidebar|skyscraper|"
    r"social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|share|sharing|"
    r"newsletter|subscribe|promo|cookie|caption|tags?\b|tag-|widget|lien-?quan|tin-?khac|"
    r"xem-?them|most-?read|trending|toolbar|print|login|signup|rating|author-?bio",
    re.IGNORECASE,
)
MAYBE_RE = re.compile(r"and|article|body|column|content|main|shadow|entry|detail|post", re.I)
POSITIVE_RE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story|"
    r"detail|chi-?tiet|noi-?dung",
    re.IGNORECASE,
)
NEGATIVE_RE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|"
    r"footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
    r"sidebar|skyscraper|sponsor|shopping|tags|tool|widget|caption",
    re.IGNORECASE,
)
INVISIBLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
DROP_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
COMMA_RE = re.compile(r"[,،、，]")
MIN_SCORED_LEN = 25


@dataclass
class _Block:
    owner: HtmlElement
    text: str
    link_len: int


@dataclass
class _Walker:
    """Splits a subtree into text blocks; skipped subtrees contribute nothing."""

    blocks: list[_Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_len: int = 0

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if in_link:
            self.link_len += len(text)

    def flush(self, owner: HtmlElement) -> None:
        text = " ".join("".join(self.parts).translate(DROP_CHARS).split())
        if text:
            self.blocks.append(_Block(owner, text, min(self.link_len, len(text))))
        self.parts.clear()
        self.link_len = 0

    def block(self, el: HtmlElement) -> None:
        self.inline(el, el, False)
        self.flush(el)

    def inline(self, el: HtmlElement, owner: HtmlElement, in_link: bool) -> None:
        if el.text:
            self.add(el.text, in_link)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and not _skipped(child):
                if tag == "br":
                    self.flush(owner)
                elif tag in BLOCK_TAGS:
                    self.flush(owner)
                    self.inline(child, child, tag == "a")
                    self.flush(child)
                else:
                    self.inline(child, owner, in_link or tag == "a")
            if child.tail:
                self.add(child.tail, in_link)


def _skipped(el: HtmlElement) -> bool:
    """True for subtrees that never hold article text (scripts, navigation, hidden parts)."""
    tag = el.tag
    if tag in SKIP_TAGS:
        return True
    attrib = el.attrib
    if "hidden" in attrib or attrib.get("aria-hidden") == "true":
        return True
    if attrib.get("role") in SKIP_ROLES:
        return True
    style = attrib.get("style")
    if style and INVISIBLE_RE.search(style):
        return True
    hints = f"{attrib.get('class', '')} {attrib.get('id', '')}"
    if len(hints) > 1 and tag not in ("body", "html", "a") and UNLIKELY_RE.search(hints):
        return not MAYBE_RE.search(hints)
    return False


def _class_weight(el: HtmlElement) -> int:
    weight = 0
    for hint in (el.get("class"), el.get("id")):
        if hint:
            if NEGATIVE_RE.search(hint):
                weight -= 25
            if POSITIVE_RE.search(hint):
                weight += 25
    return weight


def _tag_weight(el: HtmlElement) -> int:
    tag = el.tag
    if tag in ("div", "article", "section", "main"):
        return 5
    if tag in ("pre", "td", "blockquote"):
        return 3
    if tag in ("address", "ol", "ul", "dl", "dd", "dt", "li", "form"):
        return -3
    if tag in HEADING_TAGS or tag == "th":
        return -5
    return 0


def _ancestors(el: HtmlElement, limit: int) -> Iterator[HtmlElement]:
    node = el.getparent() if el.tag in PARAGRAPH_TAGS else el
    level = 0
    while node is not None and level < limit:
        yield node
        node = node.getparent()
        level += 1


@dataclass
class _Stats:
    text_len: int = 0
    link_len: int = 0
    score: float = 0.0


def _score(blocks: list[_Block]) -> dict[HtmlElement, _Stats]:
    stats: dict[HtmlElement, _Stats] = {}
    for block in blocks:
        node: HtmlElement | None = block.owner
        while node is not None:
            s = stats.get(node)
            if s is None:
                s = stats[node] = _Stats(score=_tag_weight(node) + _class_weight(node))
            s.text_len += len(block.text)
            s.link_len += block.link_len
            node = node.getparent()
    for block in blocks:
        n = len(block.text)
        if n < MIN_SCORED_LEN:
            continue
        points = 1 + len(COMMA_RE.findall(block.text)) + min(n // 100, 3)
        for level, node in enumerate(_ancestors(block.owner, 5)):
            divider = 1 if level == 0 else 2 if level == 1 else level * 3
            stats[node].score += points / divider
    return stats


def _link_density(s: _Stats) -> float:
    return s.link_len / s.text_len if s.text_len else 0.0


def _best_containers(stats: dict[HtmlElement, _Stats]) -> list[HtmlElement]:
    """The top-scoring container and those of its siblings that look like more of it."""
    top, top_score = None, 0.0
    for el, s in stats.items():
        final = s.score * (1 - _link_density(s))
        if final > top_score and el.tag not in ("html", "body"):
            top, top_score = el, final
    if top is None:
        return []
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, top_score * 0.2)
    chosen = []
    for sibling in parent:
        sib = stats.get(sibling)
        if sibling is top or sib and sib.score * (1 - _link_density(sib)) >= threshold:
            chosen.append(sibling)
    return chosen


def _inside(el: HtmlElement, roots: set[HtmlElement]) -> bool:
    node: HtmlElement | None = el
    while node is not None:
        if node in roots:
            return True
        node = node.getparent()
    return False


def _keep(block: _Block) -> bool:
    return block.link_len <= 0.5 * len(block.text)


def _page_root(tree: HtmlElement) -> HtmlElement:
    if tree.tag == "body":
        return tree
    body = tree.find(".//body")
    return body if body is not None else tree


def extract_body(tree: HtmlElement, url: str) -> list[str]:
    """Body paragraphs (and sub-headings) of the page's main article, in document order.

    Text is whitespace-normalised; navigation, related lists, comments, share
    widgets, captions and footers are left out. Returns ``[]`` when the page has
    no recognisable body. The tree is not modified.
    """
    root = _page_root(tree)
    if not isinstance(root.tag, str) or _skipped(root):
        return []
    walker = _Walker()
    walker.block(root)
    if not walker.blocks:
        return []
    stats = _score(walker.blocks)
    roots = set(_best_containers(stats))
    if not roots:
        logger.debug("no content container found on %s", url)
        return []
    return [b.text for b in walker.blocks if _inside(b.owner, roots) and _keep(b)]
