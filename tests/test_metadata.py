from __future__ import annotations

import json

import lxml.html

from pipelines.metadata import (
    extract_metadata,
    find_article_ld,
    from_meta_tags,
    json_ld_objects,
    read_metadata,
)

URL = "https://baonghean.vn/bai-viet-10285431.html"


def tree(head: str = "", body: str = "", lang: str = "vi") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    )


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


ARTICLE = {
    "@type": "NewsArticle",
    "headline": "Khai mạc Kỳ họp thứ 23 HĐND tỉnh",
    "description": "(Baonghean.vn) - Sáng 28/11, HĐND tỉnh khai mạc kỳ họp.",
    "datePublished": "2024-11-28T01:30:00Z",
    "dateModified": "2024-11-28T08:45:00+07:00",
    "author": [{"@type": "Person", "name": "Thành Chung"}, {"@type": "Person", "name": "Hoài Thu"}],
    "articleSection": "Thời sự",
    "keywords": ["HĐND tỉnh", "kỳ họp"],
    "mainEntityOfPage": {"@id": URL},
    "articleBody": "Đoạn một.\n\nĐoạn hai.\nĐoạn ba.",
    "inLanguage": "vi",
}


def test_json_ld_article_fields() -> None:
    got = extract_metadata(tree(ld(ARTICLE)), URL)
    assert got.headline == ARTICLE["headline"]
    assert got.sapo == ARTICLE["description"]
    assert got.published == "2024-11-28T01:30:00Z"
    assert got.updated == "2024-11-28T08:45:00+07:00"
    assert got.byline == "Thành Chung - Hoài Thu"
    assert got.paragraphs == ["Đoạn một.", "Đoạn hai.", "Đoạn ba."]
    assert got.category == "Thời sự"
    assert got.tags == ["HĐND tỉnh", "kỳ họp"]
    assert got.canonical_url == URL
    assert got.language == "vi"


def test_article_inside_graph_and_lists() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, ARTICLE]}
    assert find_article_ld(tree(ld(graph))) == ARTICLE
    assert find_article_ld(tree(ld([{"@type": "Organization"}, ARTICLE]))) == ARTICLE
    typed_list = dict(ARTICLE, **{"@type": ["ReportageNewsArticle", "Thing"]})
    assert find_article_ld(tree(ld(typed_list))) == typed_list


def test_invalid_json_ld_is_tolerated() -> None:
    broken = '<script type="application/ld+json">{"@type": "WebSite", "url": "x",}</script>'
    garbage = '<script type="application/ld+json">{{{ not json</script>'
    page = tree(broken + garbage + ld(ARTICLE))
    assert extract_metadata(page, URL).headline == ARTICLE["headline"]
    assert [o.get("@type") for o in json_ld_objects(page)] == ["WebSite", "NewsArticle"]


def test_keywords_as_a_comma_string_and_author_as_a_string() -> None:
    data = dict(ARTICLE, keywords="nông sản, xuất khẩu ,", author="Hoài Thu")
    got = extract_metadata(tree(ld(data)), URL)
    assert got.tags == ["nông sản", "xuất khẩu"]
    assert got.byline == "Hoài Thu"


OPEN_GRAPH = """
<meta property="og:title" content="Tiêu đề OG">
<meta property="og:description" content="Mô tả OG">
<meta property="og:url" content="https://baonghean.vn/og-10285431.html">
<meta property="og:image" content="https://bna.1cdn.vn/a.jpg">
<meta name="description" content="Mô tả trang">
<meta property="article:published_time" content="2024-11-28T08:30:00+07:00">
<meta property="article:modified_time" content="2024-11-28T09:00:00+07:00">
<meta property="article:section" content="Kinh tế">
<meta property="article:tag" content="FDI">
<meta property="article:tag" content="đầu tư">
<meta property="article:author" content="https://facebook.com/baonghean">
"""


def test_open_graph_and_article_meta() -> None:
    got = extract_metadata(tree(OPEN_GRAPH, lang="vi-VN"), URL)
    assert got.headline == "Tiêu đề OG"
    assert got.sapo == "Mô tả OG"
    assert got.canonical_url == "https://baonghean.vn/og-10285431.html"
    assert got.published == "2024-11-28T08:30:00+07:00"
    assert got.updated == "2024-11-28T09:00:00+07:00"
    assert got.category == "Kinh tế"
    assert got.tags == ["FDI", "đầu tư"]
    assert got.byline is None  # a profile URL is not a byline
    assert got.language == "vi-VN"


