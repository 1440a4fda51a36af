from __future__ import annotations

import pytest

from pipelines.bylines import is_outlet, looks_like_byline, split_byline


@pytest.mark.parametrize(
    ("byline", "authors", "source"),
    [
        ("Thanh Lê", ["Thanh Lê"], None),
        ("Thanh Lê.", ["Thanh Lê"], None),
        ("Thành Chung - Hoài Thu", ["Thành Chung", "Hoài Thu"], None),
        ("Thành Chung – Hoài Thu", ["Thành Chung", "Hoài Thu"], None),
        ("Minh Quân, Hoàng Vĩnh", ["Minh Quân", "Hoàng Vĩnh"], None),
        ("Minh Quân và Hoàng Vĩnh", ["Minh Quân", "Hoàng Vĩnh"], None),
        ("Minh Quân & Hoàng Vĩnh", ["Minh Quân", "Hoàng Vĩnh"], None),
        ("Thanh Lê/Hoài Thu", ["Thanh Lê", "Hoài Thu"], None),
        ("Theo TTXVN", ["TTXVN"], "TTXVN"),
        ("(Theo VTV)", ["VTV"], "VTV"),
        ("Theo Báo Tuổi Trẻ", ["Báo Tuổi Trẻ"], "Báo Tuổi Trẻ"),
        ("Nhóm PV", ["Nhóm PV"], None),
        ("Nhóm P.V thực hiện", ["Nhóm P.V"], None),
        ("Nhóm phóng viên", ["Nhóm phóng viên"], None),
        ("Bài, ảnh: Xuân Hoàng", ["Xuân Hoàng"], None),
        ("Bài và ảnh: Xuân Hoàng", ["Xuân Hoàng"], None),
        ("Bài & ảnh: Xuân Hoàng", ["Xuân Hoàng"], None),
        ("Bài: Thanh Lê - Ảnh: Đức Anh", ["Thanh Lê", "Đức Anh"], None),
        ("Thực hiện: Nhóm PV", ["Nhóm PV"], None),
        ("Vũ Ngọc Thiện/ VnExpress", ["Vũ Ngọc Thiện"], "VnExpress"),
        ("Tiến Đông / TTXVN", ["Tiến Đông"], "TTXVN"),
        ("Lê Thanh - Công Kiên/Báo Nghệ An", ["Lê Thanh", "Công Kiên"], "Báo Nghệ An"),
        ("Minh Anh (TTXVN)", ["Minh Anh"], "TTXVN"),
        ("Minh Anh (Theo VnExpress)", ["Minh Anh"], "VnExpress"),
        ("Hà Anh (tổng hợp)", ["Hà Anh"], None),
        ("Hà Anh (T/h)", ["Hà Anh"], None),
        ("Thanh\u00a0Lê", ["Thanh Lê"], None),
        ("", [], None),
        (None, [], None),
    ],
)
def test_split_byline(byline: str | None, authors: list[str], source: str | None) -> None:
    assert split_byline(byline) == (authors, source)


def test_duplicate_names_count_once() -> None:
    assert split_byline("Thanh Lê - Thanh Lê") == (["Thanh Lê"], None)


@pytest.mark.parametrize(
    "name",
    ["TTXVN", "VTV", "VnExpress", "Báo Nghệ An", "Tạp chí Cộng sản", "dantri.com.vn", "Tuổi Trẻ"],
)
def test_outlets(name: str) -> None:
    assert is_outlet(name)


@pytest.mark.parametrize("name", ["Thanh Lê", "Hoài Thu", "Vũ Ngọc Thiện", "Lan"])
def test_people_are_not_outlets(name: str) -> None:
    assert not is_outlet(name)


@pytest.mark.parametrize(
    "text",
    [
        "Thanh Lê",
        "Thành Chung - Hoài Thu",
        "Theo TTXVN",
        "Nhóm PV",
        "Nhóm P.V thực hiện",
        "Bài, ảnh: Xuân Hoàng",
        "Vũ Ngọc Thiện/ VnExpress",
        "Hà Anh (tổng hợp)",
        "PV",
    ],
)
def test_signature_paragraphs_look_like_bylines(text: str) -> None:
    assert looks_like_byline(text)


@pytest.mark.parametrize(
    "text",
    [
        "Theo đó, hai bên thống nhất tăng cường phối hợp.",
        "Theo đó",
        "Kết quả phối hợp nổi bật",
        "NỖ LỰC VƯỢT KHÓ",
        "Hội nghị diễn ra thành công tốt đẹp.",
        "Năm 2024 có 12 hội thảo",
        "Ai sẽ thắng?",
        "Tin liên quan:",
        "“Thanh Lê”",
        "",
        "Một câu rất dài " * 10,
    ],
)
def test_prose_does_not_look_like_a_byline(text: str) -> None:
    assert not looks_like_byline(text)
