"""Downloader middlewares of the archiver, and how a failed fetch is reported.

Every page or feed the crawl cannot use is reported the same way (:func:`report`): one
WARNING line ``fetch failed (<kind>): <url>: <detail>`` and the stat
``archive/errors/<kind>``, which the storage pipeline copies into the run record. The
spider's errback hands each failed request to :func:`report_failure`, which names the kind:

=====================  ===================================================================
http-<status>          a status the spider does not handle (403, 404, 410; 429/503 after
                       the retries)
timeout                no complete answer within DOWNLOAD_TIMEOUT (after the retries)
connection, dns        connection refused, reset or lost; host name not found
data-loss              the answer was cut short
too-large              more than DOWNLOAD_MAXSIZE bytes, also after decompression
redirect-loop          a redirect back to a URL of its own chain
too-many-redirects     more than REDIRECT_MAX_TIMES redirects
offsite-redirect       a redirect to another host (never followed), ``<meta>`` refreshes
                       included (crawler/guards.py)
bad-redirect           a redirect to a URL that cannot be parsed
xml-entities           an XML document that declares entities (never parsed)
ignored, other         any other refusal or failure
=====================  ===================================================================

The spider reports ``bad-sitemap`` (not a sitemap, broken gzip), ``too-large`` and
``xml-entities`` for sitemap files and ``feed-bad-date`` for feed items whose date cannot
be read the same way; the validation pipeline counts ``unparseable-date``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import sleep
from twisted.internet import error as tx_error
from twisted.web.client import ResponseFailed, ResponseNeverReceived
from w3lib.url import safe_url_string

from pipelines.urls import canonicalize

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

ERROR_STAT = "archive/errors/{kind}"
RETRY_AFTER_CODES = frozenset({429, 503})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
TIMEOUTS = (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError)
CONNECTION_ERRORS = (
    DownloadFailedError, DownloadConnectionRefusedError, tx_error.ConnectError,
    tx_error.ConnectionLost, tx_error.ConnectionDone, ResponseFailed, ResponseNeverReceived,
)  # fmt: skip
DNS_ERRORS = (CannotResolveHostError, tx_error.DNSLookupError)
SIZE_MESSAGES = ("max size", "DOWNLOAD_MAXSIZE")
"""How Scrapy words a refusal by size (download handler; decompression)."""
_PROLOG_END = re.compile(rb"<[A-Za-z_]")
"""The root element's start tag: where an XML document's DTD has ended."""


class Refused(IgnoreRequest):
    """A response the archiver will not use; :attr:`kind` names why (see the module doc)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def report(stats: StatsCollector, url: str, kind: str, detail: str, count: int = 1) -> None:
    """Log one WARNING line for a page or feed the crawl cannot use and count it by kind."""
    stats.inc_value(ERROR_STAT.format(kind=kind), count)
    logger.warning("fetch failed (%s): %s: %s", kind, url, detail)


def failure_kind(exc: BaseException) -> str | None:
    """The kind of a failed fetch; None when nothing failed (robots.txt said no)."""
    if isinstance(exc, Refused):
        return exc.kind
    if isinstance(exc, HttpError):
        return f"http-{exc.response.status}"
    for kinds, name in ((TIMEOUTS, "timeout"), (DNS_ERRORS, "dns"),
                        (CONNECTION_ERRORS, "connection"), ((ResponseDataLossError,), "data-loss")):
        if isinstance(exc, kinds):
            return name
    message = str(exc)
    if isinstance(exc, DownloadCancelledError | IgnoreRequest) and any(
        text in message for text in SIZE_MESSAGES
    ):
        return "too-large"
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in message:
            return None
        return "too-many-redirects" if "max redirections" in message else "ignored"
    return "other"


def report_failure(stats: StatsCollector, failure: Failure) -> None:
    """Errback body: report a request that failed for good (after retries) by its kind.

    The URL reported is the one first requested (before any redirect).
    """
    request: Request | None = getattr(failure, "request", None)
    urls = list(request.meta.get("redirect_urls") or []) if request is not None else []
    url = urls[0] if urls else (request.url if request is not None else "?")
    kind = failure_kind(failure.value)
    if kind is None:
        logger.info("skipped %s: %s", url, failure.value)
        return
    report(stats, url, kind, _detail(failure.value)[:300])


