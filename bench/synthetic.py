"""Synthetic archived articles for benchmarks: records and raw OneCMS-style pages.

Text is made of real Vietnamese news sentences (the saved fixture pages'
expected records) shuffled per article, with place names and numbers varied,
so word frequencies look like a news archive: some words are in most articles,
place names in a few. Sizes follow the real pages: a body of about 4-6 kB, a
raw page of about 45 kB with the site's header, sidebar and inline scripts.
Everything is seeded: the same seed gives the same archive.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Any

from storage.fts import fold

REPO = Path(__file__).resolve().parents[1]
VIETNAM = timezone(timedelta(hours=7))
FIRST_DAY = datetime(2015, 1, 1, 6, 0, tzinfo=VIETNAM)
SPAN = timedelta(days=3800)
SECTIONS = (
    ("thoi-su", "Thời sự"), ("kinh-te", "Kinh tế"), ("xa-hoi", "Xã hội"),
    ("the-thao", "Thể thao"), ("suc-khoe", "Sức khỏe"), ("phap-luat", "Pháp luật"),
    ("quoc-te", "Quốc tế"), ("giao-duc", "Giáo dục"), ("giai-tri", "Giải trí"),
)
PLACES = (
    "Vinh", "Cửa Lò", "Thái Hòa", "Hoàng Mai", "Quỳnh Lưu", "Diễn Châu", "Yên Thành",
    "Nghi Lộc", "Hưng Nguyên", "Nam Đàn", "Thanh Chương", "Đô Lương", "Anh Sơn", "Con Cuông",
    "Tương Dương", "Kỳ Sơn", "Quế Phong", "Quỳ Châu", "Quỳ Hợp", "Nghĩa Đàn", "Tân Kỳ",
)
AUTHORS = (
    "Thanh Lê", "Thành Chung", "Hoài Thu", "Minh Quân", "Đức Anh", "Thu Huyền", "Quang An",
    "Phú Hương", "Đình Tuyên", "Mai Hoa", "Trần Châu", "Nhật Lân", "Công Kiên", "Lâm Tùng",
)
TAGS = (
    "Nghệ An", "thời tiết", "giao thông", "nông nghiệp", "đầu tư", "y tế", "giáo dục",
    "bóng đá", "Sông Lam Nghệ An", "an toàn giao thông", "chuyển đổi số", "du lịch",
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, kw_only=True)
class SyntheticPage:
    """A raw page as the crawler stores it (fits ``storage.records.RawPage``)."""

    url: str
    final_url: str
    status: int = 200
    headers: dict[str, str] = field(
        default_factory=lambda: {"content-type": "text/html; charset=utf-8"}
    )
    body: bytes
    fetched_at: datetime


def sentence_pool() -> list[str]:
    """Real sentences from the saved fixture pages' expected records."""
    pool: set[str] = set()
    for path in sorted(REPO.glob("tests/fixtures/pages/*/*/expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        for name in ("headline", "sapo", "body"):
            value = expected.get(name)
            if isinstance(value, str):
                sentences = SENTENCE_END.split(" ".join(value.split()))
                pool.update(s for s in sentences if len(s) > 30)
    return sorted(pool)


class ArticleFactory:
    """Makes article *n* of an archive: its record and its raw page."""

    def __init__(self, total: int, seed: int = 20240501) -> None:
        self.total = total
        self.seed = seed
        self.pool = [s for s in sentence_pool() if not s.startswith("(Baonghean")]

    def article(self, n: int) -> tuple[dict[str, Any], SyntheticPage]:
        rng = random.Random(self.seed * 1_000_003 + n)
        moment = FIRST_DAY + SPAN * n / self.total + timedelta(minutes=rng.randrange(600))
        published = moment.replace(second=0, microsecond=0)
        slug, section = SECTIONS[rng.randrange(len(SECTIONS))]
        authors = rng.sample(AUTHORS, rng.choice((1, 1, 2)))
        headline = self._headline(rng)
        url = f"https://baonghean.vn/{self._slug(headline)}-{10_000_000 + n}.html"
        record: dict[str, Any] = {
            "url": url, "canonical_url": url, "site": "baonghean.vn",
            "article_id": str(10_000_000 + n), "headline": headline,
            "sapo": "(Baonghean.vn) - " + self._sentences(rng, 2),
            "dateline": published.strftime("%d/%m/%Y %H:%M"),
            "published_at": published.isoformat(), "updated_at": None,
            "byline": " - ".join(authors), "authors": authors, "source": None,
            "body": "\n\n".join(self._sentences(rng, rng.randint(2, 4)) for _ in range(10)),
            "captions": self._captions(rng, published, authors[0]),
            "category": section, "tags": rng.sample(TAGS, rng.randint(2, 4)),
            "language": "vi", "extractor": "onecms", "fetched_at": None,
        }
        fetched = published.astimezone(UTC) + timedelta(hours=rng.randint(1, 48))
        record["fetched_at"] = fetched.isoformat(timespec="seconds")
        body = page_html(record, slug, self._sidebar(rng)).encode("utf-8")
        return record, SyntheticPage(url=url, final_url=url, body=body, fetched_at=fetched)

    def _sentences(self, rng: random.Random, count: int) -> str:
        chosen = [rng.choice(self.pool) for _ in range(count)]
        place = rng.choice(PLACES)
        number = rng.randint(2, 2000)
        return " ".join(chosen).replace("Nghệ An", f"{place}, Nghệ An", 1) + f" ({number})"

    def _headline(self, rng: random.Random) -> str:
        words = rng.choice(self.pool).rstrip(".").split()
        return " ".join(words[: rng.randint(7, 13)]) + f" ở {rng.choice(PLACES)}"

    @staticmethod
    def _slug(headline: str) -> str:
        return "-".join(re.findall(r"[a-z0-9]+", fold(headline)))[:90].strip("-")

    def _captions(self, rng: random.Random, day: datetime, author: str) -> list[dict[str, Any]]:
        folder = day.strftime("%Y/%m/%d")
        return [
            {
                "caption": f"{rng.choice(self.pool).rstrip('.')}. Ảnh: {author}",
                "image_url": f"https://bna.1cdn.vn/{folder}/anh-{rng.randrange(10**6)}.jpg",
                "credit": author,
            }
            for _ in range(rng.randint(1, 3))
        ]

    def _sidebar(self, rng: random.Random) -> list[str]:
        return [self._headline(rng) for _ in range(20)]


def page_html(record: dict[str, Any], section_slug: str, sidebar: list[str]) -> str:
    """The article as a OneCMS page (the layout the site serves since 2024)."""
    paragraphs = record["body"].split("\n\n")
    figures = [
        f'<figure><img src="{escape(c["image_url"])}" alt="">'
        f"<figcaption>{escape(c['caption'])}</figcaption></figure>"
        for c in record["captions"]
    ]
    body = []
    for i, paragraph in enumerate(paragraphs):
        body.append(f'<p class="align-justify">{escape(paragraph)}</p>')
        if i % 3 == 0 and figures:
            body.append(figures.pop(0))
    body.extend(figures)
    tags = "".join(f'<li><h4><a href="/tag/x">{escape(t)}</a></h4></li>' for t in record["tags"])
    latest = "".join(
        f'<div class="b-grid"><h3 class="b-grid__title"><a href="/tin-{i}.html">{escape(h)}</a>'
        f'</h3><div class="b-grid__desc">(Baonghean.vn) - {escape(h)}.</div></div>'
        for i, h in enumerate(sidebar)
    )
    return TEMPLATE.format(
        title=escape(record["headline"]), sapo=escape(record["sapo"]), url=escape(record["url"]),
        section_slug=section_slug, section=escape(record["category"]),
        byline=escape(record["byline"]), dateline=escape(record["dateline"]),
        body="\n".join(body), tags=tags, latest=latest, script=INLINE_SCRIPT,
    )


INLINE_SCRIPT = "\n".join(
    f"window.__zone{i} = {{id: {i * 7919 % 10007}, slot: 'sidebar-{i}', lazy: true, "
    f"sizes: [[300, 250], [300, 600]], targeting: {{section: 's{i % 13}', pos: {i}}}}};"
    for i in range(300)
)
TEMPLATE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{title} - Báo Nghệ An</title>
<meta name="description" content="{sapo}">
<meta property="og:title" content="{title}"><meta property="og:url" content="{url}">
<link rel="canonical" href="{url}">
<script>{script}</script>
</head><body class="page-detail">
<header class="c-header"><nav class="c-menu"><ul class="c-menu__list">
<li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li>
<li><a href="/xa-hoi">Xã hội</a></li><li><a href="/the-thao">Thể thao</a></li>
</ul></nav></header>
<main class="l-main"><div class="l-container"><div class="l-content">
<div class="c-news-detail"><div class="b-maincontent">
<ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">Trang chủ</a></li>
<li class="breadcrumb-item"><a href="/{section_slug}">{section}</a></li></ol>
<article class="entry entry-no-padding">
<div class="sc-longform-header"><div class="sc-longform-header-text">
<h1 class="sc-longform-header-title block-sc-title">{title}</h1>
<div class="sc-longform-header-meta">
<span class="sc-longform-header-author block-sc-author">{byline}</span>
<span class="sc-longform-header-date block-sc-publish-time">{dateline}</span></div>
<p class="sc-longform-header-sapo block-sc-sapo">{sapo}</p>
</div></div>
{body}
</article>
<div class="c-widget-tags onecms__tags"><ul>{tags}</ul></div>
</div></div></div>
<aside class="l-sidebar"><div class="c-box c-box--latest"><h2 class="c-box__title">Tin mới</h2>
{latest}</div></aside>
</div></main>
<footer class="c-footer">
<p>BÁO NGHỆ AN - CƠ QUAN CỦA ĐẢNG BỘ ĐẢNG CỘNG SẢN VIỆT NAM TỈNH NGHỆ AN</p></footer>
<script src="/assets/js/app.min.js"></script></body></html>
"""
