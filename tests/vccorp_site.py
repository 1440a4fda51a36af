"""Deterministic static copy of a VCCorp paper (Tuổi Trẻ or CafeF) for end-to-end tests.

The site is written in the platform's structure (:mod:`tests.vccorp_pages`): a home page
with menu, featured stories, hot-topic tags, a video box, an author link and an ad; three
sections whose listing shows two stories and a "Xem thêm" link to the next page
(``/timeline/<zone>/trang-2.htm`` on Tuổi Trẻ, ``/timelinelist/<zone>/2.chn`` on CafeF);
article pages; ``robots.txt`` naming a sitemap index, a monthly sitemap, the RSS feed the
profile reads; and the pages a crawl must never fetch (tag pages ``/<slug>.html``, a video
page, an author page, a search page). Pages carry the real site's absolute
``https://tuoitre.vn/...`` links: the spider moves them onto ``-a base_url`` (the server
serves them as written).

Story ``k`` of a section is linked from: the section listing (k = 0, 1; also the home page
when among the newest), its next page (k = 2), only the sitemap and the feed (k = 3).

``generate(root, paper)`` writes the pages and ``routes.json`` (for
:mod:`tests.siteserver`) and returns a :class:`Site` whose articles know their expected
record (:meth:`Article.truth`). ``python -m tests.vccorp_site OUTDIR [tuoitre|cafef]``.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests import vccorp_pages
from tests.sitepages import slugify

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_PUBLISHED = datetime(2025, 3, 3, 7, 5, tzinfo=VN_TZ)
STORIES = 4
LISTED, NEXT_PAGE, SITEMAP_ONLY = (0, 1), 2, 3


@dataclass(frozen=True)
class Paper:
    """The paper a fixture site copies: its profile name, host and URL conventions."""

    name: str
    host: str
    title: str
    style: str
    """``detail`` (Tuổi Trẻ, Người Lao Động, Báo Chính phủ) or ``cafef`` (CafeF, CafeBiz)."""
    ext: str
    id_prefix: str
    feed: str
    """The feed path the profile reads at the start."""

    def next_page(self, zone: int) -> str:
        if self.ext == ".chn":
            return f"/timelinelist/{zone}/2.chn"
        return f"/timeline/{zone}/trang-2.htm"


TUOITRE = Paper("tuoitre", "tuoitre.vn", "Tuổi Trẻ", "detail", ".htm", "", "/rss/tin-moi-nhat.rss")
CAFEF = Paper("cafef", "cafef.vn", "CafeF", "cafef", ".chn", "188", "/trang-chu.rss")
PAPERS = {paper.name: paper for paper in (TUOITRE, CAFEF)}


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    zone: int
    headlines: tuple[str, ...]
    sentences: tuple[str, ...]
    tags: tuple[str, ...]


SECTIONS = (
    Section("kinh-doanh", "Kinh doanh", 11, (
        "Giá hoa nhập khẩu tăng mạnh dịp 8-3",
        "Doanh nghiệp xuất khẩu gạo ký thêm hợp đồng lớn",
        "Ngân hàng giảm lãi suất cho vay mua nhà",
        "Giá xăng dầu giảm lần thứ ba liên tiếp"),
        ("Nhiều cửa hàng cho biết sức mua tăng rõ trong tuần qua.",
         "Các doanh nghiệp dự báo nhu cầu sẽ còn tăng đến cuối quý.",
         "Chi phí vận chuyển vẫn là gánh nặng lớn nhất của nhà kinh doanh.",
         "Người tiêu dùng được khuyên so sánh giá trước khi mua.",
         "Cơ quan quản lý thị trường tăng cường kiểm tra giá niêm yết."),
        ("giá cả", "xuất khẩu", "lãi suất", "thị trường")),
    Section("the-gioi", "Thế giới", 2, (
        "Liên Hiệp Quốc kêu gọi ngừng bắn nhân đạo",
        "Nhật Bản khởi động tàu cao tốc thế hệ mới",
        "Châu Âu thông qua luật trí tuệ nhân tạo",
        "Bão lớn đổ bộ vào bờ biển Philippines"),
        ("Phát ngôn viên cho biết các bên đang tiếp tục đàm phán.",
         "Hàng nghìn người dân đã được sơ tán đến nơi an toàn.",
         "Giới quan sát nhận định đây là bước ngoặt quan trọng.",
         "Nhiều quốc gia đã lên tiếng hoan nghênh quyết định này.",
         "Chính quyền địa phương đã ban bố tình trạng khẩn cấp."),
        ("Liên Hiệp Quốc", "châu Âu", "Nhật Bản", "thiên tai")),
    Section("giao-duc", "Giáo dục", 13, (
        "TP.HCM công bố chỉ tiêu tuyển sinh lớp 10",
        "Bộ Giáo dục lấy ý kiến về kỳ thi tốt nghiệp",
        "Sinh viên được vay vốn học tập lãi suất thấp",
        "Trường học vùng cao nhận thêm thiết bị dạy học"),
        ("Phụ huynh cần theo dõi lịch đăng ký trên cổng thông tin của sở.",
         "Nhiều giáo viên cho rằng thay đổi này là cần thiết.",
         "Học sinh được hướng dẫn kỹ cách làm hồ sơ trực tuyến.",
         "Nhà trường đã chuẩn bị đủ phòng học cho năm học mới.",
         "Mức hỗ trợ sẽ được điều chỉnh theo từng năm học."),
        ("tuyển sinh", "thi tốt nghiệp", "học phí", "sinh viên")),
)
AUTHORS = (("Nhật Xuân", "Nghi Vũ"), ("Hà Mai",), ("Dương Ngọc",), ("Thu Hằng", "Minh Chiến"))
CREDITS = ("Ảnh: H.Y.T.", "Ảnh: P.T.", "Ảnh: NGỌC PHƯỢNG")


@dataclass
class Article:
    paper: Paper
    id: str
    slug: str
    section: Section
    number: int
    headline: str
    sapo: str
    published: datetime
    authors: tuple[str, ...]
    paragraphs: list[str]
    subhead: str
    caption: str
    image_url: str
    tags: list[str]

    @property
    def path(self) -> str:
        return f"/{self.slug}-{self.id}{self.paper.ext}"

    @property
    def url(self) -> str:
        return f"https://{self.paper.host}{self.path}"

    @property
    def byline(self) -> str:
        return " - ".join(self.authors)

    @property
    def body(self) -> list[str]:
        """Body paragraphs in page order (the sub-heading after the second)."""
        return [*self.paragraphs[:2], self.subhead, *self.paragraphs[2:]]

    def truth(self) -> dict[str, Any]:
        """The fields extraction should give for this page."""
        return {
            "headline": self.headline,
            "sapo": self.sapo,
            "published_at": self.published.isoformat(),
            "byline": self.byline,
            "authors": list(self.authors),
            "body": "\n\n".join(self.body),
            "captions": [self.caption],
            "category": self.section.name,
            "tags": self.tags,
        }


@dataclass
class Site:
    paper: Paper
    articles: list[Article]
    root: Path = Path(".")
    never: list[str] = field(default_factory=list)
    """Paths served but never to be fetched (tags, video, author, search)."""

    def section_articles(self, section: Section) -> list[Article]:
        return [a for a in self.articles if a.section is section]

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)


def article_id(paper: Paper, when: datetime, index: int) -> str:
    """VCCorp ids: the publication time and a sequence (``20250303070512345``)."""
    return f"{paper.id_prefix}{when:%Y%m%d%H%M%S}{(index * 37) % 1000:03d}"


def make_article(paper: Paper, section: Section, number: int, index: int) -> Article:
    rng = random.Random(f"vccorp-{paper.name}-{index}")
    when = FIRST_PUBLISHED + timedelta(hours=5 * index, minutes=rng.randrange(0, 55, 5))
    headline = section.headlines[number]
    sentences = list(section.sentences)
    rng.shuffle(sentences)
    paragraphs = [f"{headline} là thông tin được nhiều người quan tâm. {sentences[0]}",
                  *sentences[1:4]]
    tags = rng.sample(section.tags, 2)
    return Article(
        paper=paper, id=article_id(paper, when, index), slug=slugify(headline),
        section=section, number=number, headline=headline,
        sapo=f"{sentences[4]} {headline} trong ngày {when.day}-{when.month}.",
        published=when, authors=AUTHORS[index % len(AUTHORS)], paragraphs=paragraphs,
        subhead=f"Diễn biến mới về {section.name.lower()}",
        caption=f"{headline} - {CREDITS[index % len(CREDITS)]}",
        image_url=f"https://cdn.{paper.host}/2025/3/{when.day}/anh-{index}.jpg", tags=tags,
    )


def plan(paper: Paper) -> Site:
    articles = [make_article(paper, section, number, number * len(SECTIONS) + k)
                for number in range(STORIES) for k, section in enumerate(SECTIONS)]
    return Site(paper=paper, articles=articles)


def generate(root: Path, paper: Paper = TUOITRE) -> Site:
    """Write the site into ``root`` (pages, ``routes.json``) and return it."""
    site = plan(paper)
    site.root = root
    routes: dict[str, Any] = {}
    for route, text, content_type in vccorp_pages.render_all(site):
        name = "files" + (route.rstrip("/") or "/index") + ".out"
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        routes[route] = {"file": name, "type": content_type}
    site.never = vccorp_pages.never_paths(site)
    (root / "routes.json").write_text(json.dumps(routes, indent=1, ensure_ascii=False),
                                      encoding="utf-8")
    return site


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "vccorp-site")
    made = generate(out, PAPERS[sys.argv[2] if len(sys.argv) > 2 else "tuoitre"])
    print(f"{len(made.articles)} {made.paper.name} articles written to {out}")
