"""Layer 3 as one step: a page of unknown layout read as a reader sees it.

The generic body (:mod:`pipelines.generic`), the headline element, sapo and dateline
(:mod:`pipelines.visible`), byline, tags and category (:mod:`pipelines.around`) and
captions (:mod:`pipelines.captions`), as an :class:`~pipelines.sites.base.Extracted`
like any other layer, with the :class:`Evidence` that decides whether the page is an
article at all (:func:`pipelines.pagekind.judge`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from lxml.html import HtmlElement

from pipelines.around import find_byline, find_category, find_tags
from pipelines.captions import find_captions
from pipelines.generic import GenericBody, read_body
from pipelines.metadata import Metadata
from pipelines.pagekind import ARTICLE_ID, Evidence, judge, looks_like_listing
from pipelines.region import (
    Region,
    agrees,
    locate,
    names_site,
    one_line,
    page_order,
    site_keys,
    strip_site_suffix,
)
from pipelines.sites.base import Extracted
from pipelines.text import clean_text, fold_diacritics, squash_key
from pipelines.urls import join_url, urlsplit
from pipelines.visible import find_dateline, find_sapo, headline_element, opening_dateline

FIELDS = frozenset({"sapo", "dateline", "byline", "captions", "category", "tags"})
"""The fields read around the body (the headline and body are always read)."""


@dataclass
class PageReading:
    fields: Extracted
    evidence: Evidence
    region: Region | None = None
    site: frozenset[str] = frozenset()
    """Comparison keys of the paper's names (:func:`pipelines.visible.site_keys`)."""


def read_page(
    tree: HtmlElement,
    url: str,
    meta: Metadata,
    *,
    judged: bool = False,
    wanted: Collection[str] = FIELDS,
) -> PageReading:
    """The visible page's fields and the evidence of an article. ``judged``: decide the
    page's kind first (:func:`pipelines.pagekind.judge`, raising
    :class:`~pipelines.pagekind.NotAnArticle`), so that a home or section page costs no
    reading of the fields around its body. ``wanted``: the fields to read (the others
    stay empty), e.g. the gaps a site layout left."""
    facts = meta.facts
    keys = site_keys(facts.site_names, url)
    titles = [*facts.titles, *_page_title(tree, facts.site_names, url)]
    opening, body = opening_dateline(without_house_notice(read_body(tree, url), keys))
    first = body.blocks[0][0] if body.blocks else None
    order = page_order(tree)
    h1 = headline_element(tree, titles, keys, first, order)
    region = locate(tree, body, h1, order)
    headline = one_line(h1) if h1 is not None else None
    evidence = Evidence(
        headline=headline,
        title_agrees=headline is not None and any(agrees(headline, t) for t in titles),
        site_title=any(names_site(t, keys) for t in titles[-1:]),
        declared_body=bool(meta.fields.paragraphs),
        story_grid=looks_like_listing(tree, url, facts.article_typed),
        canonical_home=_home(meta.fields.canonical_url, url),
        body_chars=sum(len(text) for _, text in body.blocks),
        long_blocks=sum(len(text) >= 80 for _, text in body.blocks),
        teasers=_teasers(body, url),
    )
    sizes: dict[HtmlElement, int] = {}
    evidence.teaser_blocks = sum(
        _teaser(owner, text, region, url, sizes) for owner, text in body.blocks if len(text) >= 80
    )
    printed = cache(lambda: find_dateline(region) or opening)  # read once, if asked
    if judged:
        judge(evidence, lambda: printed() is not None)
    found = _fields(region, meta, headline, keys, wanted)
    found.dateline = printed() if "dateline" in wanted else None
    evidence.dateline = found.dateline is not None
    return PageReading(found, evidence, region, frozenset(keys))


def _fields(
    region: Region, meta: Metadata, headline: str | None, keys: set[str], wanted: Collection[str]
) -> Extracted:
    facts = meta.facts
    lead = find_sapo(region, facts.descriptions) if "sapo" in wanted else None
    start = region.head() if region.headline is not None else region.body_start
    found = Extracted(
        headline=headline,
        sapo=lead[0] if lead else None,
        paragraphs=region.body.paragraphs or None,
    )
    if "byline" in wanted:
        found.byline = find_byline(region, keys)
    if "captions" in wanted:
        found.captions = find_captions(region.scope, start, region.order) or None
    if "category" in wanted:
        found.category = find_category(region, facts.breadcrumb, headline or "")
    if "tags" in wanted:
        found.tags = find_tags(region, facts.keywords, meta.fields.tags or []) or None
    return found


