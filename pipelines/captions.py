"""Image captions: credits, de-duplication and image URLs.

A Vietnamese caption ends with its credit: "Quang cảnh hội nghị. Ảnh: Thanh Lê",
"(Ảnh: Tư liệu)", "Video: Công Kiên", or without a colon "Ảnh Thanh Lê". An
image's alt text often repeats its caption, and a box of several photos shares
one caption: each caption is kept once.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipelines.generic_names import names_say
from pipelines.record import Caption
from pipelines.sites.base import RawCaption
from pipelines.text import clean_text, element_text, squash_key
from pipelines.urls import join_url

_CREDIT_WORD = r"(?:ảnh(?:\s+minh\s+(?:họa|hoạ))?|video|clip|nguồn\s+ảnh|nguồn|đồ\s+(?:họa|hoạ))"
_CREDIT_COLON = re.compile(
    rf"(?:^|[\s.(\-–—|])\(?\s*{_CREDIT_WORD}\s*:\s*(?P<credit>[^():]+?)\s*\)?\s*\.?\s*$",
    re.IGNORECASE,
)
# "Ảnh Thanh Lê": no colon, so the credit must look like a name (capitalised words)
# and follow a sentence end or open the caption ("Ảnh hưởng ..." is not a credit).
_CREDIT_BARE = re.compile(
    r"(?:^|[.!?]\s+|\s*[(\-–—]\s*)\(?\s*(?:ảnh|video)\s+"
    r"(?P<credit>[A-ZÀ-Ỹ][^\s():.]*(?:\s+[A-ZÀ-Ỹ][^\s():.]*){0,4})\s*\)?\s*\.?\s*$",
    re.IGNORECASE,
)
_CREDIT_TAIL = 120
"""A credit and its label fit in a caption's last characters (``^`` in the patterns
still means the caption's real start when a search begins later)."""
_CREDIT_HINTS = ("ảnh", "video", "clip", "nguồn", "đồ")
PLACEHOLDER_NAMES = (
    "blank.gif", "blank.png", "spacer.gif", "pixel.gif", "1x1.", "placeholder", "lazyload",
    "lazy-load", "lazy_load", "lazy.load", "loading.gif", "loading.svg", "transparent.gif",
    "transparent.png", "noimage", "no-image",
)  # fmt: skip
"""Parts of an image URL that name a placeholder (compared in lower case; searching
a few words is far cheaper than a case-blind regex of alternatives)."""
LAZY_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-srcset")
"""Attributes lazy-loading scripts copy into ``src``, in the order they are read."""


def parse_credit(caption: str | None) -> str | None:
    """The credit at the end of a caption ("Thanh Lê" from "... Ảnh: Thanh Lê"), or None."""
    text = clean_text(caption)
    match = _find_credit(text) if text else None
    return _credit_of(match) if match is not None else None


def _credit_of(match: re.Match[str]) -> str | None:
    return match.group("credit").strip(" .,;-–—") or None


def _find_credit(text: str) -> re.Match[str] | None:
    """The credit at the end of a cleaned caption; searches start just before the credit
    labels ("Ảnh", "Video"...) found in its final characters, the last label first."""
    tail = max(0, len(text) - _CREDIT_TAIL)
    lowered = text.lower()
    found = [at for at in (lowered.rfind(word, tail) for word in _CREDIT_HINTS) if at >= 0]
    if not found:
        return None
    for start in sorted({max(0, at - 3) for at in found}, reverse=True):
        match = _CREDIT_COLON.search(text, start) or _bare_credit(text, start)
        if match is not None:
            return match
    return None


def _bare_credit(text: str, start: int) -> re.Match[str] | None:
    match = _CREDIT_BARE.search(text, start)
    if match is None:
        return None
    # re.IGNORECASE lets the name class match lower case too; require real capitals.
    words = match.group("credit").split()
    return match if all(word[0].isupper() for word in words) else None


def image_url(img: HtmlElement, base_url: str) -> str | None:
    """Absolute URL of an <img> (see :func:`image_source`)."""
    source = image_source(img)
    return join_url(base_url, source) if source else None


def image_source(img: HtmlElement) -> str | None:
    """The URL of an <img> as written. A lazy-load attribute (:data:`LAZY_ATTRIBUTES`, the
    first candidate of a ``data-srcset``) wins over ``src``, which then holds a
    placeholder of any name ("/assets/lazy.gif") or a low-resolution copy; ``data:`` URIs
    and known placeholder names are never an answer."""
    for name in (*LAZY_ATTRIBUTES, "src"):
        value = _first_candidate(img.get(name), srcset=name.endswith("srcset"))
        if value and not is_placeholder(value):
            return value
    return None


def is_placeholder(url: str) -> bool:
    """A ``data:`` URI or a known placeholder image ("/img/blank.gif", "lazy-load.gif")."""
    lowered = url.lower()
    return lowered.startswith("data:") or any(name in lowered for name in PLACEHOLDER_NAMES)


def _first_candidate(value: str | None, *, srcset: bool) -> str:
    """The attribute's URL; for a srcset, its first candidate ("/s.jpg 1x, /l.jpg 2x" ->
    "/s.jpg"; commas inside a URL are kept, as browsers keep them)."""
    value = (value or "").strip()
    if not srcset or not value:
        return value
    return value.split(None, 1)[0].rstrip(",")


