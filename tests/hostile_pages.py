"""Bytes of the hostile fixture site (see tests/hostile_site.py): broken HTML, bombs, garbage.

Good article pages start from the normal fixture site's OneCMS markup
(:func:`tests.sitepages.article_page`) and are then damaged in one way each; their text
stays the same, so the expected record is still :meth:`tests.sitegen.Article.truth`.
"""

from __future__ import annotations

import gzip
import io
import random
import re
import unicodedata
from collections.abc import Callable
from html import escape

from tests.sitepages import ORIGIN
from tests.sitepages import head as page_head

OTHER = "https://elsewhere.example"
"""Another site; tests/siteserver.py turns it into its own address under another host name."""
TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + bytes(range(256)) * 8
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
BOMB_BYTES = 64 * 1024 * 1024
"""Decompressed size of the gzip bombs (well over DOWNLOAD_MAXSIZE)."""


def cp1258(text: str) -> bytes:
    """Text as a windows-1258 page holds it: tone marks as separate combining bytes."""
    chars = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        chars.append(base + "".join(c for c in parts if c in TONES))
    return "".join(chars).encode("cp1258")


def without_charset(html: str) -> str:
    return html.replace('<meta charset="utf-8">\n', "", 1)


def unclosed(html: str) -> str:
    """Every ``</p>``, ``</li>`` and ``</h4>`` left out, as careless templates do."""
    return re.sub(r"</(?:p|li|h4)>", "", html)


def nested_tables(html: str) -> str:
    """The article's paragraphs inside two levels of layout tables."""
    first = html.index('<p class="align-justify">')
    last = html.index('<div class="c-widget-tags')
    return (html[:first] + '<table class="layout"><tr><td><table width="100%"><tr><td>\n'
            + html[first:last] + "</td></tr></table></td></tr></table>\n" + html[last:])


def without_body_tag(html: str) -> str:
    return html.replace("<body>\n", "", 1).replace("</body>\n", "", 1)


def with_nul(html: str) -> str:
    """A NUL byte between two paragraphs of the body."""
    at = html.index('<p class="align-justify">', html.index('<p class="align-justify">') + 1)
    return html[:at] + "\x00" + html[at:]


def deep_tables(html: str, depth: int = 300) -> str:
    """The article's paragraphs inside *depth* levels of layout tables (libxml2 alone
    stops at 256 levels of nesting and drops the rest of the page)."""
    first = html.index('<p class="align-justify">')
    last = html.index('<div class="c-widget-tags')
    opening = '<table width="100%" border="0"><tr><td valign="top">\n' * depth
    return html[:first] + opening + html[first:last] + "</td></tr></table>\n" * depth + html[last:]


MALFORMED_URL = "http://[::1/tin-10285431.html"
"""A URL Python's ``urlsplit`` refuses (``ValueError: Invalid IPv6 URL``)."""


def malformed_urls(html: str) -> str:
    """Canonical link, ``og:url``, an image, a link and a meta refresh naming
    :data:`MALFORMED_URL`."""
    html = re.sub(r'(<link rel="canonical" href=")[^"]*', rf"\g<1>{MALFORMED_URL}", html, count=1)
    html = re.sub(r'(<meta property="og:url" content=")[^"]*', rf"\g<1>{MALFORMED_URL}", html,
                  count=1)
    refresh = f'<meta http-equiv="refresh" content="0; url={MALFORMED_URL}">\n'
    html = html.replace("</head>", refresh + "</head>", 1)
    at = html.index('<p class="align-justify">', html.index('<p class="align-justify">') + 1)
    extras = f'<img src="{MALFORMED_URL}" alt=""><a href="{MALFORMED_URL}"></a>\n'
    return html[:at] + extras + html[at:]


def reload_every(html: str) -> str:
    """A ``<meta http-equiv="refresh">`` that only reloads the page (no URL)."""
    return html.replace("</head>", '<meta http-equiv="refresh" content="600">\n</head>', 1)


def long_head(html: str) -> str:
    """70 KB of inline script opening the head, before any text (the title included):
    detection that reads the first 64 KB sees ASCII only."""
    script = "<script>var cauHinh = '" + "abcdefghij" * 7_000 + "';</script>\n"
    at = html.index("<head>") + len("<head>")
    return html[:at] + "\n" + script + html[at:]


def meta_refresh_to(target: str) -> str:
    return plain_page("Chuyển trang", "<p>Đang chuyển trang...</p>").replace(
        "</head>", f'<meta http-equiv="refresh" content="0; url={target}">\n</head>', 1)


HTML_DAMAGE: dict[str, Callable[[str], str]] = {
    "unclosed-tags": unclosed,
    "nested-tables": nested_tables,
    "nul-byte": with_nul,
    "no-body-tag": without_body_tag,
    "tables-300-deep": deep_tables,
    "malformed-urls": malformed_urls,
    "refresh-reload": reload_every,
    "windows-1258-long-head": long_head,
}


