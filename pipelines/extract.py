"""Extract one article record from a saved or fetched page.

Layers are merged field by field, earlier winning: the site layout (named
selectors for a known platform), structured metadata (JSON-LD, OpenGraph,
``article:*``), then the generic content-scoring fallback for the body. The
record's ``extractor`` names the layer that gave the body.

Pages that are not articles raise :class:`NotAnArticle` (reasons in
:mod:`pipelines.pagekind`).

Run as a command: ``python -m pipelines.extract --url URL PATH``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lxml.html import HtmlElement

from pipelines.bylines import looks_like_byline, split_byline
from pipelines.captions import normalise_captions
from pipelines.dates import parse_date, parse_dateline, to_iso
from pipelines.generic import extract_body
from pipelines.metadata import extract_metadata
from pipelines.pagekind import (
    REASONS,
    NotAnArticle,
    article_id,
    check_soft_404,
    check_url,
    clean_url,
    first_title,
    join_url,
    looks_like_listing,
    parse_html,
    site_of,
)
from pipelines.record import RECORD_FIELDS
from pipelines.sites import find_layout
from pipelines.sites.base import Extracted, Layout
from pipelines.text import clean_text, fold_diacritics, squash_key, text_content

__all__ = ["REASONS", "NotAnArticle", "extract_page", "main"]

TITLE_SEPARATORS = re.compile(r"\s+[-|–—:]\s+")
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


def extract_page(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> dict[str, Any]:
    """The article record of a page (``fetched_at`` None), or :class:`NotAnArticle`."""
    url = clean_url(url)
    check_url(url)
    tree = parse_html(body, headers)
    check_soft_404(tree)
    layout = find_layout(tree, url)
    site = layout.extract(tree, url) if layout is not None else Extracted()
    printed = parse_dateline(clean_text(site.dateline)) if site.dateline else None
    meta = extract_metadata(tree, url, skip=_known(site, printed))
    if layout is None and looks_like_listing(tree, url):
        raise NotAnArticle("listing", "many article links and no article structure")
    return _build_record(tree, url, layout, (site, meta), printed)


def _known(site: Extracted, printed: datetime | date | None) -> set[str]:
    """Fields the site layer found: the metadata layer need not look for them. A printed
    date with its time (``printed``, the site's dateline read) also makes a
    machine-readable date unnecessary."""
    known = {name for name, value in vars(site).items() if value}
    if isinstance(printed, datetime):
        known.add("published")
    return known


def _build_record(
    tree: HtmlElement,
    url: str,
    layout: Layout | None,
    layers: tuple[Extracted, Extracted],
    printed: datetime | date | None,
) -> dict[str, Any]:
    """The record from the site and metadata layers (``printed``: the site's dateline
    read, if it has one)."""
    site, meta = layers
    headline = _headline(tree, url, site, meta)
    if not headline:
        raise NotAnArticle("no-headline", "no headline found")
    sapo = clean_text(site.sapo or meta.sapo) or None
    paragraphs, extractor = _body(tree, url, layout, site, meta)
    byline = site.byline or meta.byline
    if extractor in ("metadata", "generic") and paragraphs and _final_signature(paragraphs[-1]):
        signed = paragraphs.pop()
        byline = byline or signed
    paragraphs = _without_repeats(paragraphs, headline, sapo)
    captions = normalise_captions(site.captions or meta.captions, url)
    if not paragraphs and len(captions) >= 2:
        paragraphs = [c["caption"] for c in captions]  # a photo story told in captions
    if not paragraphs:
        raise NotAnArticle("no-body", "no body text found")
    record = _dates_and_people(site, meta, clean_text(byline) or None, printed)
    record.update(
        url=url,
        canonical_url=_canonical(url, site.canonical_url or meta.canonical_url),
        site=site_of(url),
        article_id=article_id(url),
        headline=headline,
        sapo=sapo,
        body="\n\n".join(paragraphs),
        captions=captions,
        category=clean_text(site.category or meta.category) or None,
        tags=_tags(site.tags or meta.tags),
        language=_language(site.language or meta.language, paragraphs),
        extractor=extractor,
        fetched_at=None,
    )
    return {name: record[name] for name in RECORD_FIELDS}


def _dates_and_people(
    site: Extracted, meta: Extracted, byline: str | None, printed: datetime | date | None
) -> dict[str, Any]:
    dateline = clean_text(site.dateline or meta.dateline) or None
    if not site.dateline and dateline:
        printed = parse_dateline(dateline)
    authors, source = split_byline(byline)
    return {
        "dateline": dateline,
        "published_at": to_iso(_published(printed, site, meta)),
        "updated_at": to_iso(parse_date(site.updated) or parse_date(meta.updated)),
        "byline": byline,
        "authors": authors,
        "source": source,
    }


def _headline(tree: HtmlElement, url: str, site: Extracted, meta: Extracted) -> str | None:
    if headline := clean_text(site.headline):
        return headline  # a layout reads the page's own heading: no site name to strip
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


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """ "Tiêu đề - Báo Nghệ An" -> "Tiêu đề" (only when the last part names the site:
    the host's name "baonghean", or ``og:site_name``, compared without diacritics)."""
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or len(parts[-1].split()) > 6:
        return title
    last = fold_diacritics(parts[-1]).replace(" ", "")
    names = {fold_diacritics(n).replace(" ", "") for n in site_names}
    if any(name and name in last for name in names):
        return title[: title.rfind(parts[-1])].rstrip(" -|–—:")
    return title


def _body(
    tree: HtmlElement, url: str, layout: Layout | None, site: Extracted, meta: Extracted
) -> tuple[list[str], str]:
    """Body paragraphs (cleaned, NFC) and the name of the layer that found them. Site
    layouts (:func:`pipelines.text.text_blocks`) and the metadata layer hand over cleaned
    paragraphs; the generic layer's are cleaned here."""
    if site.paragraphs and layout is not None:
        return [p for p in site.paragraphs if p], layout.name
    if meta.paragraphs:
        return [p for p in meta.paragraphs if p], "metadata"
    cleaned = (clean_text(p, keep_newlines=True) for p in extract_body(tree, url))
    return [p for p in cleaned if p], "generic"


def _final_signature(paragraph: str) -> bool:
    return looks_like_byline(paragraph) and len(paragraph.split()) <= 6


def _without_repeats(paragraphs: list[str], headline: str, sapo: str | None) -> list[str]:
    """Drop leading paragraphs that repeat the headline or the sapo."""
    references = [text for text in (headline, sapo) if text]
    start = 0
    while start < len(paragraphs) and any(
        _same_text(paragraphs[start], text) for text in references
    ):
        start += 1
    return [p for p in paragraphs[start:] if p]


def _same_text(a: str, b: str) -> bool:
    """Equal but for case, spaces and punctuation (lengths checked first: it is cheap)."""
    if abs(len(a) - len(b)) > max(10, len(b) // 5):
        return False
    return squash_key(a) == squash_key(b)


def _published(
    printed: datetime | date | None, site: Extracted, meta: Extracted
) -> datetime | date | None:
    """The printed dateline (read) wins; a machine value adds the time a date-only line
    lacks."""
    if isinstance(printed, datetime):
        return printed
    machine = parse_date(site.published) or parse_date(meta.published)
    if machine is None:
        return printed
    if printed is None:
        return machine
    machine_day = machine.date() if isinstance(machine, datetime) else machine
    return machine if machine_day == printed else printed


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


def _tags(values: list[str] | None) -> list[str]:
    cleaned = (clean_text(v).lstrip("#").strip() for v in values or [])
    return list(dict.fromkeys(v for v in cleaned if v))


def _language(declared: str | None, paragraphs: list[str]) -> str:
    code = clean_text(declared).replace("_", "-").split("-")[0].lower()
    if code:
        return code
    sample = " ".join(paragraphs[:5]).lower()
    return "vi" if VIETNAMESE_LETTERS.search(sample) else "und"


def main(argv: list[str] | None = None) -> int:
    """``python -m pipelines.extract``: print one page's record as JSON
    (:mod:`pipelines.extract_cli`)."""
    from pipelines.extract_cli import main as run  # imports this module

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
