"""``<meta http-equiv="refresh">`` redirects: off the host refused and counted, a loop
refused, an unparseable target not followed (the page kept), a reload left alone."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.guards import MetaRefreshGuardMiddleware
from crawler.middlewares import Refused

PAGE = "https://baonghean.vn/tin-10285431.html"


def respond(content: str, request: Request | None = None) -> tuple[Request, HtmlResponse]:
    request = request or Request(PAGE)
    body = f'<html><head><meta http-equiv="refresh" content="{content}"></head></html>'
    return request, HtmlResponse(request.url, body=body.encode(), request=request)


@pytest.fixture
def guard() -> MetaRefreshGuardMiddleware:
    return MetaRefreshGuardMiddleware.from_crawler(get_crawler())


@pytest.mark.parametrize(("content", "kind"), [
    ("0; url=https://elsewhere.example/tin-1.html", "offsite-redirect"),
    ("0;URL='//elsewhere.example/x'", "offsite-redirect"),
    (f"1; url={PAGE}", "redirect-loop"),
])
def test_refused(guard: MetaRefreshGuardMiddleware, content: str, kind: str) -> None:
    with pytest.raises(Refused) as refused:
        guard.process_response(*respond(content))
    assert refused.value.kind == kind


@pytest.mark.parametrize("content", [
    "600",  # a reload: no URL
    "0; url=/tin-khac-10285432.html",  # the same host
    "600; url=https://elsewhere.example/x",  # too slow for Scrapy to follow
    "0; url=javascript:alert(1)",
])
def test_left_to_scrapy(guard: MetaRefreshGuardMiddleware, content: str) -> None:
    request, response = respond(content)
    assert guard.process_response(request, response) is response
    assert not request.meta.get("dont_redirect")


def test_unparseable_target_is_not_followed(guard: MetaRefreshGuardMiddleware) -> None:
    request, response = respond("0; url=http://[::1/tin.html")
    assert guard.process_response(request, response) is response
    assert request.meta["dont_redirect"] is True  # Scrapy's own middleware would raise
