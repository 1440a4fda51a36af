from __future__ import annotations

import codecs
import unicodedata
from typing import Any

import pytest

from pipelines.decode import (
    _first_declared,
    codec_name,
    declared_charsets,
    decode_html,
    header_value,
    utf8_html,
)

TEXT = (
    "<html><head><title>Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh ký quy chế phối hợp"
    "</title></head><body><p>Chiều 22/9, Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh tổ "
    "chức Hội nghị đánh giá công tác phối hợp giai đoạn 2012-2017. Quang cảnh hội nghị. "
    "Ảnh: Thanh Lê</p></body></html>"
)
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Bytes as a windows-1258 page holds them: tone marks as separate combining bytes."""
    chars = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        chars.append(base + "".join(c for c in parts if c in TONES))
    return "".join(chars).encode("cp1258")


def test_charset_from_header() -> None:
    body = TEXT.encode("utf-8")
    assert decode_html(body, {"content-type": "text/html; charset=utf-8"}) == TEXT


def test_windows_1258_decodes_to_nfc() -> None:
    body = cp1258(TEXT)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    raw = body.decode("cp1258")
    assert raw != TEXT and unicodedata.normalize("NFC", raw) == TEXT
    assert decode_html(body, {"Content-Type": "text/html; charset=windows-1258"}) == TEXT


def test_charset_from_meta_when_header_has_none() -> None:
    page = TEXT.replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    )
    assert decode_html(cp1258(page), {"content-type": "text/html"}) == page
    page = TEXT.replace("<head>", '<head><meta charset="windows-1258">')
    assert decode_html(cp1258(page), None) == page


def test_wrong_header_charset_falls_back_to_meta() -> None:
    page = TEXT.replace("<head>", '<head><meta charset="windows-1258">')
    assert decode_html(cp1258(page), {"content-type": "text/html; charset=utf-8"}) == page


def test_wrong_header_charset_without_meta_is_detected() -> None:
    assert decode_html(cp1258(TEXT), {"content-type": "text/html; charset=utf-8"}) == TEXT


def test_latin1_default_label_does_not_hide_utf8_or_cp1258() -> None:
    headers = {"content-type": "text/html; charset=ISO-8859-1"}
    assert decode_html(TEXT.encode("utf-8"), headers) == TEXT
    assert decode_html(cp1258(TEXT), headers) == TEXT


def test_real_western_page_stays_western() -> None:
    page = "<p>Café déjà vu, garçon</p>"
    assert (
        decode_html(page.encode("cp1252"), {"content-type": "text/html; charset=iso-8859-1"})
        == page
    )


def test_no_declaration_utf8() -> None:
    assert decode_html(TEXT.encode("utf-8")) == TEXT


def test_utf8_bom_wins_and_is_removed() -> None:
    body = codecs.BOM_UTF8 + TEXT.encode("utf-8")
    assert decode_html(body, {"content-type": "text/html; charset=windows-1252"}) == TEXT


def test_nfd_utf8_page_becomes_nfc() -> None:
    assert decode_html(unicodedata.normalize("NFD", TEXT).encode("utf-8")) == TEXT


def test_a_stray_bad_byte_in_utf8_costs_one_character() -> None:
    body = TEXT.encode("utf-8")
    damaged = body[:40] + b"\xff" + body[40:]
    text = decode_html(damaged, {"content-type": "text/html; charset=utf-8"})
    assert text.replace("\ufffd", "") == TEXT


@pytest.mark.parametrize("body", [b"", b"\x00\xff\xfe\x81 garbage", bytes(range(256))])
def test_never_raises(body: bytes) -> None:
    assert isinstance(decode_html(body, {"content-type": "text/html; charset=nonsense"}), str)


def test_header_value_accepts_bytes_and_lists() -> None:
    headers = {b"Content-Type": [b"text/html; charset=UTF-8"]}
    assert header_value(headers, "content-type") == "text/html; charset=UTF-8"
    assert header_value(None, "content-type") is None


def test_declared_charsets_order_and_aliases() -> None:
    body = b'<meta charset="windows-1258">'
    assert declared_charsets(body, {"content-type": "text/html; charset=utf-8"}) == [
        "utf-8",
        "cp1258",
    ]
    assert codec_name("latin1") == "cp1252"
    assert codec_name("x-unknown") is None


def test_utf8_page_with_a_wrong_single_byte_meta_is_utf8() -> None:
    page = TEXT.replace("<head>", '<head><meta charset="windows-1258">')
    assert decode_html(page.encode("utf-8"), None) == page


def test_cp1258_page_with_few_accents_is_not_read_as_damaged_utf8() -> None:
    page = '<meta charset="windows-1258"><p>Vinh ' + "x" * 2000 + " Hà</p>"
    assert decode_html(cp1258(page), {"content-type": "text/html"}) == page


@pytest.mark.parametrize(
    "text",
    [
        "Tiếng Việt “có dấu” – 25°C, 1.000₫ — Русский 中文 😀",
        unicodedata.normalize("NFD", "Tiếng Việt có dấu"),
        "Ohm \u2126 and CJK compatibility \uf900",
        "e\u0301 after ASCII",
    ],
)
def test_page_bytes_come_out_nfc(text: str) -> None:
    page = f"<html><body><p>{text}</p></body></html>"
    expected = unicodedata.normalize("NFC", page).encode("utf-8")
    assert utf8_html(page.encode("utf-8"), {"content-type": "text/html; charset=utf-8"}) == expected


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {"content-type": "text/html"},
        {"content-type": "text/html; charset=utf-8"},
        {"Content-Type": "text/html; charset=bogus"},
        {b"content-type": [b"text/html; charset=windows-1258"]},
    ],
)
@pytest.mark.parametrize("meta", ["", '<meta charset="windows-1252">', "<META CHARSET=UTF-16>"])
def test_first_declared_charset_is_the_first_of_all_declared(
    headers: dict[Any, Any] | None, meta: str
) -> None:
    body = f"<html><head>{meta}</head><body>x</body></html>".encode()
    declared = declared_charsets(body, headers)
    assert _first_declared(body, headers) == (declared[0] if declared else None)
