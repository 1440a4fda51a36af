"""Profiles of the VCCorp papers (tuoitre, baochinhphu, cafef, nld, thanhnien, cafebiz) and of
laodong and baodautu: the real saved pages against their gold, listing pages rejected, URL
rules. The saved fixture pages of these sites are checked by ``tests/test_extract_pages.py``."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from pipelines.extract import NotAnArticle, extract_page
from pipelines.profiles import for_url, profile
from pipelines.profiles.vccorp import LISTING
from pipelines.sites import find_layout
from tests.realpages import (
    BENCHMARK,
    REAL_PAGES,
    RealPage,
    differences,
    leaks,
    needs_benchmark,
    needs_real_pages,
    real_pages,
)

SITES = ("tuoitre", "baochinhphu", "cafef", "nld", "thanhnien", "cafebiz", "laodong", "baodautu")
REAL_SITES = ("tuoitre", "baochinhphu", "cafef")
PAGES = real_pages() if (REAL_PAGES / "gold.json").exists() else ()
ARTICLES = [page for page in PAGES if page.site in REAL_SITES and page.is_article]
LISTINGS = [page for page in PAGES if page.site in REAL_SITES and not page.is_article]

@needs_real_pages
@pytest.mark.parametrize("page", ARTICLES, ids=lambda page: page.id)
def test_real_article_equals_gold(page: RealPage) -> None:
    record = extract_page(page.body, page.url)
    assert record["extractor"] in ("vccorp", page.site)
    assert differences(record, page.gold) == {}
    assert leaks(record, page.gold) == []


@needs_real_pages
@pytest.mark.parametrize("page", LISTINGS, ids=lambda page: page.id)
def test_real_listing_page_is_rejected(page: RealPage) -> None:
    with pytest.raises(NotAnArticle) as rejected:
        extract_page(page.body, page.url)
    assert rejected.value.reason == "listing"


@needs_real_pages
@pytest.mark.parametrize("page", ARTICLES, ids=lambda page: page.id)
def test_listing_layout_never_takes_an_article(page: RealPage) -> None:
    from pipelines.pagekind import parse_html

    tree = parse_html(page.body)
    assert not LISTING.matches(tree, page.url)
    layout = find_layout(tree, page.url)
    assert layout is not None and layout is not LISTING


@pytest.mark.parametrize("name", SITES)
def test_profile_loads_and_owns_its_host(name: str) -> None:
    site = profile(name)
    assert site.name == name
    assert for_url(f"https://{site.hosts[0]}/") is site
    assert for_url(f"https://www.{site.hosts[0]}/x.htm") is site
    assert site.checked


@pytest.mark.parametrize(("name", "platform"), [
    ("tuoitre", "vccorp"), ("baochinhphu", "vccorp"), ("cafef", "vccorp"), ("nld", "vccorp"),
    ("thanhnien", "vccorp"), ("cafebiz", "vccorp"), ("laodong", "laodong"),
    ("baodautu", "baodautu"),
])
def test_platform(name: str, platform: str) -> None:
    assert profile(name).platform == platform


ARTICLE_URLS = [
    ("tuoitre", "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-"
                "20260307075519174.htm", "20260307075519174"),
    ("tuoitre", "https://tuoitre.vn/ong-trump-noi-gi-2026030707011493.htm", "2026030707011493"),
    ("tuoitre", "https://tuoitre.vn/the-gioi/xung-dot-trung-dong-20181012083245123.htm",
     "20181012083245123"),
    ("baochinhphu", "https://baochinhphu.vn/chinh-sach-moi-co-hieu-luc-tu-thang-3-2026-"
                    "102260228093004191.htm", "102260228093004191"),
    ("cafef", "https://cafef.vn/thoi-diem-nang-hang-can-ke-18826030622484142.chn",
     "18826030622484142"),
    ("cafebiz", "https://cafebiz.vn/chuoi-ca-phe-viet-176251205083045678.chn",
     "176251205083045678"),
    ("nld", "https://nld.com.vn/nhung-sai-sot-ho-kinh-doanh-196260307071308923.htm",
     "196260307071308923"),
    ("thanhnien", "https://thanhnien.vn/ha-noi-thi-diem-185251203101530456.htm",
     "185251203101530456"),
    ("laodong", "https://laodong.vn/cong-doan/cong-doan-ho-tro-ve-tau-tet-1602345.ldo",
     "1602345"),
    ("baodautu", "https://baodautu.vn/xu-phat-giam-doc-tai-chinh-d538952.html", "538952"),
]

NOT_ARTICLE_URLS = [
    ("tuoitre", "https://tuoitre.vn/"),
    ("tuoitre", "https://tuoitre.vn/kinh-doanh.htm"),
    ("tuoitre", "https://tuoitre.vn/xe/tin-tuc.htm"),
    ("tuoitre", "https://tuoitre.vn/chien-su-trung-dong.html"),  # tag
    ("tuoitre", "https://tuoitre.vn/tac-gia/nhat-xuan-20148.htm"),  # author
    ("tuoitre", "https://tuoitre.vn/video/clip-hoa-tang-gia-20260307075519999.htm"),
    ("tuoitre", "https://tuoitre.vn/video/moi-nhat.htm"),
    ("tuoitre", "https://tuoitre.vn/timeline/3/trang-2.htm"),
    ("tuoitre", "https://tuoitre.vn/nhom-chu-de.htm"),
    ("tuoitre", "https://tuoitre.vn/rss/tin-moi-nhat.rss"),
    ("baochinhphu", "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm"),
    ("baochinhphu", "https://baochinhphu.vn/video/hop-chinh-phu-102260228093004999.htm"),
    ("cafef", "https://cafef.vn/thi-truong-chung-khoan.chn"),
    ("cafef", "https://cafef.vn/viet-nam.html"),
    ("cafef", "https://cafef.vn/du-lieu/danh-muc-dau-tu.chn"),
    ("cafef", "https://cafef.vn/timelinelist/18831/2.chn"),
    ("cafebiz", "https://cafebiz.vn/vi-mo.chn"),
    ("nld", "https://nld.com.vn/kinh-te.htm"),
    ("nld", "https://nld.com.vn/timelinelist/1961014/2.htm"),
    ("thanhnien", "https://thanhnien.vn/tac-gia/tran-cuong-1234.htm"),
    ("thanhnien", "https://thanhnien.vn/video/the-thao-185251203101530999.htm"),
    ("laodong", "https://laodong.vn/cong-doan/"),
    ("laodong", "https://laodong.vn/tags/ve-tau-tet-12345.ldo"),
    ("laodong", "https://laodong.vn/su-kien/tet-sum-vay-2026-1234567.ldo"),
    ("laodong", "https://laodong.vn/video/cong-nhan-ve-que-1602399.ldo"),
    ("baodautu", "https://baodautu.vn/dau-tu-tai-chinh-d6/"),
    ("baodautu", "https://baodautu.vn/dau-tu-tai-chinh-d6/p2"),
    ("baodautu", "https://baodautu.vn/tag/fdi/"),
]


@pytest.mark.parametrize(("name", "url", "article"), ARTICLE_URLS)
def test_article_urls(name: str, url: str, article: str) -> None:
    assert profile(name).urls.article_id(url) == article


@pytest.mark.parametrize(("name", "url"), NOT_ARTICLE_URLS)
def test_not_article_urls(name: str, url: str) -> None:
    assert profile(name).urls.article_id(url) is None


@pytest.mark.parametrize(("name", "path", "section"), [
    ("tuoitre", "/kinh-doanh.htm", True),
    ("tuoitre", "/xe/tin-tuc.htm", True),
    ("tuoitre", "/chien-su-trung-dong.html", False),
    ("baochinhphu", "/chinh-sach-va-cuoc-song/chinh-sach-moi.htm", True),
    ("cafef", "/thi-truong-chung-khoan.chn", True),
    ("laodong", "/cong-doan/", True),
    ("baodautu", "/dau-tu-tai-chinh-d6/", True),
    ("baodautu", "/tag/fdi/", False),
])
def test_section_paths(name: str, path: str, section: bool) -> None:
    assert bool(profile(name).discovery.section_path.match(path)) is section


def test_listing_layout_leaves_article_urls_to_other_layers() -> None:
    """A story in a template without ``afcbc-body`` (longform, photo) is not a listing."""
    from pipelines.pagekind import parse_html

    boxes = "".join(f'<div class="box-category-item"><h3><a class="box-category-link-title" '
                    f'href="/tin-{k}-2025120510{k:02d}00123.htm">Tin {k}</a></h3></div>'
                    for k in range(8))
    tree = parse_html(f"<html><body><h1>Longform</h1>{boxes}</body></html>".encode())
    assert LISTING.matches(tree, "https://tuoitre.vn/kinh-doanh.htm")
    assert not LISTING.matches(tree, "https://tuoitre.vn/longform-20251205100000123.htm")


def teaser_page(headings: int) -> bytes:
    """A page of another site: an article with a box of linked headings below it."""
    prose = "".join(
        f"<p>Paragraph {k} of the story, long enough to be prose, with a clause, and another.</p>"
        for k in range(6)
    )
    related = "".join(f'<article><h3><a href="/news/story-{k}">Story {k}</a></h3></article>'
                      for k in range(headings))
    return (f"<html><head><title>A story</title></head><body><h1>A story</h1>"
            f'<div class="story-text">{prose}</div><aside>{related}</aside></body></html>').encode()


def test_a_papers_listing_layout_never_rejects_another_sites_pages() -> None:
    """laodong's story links ("article h3 a") are common markup: its listing layout reads
    laodong's pages only; another site's article with such links is read as an article."""
    page = teaser_page(12)
    record = extract_page(page, "https://news.example.com/2019/11/a-story/")
    assert record["headline"] == "A story" and record["body"].startswith("Paragraph 0")
    with pytest.raises(NotAnArticle) as error:  # the same markup on laodong: its listing
        extract_page(page, "https://laodong.vn/cong-doan/")
    assert error.value.reason == "listing"
    with pytest.raises(NotAnArticle):  # a local copy of laodong, crawled for its profile
        extract_page(page, "http://127.0.0.1:8080/cong-doan/", profile="laodong")


@needs_benchmark
def test_no_benchmark_article_is_taken_for_a_papers_listing() -> None:
    """The 181 articles of the article-extraction-benchmark (English and other sites) are
    all read as articles, by the generic layers: no paper's layout claims them."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    extractors: Counter[str] = Counter()
    for key, page in truth.items():
        html = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
        extractors[extract_page(html, page["url"])["extractor"]] += 1
    assert set(extractors) <= {"generic", "metadata"} and sum(extractors.values()) == 181