def script_page_extras() -> str:
    """Markup that does something only when executed or rendered (never by the archiver)."""
    return (
        "<script>fetch('/chi-khi-chay-script-10609001.html');"
        "document.write('<p>Đoạn văn do script viết ra.</p>');</script>\n"
        '<style>p::after { content: "chữ của CSS"; }</style>\n'
        '<iframe src="/chi-trong-iframe-10609002.html"></iframe>\n'
        '<img src="/chi-trong-anh-10609003.jpg" onerror="location=\'/onerror-10609004.html\'">\n'
        '<noscript><a href="/chi-trong-noscript-10609005.html">noscript</a></noscript>\n'
    )


def with_scripts(html: str) -> str:
    at = html.index('<p class="align-justify">', html.index('<p class="align-justify">') + 1)
    return html[:at] + script_page_extras() + html[at:]


def plain_page(title: str, body: str) -> str:
    return page_head(title) + body + "</body>\n</html>\n"


def stub_page(headline: str) -> str:
    """A headline and nothing else."""
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(headline)}'
            f"</title></head><body><h1>{escape(headline)}</h1></body></html>\n")


def listing_lookalike(paths: list[str]) -> str:
    """A section-style grid of story links under an article-shaped URL."""
    items = "".join(
        f'<div class="b-grid"><div class="b-grid__img"><a href="{ORIGIN}{p}"><img src="/a.jpg">'
        f'</a></div><h3 class="b-grid__title"><a href="{ORIGIN}{p}">Tin số {n}</a></h3></div>\n'
        for n, p in enumerate(paths, 1)
    )
    return plain_page("Tổng hợp tin nổi bật", f'<h1 class="c-cate">Tin nổi bật</h1>\n{items}')


def garbage(size: int = 8192) -> bytes:
    return random.Random("hostile-garbage").randbytes(size)


def huge_page(size: int) -> bytes:
    """A page of ``size`` bytes (more than the crawl's size limit)."""
    start = plain_page("Trang rất lớn", "<p>").encode()
    filler = b"x" * (size - len(start))
    return start + filler


def gzip_bomb() -> bytes:
    """A sitemap header followed by BOMB_BYTES of spaces, gzip-compressed (about 64 KB)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as stream:
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>\n'.encode())
        chunk = b" " * (1024 * 1024)
        for _ in range(BOMB_BYTES // len(chunk)):
            stream.write(chunk)
        stream.write(b"</urlset>\n")
    return out.getvalue()


def entity_bomb(root: str, item: str) -> str:
    """Billion laughs: ten levels of ten-fold entity expansion inside ``item``."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10}">' for k in range(1, 10)
    ]
    dtd = "\n".join(levels)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {root} [\n{dtd}\n]>\n'
            + item.replace("BOMB", "&lol9;"))


def sitemap(paths: list[str]) -> str:
    entries = "".join(f"<url><loc>{ORIGIN}{p}</loc></url>\n" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>\n{entries}'
            f"<url><loc>javascript:alert(1)</loc></url>\n"
            f"<url><loc>{OTHER}/ngoai-trang-trong-sitemap-10609006.html</loc></url>\n</urlset>\n")


def feed(items: list[tuple[str, str]]) -> str:
    """RSS 2.0 with one ``<item>`` per (path, pubDate text)."""
    entries = "".join(
        f"<item><title>Tin</title><link>{ORIGIN}{path}</link><pubDate>{escape(when)}</pubDate>"
        "</item>\n"
        for path, when in items
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Báo Nghệ An</title><link>{ORIGIN}/</link>\n{entries}</channel></rss>\n")


def home_page(paths: list[str]) -> str:
    links = "".join(f'<h3 class="b-grid__title"><a href="{ORIGIN}{p}">Tin</a></h3>\n'
                    for p in paths)
    scope = (
        f'<a href="{OTHER}/tin-o-host-khac-10609010.html">Tin ở host khác</a>\n'
        "<a href=\"javascript:location='/javascript-10609011.html'\">JS</a>\n"
        '<a href="data:text/html,&lt;a href=/data-url-10609012.html&gt;x&lt;/a&gt;">data</a>\n'
        '<a href="mailto:toasoan@baonghean.vn">Thư</a> <a href="tel:02383844988">Gọi</a>\n'
        f'<a href="{ORIGIN}/rss/bom.rss">RSS</a>\n'
    )
    return plain_page("Báo Nghệ An điện tử", f'<div class="b-grid-list">\n{links}{scope}</div>')


def robots() -> str:
    names = ("sitemap.xml", "sitemap-entities.xml", "sitemap-bomb.xml.gz", "sitemap-gzip.xml",
             "sitemap-malformed.xml")
    lines = "".join(f"Sitemap: {ORIGIN}/{name}\n" for name in names)
    return f"User-agent: *\nDisallow: /tim-kiem\n\n{lines}Sitemap: {OTHER}/sitemap.xml\n"
