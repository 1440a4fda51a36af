from __future__ import annotations

import unicodedata

import lxml.html
import pytest

from pipelines.text import clean_text, element_text, fold_diacritics, paragraphs_of, text_blocks


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nghệ\u00a0An", "Nghệ An"),  # no-break space
        ("Nghệ\u202fAn", "Nghệ An"),  # narrow no-break space
        ("thu\u200bận lợi", "thuận lợi"),  # zero-width space inside a word
        ("đẹ\u00adp", "đẹp"),  # soft hyphen
        ("\ufeffBáo", "Báo"),  # BOM
        ("a\u2060b\u200c\u200dc", "abc"),
        ("  nhiều   khoảng\t\ttrắng \n dòng  ", "nhiều khoảng trắng dòng"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_text_folds_spaces_and_drops_invisible(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_composes_nfd_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Trường Chính trị tỉnh")
    assert nfd != "Trường Chính trị tỉnh"
    assert clean_text(nfd) == "Trường Chính trị tỉnh"


def test_zero_width_between_letter_and_mark_still_composes() -> None:
    assert clean_text("e\u200b\u0301") == "é"


def test_tone_placement_is_kept_as_published() -> None:
    assert clean_text("hoà bình") == "hoà bình"
    assert clean_text("hòa bình") == "hòa bình"
    assert clean_text("thuỷ lợi") != clean_text("thủy lợi")


def test_keep_newlines_cleans_each_line() -> None:
    assert clean_text(" a \u00a0 b \n\n  \n c ", keep_newlines=True) == "a b\nc"


def test_element_text_keeps_br_as_newline_and_skips_scripts() -> None:
    el = lxml.html.fromstring("<p>Dòng  một<br>dòng <b>hai</b><script>x()</script></p>")
    assert element_text(el) == "Dòng một\ndòng hai"
    assert element_text(None) == ""


def test_source_line_breaks_are_spaces_and_only_br_breaks_a_line() -> None:
    el = lxml.html.fromstring("<div><p>Một hai\nba   bốn<br>năm\r\nsáu</p>\n<p>\n bảy\n</p></div>")
    assert element_text(el) == "Một hai ba bốn\nnăm sáu\nbảy"
    assert element_text(lxml.html.fromstring("<p>\n  một\n  hai \n</p>")) == "một hai"


def test_element_text_separates_blocks() -> None:
    el = lxml.html.fromstring("<div><p>Một</p><p>Hai</p>ba</div>")
    assert element_text(el) == "Một\nHai\nba"


def test_paragraphs_of_walks_blocks_in_order_and_skips() -> None:
    el = lxml.html.fromstring(
        "<div>rời <b>đậm</b><p>Đoạn 1<br>tiếp</p>giữa<div><p>trong</p></div>"
        "<div class='ads'>Quảng cáo</div>đuôi<style>p{}</style></div>"
    )
    skip = lambda e: e.get("class") == "ads"  # noqa: E731
    assert paragraphs_of(el, skip) == ["rời đậm", "Đoạn 1\ntiếp", "giữa", "trong", "đuôi"]


def test_text_blocks_report_their_owner() -> None:
    el = lxml.html.fromstring("<div><p id='a'>x</p>y</div>")
    owners = [(owner.tag, text) for owner, text in text_blocks(el, lambda e: False)]
    assert owners == [("p", "x"), ("div", "y")]


def test_fold_diacritics_is_a_comparison_key() -> None:
    assert fold_diacritics("Báo Nghệ An") == "bao nghe an"
    assert fold_diacritics("Đà Nẵng") == "da nang"