def without_house_notice(body: GenericBody, keys: set[str]) -> GenericBody:
    """The body without a closing notice of the publisher's own (a boxed promotion of
    its products, an "About us" after a rule): a few last blocks, a small part of the
    text, in a box of their own or after an ``<hr>``, opening with the paper's name."""
    blocks = body.blocks
    cut = _notice_start(blocks, body.roots)
    notice = blocks[cut:]
    if not notice or len(notice) > NOTICE_BLOCKS or not _names_paper(notice[0][1], keys):
        return body
    if sum(len(t) for _, t in notice) > NOTICE_SHARE * sum(len(t) for _, t in blocks):
        return body
    return GenericBody(blocks[:cut], body.roots)


def _notice_start(blocks: list[tuple[HtmlElement, str]], roots: list[HtmlElement]) -> int:
    """Index of the first block of the closing box (the highest element below the body's
    container that holds the last block but not all), else of the first of the last
    blocks printed after an ``<hr>``; len(blocks) when there is neither."""
    if len(blocks) < 2:
        return len(blocks)
    inside = 0
    for node in blocks[-1][0].iterancestors():
        if node in roots:
            break
        held = sum(node in set(o.iterancestors()) for o, _ in blocks)
        if held == len(blocks):
            break
        inside = max(inside, held)
    if inside:
        return len(blocks) - inside
    tail = range(max(1, len(blocks) - NOTICE_BLOCKS), len(blocks))
    ruled = [i for i in tail if _after_rule(blocks[i][0])]
    return ruled[0] if ruled else len(blocks)


def _after_rule(owner: HtmlElement) -> bool:
    previous = owner.getprevious()
    return previous is not None and previous.tag == "hr"


def _names_paper(text: str, keys: set[str]) -> bool:
    head = squash_key(fold_diacritics(text[:NOTICE_HEAD]))
    return any(key in head for key in keys)


def _home(declared: str | None, url: str) -> bool:
    """The declared canonical address is the site's home page (and this page is not)."""
    if not declared:
        return False
    target = urlsplit(join_url(url, declared))
    return target.path in ("", "/") and urlsplit(url).path not in ("", "/")


def _page_title(tree: HtmlElement, site_names: list[str], url: str) -> list[str]:
    """The ``<title>`` without the site's name."""
    title = next(tree.iter("title"), None)
    text = clean_text(title.text_content()) if title is not None else ""
    host = (urlsplit(url).hostname or "").removeprefix("www.").split(".")[0]
    return [strip_site_suffix(text, [host, *site_names])] if text else []


def _teasers(body: GenericBody, url: str) -> int:
    """Distinct links to other stories of the same site inside the body's containers."""
    host = urlsplit(url).hostname
    targets: set[str] = set()
    for root in body.roots:
        for link in root.iter("a"):
            href = link.get("href") or ""
            if not ARTICLE_ID.search(href.split("?")[0]) and href.count("-") < 4:
                continue
            target = join_url(url, href)
            if urlsplit(target).hostname == host and target != url:
                targets.add(target.split("#")[0])
    return len(targets)


NOTICE_BLOCKS = 3
"""A closing notice after a rule is one of the last blocks."""
NOTICE_HEAD = 80
NOTICE_SHARE = 0.3
"""A closing notice names the paper in its first characters."""
TEASER_DEPTH = 3
TEASER_EXTRA = 300
"""Characters a teaser item holds besides its summary (title, time, counters)."""
HEADINGS = ("h2", "h3", "h4", "h5")


def _teaser(
    owner: HtmlElement, text: str, region: Region, url: str, sizes: dict[HtmlElement, int]
) -> bool:
    """A block printed under its own linked heading in a small item of a list (a
    listing's summary): the nearest ancestor holding a heading that links to another
    page holds exactly one, before the block, and little else. ``sizes``: text lengths
    of the ancestors seen (the paragraphs of an article share theirs)."""
    node = owner
    for _ in range(TEASER_DEPTH):
        node = node.getparent()
        if node is None:
            return False
        size = sizes.get(node)
        if size is None:
            size = sizes[node] = len(node.text_content())
        if size > 1.5 * len(text) + TEASER_EXTRA:
            return False
        heads = [h for h in node.iter(HEADINGS) if _linked(h, url)]
        if heads:
            return len(heads) == 1 and region.pos(heads[0]) < region.pos(owner)
    return False


def _linked(heading: HtmlElement, url: str) -> bool:
    link = next(heading.iter("a"), None)
    if link is None:
        link = next(heading.iterancestors("a"), None)
    if link is None:
        return False
    href = (link.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return False
    return join_url(url, href).split("#")[0] != url
