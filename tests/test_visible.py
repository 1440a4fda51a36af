"""The article's header read without site rules: headline, sapo, dateline, published time.

Each rule on a small page of an unknown layout (``extract_page(..., site_rules=False)``).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from pipelines.extract import extract_page
from pipelines.region import agrees, names_site, site_keys, strip_site_suffix
from pipelines.visible import lead_agrees

URL = "https://baomoi.example.vn/thoi-su/nghe-an-don-bao-10285500.html"
PROSE = [
    "Các địa phương ven biển Nghệ An đã sơ tán hơn 3.000 hộ dân đến nơi an toàn trước khi bão "
    "đổ bộ, lực lượng vũ trang sẵn sàng ứng cứu khi có tình huống xấu xảy ra.",
    "Tàu thuyền đã vào nơi neo đậu an toàn, các hồ chứa được vận hành xả lũ theo đúng quy trình, "
    "người dân được hướng dẫn chằng chống nhà cửa.",
    "Ban Chỉ huy phòng chống thiên tai tỉnh yêu cầu các huyện cử người trực 24/24 giờ, báo cáo "
    "tình hình thiệt hại về tỉnh trước 17 giờ hằng ngày.",
]
HEADLINE = "Nghệ An đón bão số 4"


def ld(data: dict[str, Any]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def page(body: str, head: str = "", title: str = f"{HEADLINE} - Báo Mới") -> bytes:
    return (
        f'<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="Báo Mới">{head}</head><body>'
        '<header class="site-header"><a class="logo" href="/"><h1>Báo Mới</h1></a>'
        '<span class="today">Thứ Năm, 28/11/2024</span></header>'
        f"<main>{body}</main></body></html>"
    ).encode()


def article(header: str = "", after: str = "", prose: list[str] = PROSE) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in prose)
    return (
        f'<article class="post"><h1 class="post-title">{HEADLINE}</h1>{header}'
        f'<div class="post-body">{paragraphs}</div>{after}</article>'
    )


def record(body: str, head: str = "", **kwargs: Any) -> dict[str, Any]:
    return extract_page(page(body, head, **kwargs), URL, site_rules=False)


def test_the_h1_agreeing_with_the_title_is_the_headline_not_the_logo() -> None:
    assert record(article())["headline"] == HEADLINE


def test_headline_from_double_escaped_metadata_when_the_page_shows_none() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Chi&amp;#7871;n s&amp;#7921; &#273;&#7849;y gi&#225; hoa",
        "articleBody": "\n".join(PROSE),
    }
    got = extract_page(
        f"<html><head>{ld(data)}</head><body><div id='app'></div></body></html>".encode(),
        URL,
        site_rules=False,
    )
    assert got["headline"] == "Chiến sự đẩy giá hoa"
    assert got["extractor"] == "metadata"


def test_entities_in_og_title_do_not_reach_the_record() -> None:
    head = '<meta property="og:title" content="Ch&amp;#237;nh s&amp;#225;ch m&#7899;i">'
    body = "<div class='x'>" + "".join(f"<p>{p}</p>" for p in PROSE) + "</div>"
    assert record(body, head, title="")["headline"] == "Chính sách mới"


def test_headline_from_a_title_named_element_when_there_is_no_h1() -> None:
    body = article().replace('<h1 class="post-title">', '<div class="news_title">')
    body = body.replace("</h1>", "</div>")
    assert record(body, title=f"Báo Mới - {HEADLINE}")["headline"] == HEADLINE


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("Nghệ An đón bão - Báo Mới", "Nghệ An đón bão"),
        ("Baomoi - Nghệ An đón bão", "Nghệ An đón bão"),
        ("Cháy rừng - Báo động đỏ ở Quỳ Châu", "Cháy rừng - Báo động đỏ ở Quỳ Châu"),
    ],
)
def test_site_name_stripped_from_either_end_of_a_title(title: str, headline: str) -> None:
    assert strip_site_suffix(title, ["baomoi", "Báo Mới"]) == headline


def test_names_of_the_paper() -> None:
    keys = site_keys(["Báo VnExpress", "TUOI TRE ONLINE"], "https://vnexpress.net/a-1.html")
    assert names_site("VnExpress", keys) and names_site("Tuổi Trẻ Online", keys)
    assert not names_site("Lê Phương", keys) and not names_site("Kinh tế", keys)


def test_agreement_of_texts() -> None:
    assert agrees("Nghệ An đón bão!", "nghệ an  đón bão")
    assert agrees(HEADLINE, f"{HEADLINE} (video)")
    assert not agrees("Kinh doanh", "Tin kinh doanh: thị trường, tài chính, doanh nghiệp")


def test_sapo_is_the_displayed_lead_with_its_outlet_tag() -> None:
    description = "Tháng 3/2026 có nhiều chính sách mới có hiệu lực, nổi bật là bất động sản."
    head = f'<meta name="description" content="{description}">'
    lead = f'<h2 class="detail-sapo">(Chinhphu.vn) - {description}</h2>'
    assert record(article(header=lead), head)["sapo"] == f"(Chinhphu.vn) - {description}"


def test_outlet_tag_printed_beside_the_lead() -> None:
    description = "Sau 8 tháng khởi công, dự án mở rộng đường được đẩy nhanh tiến độ thi công."
    head = f'<meta property="og:description" content="{description[:50]}">'
    lead = f'<div class="lead"><span class="b">(VTC News) -</span><h2>{description}</h2></div>'
    assert record(article(header=lead), head)["sapo"] == f"(VTC News) - {description}"


def test_lead_opening_the_body_with_an_outlet_tag() -> None:
    lead = "(Baonghean.vn) - Chiều 22/9, Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị quan trọng."
    got = record(article(prose=[f"<b>{lead}</b>", *PROSE]))
    assert got["sapo"] == lead
    assert not got["body"].startswith("(Baonghean.vn)")


def test_a_plain_first_paragraph_is_body_even_if_it_is_the_description() -> None:
    got = record(article(), f'<meta name="description" content="{PROSE[0]}">')
    assert got["sapo"] is None
    assert got["body"].startswith(PROSE[0])


def test_description_not_shown_on_the_page_is_no_sapo() -> None:
    got = record(article(), '<meta name="description" content="Một mô tả không hiển thị.">')
    assert got["sapo"] is None


def test_printed_time_wins_over_a_date_only_metadata_value() -> None:
    head = '<meta property="article:published_time" content="2024-11-27">'
    got = record(article(header='<div class="meta">27/11/2024 10:15</div>'), head)
    assert got["published_at"] == "2024-11-27T10:15:00+07:00"


def test_time_only_in_visible_text() -> None:
    dateline = "Thứ Tư, 27/11/2024 - 10:15 (GMT+7)"
    got = record(article(header=f"<p><span>{dateline}</span></p>"))
    assert (got["dateline"], got["published_at"]) == (dateline, "2024-11-27T10:15:00+07:00")


def test_machine_seconds_kept_when_the_minute_agrees() -> None:
    head = '<meta property="article:published_time" content="2024-11-27T10:15:42+07:00">'
    got = record(article(header='<span class="date">27/11/2024 10:15</span>'), head)
    assert got["published_at"] == "2024-11-27T10:15:42+07:00"


def test_a_date_only_dateline_takes_the_machine_time_of_that_day() -> None:
    head = '<meta property="article:published_time" content="2024-11-27T03:15:00Z">'
    got = record(article(header='<span class="date">27/11/2024</span>'), head)
    assert got["published_at"] == "2024-11-27T10:15:00+07:00"


def test_header_clock_and_comment_dates_are_not_the_dateline() -> None:
    comments = '<div class="comments"><span class="time">28/11/2024 09:00</span><p>Hay.</p></div>'
    got = record(article(after=comments))
    assert got["dateline"] is None and got["published_at"] is None


def test_time_before_the_date() -> None:
    got = record(article(header='<span class="time">10:05 AM, 26/10/2023</span>'))
    assert got["published_at"] == "2023-10-26T10:05:00+07:00"


def test_nfd_page_reads_the_same() -> None:
    body = article(header='<span class="date">27/11/2024 10:15</span>')
    nfd = unicodedata.normalize("NFD", page(body).decode()).encode()
    assert extract_page(nfd, URL, site_rules=False) == record(body)


@pytest.mark.parametrize(
    ("text", "description", "agree"),
    [
        (
            "(Dân trí) - Giá vàng trong nước tiếp tục giảm mạnh",
            "Giá vàng trong nước tiếp tục",
            True,
        ),
        ("Giá vàng trong nước tiếp tục giảm mạnh", "Giá vàng trong nước tiếp tục giả", True),
        ("Giá vàng trong nước tiếp tục giảm mạnh", "Giá dầu thế giới tăng", False),
        ("Ngắn", "Ngắn", False),
    ],
)
def test_lead_agreement(text: str, description: str, agree: bool) -> None:
    assert lead_agrees(text, description) is agree
