"""What a page prints around its article, read without site rules: byline and authors,
tags, category; and where metadata may stand in for them."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.around import byline_like, is_publisher
from pipelines.extract import extract_page
from tests.test_visible import HEADLINE, PROSE, article, ld, page

URL = "https://baomoi.example.vn/thoi-su/nghe-an-don-bao-10285500.html"


def record(body: str, head: str = "", **kwargs: Any) -> dict[str, Any]:
    return extract_page(page(body, head, **kwargs), URL, site_rules=False)


def signed(paragraph: str) -> str:
    return article(prose=[*PROSE, paragraph])


@pytest.mark.parametrize(
    ("last", "byline", "authors"),
    [
        (
            '<span style="text-align:right"><strong>Lê Phương</strong></span>',
            "Lê Phương",
            ["Lê Phương"],
        ),
        ("<b>Theo TTXVN</b>", "Theo TTXVN", ["TTXVN"]),
        ("Bài, ảnh: Xuân Hoàng", "Bài, ảnh: Xuân Hoàng", ["Xuân Hoàng"]),
        ("<strong>NHẬT XUÂN - NGHI VŨ</strong>", "NHẬT XUÂN - NGHI VŨ", ["Nhật Xuân", "Nghi Vũ"]),
        ("Nhóm PV", "Nhóm PV", ["Nhóm PV"]),
    ],
)
def test_last_paragraph_signs_the_article(last: str, byline: str, authors: list[str]) -> None:
    got = record(signed(last))
    assert (got["byline"], got["authors"]) == (byline, authors)
    assert byline not in got["body"]


def test_capitals_count_as_names_only_when_set_apart() -> None:
    got = record(signed("KẾT QUẢ PHỐI HỢP"))
    assert got["byline"] is None and "KẾT QUẢ PHỐI HỢP" in got["body"]


def test_author_line_below_the_body() -> None:
    after = '<div class="article-credit"><p class="author">Anh Nguyễn</p></div>'
    assert record(article(after=after))["authors"] == ["Anh Nguyễn"]


def test_author_links_above_the_body() -> None:
    header = (
        '<div class="info"><a href="/tac-gia/tri-tuc-3617.htm"><img src="/a.jpg"></a>'
        '<a href="/tac-gia/tri-tuc-3617.htm">Tri Túc</a> '
        '<a href="/tac-gia/minh-anh-3618.htm">Minh Anh</a></div>'
    )
    assert record(article(header=header))["authors"] == ["Tri Túc", "Minh Anh"]


def test_the_printed_byline_wins_over_metadata() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Lương Văn Ý"}})
    after = '<div class="author-make tr">Lương Ý</div>'
    assert record(article(after=after), head)["authors"] == ["Lương Ý"]


def test_metadata_author_when_nothing_is_printed() -> None:
    head = '<meta property="article:author" content="Dương Ngọc">'
    assert record(article(), head)["authors"] == ["Dương Ngọc"]


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:author" content="Báo Mới">',
        '<meta property="article:author" content="VCCorp.vn">',
        '<meta property="article:author" content="https://www.facebook.com/baomoi">',
        ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "VnExpress"}}),
    ],
)
def test_the_publisher_is_never_an_author(head: str) -> None:
    got = record(article(), head)
    assert (got["byline"], got["authors"]) == (None, [])


def test_a_signature_naming_the_paper_is_not_a_byline() -> None:
    got = record(signed("<b>Báo Mới</b>"))
    assert got["authors"] == []


def test_publisher_names() -> None:
    keys = {"baomoi", "vnexpress"}
    assert is_publisher("VnExpress", keys) and is_publisher("Báo Mới", keys)
    assert is_publisher("baotuoitre.vn", set()) and is_publisher("VTV", set())
    assert not is_publisher("Theo TTXVN", keys) and not is_publisher("Lê Phương", keys)


@pytest.mark.parametrize(
    ("text", "like"),
    [("NHẬT XUÂN - NGHI VŨ", True), ("Thanh Lê", True), ("Giá vàng giảm 500.000 đồng", False)],
)
def test_byline_like(text: str, like: bool) -> None:
    assert byline_like(text) is like


TAG_LINKS = '<a href="/tag/bao">bão số 4</a><a href="/tag/nghe-an">Nghệ An</a>'
TAG_ITEMS = TAG_LINKS.replace("</a><a", "</a></li><li><a")


@pytest.mark.parametrize(
    "after",
    [
        f'<div class="box"><span class="label">Từ khoá:</span>{TAG_LINKS}</div>',
        f'<ul class="ul"><li>Chủ đề:</li><li>{TAG_ITEMS}</li></ul>',
        '<p class="the-article-tags"><strong>bão số 4</strong><span>Nghệ An</span></p>',
        f'<div class="article__tag"><div class="tag-listing">{TAG_LINKS}</div></div>',
    ],
)
def test_visible_tag_lists(after: str) -> None:
    assert record(article(after=after))["tags"] == ["bão số 4", "Nghệ An"]


def test_tag_list_found_by_the_keyword_metadata_keeps_its_printed_case() -> None:
    head = '<meta name="keywords" content="bão số 4, nghệ an">'
    after = f'<ul class="keylink"><li>{TAG_ITEMS}</li></ul>'
    assert record(article(after=after), head)["tags"] == ["bão số 4", "Nghệ An"]


def test_a_site_wide_keyword_list_is_never_the_tags() -> None:
    head = '<meta name="keywords" content="Báo Mới, tin tức, tin mới">'
    assert record(article(), head)["tags"] == []


def test_comma_joined_article_tag_shown_as_links() -> None:
    head = '<meta property="article:tag" content="bão số 4,Nghệ An">'
    after = f'<div class="c-tags"><label>Tags:</label><ul><li><h4>{TAG_LINKS}</h4></li></ul></div>'
    assert record(article(after=after), head)["tags"] == ["bão số 4", "Nghệ An"]


def test_article_tag_not_shown_on_the_page_is_not_a_tag() -> None:
    head = '<meta property="article:tag" content="Rối loạn tiêu hóa">'
    assert record(article(), head)["tags"] == []


def test_metadata_tags_when_the_page_shows_no_article() -> None:
    data = {"@type": "NewsArticle", "headline": HEADLINE, "keywords": "bão, Nghệ An",
            "articleBody": "\n".join(PROSE)}  # fmt: skip
    html = f"<html><head>{ld(data)}</head><body><div id='root'></div></body></html>"
    assert extract_page(html.encode(), URL, site_rules=False)["tags"] == ["bão", "Nghệ An"]


def test_category_is_the_last_breadcrumb_item() -> None:
    trail = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": {"@id": "/", "name": "Trang chủ"}},
        {"@type": "ListItem", "position": 2, "item": {"@id": "/kd", "name": "Kinh doanh"}},
        {"@type": "ListItem", "position": 3, "item": {"@id": "/tc", "name": "Tài chính"}},
    ]}  # fmt: skip
    assert record(article(), ld(trail))["category"] == "Tài chính"


def test_category_from_a_printed_breadcrumb() -> None:
    crumbs = (
        '<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li>'
        '<li><a href="/thoi-su">Thời sự</a></li></ol>'
    )
    assert record(crumbs + article())["category"] == "Thời sự"


def test_category_from_the_section_link_by_the_headline() -> None:
    header = '<p class="dateandcat"><a class="cat" href="/ttck.chn">Thị trường chứng khoán</a></p>'
    assert record(article(header=header))["category"] == "Thị trường chứng khoán"
