"""Every URL rule the project has, in one module: pure functions, never raising.

Parsing that never raises (:func:`urlsplit`), the one cleaner of URLs
(:func:`canonicalize`: tracking parameters and fragment dropped, scheme and host
lower-cased, default port dropped), joining (:func:`join_url`), the site of a URL
(:func:`site_of`, :func:`same_site`) and how a crawl resolves a link found on a page onto
the origin it crawls (:func:`resolve`). Which URLs are a site's articles, and their ids,
is each site profile's own rule (:class:`pipelines.profiles.base.UrlRules`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import SplitResult, unquote_plus, urljoin, urlunsplit
from urllib.parse import urlsplit as _urlsplit

PLAIN_ABSOLUTE_URL = re.compile(r"https?://([^/?#;\s\[\]\\]+)(?:/[^?#;\s\\]*)?")
"""An absolute URL that ``urljoin`` gives back as it is (no query, fragment, params,
white space or bracket; the host is checked to be ASCII)."""

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

def clean_url(url: str) -> str:
    """The URL a record names: :func:`canonicalize` (one cleaner for the crawl and the
    record)."""
    return canonicalize(url)


def join_url(base: str, url: str) -> str:
    """``urljoin(base, url)``, without its cost for the usual case: a plain absolute
    http(s) URL, which ``urljoin`` returns unchanged. A URL that cannot be parsed
    (``http://[::1/``) comes back as it is (it names no host)."""
    plain = PLAIN_ABSOLUTE_URL.fullmatch(url)
    if plain is not None and plain.group(1).isascii():
        return url
    if PLAIN_ROOT_PATH.fullmatch(url) and "/." not in url and (origin := _origin(base)):
        return origin + url  # what urljoin makes of it
    try:
        return urljoin(base, url)
    except ValueError:
        return url


PLAIN_ROOT_PATH = re.compile(r"(?:/[\w%~!$&'()*+,=:@.-]+)+/?")
"""A root-relative link ("/thoi-su/tin-10285431.html") with nothing ``urljoin`` would
rewrite: no empty or dot segments, query, fragment, parameters or whitespace."""


@lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    """``scheme://host`` of an http(s) base URL, as ``urljoin`` writes it."""
    try:
        parts = _urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def site_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
