"""Limits of the HTML parser: pages too large to parse, and pages nested too deep.

libxml2 stops parsing at 256 levels of nesting (2,048 with ``huge_tree``), and silently
drops everything after that point: a page whose layout tables or unclosed ``<font>``
tags nest deeper loses its body. Extraction walks trees with Python recursion too,
which has its own limit. So a page the parser finds too deep (:func:`too_deep`) is
parsed again from :func:`flatten_excess`, which drops the start and end tags of
container elements that only wrap (no attribute but presentational ones: ``<div>``,
``<table width="100%">``, ``<font color=...>``) nested below :data:`WRAPPER_DEPTH`,
and of any container nested below :data:`KEPT_DEPTH`, keeping their text and every
other element: the elements the site's layout selectors look for (classes, ids) stay
where they were. That second parse uses :func:`parse_limits` (``huge_tree``), so whatever
nesting is left is kept. Pages of normal depth are parsed once, as before.

``huge_tree`` also lifts libxml2's limits on the size of a text node; the guard against
a huge page is :data:`MAX_PAGE_BYTES`, checked before parsing.
"""

from __future__ import annotations

import re
from typing import Any

from lxml.etree import ErrorTypes, _ListErrorLog

MAX_PAGE_BYTES = 10 * 1024 * 1024
"""Largest page parsed (the crawl's default ``DOWNLOAD_MAXSIZE``): a 10 MB page peaks at
about 130 MB of memory while it is extracted; larger ones are not parsed (``too-large``)."""
KEPT_DEPTH = 150
"""Container elements nested up to this depth are kept by :func:`flatten_excess` (with
the ``<tbody>`` the parser adds to each table, well under libxml2's 256 levels and
Python's recursion limit)."""
WRAPPER_DEPTH = 24
"""Below this depth :func:`flatten_excess` drops containers that only wrap."""
PRESENTATIONAL = frozenset(
    {"width", "height", "border", "cellpadding", "cellspacing", "align", "valign",
     "bgcolor", "style", "face", "size", "color", "dir", "lang", "colspan", "rowspan"})
"""Attributes that say nothing a selector looks for."""
_ATTRIBUTE_NAME = re.compile(rb"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
CONTAINER_TAG = re.compile(
    rb"<(/?)(div|span|table|tbody|thead|tfoot|tr|td|th|section|article|aside|main|font|"
    rb"center|blockquote|ul|ol|li|dl|dt|dd|b|i|u|em|strong|small|big|a|form|fieldset|nav|"
    rb"header|footer|figure|label)\b[^>]*>",
    re.IGNORECASE,
)
"""Tags whose nesting makes a page deep; dropping one keeps the text inside it."""


def parse_limits() -> dict[str, Any]:
    """Options of ``lxml.etree.HTMLParser`` for a page :func:`flatten_excess` made."""
    return {"huge_tree": True}


def too_deep(error_log: _ListErrorLog) -> bool:
    """Whether the parser stopped at its nesting limit (and dropped the rest of the page)."""
    return any(entry.type == ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in entry.message
               for entry in error_log)


def only_wraps(tag: bytes) -> bool:
    """Whether a start tag has no attribute but presentational ones."""
    attributes = tag[tag.index(b" ") : -1] if b" " in tag else b""
    names = {name.decode("latin-1").lower() for name in _ATTRIBUTE_NAME.findall(attributes)}
    return names <= PRESENTATIONAL


def flatten_excess(data: bytes, kept_depth: int = KEPT_DEPTH,
                   wrapper_depth: int = WRAPPER_DEPTH) -> bytes:
    """*data* without the wrapping container tags nested deeper than *wrapper_depth* and
    any nested deeper than *kept_depth* (depth: containers kept around it); each start
    tag dropped with its end tag, a space left in their place so words stay apart. An
    end tag closes the nearest open element of its name and those opened inside it (as
    an HTML parser does with unclosed tags); an end tag matching nothing is left alone.
    Linear in the page's tags, however they nest."""
    out: list[bytes] = []
    stack = _OpenTags()
    position = 0
    for match in CONTAINER_TAG.finditer(data):
        name = match.group(2).lower()
        if match.group(1):
            drop = stack.close(name)
        else:
            tag = match.group(0)
            drop = stack.kept >= kept_depth or (stack.kept >= wrapper_depth
                                                 and only_wraps(tag))
            if not tag.endswith(b"/>"):
                stack.open(name, drop)
        if drop:
            out.append(data[position : match.start()])
            out.append(b" ")
            position = match.end()
    out.append(data[position:])
    return b"".join(out)


class _OpenTags:
    """The open containers, outermost first, each with whether its tags are dropped."""

    def __init__(self) -> None:
        self.entries: list[tuple[bytes, bool]] = []
        self.where: dict[bytes, list[int]] = {}
        """Positions in ``entries`` of each name's open elements."""
        self.kept = 0

    def open(self, name: bytes, drop: bool) -> None:
        self.where.setdefault(name, []).append(len(self.entries))
        self.entries.append((name, drop))
        self.kept += not drop

    def close(self, name: bytes) -> bool:
        """Close the nearest open *name* and what was opened inside it; whether its end
        tag is dropped (False for an end tag that closes nothing)."""
        positions = self.where.get(name)
        if not positions:
            return False
        start = positions[-1]
        drop = self.entries[start][1]
        while len(self.entries) > start:
            closed, dropped = self.entries.pop()
            self.where[closed].pop()
            self.kept -= not dropped
        return drop
