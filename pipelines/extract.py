"""Extract one article record from a saved or fetched page.

Layers are merged field by field (:mod:`pipelines.fields`): the site layout (named
selectors for a known platform), then, for a page no layout knows, the page read as a
reader sees it without site rules (:mod:`pipelines.pageread`: generic body, headline,
sapo, dateline, byline, captions, tags, category), checked against and completed by
structured metadata (JSON-LD, OpenGraph, ``article:*``). The record's ``extractor``
names the layer that gave the body.

Pages that are not articles raise :class:`NotAnArticle` (reasons in
:mod:`pipelines.pagekind`; without site rules the page's kind is decided on evidence,
:func:`pipelines.pagekind.judge`).

Run as a command: ``python -m pipelines.extract --url URL PATH``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any, cast

from lxml.html import HtmlElement

from pipelines.around import is_publisher
from pipelines.bylines import looks_like_byline
from pipelines.captions import normalise_captions
from pipelines.dates import parse_date, to_iso
from pipelines.fields import (
    choose_body,
    first,
    machine_date,
    people,
    published,
    read_dateline,
    tags_of,
    without_repeats,
)
from pipelines.metadata import read_metadata
from pipelines.pagekind import (
    REASONS,
    NotAnArticle,
    article_id,
    check_soft_404,
    check_url,
    first_title,
    parse_html,
)
from pipelines.pageread import PageReading, read_page
from pipelines.record import RECORD_FIELDS, ArticleRecord
from pipelines.region import strip_site_suffix
from pipelines.sites import find_layout
from pipelines.sites.base import Extracted
from pipelines.text import clean_text, is_vietnamese, text_content
from pipelines.urls import clean_url, join_url, site_of

__all__ = ["REASONS", "NotAnArticle", "extract_page", "main", "strip_site_suffix"]

LANGUAGE_SAMPLE = 2000
"""Characters of the body that say whether it is Vietnamese."""


def extract_page(
    body: bytes,
    url: str,
    headers: Mapping[Any, Any] | None = None,
    *,
    profile: str | None = None,
    site_rules: bool = True,
) -> ArticleRecord:
    """The article record of a page (``fetched_at`` None), or :class:`NotAnArticle`.
    ``profile``: the site profile the page was crawled for (a local copy of a site has
    another host); its layouts are tried first. ``site_rules=False`` skips layer 1:
    metadata and the visible page only."""
    url = clean_url(url)
    check_url(url)
    tree = parse_html(body, headers)
    check_soft_404(tree)
    layout = find_layout(tree, url, profile) if site_rules else None
    site = layout.extract(tree, url) if layout is not None else Extracted()
    printed = read_dateline(clean_text(site.dateline))
    gaps = _gaps(site) if layout is not None else ()
    meta = read_metadata(tree, url, skip=_known(site, printed), facts=layout is None or bool(gaps))
    if layout is not None:
        declared = meta.fields
        if getattr(layout, "reads_tags", False):  # its tag list, even empty, is the page's
            declared = replace(declared, tags=None)
        shown = _only(read_page(tree, url, meta, wanted=gaps).fields, gaps) if gaps else Extracted()
        record = _record(tree, url, (site, shown, declared), layout.name, printed)
    else:
        page = read_page(tree, url, meta, judged=True)
        record = _record(tree, url, (site, page.fields, meta.fields), None, page=page)
    if profile is not None:  # a local copy of the site: its URLs follow the profile's rules
        record["article_id"] = article_id(url, profile)
    return record


GAP_FIELDS = ("sapo", "dateline", "byline", "captions")
"""Fields a layout may miss on a variant of its pages (another era, a photo story): the
page as a reader sees it (:func:`pipelines.pageread.read_page`) fills them."""
TELLING_GAPS = ("sapo", "dateline", "byline")
"""Fields nearly every article prints: a layout that missed one of them may have read a
variant it does not know. (A missing caption is usually just the article's: no image.)"""


def _gaps(site: Extracted) -> tuple[str, ...]:
    """The :data:`GAP_FIELDS` the site layer did not find, when it missed one of the
    :data:`TELLING_GAPS` (reading the page again costs about as much as the layout did,
    so it is not done for every page without a caption)."""
    if all(getattr(site, name) for name in TELLING_GAPS):
        return ()
    return tuple(name for name in GAP_FIELDS if not getattr(site, name))


def _only(fields: Extracted, names: tuple[str, ...]) -> Extracted:
    """``fields`` reduced to ``names``."""
    return Extracted(**{name: getattr(fields, name) for name in names})


def _known(site: Extracted, printed: datetime | date | None) -> set[str]:
    """Fields the site layer found: the metadata layer need not look for them. A printed
    date with its time (``printed``, the site's dateline read) also makes a
    machine-readable date unnecessary."""
    known = {name for name, value in vars(site).items() if value}
    if isinstance(printed, datetime):
        known.add("published")
    return known


def _record(
    tree: HtmlElement,
    url: str,
    layers: tuple[Extracted, Extracted, Extracted],
    layout: str | None,
    printed: datetime | date | None = None,
    page: PageReading | None = None,
) -> ArticleRecord:
    """The record from the site, visible-page and metadata layers (``printed``: the
    site's dateline read)."""
    site, shown, meta = layers
    text = _texts(tree, url, layers, layout, page)
    if not site.dateline:
        printed = read_dateline(text["dateline"])
    authors, source = people(text["byline"])
    declared_tags = meta.tags if _declared(page, text["extractor"]) else None
    record: dict[str, Any] = {
        **text,
        "url": url,
        "canonical_url": _canonical(url, site.canonical_url or meta.canonical_url),
        "site": site_of(url),
        "article_id": article_id(url),
        "published_at": to_iso(published(printed, machine_date(site, meta))),
        "updated_at": to_iso(parse_date(site.updated) or parse_date(meta.updated)),
        "authors": authors,
        "source": source,
        "category": first(site.category, shown.category, meta.category),
        "tags": tags_of(site.tags or shown.tags or declared_tags),
        "language": _language(site.language or meta.language, text["body"]),
        "fetched_at": None,
    }
    return cast(ArticleRecord, {name: record[name] for name in RECORD_FIELDS})


def _texts(
    tree: HtmlElement,
    url: str,
    layers: tuple[Extracted, Extracted, Extracted],
    layout: str | None,
    page: PageReading | None,
) -> dict[str, Any]:
    """Headline, sapo, dateline, byline, captions and body, each once: what one field
    shows is taken out of the generic or metadata body (a layout's body is already
    without them)."""
    site, shown, meta = layers
    headline = first(site.headline, shown.headline) or _meta_headline(tree, url, meta, page)
    if not headline:
        raise NotAnArticle("no-headline", "no headline found")
    paragraphs, extractor = choose_body(layers, layout)
    sapo = first(site.sapo, shown.sapo)
    if sapo is None and (layout is not None or extractor == "metadata"):
        sapo = first(meta.sapo)
    byline = _byline(layers, paragraphs, extractor, page)
    captions = normalise_captions(site.captions or shown.captions, url)
    dateline = first(site.dateline, shown.dateline, meta.dateline)
    elsewhere = [*(c["caption"] for c in captions), dateline, byline] if layout is None else [
        *(c["caption"] for c in captions if not site.captions),
        dateline if not site.dateline else None,
        byline if not site.byline else None,
    ]  # what the visible page found beside a layout is taken out of the layout's body
    paragraphs = without_repeats(paragraphs, [headline, sapo, *elsewhere])
    if not paragraphs and len(captions) >= 2:
        paragraphs = [c["caption"] for c in captions]  # a photo story told in captions
    if not paragraphs:
        raise NotAnArticle("no-body", "no body text found")
    return {
        "headline": headline,
        "sapo": sapo,
        "dateline": dateline,
        "byline": byline,
        "body": "\n\n".join(paragraphs),
        "captions": captions,
        "extractor": extractor,
    }


def _byline(
    layers: tuple[Extracted, Extracted, Extracted],
    paragraphs: list[str],
    extractor: str,
    page: PageReading | None,
) -> str | None:
    """The printed byline (a signed last paragraph of a JSON-LD body is taken off it),
    else metadata's when it names people, not the publisher."""
    site, shown, meta = layers
    keys = set(page.site) if page is not None else set()
    printed = first(site.byline, shown.byline)
    if extractor == "metadata" and paragraphs and _signed(paragraphs[-1], keys):
        signed = paragraphs.pop()
        printed = printed or signed
    if printed:
        return printed
    declared = first(meta.byline)
    return declared if declared and not is_publisher(declared, keys) else None


def _declared(page: PageReading | None, extractor: str) -> bool:
    """Metadata's tags count beside a layout's fields, or when the page shows no body."""
    return page is None or extractor == "metadata"


def _signed(paragraph: str, keys: set[str]) -> bool:
    return (
        looks_like_byline(paragraph)
        and len(paragraph.split()) <= 6
        and (not is_publisher(paragraph, keys) or paragraph.lower().startswith("theo "))
    )


def _meta_headline(
    tree: HtmlElement, url: str, meta: Extracted, page: PageReading | None
) -> str | None:
    """Metadata's title, else the page's ``<title>``, without the site's name."""
    site_names = (
        el.get("content") or "" for el in tree.iter("meta") if el.get("property") == "og:site_name"
    )
    names = [site_of(url).split(".")[0], *site_names]
    title = first_title(tree)
    titles = [text_content(title)] if title is not None else []
    for candidate in (meta.headline, *titles):
        if text := strip_site_suffix(clean_text(candidate), names):
            return text
    return None


def _canonical(url: str, declared: str | None) -> str:
    """The declared canonical URL when it is on the same site and names the same
    article (some sites point every page's canonical at the home page)."""
    if not declared:
        return url
    declared = clean_text(declared)
    if declared == url:
        return url
    absolute = join_url(url, declared)
    same_site = site_of(absolute) == site_of(url) and absolute.startswith(("http://", "https://"))
    same_article = article_id(url) in (None, article_id(absolute))
    return clean_url(absolute) if same_site and same_article else url


def _language(declared: str | None, body: str) -> str:
    code = clean_text(declared).replace("_", "-").split("-")[0].lower()
    if code:
        return code
    return "vi" if is_vietnamese(body[:LANGUAGE_SAMPLE]) else "und"


def main(argv: list[str] | None = None) -> int:
    """``python -m pipelines.extract``: print one page's record as JSON
    (:mod:`pipelines.extract_cli`)."""
    from pipelines.extract_cli import main as run  # imports this module

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
