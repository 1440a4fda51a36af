"""extract_page on small inline pages, and the page-kind helpers."""

from __future__ import annotations

import codecs
import unicodedata

import lxml.html
import pytest

from pipelines.decode import utf8_html
from pipelines.extract import NotAnArticle, extract_page, strip_site_suffix
from pipelines.pagekind import REASONS, article_id, check_url, parse_html
from pipelines.record import RECORD_FIELDS
from pipelines.urls import clean_url

URL = "https://baonghean.vn/nghe-an-don-bao-10285500.html"


def page(body: str, head: str = "", title: str = "Nghệ An đón bão - Báo Nghệ An") -> bytes:
    return (
        f'<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body>{body}</body></html>"
    ).encode()


ARTICLE_BODY = (
    "<article><h1>Nghệ An đón bão</h1><p>Các địa phương ven biển Nghệ An đã sơ tán hơn 3.000 "
    "hộ dân đến nơi an toàn trước khi bão đổ bộ, lực lượng vũ trang sẵn sàng ứng cứu.</p>"
    "<p>Tàu thuyền đã vào nơi neo đậu, các hồ chứa được vận hành xả lũ theo quy trình.</p>"
    "</article>"
)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://baonghean.vn/video/lu-o-ky-son-10285501.html", "video"),
        ("https://baonghean.vn/short-video/lu-10285501.html", "video"),
        ("https://baonghean.vn/photo/mua-lua-10285501.html", "photo"),
        ("https://baonghean.vn/podcast/ban-tin-10285501.html", "podcast"),
        ("https://baonghean.vn/tag/bao-so-3", "tag"),
        ("https://baonghean.vn/tu-khoa/bao", "tag"),
        ("https://baonghean.vn/dai-hoi-dang-event10283.html", "topic"),
        ("https://baonghean.vn/tim-kiem?q=bao", "search"),
    ],
)
def test_url_rules(url: str, reason: str) -> None:
    assert reason in REASONS
    with pytest.raises(NotAnArticle) as error:
        check_url(url)
    assert error.value.reason == reason


def test_article_urls_pass_the_url_rules() -> None:
    check_url(URL)
    check_url("https://baonghean.vn/thoi-su/video-hien-truong-vu-chay-10285501.html")


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://baonghean.vn/slug-10264872.html", "10264872"),
        ("https://baonghean.vn/ban-tuyen-giao-115327.html", "115327"),
        ("https://baonghean.vn/nghe-an-post258616.html", "258616"),
        ("https://baonghean.vn/thoi-su", None),
        ("https://baonghean.vn/nam-2024.html", None),
    ],
)
def test_article_id(url: str, article: str | None) -> None:
    assert article_id(url) == article


def test_clean_url_strips_tracking_only() -> None:
    assert clean_url(URL + "?utm_source=fb&utm_medium=x&fbclid=1#top") == URL
    assert clean_url(URL + "?page=2&zarsrc=30") == URL + "?page=2"
    assert clean_url(URL + "?gidzl=abc&UTM_Source=zalo&_ga=1") == URL  # the crawler's rule
    assert (
        clean_url("https://baonghean.vn/tim-kiem?q=l%C5%A9")
        == "https://baonghean.vn/tim-kiem?q=l%C5%A9"
    )


@pytest.mark.parametrize(
    ("title", "names", "headline"),
    [
        ("Nghệ An đón bão - Báo Nghệ An", ["baonghean"], "Nghệ An đón bão"),
        ("Nghệ An đón bão | Báo Nghệ An điện tử", ["baonghean"], "Nghệ An đón bão"),
        ("Giá vàng lập đỉnh | Người Quan Sát", ["nguoiquansat"], "Giá vàng lập đỉnh"),
        ("Cháy rừng - Báo động đỏ ở Quỳ Châu", ["baonghean"], "Cháy rừng - Báo động đỏ ở Quỳ Châu"),
        ("Thành Chung - Hoài Thu", ["baonghean"], "Thành Chung - Hoài Thu"),
        ("Nghệ An đón bão - Tin tức 24h", ["baonghean", "Tin tức 24h"], "Nghệ An đón bão"),
    ],
)
def test_strip_site_suffix(title: str, names: list[str], headline: str) -> None:
    assert strip_site_suffix(title, names) == headline


