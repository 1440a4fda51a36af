"""Generic body extraction on built news pages and on real benchmark pages."""

from __future__ import annotations

import gzip
import json
import unicodedata

import lxml.html
import pytest
from lxml import etree

from bench.extraction import match, scores
from pipelines.generic import extract_body
from tests.realpages import BENCHMARK, needs_benchmark

DATASET = BENCHMARK
needs_dataset = needs_benchmark

BODY = [
    "Chiều 22/9, Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh tổ chức Hội nghị đánh giá "
    "công tác phối hợp giai đoạn 2012-2017 và ký kết quy chế phối hợp giai đoạn 2017-2022.",
    "Thực hiện quy chế phối hợp từ tháng 5/2012, hàng năm lãnh đạo hai đơn vị làm việc, "
    "trao đổi thông tin về những vấn đề trong lĩnh vực giáo dục lý luận chính trị; đào tạo, "
    "bồi dưỡng cán bộ; nghiên cứu khoa học và tổng kết thực tiễn.",
    "Kết quả phối hợp",
    "Hai đơn vị thường xuyên trao đổi, cung cấp thông tin liên quan đến công tác chuyên môn; "
    "phối hợp tổ chức các lớp tập huấn, hội thảo khoa học, xây dựng chương trình bồi dưỡng.",
    "5 năm qua, sự phối hợp đã góp phần làm tốt công tác tham mưu cho Tỉnh ủy, nâng cao chất "
    "lượng đào tạo, hướng dẫn và kiểm tra việc thực hiện công tác giáo dục lý luận chính trị.",
]
CAPTION = "Quang cảnh hội nghị. Ảnh: Thanh Lê"
BOILERPLATE = [
    "Trang chủ",
    "Thời sự",
    "TIN LIÊN QUAN",
    "Nghệ An phát động phong trào thi đua yêu nước năm 2017",
    CAPTION,
    "Đọc nhiều",
    "Tỉnh Nghệ An tổ chức lễ kỷ niệm, nhiều hoạt động văn hóa, thể thao được tổ chức",
    "Ý kiến bạn đọc",
    "Bài viết rất hay, cảm ơn tác giả, mong báo tiếp tục đưa tin về công tác tuyên giáo",
    "Chia sẻ",
    "Cơ quan chủ quản: Tỉnh ủy Nghệ An",
    "22/09/2017 17:30",
]


