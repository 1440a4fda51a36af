"""Pure functions on the site's URLs: what is an article, canonical forms, ids.

Nothing here does I/O. The rules follow the site's URL scheme (see the reference notes):
articles are ``/<slug>-<id>.html`` (8-digit ids today, 6 digits before 2022) or
``/<slug>-post<id>.html`` (2022-2024); topic pages ``-event<id>.html`` and the media,
search and foreign-language sections are not articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, unquote_plus, urljoin, urlunsplit
from urllib.parse import urlsplit as _urlsplit

ARTICLE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*?-(?:post)?(?P<id>\d{5,})\.html?$")
"""Last path segment of an article: slug, optional ``post``, a numeric id of 5+ digits."""

TOPIC_RE = re.compile(r"-event\d+\.html?$")
"""Topic collections (``-event<id>.html``) share the article shape but are not articles."""

NON_ARTICLE_SECTIONS = frozenset(
    {
        "video",
        "short-video",
        "photo",
        "podcast",
        "emagazine",
        "an-pham",
        "tim-kiem",
        "tin-moi-nhat",
        "thoi-tiet",
        "lich-am-duong-hom-nay",
        "rss",
        "tag",
        "tags",
        "en",
        "fr",
        "ru",
        "cn",
    }
)
"""First path segments whose pages are never text articles (media, search, editions)."""

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "gclsrc", "dclid", "msclkid", "zarsrc", "gidzl", "_ga", "_gl", "igshid",
     "mc_cid", "mc_eid", "yclid", "ocid"}
)
"""Query parameters that only track the visitor (``utm_*`` are dropped as well)."""

DEFAULT_PORTS = {"http": 80, "https": 443}


def urlsplit(url: str) -> SplitResult:
    """``urllib.parse.urlsplit`` that never raises: a URL it cannot parse (``http://[``)
    splits into empty parts, so it is no article and on no site."""
    try:
        return _urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


def _first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0].lower()


def is_article_url(url: str) -> bool:
    """True for URLs in one of the site's article shapes (any host; check the site apart)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return False
    last = parts.path.rsplit("/", 1)[-1]
    if TOPIC_RE.search(last) or not ARTICLE_RE.match(last):
        return False
    return _first_segment(parts.path) not in NON_ARTICLE_SECTIONS


def article_id(url: str) -> str | None:
    """The numeric id of an article URL (``10264872``, ``258616`` for ``-post258616``)."""
    if not is_article_url(url):
        return None
    match = ARTICLE_RE.match(urlsplit(url.strip()).path.rsplit("/", 1)[-1])
    return match.group("id") if match else None


def is_tracking_param(name: str) -> bool:
    """True for a query parameter that only tracks the visitor (``utm_*``, ``fbclid``...)."""
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def _site_key(url: str) -> tuple[str, int | None] | None:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        return None
    if port == DEFAULT_PORTS[scheme]:
        port = None
    return host, port


def canonicalize(url: str) -> str:
    """Drop tracking parameters and the fragment, lower-case scheme and host.

    The path and the order of the other query parameters are kept as they are; a URL
    that cannot be parsed is returned as it is.
    """
    try:
        parts = _urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if scheme in DEFAULT_PORTS and netloc.endswith(f":{DEFAULT_PORTS[scheme]}"):
        netloc = netloc.rsplit(":", 1)[0]
    query = "&".join(
        pair for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def same_site(url: str, base: str) -> bool:
    """True when ``url`` is an http(s) URL on ``base``'s host (``www.`` and default ports aside)."""
    key = _site_key(url)
    return key is not None and key == _site_key(base)


def _on_hosts(url: str, hosts: Iterable[str]) -> bool:
    key = _site_key(url)
    return key is not None and key[0] in hosts


def resolve(href: str, page_url: str, base: str, hosts: Iterable[str] = ()) -> str | None:
    """Absolute, canonical form of a link found on ``page_url``, moved onto ``base``'s origin.

    A link to ``base``'s host, or to one of ``hosts`` (a site's names, without ``www.``;
    the live site's absolute links on a local copy of it), is the site's. Returns None
    for links that leave the site (other hosts, ``javascript:``, ``mailto:``, ``tel:``,
    ``data:``) or cannot be parsed.
    """
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        absolute = urljoin(page_url, href)
    except ValueError:
        return None
    if not same_site(absolute, base) and not _on_hosts(absolute, hosts):
        return None
    origin = urlsplit(base)
    parts = urlsplit(absolute)
    return canonicalize(urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, "")))