def test_unknown_layout_article_goes_to_the_generic_layer() -> None:
    record = extract_page(page(ARTICLE_BODY), URL, {"content-type": "text/html"})
    assert list(record) == list(RECORD_FIELDS)
    assert record["headline"] == "Nghệ An đón bão"
    assert record["extractor"] == "generic"
    assert record["body"].startswith("Các địa phương ven biển")
    assert record["site"] == "baonghean.vn" and record["article_id"] == "10285500"
    assert record["fetched_at"] is None


def test_headline_from_title_without_the_site_name() -> None:
    body = ARTICLE_BODY.replace("<h1>Nghệ An đón bão</h1>", "")
    assert extract_page(page(body), URL)["headline"] == "Nghệ An đón bão"


def test_canonical_on_another_site_or_article_is_ignored() -> None:
    elsewhere = '<link rel="canonical" href="https://other.example/x-10285500.html">'
    home = '<link rel="canonical" href="https://baonghean.vn/">'
    same = '<link rel="canonical" href="/nghe-an-don-bao-10285500.html?utm_source=x">'
    assert extract_page(page(ARTICLE_BODY, elsewhere), URL)["canonical_url"] == URL
    assert extract_page(page(ARTICLE_BODY, home), URL)["canonical_url"] == URL
    assert extract_page(page(ARTICLE_BODY, same), URL)["canonical_url"] == URL


def test_listing_without_layout_is_rejected() -> None:
    links = "".join(
        f'<li><a href="/tin-so-{i}-102855{i:02d}.html">Tin số {i}</a></li>' for i in range(12)
    )
    with pytest.raises(NotAnArticle) as error:
        extract_page(page(f"<ul>{links}</ul>", title="Thời sự"), "https://baonghean.vn/thoi-su")
    assert error.value.reason == "listing"


@pytest.mark.parametrize(
    ("body", "title", "reason"),
    [
        ("<h1>Không tìm thấy trang</h1>", "Báo Nghệ An", "soft-404"),
        ("<p>x</p>", "404 Not Found", "soft-404"),
        ("<div></div>", "", "no-headline"),
        ("<h1>Tiêu đề</h1>", "Tiêu đề", "no-body"),
    ],
)
def test_rejections(body: str, title: str, reason: str) -> None:
    with pytest.raises(NotAnArticle) as error:
        extract_page(page(body, title=title), URL)
    assert error.value.reason == reason


@pytest.mark.parametrize("body", [b"", b"   \n\t"])
def test_empty_input(body: bytes) -> None:
    with pytest.raises(NotAnArticle) as error:
        extract_page(body, URL)
    assert error.value.reason == "empty"


def test_date_only_dateline_takes_the_time_from_machine_data() -> None:
    head = '<meta property="article:published_time" content="2024-11-28T01:30:00Z">'
    body = ARTICLE_BODY.replace(
        "<h1>Nghệ An đón bão</h1>",
        '<h1>Nghệ An đón bão</h1><time datetime="2024-11-28">28/11/2024</time>',
    )
    record = extract_page(page(body, head), URL)
    assert record["dateline"] == "28/11/2024"
    assert record["published_at"] == "2024-11-28T08:30:00+07:00"


