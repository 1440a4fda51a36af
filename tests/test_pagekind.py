"""Page kind decided on evidence for pages no layout knows: one dominant article, or a
listing, a soft-404 with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pipelines.extract import NotAnArticle, extract_page
from pipelines.metadata import read_metadata
from pipelines.pagekind import Evidence, judge, parse_html
from pipelines.pageread import PageReading, read_page
from tests.test_visible import HEADLINE, PROSE, article, page

URL = "https://baomoi.example.vn/thoi-su/nghe-an-don-bao-10285500.html"
SECTION_URL = "https://baomoi.example.vn/thoi-su"
ARTICLE_HEAD = (
    '<meta property="og:type" content="article">'
    f'<meta property="og:title" content="{HEADLINE}">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "'
    f'{HEADLINE}"}}</script>'
)


def teasers(count: int, summaries: bool = True, grid: bool = False) -> str:
    title_class = ' class="b-grid__title"' if grid else ""
    items = []
    for i in range(count):
        summary = f"<p>Tóm tắt tin số {i}: {PROSE[i % 3][:120]}</p>" if summaries else ""
        items.append(
            f'<div class="item"><h3{title_class}><a href="/thoi-su/tin-so-{i}-102860{i:02d}.html">'
            f"Tin số {i} về tình hình bão lũ ở các tỉnh miền Trung</a></h3>{summary}</div>"
        )
    return "".join(items)


def reason(body: str, head: str = "", url: str = URL, title: str = f"{HEADLINE} - Báo Mới") -> str:
    with pytest.raises(NotAnArticle) as error:
        extract_page(page(body, head, title=title), url, site_rules=False)
    return error.value.reason


def test_article_metadata_agreeing_with_the_h1_is_an_article_whatever_the_sidebars() -> None:
    sidebar = f'<aside class="sidebar">{teasers(20, grid=True)}</aside>'
    got = extract_page(page(article() + sidebar, ARTICLE_HEAD), URL, site_rules=False)
    assert got["headline"] == HEADLINE and got["body"].startswith(PROSE[0])


def test_an_article_without_any_metadata_is_an_article() -> None:
    html = page(article(header='<div class="date">27/11/2024 10:15</div>'), title="Trang")
    assert extract_page(html, URL, site_rules=False)["headline"] == HEADLINE


def test_story_summaries_under_their_links_are_a_listing() -> None:
    body = f'<h1 class="page-title">Thời sự</h1><div class="list">{teasers(10)}</div>'
    assert reason(body, ARTICLE_HEAD, SECTION_URL, title="Thời sự - Báo Mới") == "listing"


def test_a_section_name_over_bare_links_is_a_listing() -> None:
    body = f'<h1>Kinh doanh</h1><div class="list">{teasers(10, summaries=False)}</div>'
    head = (
        '<meta property="og:title" content="Tin kinh doanh: thị trường, tài chính, doanh nghiệp">'
    )
    assert reason(body, head, SECTION_URL, title="Kinh doanh - Báo Mới") == "listing"


def test_a_section_page_that_calls_itself_an_article_is_still_a_listing() -> None:
    head = '<meta property="og:type" content="article"><meta property="og:title" content="Tin">'
    body = f"<h1>Kinh doanh</h1><p>Giới thiệu chuyên mục.</p>{teasers(6, summaries=False)}"
    assert reason(body, head, SECTION_URL, title="Tin kinh doanh mới nhất") == "listing"


def test_a_topic_page_with_an_introduction_over_its_story_links_is_a_listing() -> None:
    intro = f"<p>{PROSE[0]}</p>"
    body = f'<div class="topic"><h1>{HEADLINE}</h1>{intro}{teasers(10, summaries=False)}</div>'
    assert reason(body, url="https://baomoi.example.vn/chu-de-bao-so-4.html") == "listing"


def test_a_home_page_is_a_listing() -> None:
    body = f'<section class="featured">{teasers(12)}</section>'
    assert reason(body, url="https://baomoi.example.vn/", title="Báo Mới - Tin tức") == "listing"


def test_a_soft_404_whose_h1_is_the_paper_name() -> None:
    body = (
        '<div class="message"><h1>Báo Mới</h1><p>Nội dung bạn truy cập hiện không còn trên hệ '
        "thống.</p></div>" + f'<aside class="box">{teasers(3)}</aside>'
    )
    head = '<link rel="canonical" href="https://baomoi.example.vn/">'
    assert reason(body, head, title="Báo Mới") == "soft-404"


def test_an_h1_agreeing_with_the_title_but_no_body_is_no_body() -> None:
    assert reason(f"<h1>{HEADLINE}</h1>") == "no-body"


@pytest.mark.parametrize(
    ("evidence", "verdict"),
    [
        (Evidence(headline="Tin", title_agrees=True, body_chars=900, long_blocks=5), None),
        (Evidence(headline="Tin", title_agrees=True, long_blocks=8, teaser_blocks=6), "listing"),
        (Evidence(headline="Tin", body_chars=900, long_blocks=8, teasers=20), "listing"),
        (Evidence(headline=None, body_chars=120, long_blocks=1, site_title=True), "soft-404"),
        (Evidence(headline=None, body_chars=120, long_blocks=1, canonical_home=True), "soft-404"),
        (Evidence(headline="Kinh doanh", body_chars=30), "listing"),
        (Evidence(headline=None, body_chars=0, declared_body=True), None),
        (Evidence(headline="Một tiêu đề dài của một bài báo không có siêu dữ liệu", body_chars=700,
                  long_blocks=3), None),
    ],
)  # fmt: skip
def test_judge(evidence: Evidence, verdict: str | None) -> None:
    if verdict is None:
        judge(evidence)
        return
    with pytest.raises(NotAnArticle) as error:
        judge(evidence)
    assert error.value.reason == verdict


def test_judge_asks_whether_a_dateline_is_printed_only_when_that_decides() -> None:
    asked: list[bool] = []

    def printed(answer: bool) -> Callable[[], bool]:
        def ask() -> bool:
            asked.append(answer)
            return answer

        return ask

    article_evidence = Evidence(headline="Tin", title_agrees=True, body_chars=900, long_blocks=5)
    judge(article_evidence, printed(False))
    assert asked == []
    section = Evidence(headline="Kinh doanh", body_chars=30)
    judge(section, printed(True))  # a short page under a short headline, but dated
    with pytest.raises(NotAnArticle):
        judge(section, printed(False))
    assert asked == [True, False]


def read(body: str, **kwargs: Any) -> PageReading:
    data = page(body, f'<meta name="description" content="{PROSE[0]}">')
    tree = parse_html(data)
    return read_page(tree, URL, read_metadata(tree, URL), **kwargs)


def test_a_judged_reading_of_a_listing_stops_before_the_fields_around_its_body() -> None:
    listing = f'<h1 class="page-title">Thời sự</h1><div class="list">{teasers(10)}</div>'
    assert read(listing).evidence.teaser_blocks >= 3
    with pytest.raises(NotAnArticle) as error:
        read(listing, judged=True)
    assert error.value.reason == "listing"


def test_a_reading_of_some_fields_leaves_the_others_empty() -> None:
    header = (
        '<p class="sapo"><b>Lead:</b> một đoạn dẫn.</p><span class="time">28/11/2024 09:15</span>'
    )
    body = article(header=header, after='<p class="author">NHẬT XUÂN</p>')
    whole = read(body).fields
    assert whole.dateline and whole.byline
    some = read(body, judged=True, wanted={"dateline"}).fields
    assert some.dateline == whole.dateline
    assert some.byline is None and some.sapo is None and some.tags is None
    assert some.headline == whole.headline and some.paragraphs == whole.paragraphs
