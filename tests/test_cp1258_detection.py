"""Undeclared windows-1258 (older Vietnamese pages) is recognised wherever its text starts."""

from __future__ import annotations

import unicodedata

import pytest

from pipelines.decode import decode_html, looks_cp1258
from tests.hostile_pages import cp1258

TEXT = ("Chiều 22/9, Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh tổ chức Hội nghị đánh giá "
        "công tác phối hợp giai đoạn 2012-2017. Quang cảnh hội nghị. Ảnh: Thanh Lê")
WESTERN = {
    "it": "Perché la città è così bella? Però può piovere più spesso, lunedì e martedì.",
    "fr": "Le café où nous étions était plein; déjà vu, à côté de la forêt. Noël, où êtes-vous?",
    "pt": "Informações não disponíveis; a situação é difícil, mas não impossível. Ações, irmãos.",
    "es": "El niño comió piña en el año pasado; acción, canción, corazón. ¿Dónde está el baño?",
}


@pytest.mark.parametrize("head", [0, 70_000, 300_000])
def test_undeclared_windows_1258_after_a_long_ascii_head(head: int) -> None:
    script = f"<script>var a = '{'x' * head}';</script>" if head else ""
    page = f"<html><head>{script}<title>Tin</title></head><body><p>{TEXT}</p></body></html>"
    assert decode_html(cp1258(page), {"content-type": "text/html"}) == (
        unicodedata.normalize("NFC", page))


def test_short_undeclared_windows_1258_line() -> None:
    line = "<p>Nghệ An tổng kết công tác xây dựng Đảng</p>"
    assert looks_cp1258(cp1258(line))
    assert decode_html(cp1258(line)) == line


@pytest.mark.parametrize("language", sorted(WESTERN))
def test_western_text_is_not_taken_for_vietnamese(language: str) -> None:
    assert not looks_cp1258(WESTERN[language].encode("cp1252"))
    assert not looks_cp1258(TEXT.encode("utf-8"))
