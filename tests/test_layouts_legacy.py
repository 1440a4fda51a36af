"""The 2017-2022 layout and the 2018 template, layer by layer (before any merging).

Each saved page under ``tests/fixtures/pages/layout2017`` and ``.../layout2018``
is parsed the way ``extract_page`` parses it and handed to its layout alone; the
raw :class:`Extracted` values are compared with the page's expected record after
the same text cleaning the merge applies. The merged records themselves are
checked field by field in ``tests/test_extract_pages.py``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import lxml.html
import pytest
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.pagekind import parse_html
from pipelines.sites import find_layout
from pipelines.sites.base import Extracted, Layout
from pipelines.sites.layout2017 import LAYOUT as LAYOUT_2017
from pipelines.sites.layout2017 import body_blocks, is_bold, split_trailing_byline
from pipelines.sites.layout2018 import LAYOUT as LAYOUT_2018
from pipelines.text import clean_text
from tests.pages import PageCase, load_cases

LAYOUTS: dict[str, Layout] = {"layout2017": LAYOUT_2017, "layout2018": LAYOUT_2018}
CASES = [case for name in LAYOUTS for case in load_cases(name)]
IDS = [case.id for case in CASES]
OTHER_CASES = load_cases("onecms")


@cache
def _tree(directory: Path) -> HtmlElement:
    case = PageCase(layout=directory.parent.name, name=directory.name, directory=directory)
    return parse_html(case.body, case.meta.get("headers") or {})


@cache
def _extracted(directory: Path) -> Extracted:
    case = PageCase(layout=directory.parent.name, name=directory.name, directory=directory)
    return LAYOUTS[case.layout].extract(_tree(directory), case.meta["url"])


def _case(name: str) -> PageCase:
    return next(case for case in CASES if case.id == name)


def _expected(case: PageCase) -> dict[str, Any]:
    return case.expected


def _clean(text: str | None) -> str | None:
    return clean_text(text) or None


def test_both_layouts_have_their_cases() -> None:
    assert len(load_cases("layout2017")) >= 5
    assert len(load_cases("layout2018")) >= 5


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_only_its_own_layout_claims_the_page(case: PageCase) -> None:
    tree = _tree(case.directory)
    url = case.meta["url"]
    claimed = {name for name, layout in LAYOUTS.items() if layout.matches(tree, url)}
    assert claimed == {case.layout}
    assert find_layout(tree, url) is LAYOUTS[case.layout]


@pytest.mark.parametrize("case", OTHER_CASES, ids=[c.id for c in OTHER_CASES])
def test_pages_of_the_current_platform_are_not_claimed(case: PageCase) -> None:
    tree = _tree(case.directory)
    assert not any(layout.matches(tree, case.meta["url"]) for layout in LAYOUTS.values())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_header_fields(case: PageCase) -> None:
    found, expected = _extracted(case.directory), _expected(case)
    assert _clean(found.headline) == expected["headline"]
    assert _clean(found.sapo) == expected["sapo"]
    assert found.dateline == expected["dateline"]
    assert _clean(found.byline) == expected["byline"]
    assert found.category == expected["category"]
    assert (found.tags or []) == expected["tags"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_body_paragraphs(case: PageCase) -> None:
    found = _extracted(case.directory)
    assert found.paragraphs is not None
    cleaned = [clean_text(p, keep_newlines=True) for p in found.paragraphs]
    assert "\n\n".join(cleaned) == _expected(case)["body"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_one_caption_per_image(case: PageCase) -> None:
    found, expected = _extracted(case.directory), _expected(case)
    url = case.meta["url"]
    got = [
        (clean_text(c.text), urljoin(url, c.image_url) if c.image_url else None)
        for c in found.captions or []
    ]
    assert got == [(c["caption"], c["image_url"]) for c in expected["captions"]]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_extraction_leaves_the_page_untouched(case: PageCase) -> None:
    tree = parse_html(case.body, case.meta.get("headers") or {})
    before = lxml.html.tostring(tree)
    LAYOUTS[case.layout].extract(tree, case.meta["url"])
    assert lxml.html.tostring(tree) == before


def test_2018_machine_dates_come_from_the_header_time_only() -> None:
    published = {
        name: _extracted(_case(f"layout2018/{name}").directory).published
        for name in ("ban-tuyen-giao-115327", "quote-box-author", "trailing-byline-in-body")
    }
    # Not the top bar's <time datetime> (the day the page was saved), nor a comment's.
    assert published == {
        "ban-tuyen-giao-115327": "2017-09-22T17:30:00+07:00",
        "quote-box-author": "2018-10-05",
        "trailing-byline-in-body": None,
    }


def test_2017_pages_have_no_machine_date() -> None:
    case = _case("layout2017/ban-tuyen-giao-115327")
    assert _extracted(case.directory).published is None


def test_a_bare_author_selector_would_take_the_quote_attribution() -> None:
    case = _case("layout2018/quote-box-author")
    tree = _tree(case.directory)
    first_author = CSSSelector(".author")(tree)[0]
    assert clean_text(first_author.text_content()).startswith("Anh Nguyễn Văn Hải")
    assert _extracted(case.directory).byline == "Nhật Lân - Thu Huyền"


def test_quote_attributions_are_paragraphs_of_their_own() -> None:
    paragraphs = _extracted(_case("layout2018/quote-box-author").directory).paragraphs or []
    quote = paragraphs.index(
        "Khởi nghiệp không phải là phong trào nhất thời. Các bạn trẻ cần xác định rõ mình có gì, "
        "thị trường cần gì và kiên trì đến cùng với lựa chọn của mình."
    )
    assert paragraphs[quote + 1] == "Anh Nguyễn Văn Hải, Giám đốc HTX Nông sản sạch Yên Thành"
    cms_quote = [i for i, p in enumerate(paragraphs) if p.startswith("“Tỉnh đoàn")]
    assert paragraphs[cms_quote[0] + 1] == "Chị Nguyễn Thị Lan Anh, Phó Bí thư Tỉnh đoàn Nghệ An"


def test_gg_video_shortcodes_are_not_prose() -> None:
    found = _extracted(_case("layout2017/gg-video-shortcode").directory)
    paragraphs = found.paragraphs or []
    assert not [p for p in paragraphs if "gg_video" in p or "1Bx5mZk9Qh2" in p]
    assert paragraphs[2].endswith("không để người dân tự ý qua sông.")
    assert len(paragraphs) == 6  # the paragraph holding only a shortcode is gone


def test_related_tables_and_boxes_stay_out_of_the_body() -> None:
    rl = " ".join(_extracted(_case("layout2017/related-table-rl").directory).paragraphs or [])
    assert "Tin liên quan" not in rl and "khuyến cáo thận trọng khi đến Bali" not in rl
    inline = _extracted(_case("layout2018/related-inline-boxes").directory).paragraphs or []
    assert not [p for p in inline if p.startswith("(Baonghean)") or "miền Tây" in p]
    assert "TIN LIÊN QUAN" not in " ".join(inline)


def test_longform_caption_attribute_counts_once() -> None:
    captions = _extracted(_case("layout2018/longform-cms-photo").directory).captions or []
    texts = [c.text for c in captions]
    assert len(texts) == len(set(texts)) == 4
    # The third photo's caption exists only in its cms-photo-caption attribute.
    assert texts[2] == "Cam được phân loại, đóng hộp trước khi đưa đi tiêu thụ. Ảnh: Đức Anh"


def test_lazy_images_give_the_real_url_not_the_placeholder() -> None:
    nfd = _extracted(_case("layout2017/nfd-lazy-images").directory).captions or []
    assert nfd[0].image_url == (
        "//image2.baonghean.vn/w607/Uploaded/2017/lzlwvbrvnqs/2017_11_14/bna_cam_xa_doai_1_14112017.jpg"
    )
    inline = _extracted(_case("layout2018/related-inline-boxes").directory).captions or []
    assert [c.image_url and c.image_url.rsplit("/", 1)[1] for c in inline] == [
        "bna_sat_lo_ta_ca_12122018.jpg",
        "bna_may_xuc_1_12122018.jpg",
    ]


def _root(html: str) -> HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _texts(html: str) -> list[str]:
    return [text for _, text in body_blocks(_root(html), set())]


def test_blocks_keep_line_breaks_inside_a_paragraph() -> None:
    assert _texts("<p>Dòng một<br>Dòng hai</p><p>Đoạn <b>hai</b>.</p>") == [
        "Dòng một\nDòng hai",
        "Đoạn hai.",
    ]


def test_a_shortcode_alone_leaves_no_paragraph() -> None:
    assert _texts("<p>[gg_video]abc123[/gg_video]</p><p>Chữ.</p>") == ["Chữ."]
    assert _texts("<p>Trước [video]x[/video] sau.</p>") == ["Trước sau."]


@pytest.mark.parametrize(
    ("html", "bold"),
    [
        ("<p><strong>Thanh Lê</strong></p>", True),
        ("<p><b>Thanh</b> <strong>Lê</strong></p>", True),
        ('<p style="font-weight: bold">Thanh Lê</p>', True),
        ("<p><strong>Thanh</strong> Lê</p>", False),
        ("<p>Thanh <em>Lê</em></p>", False),
        ("<p><strong></strong></p>", False),
    ],
)
def test_is_bold(html: str, bold: bool) -> None:
    assert is_bold(lxml.html.fragment_fromstring(html)) is bold


@pytest.mark.parametrize(
    ("last", "byline"),
    [
        ('<p style="text-align: right;">Thanh Lê</p>', "Thanh Lê"),
        ('<p align="right"><em>Hữu Vi</em></p>', "Hữu Vi"),
        ("<p><strong>Thành Chung - Hoài Thu</strong></p>", "Thành Chung - Hoài Thu"),
        ("<p>Theo TTXVN</p>", "Theo TTXVN"),
        ("<p>Thanh Lê</p>", None),  # neither right-aligned nor bold
        ("<p><strong>Chủ động phương án sơ tán</strong></p>", None),  # a sub-heading
        ("<p><strong>Mọi ý kiến xin gửi về tòa soạn trước ngày 30/9.</strong></p>", None),
    ],
)
def test_trailing_signature(last: str, byline: str | None) -> None:
    root = _root(f"<p>Một đoạn văn của bài báo.</p>{last}")
    blocks, found = split_trailing_byline(body_blocks(root, set()), root)
    assert found == byline
    assert len(blocks) == (1 if byline else 2)


def test_a_one_paragraph_body_is_never_all_byline() -> None:
    root = _root('<p style="text-align: right;"><b>Thanh Lê</b></p>')
    blocks, found = split_trailing_byline(body_blocks(root, set()), root)
    assert found is None and len(blocks) == 1


def test_2017_layout_needs_title_date_and_content() -> None:
    page = (
        '<html><body><h1 id="title">Tiêu đề</h1><div id="content"><p>Chữ.</p></div></body></html>'
    )
    tree = lxml.html.document_fromstring(page)
    assert not LAYOUT_2017.matches(tree, "https://baonghean.vn/tieu-de-123456.html")
    with_date = page.replace("</h1>", '</h1><div id="date">22/09/2017 17:30</div>')
    tree = lxml.html.document_fromstring(with_date)
    assert LAYOUT_2017.matches(tree, "https://baonghean.vn/tieu-de-123456.html")
    assert not LAYOUT_2018.matches(tree, "https://baonghean.vn/tieu-de-123456.html")


def test_a_caption_outside_any_box_still_leaves_the_body() -> None:
    page = (
        '<html><body><h1 id="title">Tiêu đề</h1><div id="date">22/09/2017 17:30</div>'
        '<div id="content"><p>Đoạn một.</p><p style="text-align:center">'
        '<img src="https://image.baonghean.vn/w607/Uploaded/2017/a.jpg" /></p>'
        '<p class="image_desc">Quang cảnh buổi lễ. Ảnh: Thanh Lê</p>'
        "<table><tr><td><img src='https://image.baonghean.vn/w607/Uploaded/2017/b.jpg'/></td></tr>"
        '<tr><td class="image_desc">Ảnh thứ hai. Ảnh: Thanh Lê</td></tr></table>'
        "<p>Đoạn hai.</p></div></body></html>"
    )
    found = LAYOUT_2017.extract(
        lxml.html.document_fromstring(page), "https://baonghean.vn/a-1.html"
    )
    assert found.paragraphs == ["Đoạn một.", "Đoạn hai."]
    assert [(c.text, c.image_url) for c in found.captions or []] == [
        (
            "Quang cảnh buổi lễ. Ảnh: Thanh Lê",
            "https://image.baonghean.vn/w607/Uploaded/2017/a.jpg",
        ),
        ("Ảnh thứ hai. Ảnh: Thanh Lê", "https://image.baonghean.vn/w607/Uploaded/2017/b.jpg"),
    ]