PAGE_TEXT = (
    "<html><head><title>Tiêu đề</title></head><body><p>Tiếng Việt có dấu “ngoặc”.</p></body></html>"
)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (PAGE_TEXT.encode(), {"content-type": "text/html; charset=utf-8"}),
        (PAGE_TEXT.encode(), {"content-type": "text/html; charset=windows-1252"}),
        (PAGE_TEXT.encode().replace("ế".encode(), b"\xe1\xba"), {}),  # a stray broken letter
        (PAGE_TEXT.encode().replace("ế".encode(), b"\xe1\xbax\xbb"), {}),  # valid once ASCII goes
        (
            PAGE_TEXT.encode("cp1258", errors="replace"),
            {"content-type": "text/html; charset=utf-8"},
        ),
        (PAGE_TEXT.encode("cp1252", errors="replace"), {}),
        (codecs.BOM_UTF8 + PAGE_TEXT.encode(), {}),
        (PAGE_TEXT.replace("<p>", "<p>\x00").encode(), {}),
        (unicodedata.normalize("NFD", PAGE_TEXT).encode(), {}),
        ("<p>Ω \u2126 \uf900</p>".encode(), {}),
    ],
)
def test_pages_parsed_from_their_own_bytes_read_as_decoded_pages(
    body: bytes, headers: dict[str, str]
) -> None:
    """The same document as from the decoded page, but for normalisation (NFC is applied
    to each string extraction reads, not to the whole page)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    decoded = lxml.html.document_fromstring(utf8_html(body, headers), parser=parser)
    parsed = lxml.html.tostring(parse_html(body, headers), encoding="unicode")
    assert unicodedata.normalize("NFC", parsed) == lxml.html.tostring(decoded, encoding="unicode")


def test_a_page_in_nfd_gives_an_nfc_record() -> None:
    html = page(ARTICLE_BODY.replace("<h1>", "<h1 id='x'>"))
    record = extract_page(unicodedata.normalize("NFD", html.decode()).encode(), URL)
    assert record == extract_page(html, URL)
    assert unicodedata.is_normalized("NFC", record["body"])


ONECMS_PROSE = (
    '<p class="align-justify">Các địa phương ven biển Nghệ An đã sơ tán hơn 3.000 hộ dân đến nơi '
    "an toàn trước khi bão đổ bộ.</p>"
    '<p class="align-justify">Tàu thuyền đã vào nơi neo đậu, các hồ chứa được vận hành xả lũ '
    "theo quy trình.</p>"
)
ONECMS_FIGURE = (
    '<figure><img src="https://bna.1cdn.vn/2024/09/06/bao.jpg">'
    "<figcaption>Sơ tán dân ở Quỳnh Lưu. Ảnh: Thành Cường</figcaption></figure>"
)


def onecms_page(content: str) -> bytes:
    return page(
        '<div class="c-news-detail"><article class="entry"><div class="sc-longform-header">'
        '<h1 class="sc-longform-header-title block-sc-title">Nghệ An đón bão</h1>'
        '<span class="sc-longform-header-date block-sc-publish-time">06/09/2024 - 08:15</span>'
        f"</div>{content}</article></div>"
    )


def test_onecms_layout_table_around_the_body_keeps_prose_and_captions() -> None:
    layout = f'<table class="layout"><tr><td>{ONECMS_PROSE}{ONECMS_FIGURE}</td></tr></table>'
    record = extract_page(onecms_page(layout), URL)
    assert record["extractor"] == "onecms"
    assert record["body"].startswith("Các địa phương ven biển")
    assert "Tàu thuyền" in record["body"]
    captions = [c["caption"] for c in record["captions"]]
    assert captions == ["Sơ tán dân ở Quỳnh Lưu. Ảnh: Thành Cường"]
    assert "Sơ tán dân ở Quỳnh Lưu" not in record["body"]


def test_onecms_image_table_is_a_caption_not_prose() -> None:
    image_table = (
        '<table class="image"><tr><td><img src="https://bna.1cdn.vn/2024/09/06/de.jpg"></td></tr>'
        '<tr><td class="image_desc"><p>Gia cố đê biển. Ảnh: Thành Cường</p></td></tr></table>'
    )
    record = extract_page(onecms_page(ONECMS_PROSE + image_table), URL)
    assert "Gia cố đê biển" not in record["body"]
    assert [c["caption"] for c in record["captions"]] == ["Gia cố đê biển. Ảnh: Thành Cường"]
