"""What kind of page this is: article, or one of the pages an archive skips.

Pages that are not articles raise :class:`NotAnArticle` with a short reason:

=============  ===============================================================
empty          no bytes, or no parseable document
video, photo,  media pages (first path segment ``/video``, ``/short-video``,
podcast        ``/photo``, ``/podcast``)
tag            tag pages (``/tag/...``, ``/tu-khoa/...``)
topic          topic collections (``...-event<id>.html``, ``/chu-de/...``)
search         search results (``/tim-kiem``, ``/search``)
soft-404       an error page served with status 200 ("Không tìm thấy trang")
too-large      more than ``pipelines.deep.MAX_PAGE_BYTES`` (10 MB): never parsed
listing        section and home pages: many article links, no article body
no-headline    no headline anywhere
no-body        no body text anywhere
=============  ===============================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml.etree import ElementDefaultClassLookup, ErrorTypes, HTMLParser, ParserError, XPath
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from pipelines.decode import utf8_as_is, utf8_html
from pipelines.deep import MAX_PAGE_BYTES, flatten_excess, parse_limits, too_deep
from pipelines.metadata import find_article_ld, meta_values
from pipelines.text import element_text, squash_key, text_content
from pipelines.urls import join_url, urlsplit

REASONS = frozenset(
    {"empty", "video", "photo", "podcast", "tag", "topic", "search", "soft-404", "listing",
     "no-headline", "no-body", "too-large"}
)  # fmt: skip
"""Every reason :class:`NotAnArticle` may carry."""

MEDIA_SECTIONS = {"video": "video", "short-video": "video", "photo": "photo", "podcast": "podcast"}
TAG_SECTIONS = frozenset({"tag", "tags", "tu-khoa"})
TOPIC_SECTIONS = frozenset({"chu-de", "event", "su-kien-noi-bat"})
SEARCH_SECTIONS = frozenset({"tim-kiem", "search", "tim-kiem.html", "search.html"})
TOPIC_PAGE = re.compile(r"-event\d+\.html?$")
ARTICLE_ID = re.compile(r"[-/](?:post|[a-z]{1,3})?(\d{5,})\.(?:html?|amp|chn|ldo|vnp|aspx?)$")
SOFT_404_PHRASES = tuple(
    squash_key(p)
    for p in (
        "Không tìm thấy trang", "Trang không tồn tại", "Không tìm thấy nội dung",
        "Bài viết không tồn tại", "Page not found", "404 Not Found", "Lỗi 404",
    )
)  # fmt: skip
FIRST_TITLE = XPath("descendant::title[1]")
FIRST_H1 = XPath("descendant::h1[1]")
"""Positional steps: libxml2 stops at the first match instead of walking the page."""
LINK_TARGETS = XPath("descendant::a/@href")
STORY_LINK_HINT = re.compile(r"\d{5,}\.(?:html?|amp|chn|ldo|vnp|aspx?)")
"""What an article link's ``href`` must contain (checked before the cost of resolving it)."""
LISTING_LINK_COUNT = XPath(
    "count(descendant::h3[contains(concat(' ', normalize-space(@class), ' '), ' b-grid__title ')]"
    "/descendant::a)"
)
"""Story links of a OneCMS listing (``h3.b-grid__title a``), counted without leaving C."""
LISTING_MIN_LINKS = 8
ENCODING_ERRORS = frozenset({ErrorTypes.ERR_INVALID_ENCODING, ErrorTypes.ERR_INVALID_CHAR})
"""Parser errors saying the bytes were not UTF-8."""
HTML_CLASSES = ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
)
"""Every element becomes an :class:`HtmlElement`, chosen in C. ``lxml.html``'s own lookup
calls Python for each element Python touches (to pick ``FormElement``, ``InputElement``...,
which extraction never uses) and makes every walk over the tree about three times slower."""


class NotAnArticle(Exception):
    """The page is not an article; :attr:`reason` is one of :data:`REASONS`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def check_url(url: str) -> None:
    """Reject by URL alone: media, tag, topic and search pages."""
    parts = urlsplit(url)
    segments = [s.lower() for s in parts.path.split("/") if s]
    first = segments[0] if segments else ""
    if first in MEDIA_SECTIONS:
        raise NotAnArticle(MEDIA_SECTIONS[first], f"/{first} page")
    if first in TAG_SECTIONS:
        raise NotAnArticle("tag", f"/{first} page")
    if first in TOPIC_SECTIONS or TOPIC_PAGE.search(parts.path):
        raise NotAnArticle("topic", "topic collection page")
    if first in SEARCH_SECTIONS:
        raise NotAnArticle("search", "search results page")


def parse_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> HtmlElement:
    """Decode (see :mod:`pipelines.decode`) and parse into an lxml document.

    A page in UTF-8 is parsed from its own bytes, decoded once, by the parser; should
    the parser find them not UTF-8 after all, the page is decoded and parsed again. Its
    text is then as the page has it, NFC or not: every string taken from the tree is
    normalised where it is read (:func:`pipelines.text.clean_text`)."""
    if not body or body.isspace():
        raise NotAnArticle("empty", "no content")
    if len(body) > MAX_PAGE_BYTES:
        raise NotAnArticle("too-large", f"{len(body):,} bytes (at most {MAX_PAGE_BYTES:,})")
    if utf8_as_is(body, headers):
        tree, clean = _parse(body)
        if clean:
            return tree
    return _parse(utf8_html(body, headers))[0]


def _parse(data: bytes, flattened: bool = False) -> tuple[HtmlElement, bool]:
    """The document, and whether its bytes were valid UTF-8 (pipelines/deep.py: a page
    nested deeper than the parser goes is parsed again, its deepest containers dropped)."""
    limits = parse_limits() if flattened else {}
    parser = HTMLParser(encoding="utf-8", remove_comments=True, **limits)
    parser.set_element_class_lookup(HTML_CLASSES)
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (ParserError, ValueError) as error:
        raise NotAnArticle("empty", str(error)) from error
    if not flattened and too_deep(parser.error_log):
        return _parse(flatten_excess(data), flattened=True)
    return tree, not any(entry.type in ENCODING_ERRORS for entry in parser.error_log)


def first_title(tree: HtmlElement) -> HtmlElement | None:
    """The page's first ``<title>`` (the search stops there)."""
    found = FIRST_TITLE(tree)
    return found[0] if found else None


