"""Bylines: who wrote a story, and which other outlet it is credited to.

Rules (Vietnamese news conventions):

* several authors are joined by " - ", ",", ";", " và ", " & ":
  "Thành Chung - Hoài Thu" -> ["Thành Chung", "Hoài Thu"];
* role labels are dropped: "Bài, ảnh: Xuân Hoàng", "Bài và ảnh:", "Bài: A - Ảnh: B",
  "Thực hiện:", "Tác giả:", "PV:", "Nhóm P.V thực hiện" (the trailing "thực hiện",
  "carried out by");
* a group byline is one author, kept as printed: "Nhóm PV" -> ["Nhóm PV"],
  "Nhóm P.V thực hiện" -> ["Nhóm P.V"];
* "Theo TTXVN" (story taken from an agency or outlet) -> authors ["TTXVN"] and
  source "TTXVN": the agency is both the only credited author and the source;
* "Vũ Ngọc Thiện/ VnExpress", "Minh Anh (TTXVN)", "Minh Anh (Theo VnExpress)" ->
  author ["Vũ Ngọc Thiện"], source "VnExpress"; a slash between two personal
  names ("Thanh Lê/Hoài Thu") separates two authors instead;
* editorial notes "(tổng hợp)", "(T/h)", "(lược dịch)" are dropped.
"""

from __future__ import annotations

import re

from pipelines.text import clean_text

_ROLE = (
    r"(?:bài|ảnh|tin|video|clip|đồ\s*họa|đồ\s*hoạ|thiết\s*kế|trình\s*bày|thực\s*hiện|"
    r"ghi\s*chép|ghi|biên\s*dịch|dịch|nhóm\s*thực\s*hiện|quay\s*phim|dựng|kỹ\s*thuật|"
    r"tác\s*giả|phóng\s*viên|pv|btv|biên\s*tập(?:\s*viên)?|người\s*viết|author|by)"
)
_ROLE_LABEL = re.compile(rf"(?<!\w){_ROLE}(?:\s*(?:,|/|&|\+|và)\s*{_ROLE})*\s*:\s*", re.IGNORECASE)
_DONE_BY = re.compile(r"\s+thực\s+hiện\s*$", re.IGNORECASE)
_THEO = re.compile(r"^\s*\(?\s*theo\s+(.+?)\s*\)?\s*$", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)")
_NOTES = frozenset(
    {"tổng hợp", "t/h", "th", "lược dịch", "dịch", "tổng hợp - lược dịch", "biên dịch", "tt"}
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:[;,&–—-]|\bvà\b)\s*", re.IGNORECASE)
_EDGE_PUNCT = " .,;:-–—/|*\"'“”()"
_OUTLETS = frozenset(
    {
        "ttxvn", "vna", "vtv", "vov", "vtc", "vnexpress", "vietnamnet", "vietnamplus",
        "dân trí", "dantri", "tuổi trẻ", "tuoi tre", "thanh niên", "tiền phong",
        "lao động", "nhân dân", "quân đội nhân dân", "qđnd", "công an nhân dân", "cand",
        "zing", "znews", "kênh 14", "kenh14", "vtc news", "reuters", "afp", "ap", "bbc",
        "cnn", "xinhua", "tân hoa xã", "bộ y tế", "chinhphu.vn", "baochinhphu.vn",
    }
)  # fmt: skip
_OUTLET_PREFIX = re.compile(
    r"^(?:báo|tạp\s*chí|đài|cổng|kênh|thông\s*tấn|hãng|trang|theo)\s", re.IGNORECASE
)
_DOMAIN = re.compile(r"\w\.(?:vn|com|net|org)\b", re.IGNORECASE)
# Digits, sentence punctuation at the end, quotes, or a full stop between words.
_NOT_A_NAME = re.compile(r"\d|[!?…:;\"“”]\s*$|\.\.\s*$|[\"“”]|\.\s+\w")
_MAX_BYLINE_CHARS = 90


def split_byline(byline: str | None) -> tuple[list[str], str | None]:
    """(authors, source) from a byline as printed."""
    text = clean_text(byline)
    lowered = text.lower()  # each pattern below needs a word or sign: cheap tests first
    if "theo" in lowered and (theo := _THEO.match(text)) is not None:
        outlet = _strip(theo.group(1))
        return ([outlet], outlet) if outlet else ([], None)
    source = None
    if "(" in text:
        text, source = _take_parenthetical_source(text)
    if ":" in text:
        text = _ROLE_LABEL.sub(" - ", text)
    text = text.strip(_EDGE_PUNCT)
    if "hiện" in lowered:
        text = _DONE_BY.sub("", text)
    authors: list[str] = []
    for part in _AUTHOR_SPLIT.split(text):
        names = [_strip(name) for name in part.split("/")]
        names = [name for name in names if name]
        if len(names) > 1 and is_outlet(names[-1]):
            source = source or names.pop()
        authors.extend(names)
    return list(dict.fromkeys(authors)), source


def _take_parenthetical_source(text: str) -> tuple[str, str | None]:
    """Remove "(...)" groups: notes are dropped, an outlet becomes the source."""
    source: str | None = None
    for inner in _PAREN.findall(text):
        value = _strip(inner)
        theo = _THEO.match(value)
        if theo is not None:
            source = source or _strip(theo.group(1))
        elif value.lower() not in _NOTES and is_outlet(value):
            source = source or value
    return _PAREN.sub(" ", text), source


def _strip(name: str) -> str:
    """Edge punctuation off ("Thanh Lê." -> "Thanh Lê"); inner dots stay ("P.V")."""
    return clean_text(name).strip(_EDGE_PUNCT)


def is_outlet(name: str) -> bool:
    """True for a news outlet or agency name rather than a person."""
    value = clean_text(name).strip(_EDGE_PUNCT)
    lowered = value.lower()
    if lowered in _OUTLETS or _OUTLET_PREFIX.match(value) or _DOMAIN.search(value):
        return True
    words = value.split()
    # Acronyms (TTXVN, VTV) and camel-case brands (VnExpress) are outlets.
    if len(words) != 1 or len(value) < 2:
        return False
    return value.isupper() or any(ch.isupper() for ch in value[1:])


def looks_like_byline(text: str | None) -> bool:
    """True for a short signature paragraph: a name, names, "Theo ...", "Bài, ảnh: X"."""
    value = clean_text(text)
    if not value or len(value) > _MAX_BYLINE_CHARS or _NOT_A_NAME.search(value):
        return False
    if "theo" in value.lower() and (theo := _THEO.match(value)) is not None:
        credited = theo.group(1)
        return credited[0].isupper() and len(credited.split()) <= 6 and "," not in credited
    if ":" in value and _ROLE_LABEL.match(value):
        return True
    if value.endswith(".") and len(value.split()) > 5:
        return False
    authors, _ = split_byline(value)
    return bool(authors) and all(_name_like(name) for name in authors)


def _name_like(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 6:
        return False
    if words[0].lower() == "nhóm":
        return True
    if len(words) > 1 and all(word.isupper() for word in words):
        return False  # an all-caps sub-heading, not a name
    return all(word[0].isupper() for word in words)
