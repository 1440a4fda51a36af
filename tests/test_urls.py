"""pipelines/urls.py (canonical forms, same-site checks) and baonghean's article URL rules
(its profile: article shapes and ids)."""

from __future__ import annotations

import pytest

from pipelines.profiles import profile
from pipelines.urls import canonicalize, resolve, same_site

is_article_url = profile("baonghean").urls.is_article
article_id = profile("baonghean").urls.article_id

BASE = "https://baonghean.vn"


@pytest.mark.parametrize("url", [
    "https://baonghean.vn/ban-tuyen-giao-tinh-uy-ky-quy-che-phoi-hop-10264872.html",
    "https://baonghean.vn/ban-tuyen-giao-tinh-uy-va-truong-chinh-tri-115327.html",
    "https://baonghean.vn/nghe-an-don-tet-post258616.html",
    "http://www.baonghean.vn/thoi-su/hoi-nghi-tinh-uy-10264872.html",
    "HTTPS://BAONGHEAN.VN/Nghe-An-10264872.html",
    "https://baonghean.vn/nghe-an-10264872.html?utm_source=facebook#comments",
])
def test_article_urls(url: str) -> None:
    assert is_article_url(url)


@pytest.mark.parametrize("url", [
    "https://baonghean.vn/dai-hoi-dang-bo-cac-cap-event10012345.html",
    "https://baonghean.vn/video/toan-canh-le-hoi-10400001.html",
    "https://baonghean.vn/short-video/clip-10400002.html",
    "https://baonghean.vn/photo/anh-dep-10400003.html",
    "https://baonghean.vn/podcast/ban-tin-10400004.html",
    "https://baonghean.vn/emagazine/chuyen-dai-10400005.html",
    "https://baonghean.vn/an-pham/bao-in-10400006.html",
    "https://baonghean.vn/tim-kiem/nghe-an-10400007.html",
    "https://baonghean.vn/tin-moi-nhat",
    "https://baonghean.vn/thoi-tiet/nghe-an-10400008.html",
    "https://baonghean.vn/en/nghe-an-province-10400009.html",
    "https://baonghean.vn/fr/province-de-nghe-an-10400010.html",
    "https://baonghean.vn/ru/nghe-an-10400011.html",
    "https://baonghean.vn/cn/nghe-an-10400012.html",
    "https://baonghean.vn/thoi-su",
    "https://baonghean.vn/",
    "https://baonghean.vn/tong-ket-nam-2024.html",
    "https://baonghean.vn/rss/home.rss",
    "mailto:toasoan@baonghean.vn",
    "javascript:void(0)",
    "ftp://baonghean.vn/nghe-an-10264872.html",
    "/nghe-an-10264872.html",
])
def test_not_article_urls(url: str) -> None:
    assert not is_article_url(url)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://baonghean.vn/ky-quy-che-phoi-hop-10264872.html", "10264872"),
    ("https://baonghean.vn/ky-quy-che-115327.html", "115327"),
    ("https://baonghean.vn/nghe-an-don-tet-post258616.html", "258616"),
    ("https://baonghean.vn/nghe-an-2025-tang-truong-10264872.html?utm_source=x", "10264872"),
    ("https://baonghean.vn/dai-hoi-event10012345.html", None),
    ("https://baonghean.vn/thoi-su", None),
])
def test_article_id(url: str, expected: str | None) -> None:
    assert article_id(url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://BaoNgheAn.VN/Nghe-An-10264872.html?utm_source=fb&utm_medium=social#top",
     "https://baonghean.vn/Nghe-An-10264872.html"),
    ("https://baonghean.vn/a-10264872.html?fbclid=IwAR0&gclid=1&zarsrc=30&_ga=2.1&page=2",
     "https://baonghean.vn/a-10264872.html?page=2"),
    ("https://baonghean.vn/thoi-su?page=2&UTM_Campaign=x&q=a%20b",
     "https://baonghean.vn/thoi-su?page=2&q=a%20b"),
    ("https://baonghean.vn:443/a-10264872.html", "https://baonghean.vn/a-10264872.html"),
    ("http://127.0.0.1:8080/a-10264872.html", "http://127.0.0.1:8080/a-10264872.html"),
    ("https://baonghean.vn", "https://baonghean.vn/"),
    ("  https://baonghean.vn/a-10264872.html  ", "https://baonghean.vn/a-10264872.html"),
])
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_canonicalize_is_idempotent() -> None:
    once = canonicalize("https://BAONGHEAN.vn/x-10264872.html?b=2&utm_term=k&a=1#f")
    assert canonicalize(once) == once == "https://baonghean.vn/x-10264872.html?b=2&a=1"


@pytest.mark.parametrize(("url", "base", "expected"), [
    ("https://baonghean.vn/a", BASE, True),
    ("http://www.baonghean.vn/a", BASE, True),
    ("https://BAONGHEAN.VN:443/a", BASE, True),
    ("https://bna.1cdn.vn/2025/01/01/a.jpg", BASE, False),
    ("https://baonghean.vn.evil.example/a", BASE, False),
    ("https://sub.baonghean.vn/a", BASE, False),
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080", True),
    ("http://127.0.0.1:9090/a", "http://127.0.0.1:8080", False),
    ("mailto:toasoan@baonghean.vn", BASE, False),
    ("javascript:void(0)", BASE, False),
    ("data:text/html,hi", BASE, False),
])
def test_same_site(url: str, base: str, expected: bool) -> None:
    assert same_site(url, base) is expected


@pytest.mark.parametrize(("href", "expected"), [
    ("/thoi-su?page=2", "http://127.0.0.1:8080/thoi-su?page=2"),
    ("a-10264872.html?utm_source=x", "http://127.0.0.1:8080/thoi-su/a-10264872.html"),
    ("https://baonghean.vn/a-10264872.html", None),
    ("http://127.0.0.1:8080/a-10264872.html#c", "http://127.0.0.1:8080/a-10264872.html"),
    ("mailto:x@y.vn", None),
    ("javascript:void(0)", None),
    ("#top", None),
    ("", None),
    ("http://[bad", None),
])
def test_resolve(href: str, expected: str | None) -> None:
    page = "http://127.0.0.1:8080/thoi-su/index"
    assert resolve(href, page, "http://127.0.0.1:8080") == expected


def test_resolve_moves_www_links_onto_the_base_origin() -> None:
    found = resolve("http://www.baonghean.vn/a-10264872.html", BASE + "/", BASE)
    assert found == "https://baonghean.vn/a-10264872.html"
