"""Bytes of a fetched page -> text, whatever the server claimed.

Order of evidence: a byte-order mark, the HTTP ``Content-Type`` charset, the
page's ``<meta charset>`` / ``http-equiv`` declaration, then detection. A declared
charset that does not decode the bytes is skipped. Detection first looks for
windows-1258, the code page of older Vietnamese pages, which general detectors take
for a western one: its tone marks are separate bytes right after a vowel
(:func:`looks_cp1258`); then charset-normalizer reads up to 64 KB from the first
byte that is not ASCII (a page may open with more than that of scripts and styles).
The result is always NFC: windows-1258 pages decode to base letters plus
combining tone marks, and some pages are NFD to begin with. Never raises.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# Looked for in the first bytes only, where <meta charset> / http-equiv must be; matched
# on the lower-cased bytes, at each "charset" found there (a case-blind search is slow).
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([\w.:-]+)")
_SNIFF_BYTES = 4096
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_MARKS = tuple(bom for bom, _ in _BOMS)
# Labels browsers treat as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1"})
_SINGLE_BYTE_WESTERN = frozenset({"cp1252", "latin-1", "iso8859-1"})
_SINGLE_BYTE = _SINGLE_BYTE_WESTERN | {"cp1258", "cp1250", "cp1251", "cp1254", "iso8859-15"}
_DETECT_BYTES = 64 * 1024
_NOT_ASCII = re.compile(rb"[\x80-\xff]")
_ASCII = bytes(range(128))
_CP1258_TONED = re.compile(rb"[AEIOUYaeiouy\xc2\xc3\xca\xd4\xd5\xdd\xe2\xe3\xea\xf4\xf5\xfd]"
                           rb"[\xcc\xd2\xde\xec\xf2]")
"""A vowel (ASCII, or windows-1258's â ă ê ô ơ ư) followed by one of windows-1258's
five combining tone marks (grave, hook, tilde, acute, dot below)."""
_CP1258_MIN_TONES = 3
_CP1258_SHARE = 0.25
"""Share of a page's non-ASCII bytes that toned vowels make in Vietnamese windows-1258 text
(about half); western text puts Ì, Ò, Þ, ì, ò after a vowel far more rarely."""
# "Binary data bytes" of the WHATWG MIME Sniffing Standard: controls text never holds.
_BINARY_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def header_value(headers: Mapping[Any, Any] | None, name: str) -> str | None:
    """A header's value from any mapping (str or bytes keys/values, lists of values)."""
    if not headers:
        return None
    for key, value in headers.items():
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() != name:
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def codec_name(label: str | None) -> str | None:
    """Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charsets(body: bytes, headers: Mapping[Any, Any] | None) -> list[str]:
    """Codec names declared for this page, most authoritative first."""
    found: list[str] = []
    content_type = header_value(headers, "content-type")
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        found.append(match.group(1))
    if meta := _meta_charset(body[:_SNIFF_BYTES]):
        found.append(meta)
    names = (codec_name(label) for label in found)
    return list(dict.fromkeys(name for name in names if name))


def _meta_charset(head: bytes) -> str | None:
    lowered = head.lower()
    at = lowered.find(b"charset")
    while at >= 0:
        if match := _META_CHARSET.match(lowered, at):
            return head[match.start(1) : match.end(1)].decode("ascii", "replace")
        at = lowered.find(b"charset", at + 1)
    return None


def decode_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> str:
    """Decode a page's bytes to NFC text; undecodable bytes become U+FFFD."""
    text, _ = _without_nul(body, *_decode(body, headers))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def utf8_as_is(body: bytes, headers: Mapping[Any, Any] | None = None) -> bool:
    """Whether the page may go to a parser told "utf-8" as it is, never decoded here: if
    its bytes are UTF-8, UTF-8 is what :func:`utf8_html` would read them as (declared
    UTF-8 or single-byte, or nothing declared), and there is no byte-order mark or NUL.
    Whether the bytes are UTF-8 at all the parser tells (an encoding error in its log:
    the page then goes through :func:`utf8_html`). Unlike :func:`utf8_html` this does not
    make the text NFC: whoever reads text from the tree normalises what it takes
    (:func:`pipelines.text.clean_text`), which costs far less than a pass over the page."""
    if body.startswith(_BOM_MARKS) or b"\x00" in body:
        return False
    declared = _first_declared(body, headers)
    return declared is None or declared == "utf-8" or declared in _SINGLE_BYTE


def _first_declared(body: bytes, headers: Mapping[Any, Any] | None) -> str | None:
    """``declared_charsets(body, headers)[0]``, without sniffing the page when the
    header names a charset."""
    content_type = header_value(headers, "content-type") or ""
    match = _HEADER_CHARSET.search(content_type)
    if match and (name := codec_name(match.group(1))):
        return name
    meta = _meta_charset(body[:_SNIFF_BYTES])
    return codec_name(meta) if meta else None


def utf8_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> bytes:
    """The page as NFC UTF-8 bytes (for a parser told "utf-8").

    A clean UTF-8 page that is already NFC is returned as is, without a
    decode/encode round trip.
    """
    text, exact_utf8 = _without_nul(body, *_decode(body, headers))
    if not unicodedata.is_normalized("NFC", text):
        return unicodedata.normalize("NFC", text).encode("utf-8")
    return body if exact_utf8 else text.encode("utf-8")


def looks_binary(body: bytes, headers: Mapping[Any, Any] | None = None) -> bool:
    """True for a response that is no text document: an image, audio, video or font by
    its ``Content-Type``, or bytes of which more than 1 in 20 (of the first 4 KB, and
    more than 4) are control bytes no text holds (a stray NUL in a page does not count)."""
    media = (header_value(headers, "content-type") or "").split(";")[0].strip().lower()
    if media.startswith(("image/", "audio/", "video/", "font/")):
        return True
    head = body[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    binary = len(head) - len(head.translate(None, _BINARY_BYTES))
    return binary > max(4, len(head) // 20)


def _without_nul(body: bytes, text: str, exact_utf8: bool) -> tuple[str, bool]:
    """NUL characters dropped, as HTML parsers do (lxml would turn each into U+FFFD).
    When ``body`` is ``text`` in UTF-8 the bytes are searched: a NUL byte there is a NUL
    character, and finding a byte is much faster than finding a character."""
    if b"\x00" in body if exact_utf8 else "\x00" in text:
        return text.replace("\x00", ""), False
    return text, exact_utf8


def _decode(body: bytes, headers: Mapping[Any, Any] | None) -> tuple[str, bool]:
    """(text, whether ``body`` is exactly that text in UTF-8 without a BOM)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), False
    for name, tolerant in _candidates(body, headers):
        text, exact = _try_decode(body, name, tolerant=tolerant)
        if text is not None:
            return text, exact and name == "utf-8"
        logger.debug("charset %s does not decode the page", name)
    detected = "cp1258" if looks_cp1258(body) else _detect(body)
    return body.decode(detected or "utf-8", errors="replace"), False


def _try_decode(body: bytes, name: str, *, tolerant: bool) -> tuple[str | None, bool]:
    """(text, whether the decode was strict). Strict first; with ``tolerant``, UTF-8 with a
    few stray bad bytes (a truncated page) still counts, each one read as U+FFFD."""
    try:
        return body.decode(name), True
    except UnicodeDecodeError:
        if not tolerant or name != "utf-8":
            return None, False
    text = body.decode(name, errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return (text if bad <= max(2, non_ascii // 200) else None), False


def _candidates(body: bytes, headers: Mapping[Any, Any] | None) -> Iterable[tuple[str, bool]]:
    """(codec, tolerant) pairs to try in order."""
    declared = declared_charsets(body, headers)
    if not declared:
        yield "utf-8", True
        return
    if declared[0] not in _SINGLE_BYTE or body.isascii():
        yield from ((name, True) for name in declared)
        return
    # Text in a single-byte code page practically never forms valid multi-byte UTF-8,
    # so a page that does is UTF-8 whatever it says (a copied template's meta tag, a
    # server default).
    yield "utf-8", False
    if declared[0] not in _SINGLE_BYTE_WESTERN:
        yield from ((name, False) for name in declared)
        return
    # A western label never fails to decode, so it would hide a windows-1258 page.
    # Other detector guesses are not trusted over the label (short pages mislead it).
    yield from ((name, False) for name in declared if name not in _SINGLE_BYTE_WESTERN)
    if looks_cp1258(body) or _detect(body) == "cp1258":
        yield "cp1258", False
    yield declared[0], False


def looks_cp1258(body: bytes) -> bool:
    """Whether *body* (not UTF-8) reads as Vietnamese in windows-1258: toned vowels make
    a good share of its bytes that are not ASCII."""
    not_ascii = len(body.translate(None, _ASCII))
    if not_ascii == 0:
        return False
    toned = len(_CP1258_TONED.findall(body))
    return toned >= _CP1258_MIN_TONES and toned >= _CP1258_SHARE * not_ascii


def _detect(body: bytes) -> str | None:
    """charset-normalizer's guess from up to 64 KB, starting just before the first byte
    that is not ASCII (ASCII alone says nothing)."""
    first = _NOT_ASCII.search(body)
    start = max(0, first.start() - 1024) if first else 0
    best = from_bytes(body[start : start + _DETECT_BYTES]).best()
    return codec_name(best.encoding) if best is not None else None
