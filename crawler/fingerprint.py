"""Request fingerprints that ignore tracking parameters.

The spider requests canonical URLs only, but a redirect can lead to
``...-10285012.html?utm_source=...``: with Scrapy's default fingerprint that
target is a new request and the article is fetched twice. Fingerprinting the
canonical URL (:func:`pipelines.urls.canonicalize`) makes the duplicate filter,
local or shared on Redis, see it as the page it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.utils.request import RequestFingerprinter

from pipelines.urls import canonicalize

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class CanonicalFingerprinter:
    """Scrapy's fingerprint of the request with its URL in canonical form."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self._scrapy = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        canonical = canonicalize(request.url)
        if canonical != request.url:
            request = request.replace(url=canonical)
        return self._scrapy.fingerprint(request)