def check_soft_404(tree: HtmlElement) -> None:
    """Reject an error page served as 200: its <title> or first <h1> says so."""
    h1 = FIRST_H1(tree)
    for el in (first_title(tree), h1[0] if h1 else None):
        if el is None:
            continue
        key = squash_key(text_content(el))
        if any(phrase in key for phrase in SOFT_404_PHRASES):
            raise NotAnArticle("soft-404", element_text(el).replace("\n", " "))


def looks_like_listing(tree: HtmlElement, url: str, article_typed: bool | None = None) -> bool:
    """A page of story links: listing selectors, or many article links on a URL without an
    id and no article metadata (``article_typed``: what
    :attr:`~pipelines.metadata.MetaFacts.article_typed` says, when read already)."""
    if LISTING_LINK_COUNT(tree) >= LISTING_MIN_LINKS:
        return True
    if article_id(url) is not None:
        return False
    if article_typed is None:
        og_type = meta_values(tree).get("og:type", [""])[0].lower()
        article_typed = og_type == "article" or find_article_ld(tree) is not None
    if article_typed:
        return False
    host = urlsplit(url).hostname
    stories: set[str] = set()
    for href in {str(href) for href in LINK_TARGETS(tree)}:
        if not STORY_LINK_HINT.search(href):
            continue
        target = join_url(url, href)
        parts = urlsplit(target)
        if parts.hostname == host and ARTICLE_ID.search(parts.path):
            stories.add(target)
            if len(stories) >= LISTING_MIN_LINKS:
                return True
    return False


def article_id(url: str, profile: str | None = None) -> str | None:
    """Numeric article id from the URL ("10264872", "115327", "258616" of "-post258616"):
    by the URL rules of the profile named ``profile`` or owning the URL's host, else by
    the shapes most Vietnamese papers use (the rules the ``news`` spider crawls by)."""
    from pipelines.profiles import SITES, for_url
    from pipelines.profiles import profile as named
    from pipelines.profiles.base import UrlRules

    owner = named(profile) if profile in SITES else for_url(url)
    return (owner.urls if owner is not None else UrlRules()).article_id(url)


@dataclass
class Evidence:
    """What a page of unknown layout shows of an article (read by
    :func:`pipelines.pageread.read_page`)."""

    headline: str | None = None
    """The article's ``<h1>`` (never the paper's name), if any."""
    title_agrees: bool = False
    """That ``<h1>`` agrees with a metadata title or the ``<title>``."""
    site_title: bool = False
    """The page's title is the paper's name."""
    declared_body: bool = False
    """Metadata carries the article's text (JSON-LD ``articleBody``)."""
    dateline: bool = False
    body_chars: int = 0
    long_blocks: int = 0
    """Body blocks of 80+ characters."""
    teasers: int = 0
    """Links to other stories of the site inside the body's containers."""
    teaser_blocks: int = 0
    """Long body blocks printed under their own link to another story."""
    story_grid: bool = False
    """The page has a listing's story grid (:func:`looks_like_listing`)."""
    canonical_home: bool = False
    """The page declares the home page as its canonical address."""


def _printed(evidence: Evidence, dateline: Callable[[], bool] | None) -> bool:
    return dateline() if dateline is not None else evidence.dateline


MIN_TEASERS = 12
MIN_LINKED = 8
MIN_ARTICLE_CHARS = 400
MAX_SECTION_WORDS = 6


def judge(evidence: Evidence, dateline: Callable[[], bool] | None = None) -> None:
    """Raise :class:`NotAnArticle` unless the page shows one dominant article: a headline
    agreeing with its metadata (or, with no metadata, a printed dateline), one main text
    that is not a list of story summaries. ``dateline``: whether the page prints one,
    asked only when it decides (instead of :attr:`Evidence.dateline`)."""
    ev = evidence
    if ev.long_blocks >= 3 and ev.teaser_blocks * 2 >= ev.long_blocks:
        raise NotAnArticle("listing", "the main text is story summaries under their links")
    small = ev.body_chars < MIN_ARTICLE_CHARS or ev.long_blocks < 2
    if ev.title_agrees:
        linked = (not ev.body_chars and ev.story_grid) or (small and ev.teasers >= MIN_LINKED)
        if linked:
            raise NotAnArticle("listing", "story links and little text under the headline")
        return
    if ev.teasers >= max(MIN_TEASERS, ev.long_blocks) or ev.story_grid:
        raise NotAnArticle("listing", "many story links and no headline agreeing with metadata")
    if small and not ev.declared_body and (ev.site_title or ev.canonical_home):
        raise NotAnArticle("soft-404", "no article: the page is titled with the paper's name")
    short = ev.headline is not None and len(ev.headline.split()) <= MAX_SECTION_WORDS
    if small and not ev.declared_body and short and not _printed(ev, dateline):
        raise NotAnArticle("listing", f"a section name as headline ({ev.headline})")
