"""Text cleaning shared by every extraction layer.

Vietnamese pages mix NFC and NFD text, no-break spaces, zero-width characters
and soft hyphens. :func:`clean_text` turns any of that into plain NFC text with
single spaces. Spelling is kept exactly as published: old and new tone placement
("hoà" / "hòa") are both valid and are not folded here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable

from lxml.html import HtmlElement

# Invisible characters removed outright: zero-width space/non-joiner/joiner, word
# joiner, BOM / zero-width no-break space, soft hyphen, and bidi marks.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c]")
# Whitespace is collapsed with str.split(), which splits on every Unicode space
# (U+00A0, U+2000-U+200A, U+202F, U+3000...) as well as ASCII blanks.
_NOT_WORD = re.compile(r"[\W_]+")
_ASCII_NOT_WORD = bytes(code for code in range(128) if not chr(code).isalnum())

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
"""Letters only Vietnamese writes (in lower case)."""
SHORTCODE = re.compile(r"\s*\[(\w+)(?:\s[^\]]*)?\][^\[\]]*\[/\1\]")
"""A CMS shortcode left in the text: "[gg_video]0B7yQm3k[/gg_video]"."""
MAX_ESCAPES = 3
"""Metadata is sometimes escaped twice ("Chi&amp;#7871;n"): decoded up to this many times."""

SKIP_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "head"})
"""Elements whose content is never visible text."""

BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "blockquote", "pre", "address",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "figure", "figcaption",
        "header", "footer", "aside", "nav", "main", "center", "form", "hr",
    }
)  # fmt: skip
"""Elements that start a new block of text."""


def clean_text(text: str | None, *, keep_newlines: bool = False) -> str:
    """NFC text with invisible characters removed and whitespace collapsed.

    With ``keep_newlines`` single line breaks survive (each line is cleaned and
    empty lines dropped); otherwise all whitespace runs become one space.
    """
    if not text:
        return ""
    if text.isprintable():  # no line break, tab, no-break space or invisible character
        if "  " in text or text[0] == " " or text[-1] == " ":
            text = " ".join(text.split())
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        return text
    if not text.isascii():
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if not keep_newlines or "\n" not in text:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join([line for line in lines if line])


def is_vietnamese(text: str) -> bool:
    return bool(VIETNAMESE_LETTERS.search(text.lower()))


def without_shortcodes(text: str) -> str:
    return SHORTCODE.sub("", text).strip() if "[/" in text else text


def decode_entities(text: str) -> str:
    """Character references left in a value decoded, also when escaped more than once
    ("Ch&#237;nh", "Chi&amp;#7871;n" -> "Chính", "Chiến"); text without one is returned
    as it is."""
    for _ in range(MAX_ESCAPES):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def clean_value(text: str | None) -> str:
    """A metadata value as text: entities decoded (:func:`decode_entities`), then
    :func:`clean_text`."""
    return clean_text(decode_entities(text)) if text else ""


def element_text(el: HtmlElement | None) -> str:
    """Visible text of an element: ``<br>`` and block boundaries kept as newlines,
    whitespace normalised, scripts and styles left out."""
    if el is None:
        return ""
    if not len(el):  # no children: its own text is all there is
        return clean_text(el.text)
    return "\n".join([text for _, text in text_blocks(el)])


def first_text(elements: Iterable[HtmlElement]) -> str | None:
    """The visible text of the first of ``elements`` that shows any, on one line."""
    for el in elements:
        text = element_text(el).replace("\n", " ")
        if text:
            return text
    return None


def text_content(el: HtmlElement) -> str:
    """All text inside ``el``, as ``HtmlElement.text_content()`` gives it (script text
    included, its own tail not), without that method's cost for an element with no
    children (most paragraphs, links and headings)."""
    if not len(el):
        return el.text or ""
    return "".join(el.itertext())


def squash_key(text: str) -> str:
    """Comparison key: cleaned, case-folded, punctuation and spaces removed."""
    folded = clean_text(text).casefold()
    # ASCII spaces and punctuation go first, as bytes (fast); the slow search for other
    # non-word characters runs only when some are left.
    compact = folded.encode().translate(None, _ASCII_NOT_WORD).decode()
    return compact if not compact or compact.isalnum() else _NOT_WORD.sub("", compact)


def paragraphs_of(root: HtmlElement, skip: Callable[[HtmlElement], bool]) -> list[str]:
    """Text blocks under ``root`` in document order (see :func:`text_blocks`)."""
    return [text for _, text in text_blocks(root, skip)]


def text_blocks(
    root: HtmlElement, skip: Callable[[HtmlElement], bool] | None = None
) -> list[tuple[HtmlElement, str]]:
    """(owner, text) for each block of text under ``root``, in document order.

    A block is the text between two block boundaries: a ``<p>``, ``<h2>``, ``<li>``
    or bare ``<div>``, or loose text between block elements (owned by the nearest
    block ancestor). ``<br>`` stays a newline inside its block; line breaks in the
    page's source are spaces, as a browser shows them. Elements for which ``skip``
    returns True are left out with their subtree (their tail text is kept: it belongs
    to the parent).
    """
    walk = _BlockWalk(skip)
    if root.text:
        walk.run.append(root.text)
    walk.children(root, root)
    if walk.run:
        walk.flush(root)
    return walk.out


_BR = "\ufdd0"
"""Stands for ``<br>`` while a block's text is gathered (a Unicode noncharacter: never
text), so that the source's own line breaks can become spaces first."""


class _BlockWalk:
    """One pass over a subtree; each element is touched once, leaves without a call."""

    __slots__ = ("skip", "run", "out")

    def __init__(self, skip: Callable[[HtmlElement], bool] | None) -> None:
        self.skip = skip
        self.run: list[str] = []
        self.out: list[tuple[HtmlElement, str]] = []

    def children(self, el: HtmlElement, owner: HtmlElement) -> None:
        run, skip, flush = self.run, self.skip, self.flush
        for child in el:
            tag = child.tag
            if tag == "br":
                run.append(_BR)
            elif (
                type(tag) is str and tag not in SKIP_TEXT_TAGS and (skip is None or not skip(child))
            ):
                text = child.text
                if tag in BLOCK_TAGS:
                    if run:
                        flush(owner)
                    if text:
                        run.append(text)
                    if len(child):
                        self.children(child, child)
                    if run:
                        flush(child)
                else:
                    if text:
                        run.append(text)
                    if len(child):
                        self.children(child, owner)
            tail = child.tail
            if tail:
                run.append(tail)

    def flush(self, owner: HtmlElement) -> None:
        """The gathered text becomes a block of ``owner`` (``run`` is not empty)."""
        run = self.run
        raw = "".join(run)
        run.clear()
        if raw.isspace():
            return
        if "\n" in raw:
            raw = raw.replace("\n", " ")
        if _BR in raw:
            raw = raw.replace(_BR, "\n")
        text = clean_text(raw, keep_newlines=True)
        if text:
            self.out.append((owner, text))


def fold_diacritics(text: str) -> str:
    """Search/comparison key only: "Báo Nghệ An" -> "bao nghe an" (never for stored text)."""
    decomposed = unicodedata.normalize("NFD", clean_text(text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")