def _detail(exc: BaseException) -> str:
    if isinstance(exc, Refused):
        return exc.detail
    if isinstance(exc, HttpError):
        return f"answered HTTP {exc.response.status}"
    for error in (exc, exc.__cause__):
        reasons = getattr(error, "reasons", None)  # Twisted's ResponseFailed and kin
        if reasons:
            return "; ".join(reason.getErrorMessage() for reason in reasons)
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def declares_entities(body: bytes) -> bool:
    """True when an XML document's prolog declares entities (billion laughs, XXE)."""
    end = _PROLOG_END.search(body)
    prolog = body[: end.start()] if end else body
    return b"<!ENTITY" in prolog


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on 429/503 responses before Scrapy's RetryMiddleware retries them.

    Placed just above ``RetryMiddleware`` (order 550) so it sees the response first: it
    waits for the server's delay, capped by ``ARCHIVE_MAX_RETRY_AFTER`` seconds, then
    passes the response on unchanged and RetryMiddleware schedules the retry. Nothing
    waits when the request will not be retried (``dont_retry``, retries used up).
    """

    def __init__(
        self, *, max_delay: float, codes: frozenset[int], max_retry_times: int,
        stats: StatsCollector,
    ) -> None:
        self.max_delay = max_delay
        self.codes = codes
        self.max_retry_times = max_retry_times
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        assert crawler.stats is not None
        return cls(
            max_delay=settings.getfloat("ARCHIVE_MAX_RETRY_AFTER", 120.0),
            codes=RETRY_AFTER_CODES & retry_codes,
            max_retry_times=settings.getint("RETRY_TIMES"),
            stats=crawler.stats,
        )

    def _will_retry(self, request: Request, response: Response) -> bool:
        if response.status not in self.codes or request.meta.get("dont_retry", False):
            return False
        max_times = request.meta.get("max_retry_times", self.max_retry_times)
        return int(request.meta.get("retry_times", 0)) < int(max_times)

    async def process_response(self, request: Request, response: Response) -> Response:
        if not self._will_retry(request, response):
            return response
        delay = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
        if delay is None:
            return response
        wait = min(delay, self.max_delay)
        logger.info(
            "%s answered %d with Retry-After %.0fs; waiting %.1fs before retrying",
            request.url, response.status, delay, wait,
        )
        self.stats.inc_value("retry_after/count")
        self.stats.inc_value("retry_after/seconds", round(wait))
        await sleep(wait)
        return response


class RedirectGuardMiddleware:
    """Refuse redirects that leave the host or loop, before ``RedirectMiddleware`` (600).

    Scrapy would drop such redirects silently (the offsite filter and the duplicate
    filter work when the new request is scheduled); refusing them here raises
    :class:`Refused` (``offsite-redirect`` or ``redirect-loop``) to the request's errback.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        if not crawler.settings.getbool("REDIRECT_ENABLED"):
            raise NotConfigured("REDIRECT_ENABLED is off")
        return cls()

    def process_response(self, request: Request, response: Response) -> Response:
        target = _redirect_target(request, response)
        if target is None:
            return response
        if url_host(target) != url_host(request.url):
            raise Refused("offsite-redirect", f"redirects to another host: {target}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if canonicalize(target) in {canonicalize(url) for url in chain}:
            raise Refused("redirect-loop", f"redirects back to {target}")
        return response


def _redirect_target(request: Request, response: Response) -> str | None:
    """Where ``RedirectMiddleware`` would go from this response, if anywhere."""
    location = response.headers.get("Location")
    if response.status not in REDIRECT_CODES or not location:
        return None
    handled = request.meta.get("handle_httpstatus_list", ())
    if request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all"):
        return None
    if response.status in handled:
        return None
    target = safe_url_string(location.decode("latin-1"))
    if target.startswith("//"):
        target = f"{urlsplit(request.url).scheme}:{target}"
    try:
        return urljoin(request.url, target)
    except ValueError as error:  # Scrapy's RedirectMiddleware would fail on it the same way
        raise Refused("bad-redirect", f"unusable redirect to {target!r}: {error}") from None


def url_host(url: str) -> str:
    """The host of *url*, lower case, without ``www.``; "" when it cannot be parsed."""
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


class XmlGuardMiddleware:
    """Refuse XML documents (sitemaps, feeds) that declare entities, before any parser.

    Sits below ``HttpCompressionMiddleware`` (590) so it sees decompressed bodies.
    No parser of the archiver expands entities; refusing such documents outright also
    keeps entity bombs and external entities away from any later code.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if b"<!ENTITY" in response.body[:1_000_000] and declares_entities(response.body):
            raise Refused("xml-entities", "the document declares XML entities; not parsed")
        return response
