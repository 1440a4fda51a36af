"""Downloader middlewares that keep Scrapy's own redirects and robots.txt from losing pages
silently or filling the log with tracebacks.

- :class:`MetaRefreshGuardMiddleware` (583, between ``HttpCompressionMiddleware`` at 590
  and ``MetaRefreshMiddleware`` at 580): a ``<meta http-equiv="refresh">`` to another
  host is refused as ``offsite-redirect`` and one back into its own redirect chain as
  ``redirect-loop`` (:class:`crawler.middlewares.Refused`: one WARNING line and a count,
  like HTTP redirects), where Scrapy would drop the new request in its offsite filter
  without a word. A refresh whose URL cannot be parsed (``http://[::1/``) is not
  followed: the page itself goes on to the spider (Scrapy would raise ``ValueError``
  and lose it).
- :class:`RobotsTxtMiddleware`: Scrapy's, whose failure to fetch robots.txt (a dead
  site) is one INFO line instead of an ERROR with a traceback; the spider reports the
  failed robots.txt request itself, by kind.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh

from crawler.middlewares import Refused, url_host
from pipelines.urls import canonicalize

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class MetaRefreshGuardMiddleware:
    """See the module docstring."""

    def __init__(self, ignore_tags: list[str], max_delay: float) -> None:
        self.ignore_tags = ignore_tags
        self.max_delay = max_delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MetaRefreshGuardMiddleware:
        settings = crawler.settings
        if not settings.getbool("METAREFRESH_ENABLED"):
            raise NotConfigured("METAREFRESH_ENABLED is off")
        return cls(settings.getlist("METAREFRESH_IGNORE_TAGS"),
                   settings.getfloat("METAREFRESH_MAXDELAY"))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("dont_redirect") or not isinstance(response, HtmlResponse):
            return response
        try:
            interval, target = get_meta_refresh(response, ignore_tags=self.ignore_tags)
        except ValueError as error:
            logger.info("not following the meta refresh of %s: %s", request.url, error)
            request.meta["dont_redirect"] = True
            return response
        if not target or not target.startswith(("http://", "https://")):
            return response
        if interval is None or interval >= self.max_delay:
            return response
        if url_host(target) != url_host(request.url):
            raise Refused("offsite-redirect", f"meta refresh to another host: {target}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if canonicalize(target) in {canonicalize(url) for url in chain}:
            raise Refused("redirect-loop", f"meta refresh back to {target}")
        return response


class _QuietRobotsErrors(logging.Filter):
    """An ERROR with a traceback from Scrapy's robots.txt middleware becomes one INFO line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info:
            error = record.exc_info[1]
            record.msg = "robots.txt not fetched (%s); crawling without its rules"
            record.args = (str(error).splitlines()[0] if str(error) else type(error).__name__,)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    """Scrapy's robots.txt middleware with its download errors logged in one INFO line."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        robots = logging.getLogger(ROBOTS_LOGGER)
        if not any(isinstance(f, _QuietRobotsErrors) for f in robots.filters):
            robots.addFilter(_QuietRobotsErrors())
