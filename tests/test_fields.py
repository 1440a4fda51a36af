"""Field arbitration between the layers (:mod:`pipelines.fields`)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from pipelines.dates import VN_TZ
from pipelines.extract import extract_page
from pipelines.fields import choose_body, people, published
from pipelines.sites.base import Extracted
from tests.test_visible import PROSE, article, page

URL = "https://baomoi.example.vn/thoi-su/nghe-an-don-bao-10285500.html"


def ld_body(text: str) -> str:
    data = {"@type": "NewsArticle", "headline": "Nghệ An đón bão số 4", "articleBody": text}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def test_a_truncated_json_ld_body_never_replaces_the_page_text() -> None:
    got = extract_page(page(article(), ld_body(PROSE[0][:60] + "...")), URL, site_rules=False)
    assert got["extractor"] == "generic" and got["body"] == "\n\n".join(PROSE)


def test_json_ld_body_in_markup_is_read_as_text() -> None:
    markup = "<body><p>" + "</p><p>".join(PROSE) + "</p><p>Thêm một đoạn chỉ có ở đây.</p>"
    html = f"<html><head>{ld_body(markup)}</head><body><div id='app'></div></body>"
    got = extract_page(html.encode(), URL, site_rules=False)
    assert got["body"].split("\n\n") == [*PROSE, "Thêm một đoạn chỉ có ở đây."]


def test_json_ld_body_when_the_page_shows_none() -> None:
    html = f"<html><head>{ld_body(chr(10).join(PROSE))}</head><body><div id='app'></div></body>"
    got = extract_page(html.encode(), URL, site_rules=False)
    assert got["extractor"] == "metadata" and got["body"] == "\n\n".join(PROSE)


def test_json_ld_body_holding_a_short_teaser_page_and_more() -> None:
    shown = Extracted(paragraphs=[PROSE[0]])
    declared = Extracted(paragraphs=PROSE)
    assert choose_body((Extracted(), shown, declared), None) == (PROSE, "metadata")
    other = Extracted(paragraphs=["Một bài khác hẳn, về một chuyện khác hẳn."] * 3)
    assert choose_body((Extracted(), shown, other), None) == ([PROSE[0]], "generic")


AT_1015 = datetime(2024, 11, 27, 10, 15, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("printed", "machine", "expected"),
    [
        (AT_1015, datetime(2024, 11, 27, 10, 15, 42, tzinfo=VN_TZ), "10:15:42"),
        (AT_1015, datetime(2024, 11, 26, 8, 0, tzinfo=VN_TZ), "10:15:00"),
        (AT_1015, date(2024, 11, 27), "10:15:00"),
        (date(2024, 11, 27), AT_1015, "10:15:00"),
        (None, AT_1015, "10:15:00"),
    ],
)
def test_published(
    printed: datetime | date | None, machine: datetime | date, expected: str
) -> None:
    value = published(printed, machine)
    assert isinstance(value, datetime) and value.strftime("%H:%M:%S") == expected


def test_date_only_printed_and_another_day_in_machine_data_keeps_the_printed_date() -> None:
    assert published(date(2024, 11, 27), AT_1015.replace(day=20)) == date(2024, 11, 27)


def test_names_printed_in_capitals_get_normal_case() -> None:
    assert people("NHẬT XUÂN - NGHI VŨ") == (["Nhật Xuân", "Nghi Vũ"], None)
    assert people("Theo TTXVN") == (["TTXVN"], "TTXVN")


def test_cms_shortcodes_are_taken_out_of_a_generic_body() -> None:
    last = f"{PROSE[2]}[gg_video]0B7yQm3kRt9PaZlhXc2VnWm5Uc0E[/gg_video]"
    got = extract_page(page(article(prose=[*PROSE[:2], last])), URL, site_rules=False)
    assert got["body"] == "\n\n".join(PROSE) and "gg_video" not in got["body"]