def test_canonical_link_wins_over_og_url_and_description_is_a_fallback() -> None:
    head = (
        '<link rel="canonical" href="/canon-10285431.html">'
        '<meta name="description" content="Mô tả">'
    )
    got = extract_metadata(tree(head), URL)
    assert got.canonical_url == "/canon-10285431.html"
    assert got.sapo == "Mô tả"


def test_json_ld_gaps_are_filled_from_meta_tags() -> None:
    data = {"@type": "Article", "headline": "Chỉ có tiêu đề"}
    got = extract_metadata(tree(ld(data) + OPEN_GRAPH), URL)
    assert got.headline == "Chỉ có tiêu đề"
    assert got.category == "Kinh tế"


def test_time_inside_the_article_not_the_header_clock() -> None:
    body = (
        '<header><div class="header-date"><time datetime="2024-11-28">Thứ Năm, 28/11/2024</time>'
        "</div></header><main><div class='today'><time datetime='2024-11-27'>27/11/2024</time>"
        "</div><article><h1>Tin</h1><time datetime='2024-02-13T10:15:00+07:00'>"
        "13/02/2024 10:15</time></article></main>"
    )
    got = extract_metadata(tree(body=body), URL)
    assert got.published == "2024-02-13T10:15:00+07:00"
    assert got.dateline == "13/02/2024 10:15"


def test_clock_only_gives_no_date() -> None:
    body = '<header><time class="today" datetime="2024-11-28">28/11/2024</time></header><p>x</p>'
    got = extract_metadata(tree(body=body), URL)
    assert got.published is None and got.dateline is None


def test_empty_page_gives_nothing() -> None:
    got = extract_metadata(tree(lang=""), URL)
    assert got.headline is None and got.paragraphs is None and got.language is None


def test_entities_are_decoded_also_when_escaped_twice() -> None:
    data = dict(
        ARTICLE,
        headline="Ch&#237;nh s&#225;ch m&#7899;i",
        description="Chi&amp;#7871;n s&amp;#7921;",
        author={"@type": "Person", "name": "NH&#7852;T XU&#194;N"},
    )
    got = extract_metadata(tree(ld(data)), URL)
    assert (got.headline, got.sapo, got.byline) == ("Chính sách mới", "Chiến sự", "NHẬT XUÂN")


def test_meta_contents_escaped_twice_are_decoded() -> None:
    head = '<meta property="og:title" content="Gi&amp;#225; v&amp;#224;ng">'
    assert extract_metadata(tree(head), URL).headline == "Giá vàng"


def test_an_organisation_is_no_author_and_one_comma_joined_tag_is_split() -> None:
    data = dict(ARTICLE, author={"@type": "Organization", "name": "VnExpress"})
    head = ld(data) + '<meta property="article:tag" content="Nhà máy điện rác,BWE, Điện rác">'
    got = extract_metadata(tree(head), URL)
    assert got.byline is None
    assert from_meta_tags(tree(head)).tags == ["Nhà máy điện rác", "BWE", "Điện rác"]


def test_facts_for_the_visible_page() -> None:
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 2, "item": {"@id": "/kd/tc", "name": "Tài chính"}},
        {"@type": "ListItem", "position": 1, "item": {"@id": "/kd", "name": "Kinh doanh"}},
    ]}  # fmt: skip
    publisher = {"@type": "NewsMediaOrganization", "name": "Báo Dân Trí"}
    head = (
        ld(ARTICLE) + ld(crumbs) + ld(publisher)
        + '<meta property="og:site_name" content="Dân trí">'
        + '<meta name="keywords" content="vàng, giá vàng">'
    )  # fmt: skip
    facts = read_metadata(tree(head), URL).facts
    assert facts.breadcrumb == ["Kinh doanh", "Tài chính"]
    assert {"Dân trí", "Báo Dân Trí"} <= set(facts.site_names)
    assert facts.keywords == ["vàng", "giá vàng"]
    assert facts.article_typed and ARTICLE["headline"] in facts.titles
