"""The national and OneCMS-sister site profiles: real saved pages against their gold, listing
pages rejected, and each site's URL rules.

The real pages are read from ``../shared/reference/real-pages/`` at test time (never
copied into the repository); saved fixture pages of the sites without a real page are in
``tests/fixtures/pages/<site>/`` (checked by ``tests/test_extract_pages.py``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from pipelines.extract import NotAnArticle, extract_page
from pipelines.pagekind import parse_html
from pipelines.profiles import for_url, profile
from tests.realpages import (
    REAL_PAGES,
    RealPage,
    differences,
    leaks,
    needs_real_pages,
    real_pages,
)

SITES = ("vnexpress", "dantri", "znews", "vtcnews", "nguoiquansat")
"""Sites of these profiles with real saved pages."""

def _page(name: str) -> RealPage:
    return next(page for page in real_pages() if page.id == name)


def _mine(articles: bool) -> list[str]:
    if not (REAL_PAGES / "gold.json").is_file():
        return []
    return [
        page.id
        for page in real_pages()
        if page.site in SITES and page.is_article == articles
    ]


def _article_params() -> list[str]:
    return _mine(articles=True)


@needs_real_pages
@pytest.mark.parametrize("name", _article_params())
def test_real_article_equals_its_gold(name: str) -> None:
    page = _page(name)
    record = extract_page(page.body, page.url)
    assert record["extractor"] == for_url(page.url).layouts[0].name  # type: ignore[union-attr]
    assert differences(record, page.gold) == {}
    assert leaks(record, page.gold) == []


@needs_real_pages
@pytest.mark.parametrize("name", _mine(articles=False))
def test_real_listing_page_is_rejected(name: str) -> None:
    page = _page(name)
    with pytest.raises(NotAnArticle) as error:
        extract_page(page.body, page.url)
    assert error.value.reason == "listing"


@needs_real_pages
def test_every_site_has_a_real_article() -> None:
    assert {name.rsplit("-", 1)[0] for name in _mine(articles=True)} == set(SITES)


URLS = {
    "vnexpress": {
        "https://vnexpress.net/dau-bung-keo-dai-ung-thu-ruot-non-4954454.html": "4954454",
        "http://www.vnexpress.net/gia-vang-tang-4954455.html": "4954455",
        "https://vnexpress.net/kinh-doanh": None,
        "https://vnexpress.net/kinh-doanh-p2": None,
        "https://vnexpress.net/kinh-doanh/chung-khoan": None,
        "https://vnexpress.net/topic/ha-noi-26482": None,
        "https://vnexpress.net/tag/ung-thu-12345.html": None,
        "https://vnexpress.net/chu-de/bao-so-3-1234567.html": None,
        "https://video.vnexpress.net/tin-tuc/thoi-su/ket-xe-4954456.html": None,  # video site
    },
    "dantri": {
        "https://dantri.com.vn/kinh-doanh/gia-vang-giam-20260307080054340.htm": "20260307080054340",
        "https://dantri.com.vn/the-gioi/chau-au/bau-cu-20260307080054341.htm": "20260307080054341",
        "https://dantri.com.vn/kinh-doanh.htm": None,
        "https://dantri.com.vn/kinh-doanh/tai-chinh.htm": None,
        "https://dantri.com.vn/kinh-doanh/trang-2.htm": None,
        "https://dantri.com.vn/video/ket-xe-20260307080054342.htm": None,
        "https://dantri.com.vn/tim-kiem/vang+nhan.htm": None,
        "https://dantri.com.vn/chu-de/ty-gia-ngoai-te-4276.htm": None,
        "https://dantri.com.vn/tac-gia/tri-tuc-3617.htm": None,
        "https://dantri.com.vn/tivi-samsung-50au7700/51283/so-sanh.htm": None,
    },
    "znews": {
        "https://znews.vn/gia-vang-the-gioi-cao-nhat-moi-thoi-dai-post1613516.html": "1613516",
        "https://zingnews.vn/gia-vang-the-gioi-cao-nhat-moi-thoi-dai-post1613516.html": "1613516",
        "https://znews.vn/video-loat-dai-gia-quy-tu-post1612693.html": None,
        "https://znews.vn/kinh-doanh-tai-chinh.html": None,
        "https://znews.vn/tieu-diem/tong-thong-my-donald-trump.html": None,
        "https://znews.vn/series/dhdcd-2025.html": None,
        "https://znews.vn/tac-gia/anh-nguyen-post12345.html": None,
    },
    "vtcnews": {
        "https://vtcnews.vn/mo-rong-duong-hon-2-000-ty-dong-ar994669.html": "994669",
        "https://vtcnews.vn/dau-tu-199.html": None,
        "https://vtcnews.vn/tin-moi-hom-nay.html": None,
        "https://vtcnews.vn/tin-moi-hom-nay/trang-2.html": None,
        "https://vtcnews.vn/video/ket-xe-ar994670.html": None,
        "https://vtcnews.vn/tag/tp-hcm-ar994671.html": None,
    },
    "vietnamnet": {
        "https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html": "2495349",
        "https://vietnamnet.vn/ung-dung-goi-xe-mo-them-diem-don-i404798.html": "404798",
        "https://vietnamnet.vn/co-phieu-flc-tag10255416778094936500.html": None,
        "https://vietnamnet.vn/kinh-doanh": None,
        "https://vietnamnet.vn/kinh-doanh/tai-chinh": None,
        "https://vietnamnet.vn/en/ho-chi-minh-city-electric-bus-2492123.html": None,
        "https://vietnamnet.vn/video/ket-xe-2495350.html": None,
    },
    "nhandan": {
        "https://nhandan.vn/hoi-nghi-trung-uong-post812345.html": "812345",
        "https://nhandan.vn/chinhtri": None,
        "https://nhandan.vn/chu-de/dai-hoi-xiv-post812346.html": None,
        "https://nhandan.vn/video/hoi-nghi-post812347.html": None,
    },
    "vietnamplus": {
        "https://www.vietnamplus.vn/kinh-te-tang-truong-post1012345.vnp": "1012345",
        "https://www.vietnamplus.vn/kinh-te-tang-truong-post1012345.html": None,
        "https://www.vietnamplus.vn/kinhte": None,
        "https://www.vietnamplus.vn/tag/kinh-te-post1012346.vnp": None,
        "https://www.vietnamplus.vn/infographic/gia-vang-post1012347.vnp": None,
    },
    "baolaocai": {
        "https://baolaocai.vn/lao-cai-don-khach-du-lich-post412345.html": "412345",
        "https://baolaocai.vn/kinh-te": None,
        "https://baolaocai.vn/video/sa-pa-post412346.html": None,
    },
    "baocantho": {
        "https://baocantho.com.vn/truong-dai-hoc-tay-do-cong-bo-diem-a212116.html": "212116",
        "https://baocantho.com.vn/khmer/detail-a182477.html": None,
        "https://baocantho.com.vn/kinh-te": None,
    },
    "nguoiquansat": {
        "https://nguoiquansat.vn/doanh-nghiep-cap-nuoc-cho-hon-32-trieu-dan-314409.html": "314409",
        "https://nguoiquansat.vn/chung-khoan/doanh-nghiep-az": None,
        "https://nguoiquansat.vn/nha-may-dien-rac-ptag.html": None,
        "https://nguoiquansat.vn/video/nha-may-dien-rac-314410.html": None,
    },
    "diendandoanhnghiep": {
        "https://diendandoanhnghiep.vn/doanh-nghiep-tu-nhan-10123456.html": "10123456",
        "https://diendandoanhnghiep.vn/kinh-te": None,
        "https://diendandoanhnghiep.vn/dai-hoi-event10012.html": None,
    },
    "baohaiphong": {
        "https://baohaiphong.vn/hai-phong-khoi-cong-cau-moi-412345.html": "412345",
        "https://baohaiphong.vn/thoi-su": None,
        "https://baohaiphong.vn/emagazine/cau-moi-412346.html": None,
    },
    "baodanang": {
        "https://baodanang.vn/da-nang-don-khach-quoc-te-3301234.html": "3301234",
        "https://baodanang.vn/kinh-te": None,
        "https://baodanang.vn/podcast/ban-tin-3301235.html": None,
    },
}
"""Per site: URL -> its article id, or None for pages that are not text articles."""


@pytest.mark.parametrize(
    ("site", "url", "article"),
    [(site, url, article) for site, urls in URLS.items() for url, article in urls.items()],
)
def test_url_rules(site: str, url: str, article: str | None) -> None:
    assert profile(site).urls.article_id(url) == article


@pytest.mark.parametrize("site", sorted(URLS))
def test_site_owns_its_hosts(site: str) -> None:
    found = profile(site)
    assert found.title and found.checked and found.layouts
    for host in found.hosts:
        assert for_url(f"https://www.{host}/") is found


@needs_real_pages
@pytest.mark.parametrize("name", _mine(articles=False))
def test_listing_rule_holds_on_the_papers_hosts_only(name: str) -> None:
    """A paper's listing markup rejects its own pages; on another host the layout stays out
    of the way (every layout is tried on every page)."""
    page = _page(name)
    layout = profile(page.site).layouts[0]
    tree = parse_html(page.body)
    assert layout.matches(tree, page.url)
    assert not layout.matches(tree, page.url.replace(urlsplit(page.url).netloc, "example.org"))