def news_page() -> str:
    """A Vietnamese news page: menu, breadcrumbs, sidebar, related box, comments, footer."""
    teasers = "".join(
        f'<li><a href="/a-{i}.html">Tin số {i} trong ngày về hoạt động của tỉnh Nghệ An</a>'
        f"<p>Tỉnh Nghệ An tổ chức lễ kỷ niệm, nhiều hoạt động văn hóa, thể thao được tổ chức"
        f" {i}</p></li>"
        for i in range(6)
    )
    p = [f"<p>{text}</p>" for text in BODY]
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Ký quy chế phối hợp</title><script>var x = "Tin liên quan, bình luận, chia sẻ";</script>
<style>.a {{ color: red }}</style></head><body>
<div id="header"><ul class="menu"><li><a href="/">Trang chủ</a></li>
<li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li></ul></div>
<div class="wrapper"><div class="main-col">
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/thoi-su">Thời sự</a></div>
<h1 id="title">Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh ký quy chế phối hợp</h1>
<div id="date">22/09/2017 17:30</div>
<div class="social-share"><a href="#">Chia sẻ</a> <a href="#">Facebook</a></div>
<div id="content" class="detail-content">{p[0]}
<table class="image" align="center"><tr><td><img src="/a.jpg" alt="{CAPTION}"></td></tr>
<tr><td class="image_desc">{CAPTION}</td></tr></table>
{p[1]}<table class="rl"><tr><td><b>TIN LIÊN QUAN</b><br>
<a href="/b.html">Nghệ An phát động phong trào thi đua yêu nước năm 2017</a><br>
<a href="/c.html">Hội nghị báo cáo viên tháng 9</a></td></tr></table>
<h2>{BODY[2]}</h2>{p[3]}<div class="ads"><a href="http://ads.example/">Quảng cáo</a></div>
{p[4]}<p>&nbsp;</p></div>
<div class="tags">Từ khóa: <a href="/t/1">tuyên giáo</a> <a href="/t/2">chính trị</a></div>
<div id="comments"><h3>Ý kiến bạn đọc</h3>
<div class="comment-item"><p>Bài viết rất hay, cảm ơn tác giả, mong báo tiếp tục đưa tin về
công tác tuyên giáo, lý luận chính trị, đào tạo cán bộ của tỉnh nhà.</p></div></div>
</div><div class="sidebar"><h3>Đọc nhiều</h3><ul>{teasers}</ul></div></div>
<div class="footer"><p>Cơ quan chủ quản: Tỉnh ủy Nghệ An, số 1 đường Trường Thi.</p></div>
</body></html>"""


def squash(text: str) -> str:
    return " ".join(text.split())


def body_text(paragraphs: list[str]) -> str:
    return squash(" ".join(paragraphs))


def test_news_page_gives_body_in_order() -> None:
    paragraphs = extract_body(lxml.html.fromstring(news_page()), "https://example.vn/a-1.html")
    assert paragraphs == BODY


@pytest.mark.parametrize("snippet", BOILERPLATE)
def test_news_page_leaves_out_boilerplate(snippet: str) -> None:
    paragraphs = extract_body(lxml.html.fromstring(news_page()), "https://example.vn/a-1.html")
    assert squash(snippet) not in body_text(paragraphs)


def test_tree_is_not_modified() -> None:
    tree = lxml.html.fromstring(news_page())
    before = lxml.html.tostring(tree)
    extract_body(tree, "https://example.vn/a-1.html")
    assert lxml.html.tostring(tree) == before


def test_whitespace_and_invisible_characters_are_normalised() -> None:
    words = "Người dân\u00a0xã Nghi Phong,\n  huyện Nghi Lộc đã\u200b thu hoạch xong vụ lúa hè thu"
    html = f"<html><body><div class='post'><p>{words}.</p><p>{words}, năng suất cao.</p>" + (
        f"<p>{words}; giá bán ổn định.</p></div></body></html>"
    )
    paragraphs = extract_body(lxml.html.fromstring(html), "https://example.vn/x.html")
    clean = "Người dân xã Nghi Phong, huyện Nghi Lộc đã thu hoạch xong vụ lúa hè thu"
    assert paragraphs == [f"{clean}.", f"{clean}, năng suất cao.", f"{clean}; giá bán ổn định."]


def test_a_page_in_nfd_reads_as_nfc() -> None:
    """Text comes out NFC, and box labels ("Tin liên quan:") are known in either form."""
    article = "".join(f"<p>{text}</p>" for text in BODY[:2]) + "<p>Tin liên quan:</p>"
    html = f"<html><body><div class='post'>{article}<p>{BODY[3]}</p></div></body></html>"
    nfd = unicodedata.normalize("NFD", html)
    assert nfd != html
    paragraphs = extract_body(lxml.html.fromstring(nfd), "https://example.vn/a-1.html")
    assert paragraphs == [*BODY[:2], BODY[3]]


def test_line_breaks_split_paragraphs_of_a_bare_text_container() -> None:
    lines = [
        f"Đoạn văn thứ {i}, kể lại diễn biến của sự việc một cách chi tiết và đầy đủ."
        for i in range(4)
    ]
    html = "<html><body><td class='content'>" + "<br><br>".join(lines) + "</td></body></html>"
    assert extract_body(lxml.html.fromstring(html), "https://example.vn/x.html") == lines


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>t</title></head></html>",
        "<html><head><script>var a = 1, b = 2, c = 3;</script></head><body>"
        "<script>document.write('Lorem ipsum, dolor sit amet, consectetur adipiscing')</script>"
        "<style>p { margin: 0 }</style></body></html>",
        "<html><body><p></p><div> \u00a0 </div></body></html>",
        "<html><body><nav><p>Trang chủ, Thời sự, Kinh tế, Xã hội, Thể thao, Pháp luật</p></nav>"
        "</body></html>",
    ],
)
def test_pages_without_prose_give_nothing(html: str) -> None:
    assert extract_body(lxml.html.fromstring(html), "https://example.vn/") == []


def test_fragment_without_body_element() -> None:
    tree = lxml.html.fragment_fromstring(
        "<div><p>" + ", ".join(BODY) + "</p><p>" + BODY[1] + "</p></div>"
    )
    assert extract_body(tree, "https://example.vn/") == [", ".join(BODY), BODY[1]]


def test_absurdly_deep_tree_gives_nothing_without_raising() -> None:
    root = lxml.html.fromstring("<html><body></body></html>")
    node = root.find("body")
    for _ in range(5000):
        node = etree.SubElement(node, "div")
    node.text = BODY[0]
    assert extract_body(root, "https://example.vn/") == []


def _benchmark(key: str) -> tuple[lxml.html.HtmlElement, str, str]:
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))[key]
    html = gzip.decompress((DATASET / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
    return lxml.html.fromstring(html), truth["url"], truth["articleBody"]


# A spread of languages and layouts, each with boilerplate printed on the page.
SAMPLE = {
    "0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2": "광고제휴문의",
    "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1": "Подписка на рассылку",
    "57b4dafd18cfd0531b69f81e87158648227c673ef159f8d8c87d34e34bdb21f2": "Zurück zur Übersicht",
    "85439e26c41c75901820d01a13e8cea7836abb58635ea3986f71a163ab0311d3": "受付時間：平日9:00〜18:00",
    "23aaecd14171f96cfd201a8a46666097e286ad71f74f29347a78c5ecba50da1e": "Deixe uma resposta",
    "098bb3e96c0acdf36efdcde45fb9cca3f8c82c7cb2071b76097a1b96155f1eb2": "Terms of Service",
    "db6b0816c612296c7f1f001c6df874214fcca0da0fc86fb3aea9358c7f681754": "Hearst Communications",
    "8e3efab59f48fd29a1e1e7aa135880c4251a9f090f94999668cdbaec59d30b5a": "Posted by Michael",
}


@needs_dataset
@pytest.mark.parametrize(("key", "boilerplate"), SAMPLE.items(), ids=[k[:8] for k in SAMPLE])
def test_benchmark_page(key: str, boilerplate: str) -> None:
    tree, url, true_body = _benchmark(key)
    before = lxml.html.tostring(tree)
    paragraphs = extract_body(tree, url)
    f1, precision, recall = scores([match(true_body, "\n\n".join(paragraphs))])
    assert f1 >= 0.9, (f1, precision, recall)
    assert boilerplate not in body_text(paragraphs)
    assert all(p and p == squash(p) for p in paragraphs)
    assert lxml.html.tostring(tree) == before


@needs_dataset
def test_benchmark_spread_f1_above_floor() -> None:
    """Every twelfth page of the dataset (16 pages): a floor well below the full-set figure."""
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    triples = []
    for key in sorted(truth)[::12]:
        tree, url, true_body = _benchmark(key)
        triples.append(match(true_body, "\n\n".join(extract_body(tree, url))))
    f1, precision, recall = scores(triples)
    assert f1 >= 0.9, (f1, precision, recall)
    assert all(tp > 0 for tp, _, _ in triples)
