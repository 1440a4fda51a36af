"""Field arbitration: each record field from the best layer that has it.

Layers, best first: the site layout (layer 1), the visible page read without site
rules (layer 3, :mod:`pipelines.pageread`), structured metadata (layer 2), which is
used to confirm the visible page and where it shows nothing:

* headline: the layout's, else the visible ``<h1>``, else metadata's title;
* sapo: the displayed lead; metadata's description only when the page shows no body;
* body: the layout's, else the generic body (CMS shortcodes taken out); JSON-LD
  ``articleBody`` only when the page shows no body, or a short one that it holds (a
  teaser), never over a page's own text (it is often truncated or carries markup);
* published: the printed time first, then machine values (a machine value agreeing to
  the minute gives its seconds; a printed date without a time takes the machine's time
  of that day); always in +07:00;
* byline: printed (a layout's, a signed last paragraph, an author line), else
  metadata's people; never the publisher's name; names printed in capitals are
  given normal capitalisation;
* captions, category, tags: as printed; metadata's only as a fallback (tags:
  ``article:tag``/JSON-LD keywords, never ``meta[name=keywords]`` alone).
"""

from __future__ import annotations

from datetime import date, datetime

from pipelines.bylines import split_byline
from pipelines.dates import parse_date, parse_dateline
from pipelines.sites.base import Extracted
from pipelines.text import clean_text, squash_key, without_shortcodes

Layers = tuple[Extracted, Extracted, Extracted]
"""(site layout, visible page, metadata)."""
OPENING_LINES = 3
SHORT_LINE = 80
"""Lines above a lead printed in the body are short (a toolbar, a meta line)."""
MIN_LD_AGREEMENT = 0.85
MAX_TEASER_CHARS = 500
"""A generic body this short may be a teaser of the JSON-LD text."""
"""Share of the generic body's words an agreeing JSON-LD ``articleBody`` must hold."""


def first(*values: str | None) -> str | None:
    for value in values:
        if text := clean_text(value):
            return text
    return None


def choose_body(layers: Layers, layout: str | None) -> tuple[list[str], str]:
    """Body paragraphs and the name of the layer that gave them."""
    site, page, meta = layers
    if site.paragraphs and layout is not None:
        return [p for p in site.paragraphs if p], layout
    shown = [text for text in map(without_shortcodes, page.paragraphs or []) if text]
    declared = [p for p in meta.paragraphs or [] if p]
    if declared and (not shown or _fuller(declared, shown)):
        return declared, "metadata"
    return shown, "generic"


def _fuller(declared: list[str], shown: list[str]) -> bool:
    """JSON-LD text that holds the little the page shows and more (a teaser page)."""
    if sum(map(len, shown)) >= MAX_TEASER_CHARS:
        return False
    ours, theirs = _words(shown), _words(declared)
    if len(theirs) <= len(ours):
        return False
    held = sum(min(count, theirs.get(word, 0)) for word, count in ours.items())
    return held >= MIN_LD_AGREEMENT * sum(ours.values())


def _words(paragraphs: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in " ".join(paragraphs).casefold().split():
        counts[word] = counts.get(word, 0) + 1
    return counts


def published(
    printed: datetime | date | None, machine: datetime | date | None
) -> datetime | date | None:
    """The printed time wins; machine values fill in (see the module's notes)."""
    if isinstance(printed, datetime):
        if isinstance(machine, datetime) and abs((machine - printed).total_seconds()) < 60:
            return machine
        return printed
    if machine is None:
        return printed
    if printed is None:
        return machine
    machine_day = machine.date() if isinstance(machine, datetime) else machine
    return machine if machine_day == printed else printed


def read_dateline(text: str | None) -> datetime | date | None:
    return parse_dateline(text) if text else None


def machine_date(site: Extracted, meta: Extracted) -> datetime | date | None:
    return parse_date(site.published) or parse_date(meta.published)


def people(byline: str | None) -> tuple[list[str], str | None]:
    """(authors, source) of a byline; names printed in capitals get normal case."""
    authors, source = split_byline(byline)
    return [_normal_case(name) for name in authors], source


def _normal_case(name: str) -> str:
    """ "NHẬT XUÂN" -> "Nhật Xuân"; one-word capitals (TTXVN, VTV) are acronyms."""
    if len(name.split()) > 1 and name.isupper():
        return " ".join(word.capitalize() for word in name.split())
    return name


def without_repeats(paragraphs: list[str], repeated: list[str | None]) -> list[str]:
    """Leading paragraphs that repeat the headline or sapo dropped (with the short lines
    above a sapo printed in the body); then every paragraph that repeats a caption, the
    dateline or the byline."""
    references = [text for text in repeated[:2] if text]
    start = _after_lead(paragraphs, repeated[1])
    while start < len(paragraphs) and any(same_text(paragraphs[start], t) for t in references):
        start += 1
    others = {squash_key(text) for text in repeated[2:] if text}
    if not others:
        return [p for p in paragraphs[start:] if p]
    return [p for p in paragraphs[start:] if p and squash_key(p) not in others]


def _after_lead(paragraphs: list[str], sapo: str | None) -> int:
    """Index of a sapo among the body's first short lines (0 when it is not there)."""
    for index, paragraph in enumerate(paragraphs[:OPENING_LINES]):
        if sapo and same_text(paragraph, sapo):
            return index
        if len(paragraph) >= SHORT_LINE:
            break
    return 0


def same_text(a: str, b: str) -> bool:
    """Equal but for case, spaces and punctuation (lengths checked first: it is cheap)."""
    if abs(len(a) - len(b)) > max(10, len(b) // 5):
        return False
    return squash_key(a) == squash_key(b)


def tags_of(values: list[str] | None) -> list[str]:
    cleaned = (clean_text(v).lstrip("#").strip(" ,;|") for v in values or [])
    return list(dict.fromkeys(v for v in cleaned if v))