def normalise_captions(raw: list[RawCaption] | None, base_url: str) -> list[Caption]:
    """Cleaned, de-duplicated captions with absolute image URLs and parsed credits.

    Two captions are the same when their text without the credit matches
    (case, spaces and punctuation ignored); the fuller text is kept, with the
    first image URL found for either.
    """
    kept: dict[str, Caption] = {}
    for item in raw or []:
        text = clean_text(item.text)
        if not text:
            continue
        url = join_url(base_url, item.image_url) if item.image_url else None
        key, credit = _key_and_credit(text)
        previous = kept.get(key)
        if previous is None:
            kept[key] = Caption(caption=text, image_url=url, credit=credit)
            continue
        if len(text) > len(previous["caption"]):
            previous["caption"], previous["credit"] = text, credit
        previous["image_url"] = previous["image_url"] or url
    return list(kept.values())


def _key_and_credit(text: str) -> tuple[str, str | None]:
    """(comparison key of the caption without its credit, the credit)."""
    match = _find_credit(text)
    if match is None:
        return squash_key(text), None
    return squash_key(text[: match.start()]) or squash_key(text), _credit_of(match)


CAPTION_HINT = re.compile(
    r"caption|image desc|imagedesc|img desc|photo desc|desc img|chu thich|chuthich|"
    r"\bfig\b|box desc|\blegend\b|pcaption|^image$|^img$"
)
"""Class/id words of a caption element (``figcaption`` needs none)."""
IMAGE_BOX_DEPTH = 3
MAX_LOOSE_CAPTION = 300
BESIDE_TAGS = frozenset({"span", "div", "em", "i", "small", "p"})
"""A caption printed as a plain paragraph under its image is short."""
"""A caption shares an ancestor this close with its image."""


def find_captions(
    scope: HtmlElement, start: int, order: dict[HtmlElement, int]
) -> list[RawCaption]:
    """Captions of the images in ``scope`` from ``start`` (a position in ``order``) on:
    ``figcaption``, caption-named elements (``.PhotoCMS_Caption``, ``td.image_desc``,
    ``p.Image``, ``.pCaption``...), the text cell of an image table, and an image's
    caption attribute (``cms-photo-caption``); each with its image, in page order,
    never the alt text."""
    found: list[RawCaption] = []
    taken: set[HtmlElement] = set()
    for el in scope.iter():
        if not isinstance(el.tag, str) or order.get(el, -1) < start or el in taken:
            continue
        if el.tag == "img":
            found.extend(_attribute_caption(el))
            continue
        img = _captioned_image(el)
        if img is None:
            continue
        taken.update(el.iter())
        text = clean_text(element_text(el).replace("\n", " "))
        if text:
            found.append(RawCaption(text=text, image_url=image_source(img)))
    return found


def _captioned_image(el: HtmlElement) -> HtmlElement | None:
    """The image ``el`` captions, if ``el`` is a caption."""
    if el.tag == "figcaption" or _caption_named(el):
        if next(el.iter("img"), None) is not None:
            return None
        return _nearby_image(el)
    if el.tag == "td" and next(el.iter("img"), None) is None and _image_row_above(el):
        return _nearby_image(el)
    if el.tag == "p" and (img := _image_above(el)) is not None:
        return img
    return _beside_image(el) if el.tag in BESIDE_TAGS else None


def _beside_image(el: HtmlElement) -> HtmlElement | None:
    """The image of the only text of a small image box (``div > img + span``): it
    follows the image, holds no image or link, is short, and ends with a credit or is
    in italics."""
    above = el.getprevious()
    if above is None:
        return None
    img = above if above.tag == "img" else None
    if img is None and len(above) == 1 and above[0].tag == "img":
        img = above[0]
    box = el.getparent()
    if img is None or box is None or next(el.iter("img", "a"), None) is not None:
        return None
    if clean_text(above.text_content()) or sum(1 for _ in box.iter("img")) != 1:
        return None
    text = clean_text(el.text_content())
    if not text or len(text) > MAX_LOOSE_CAPTION or clean_text(box.text_content()) != text:
        return None
    return img if parse_credit(text) is not None or el.tag in ("em", "i") else None


def _image_above(p: HtmlElement) -> HtmlElement | None:
    """The image of a paragraph printed as its caption: right after a paragraph (or
    box) holding only that image, short, and in italics or ending with a credit."""
    above = p.getprevious()
    img = next(above.iter("img"), None) if above is not None else None
    if img is None or clean_text(above.text_content()) or next(p.iter("img"), None) is not None:
        return None
    text = clean_text(p.text_content())
    if not text or len(text) > MAX_LOOSE_CAPTION:
        return None
    italic = len(p) == 1 and p[0].tag in ("em", "i") and not clean_text(p.text)
    return img if italic or parse_credit(text) is not None else None


def _caption_named(el: HtmlElement) -> bool:
    return names_say(el, CAPTION_HINT)


def _image_row_above(td: HtmlElement) -> bool:
    """A table cell right below a row holding only an image (``table.image``)."""
    row = td.getparent()
    above = row.getprevious() if row is not None and row.tag == "tr" else None
    if above is None or above.tag != "tr" or len(row) != 1:
        return False
    return next(above.iter("img"), None) is not None and not clean_text(above.text_content())


def _nearby_image(el: HtmlElement) -> HtmlElement | None:
    node = el
    for _ in range(IMAGE_BOX_DEPTH):
        node = node.getparent()
        if node is None:
            return None
        img = next(node.iter("img"), None)
        if img is not None:
            return img
    return None


def _attribute_caption(img: HtmlElement) -> list[RawCaption]:
    for name, value in img.attrib.items():
        if "caption" in name.lower() and clean_text(value):
            return [RawCaption(text=value, image_url=image_source(img))]
    return []
