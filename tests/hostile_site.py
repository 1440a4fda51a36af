"""A hostile copy of baonghean.vn: every way a site can fail a crawler, beside good articles.

``generate_hostile(root)`` writes the pages and ``routes.json`` for tests/siteserver.py and
returns a :class:`HostileSite`: the good articles (each must be archived exactly once with
its true fields, however broken its page), the bad cases (each must be reported with a log
line naming its URL and counted under its stat) and the paths a crawl must never request.
Run ``python -m tests.hostile_site OUTDIR`` to look at the output.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tests import hostile_pages as hp
from tests.sitecorpus import SECTIONS
from tests.sitegen import VN_TZ, Article, Site, make_article
from tests.sitepages import HTML, RSS, XML, article_page

BAD_DATELINE = "Thứ Hai, 31/02/2025 - 25:70"
SIZE_LIMIT = 10 * 1024 * 1024
"""The project's DOWNLOAD_MAXSIZE; the huge page is twice that."""


@dataclass(frozen=True)
class BadCase:
    """A page (or feed entry) the crawl must refuse, log and count under ``stat``."""

    name: str
    path: str
    stat: str
    """Scrapy stat, ``archive/errors/<kind>`` or ``archive/dropped/<reason>``."""
    count: int = 1

    @property
    def section(self) -> str:
        """Where the run record keeps it: "errors" or "dropped"."""
        return self.stat.split("/")[1]

    @property
    def kind(self) -> str:
        return self.stat.split("/", 2)[2]


@dataclass(frozen=True)
class GoodCase:
    """An article whose page is hostile in one way; its record must still be right."""

    name: str
    article: Article
    route: dict[str, Any] = field(default_factory=dict)
    """Extra route settings (``fail`` for a first failing answer)."""
    dateline: str | None = None
    """A dateline that replaces the printed one (then published_at is unknown)."""

    @property
    def path(self) -> str:
        return self.article.path

    def truth(self) -> dict[str, Any]:
        truth = self.article.truth()
        if self.dateline is not None:
            truth.update(dateline=self.dateline, published_at=None)
        return truth


@dataclass
class HostileSite:
    root: Path
    site: Site
    good: list[GoodCase]
    bad: list[BadCase]
    never: list[str]
    """Paths linked in ways a crawler must not follow; the server must never see them."""
    duplicate_paths: list[str]
    """More URLs of the good case "two-urls" (an old slug, a query); the page names the
    first URL as canonical."""

    def expected_count(self, stat: str) -> int:
        return sum(case.count for case in self.bad if case.stat == stat)


Page = tuple[bytes | str, str, dict[str, Any]]
"""(bytes or text, content type, extra route settings) of a page served from a file."""
GOOD_NAMES = (
    "plain", "sitemap-only", "feed-only", "unclosed-tags", "nested-tables", "nul-byte",
    "no-body-tag", "charset-disagree", "windows-1258-undeclared", "utf8-bom", "nfd",
    "scripts-and-markup", "500-then-ok", "429-then-ok", "two-urls", "unparseable-date",
    "windows-1258-long-head", "tables-300-deep", "malformed-urls", "refresh-reload",
)  # fmt: skip


def _article(index: int) -> Article:
    section = SECTIONS[index % len(SECTIONS)]
    article = make_article(index, section, index // len(SECTIONS))
    article.related = []
    return article


def _good_cases() -> list[GoodCase]:
    cases = []
    for index, name in enumerate(GOOD_NAMES):
        article = _article(index)
        route: dict[str, Any] = {}
        if name == "scripts-and-markup":
            article.headline = f'Cảnh giác <script>alert("xss")</script> & {article.headline}'
            article.slug = f"canh-giac-script-alert-xss-{article.slug}"
        if name == "500-then-ok":
            route = {"fail": {"times": 1, "status": 500}}
        if name == "429-then-ok":
            route = {"fail": {"times": 1, "status": 429, "headers": {"Retry-After": "1"}}}
        dateline = BAD_DATELINE if name == "unparseable-date" else None
        cases.append(GoodCase(name, article, route, dateline))
    return cases


def _bad(name: str, number: int, stat: str, count: int = 1) -> BadCase:
    return BadCase(name, f"/tin-{name}-1060{number:04d}.html", stat, count)


HOLLOW, FUTURE = 40, 41
"""Indexes of the articles served without a body and with a date in the future."""
BAD_FEED_DATES = ("Thứ Hai, 99/99/9999", "hôm qua")
BAD_CASES: tuple[BadCase, ...] = (
    _bad("403", 1, "archive/errors/http-403"),
    _bad("404", 2, "archive/errors/http-404"),
    _bad("410", 3, "archive/errors/http-410"),
    _bad("429", 4, "archive/errors/http-429"),
    _bad("503", 5, "archive/errors/http-503"),
    _bad("connection-reset", 6, "archive/errors/connection"),
    _bad("stalled", 7, "archive/errors/timeout"),
    _bad("20-mb", 10, "archive/errors/too-large"),
    _bad("redirect-loop", 11, "archive/errors/redirect-loop"),
    _bad("redirect-offsite", 13, "archive/errors/offsite-redirect"),
    _bad("meta-refresh-offsite", 14, "archive/errors/offsite-redirect"),
    _bad("empty-200", 20, "archive/dropped/empty"),
    _bad("binary-garbage", 21, "archive/dropped/not-html"),
    _bad("jpeg", 22, "archive/dropped/not-html"),
    BadCase("no-body", _article(HOLLOW).path, "archive/dropped/no-body"),
    _bad("headline-only", 24, "archive/dropped/no-body"),
    BadCase("future-date", _article(FUTURE).path, "archive/dropped/date-in-future"),
    _bad("listing-lookalike", 26, "archive/dropped/listing"),
    BadCase("sitemap-entity-bomb", "/sitemap-entities.xml", "archive/errors/xml-entities"),
    BadCase("feed-entity-bomb", "/rss/bom.rss", "archive/errors/xml-entities"),
    BadCase("sitemap-gzip-file-bomb", "/sitemap-bomb.xml.gz", "archive/errors/too-large"),
    BadCase("sitemap-gzip-encoded-bomb", "/sitemap-gzip.xml", "archive/errors/too-large"),
    BadCase("sitemap-malformed", "/sitemap-malformed.xml", "archive/errors/bad-sitemap"),
    BadCase("feed-invalid-dates", "/rss/home.rss", "archive/errors/feed-bad-date",
            count=len(BAD_FEED_DATES)),
)
"""Every bad case; each is reported under ``stat`` (``count`` times)."""
LOOP_BACK_PATH = "/tin-redirect-loop-b-10600012.html"
"""Where the redirect loop's first page sends the crawler, and which sends it back."""
HTTP_ROUTES: dict[str, dict[str, Any]] = {
    "403": {"status": 403},
    "404": {"status": 404},
    "410": {"status": 410},
    "429": {"status": 429, "headers": {"Retry-After": "1"}},
    "503": {"status": 503},
    "connection-reset": {"reset": True},
    "stalled": {"stall": 20},
}


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.routes: dict[str, dict[str, Any]] = {}
        self.count = 0

    def page(self, route: str, data: bytes | str, content_type: str, **extra: Any) -> None:
        self.count += 1
        name = f"p{self.count:03d}"
        raw = data.encode("utf-8") if isinstance(data, str) else data
        (self.root / name).write_bytes(raw)
        self.routes[route] = {"file": name, "type": content_type, **extra}


def _good_bytes(site: Site, case: GoodCase) -> tuple[bytes, str]:
    html = article_page(site, case.article)
    if case.dateline is not None:
        html = html.replace(case.article.dateline, case.dateline, 1)
    if case.name in hp.HTML_DAMAGE:
        html = hp.HTML_DAMAGE[case.name](html)
    if case.name == "scripts-and-markup":
        html = hp.with_scripts(html)
    if case.name == "charset-disagree":
        return html.encode(), "text/html; charset=iso-8859-1"
    if case.name.startswith("windows-1258-"):
        return hp.cp1258(hp.without_charset(html)), "text/html"
    if case.name == "utf8-bom":
        return b"\xef\xbb\xbf" + html.encode(), "text/html"
    if case.name == "nfd":
        return unicodedata.normalize("NFD", html).encode(), HTML
    return html.encode(), HTML


def _bad_pages(site: Site, good: dict[str, GoodCase]) -> dict[str, Page]:
    """What each bad case serves from a file: (bytes, content type, extra route settings)."""
    hollow = dataclasses.replace(_article(HOLLOW), paragraphs=[], figures=[], signed=False)
    future = _article(FUTURE)
    future.published = datetime.now(VN_TZ).replace(microsecond=0) + timedelta(days=400)
    bomb = hp.gzip_bomb()
    error = hp.plain_page("Lỗi", "<p>Đã có lỗi xảy ra.</p>")
    pages: dict[str, Page] = {name: (error, HTML, route) for name, route in HTTP_ROUTES.items()}
    pages.update({
        "20-mb": (hp.huge_page(2 * SIZE_LIMIT), HTML, {}),
        "empty-200": (b"", HTML, {}),
        "binary-garbage": (hp.garbage(), HTML, {}),
        "jpeg": (hp.JPEG, "image/jpeg", {}),
        "no-body": (article_page(site, hollow), HTML, {}),
        "headline-only": (hp.stub_page(hollow.headline), HTML, {}),
        "future-date": (article_page(site, future), HTML, {}),
        "listing-lookalike": (hp.listing_lookalike([c.path for c in good.values()][:10]), HTML,
                              {}),
        "sitemap-entity-bomb": (hp.entity_bomb(
            "urlset", f"<urlset {hp.SITEMAP_NS}><url><loc>BOMB</loc></url></urlset>\n"), XML, {}),
        "feed-entity-bomb": (hp.entity_bomb(
            "rss", "<rss><channel><item><title>BOMB</title><link>BOMB</link></item>"
            "</channel></rss>\n"), RSS, {}),
        "meta-refresh-offsite": (hp.meta_refresh_to(f"{hp.OTHER}/ngoai-trang-10609014.html"),
                                 HTML, {}),
        "sitemap-gzip-file-bomb": (bomb, "application/x-gzip", {}),
        "sitemap-gzip-encoded-bomb": (bomb, XML, {"headers": {"Content-Encoding": "gzip"}}),
        "sitemap-malformed": (b"\x89PNG\r\n\x1a\n<urlset><url><loc>\x00\xff", XML, {}),
        "feed-invalid-dates": (hp.feed([
            (good["feed-only"].path, BAD_FEED_DATES[0]), (good["plain"].path, BAD_FEED_DATES[1]),
            (good["nfd"].path, "Mon, 06 Jan 2025 07:30:00 +0700"),
        ]), RSS, {}),
    })
    return pages


def _bad_routes(site: Site, writer: _Writer, good: dict[str, GoodCase]) -> None:
    pages = _bad_pages(site, good)
    for case in BAD_CASES:
        if case.name in pages:
            data, content_type, route = pages[case.name]
            writer.page(case.path, data, content_type, **route)
    loop = next(c for c in BAD_CASES if c.name == "redirect-loop")
    writer.routes[loop.path] = {"status": 301, "location": LOOP_BACK_PATH}
    writer.routes[LOOP_BACK_PATH] = {"status": 302, "location": loop.path}
    offsite = next(c for c in BAD_CASES if c.name == "redirect-offsite")
    writer.routes[offsite.path] = {"status": 301,
                                   "location": f"{hp.OTHER}/ngoai-trang-10609013.html"}


NEVER = (
    "/ngoai-trang-10609013.html", "/tin-o-host-khac-10609010.html",
    "/javascript-10609011.html", "/data-url-10609012.html", "/chi-khi-chay-script-10609001.html",
    "/chi-trong-iframe-10609002.html", "/chi-trong-anh-10609003.jpg", "/onerror-10609004.html",
    "/chi-trong-noscript-10609005.html", "/ngoai-trang-trong-sitemap-10609006.html",
    "/ngoai-trang-10609014.html",
)  # fmt: skip


def generate_hostile(root: Path, today: date | None = None) -> HostileSite:
    """Write the hostile site into ``root`` and return its description."""
    root.mkdir(parents=True, exist_ok=True)
    good = _good_cases()
    by_name = {case.name: case for case in good}
    site = Site(root=root, articles=[c.article for c in good], redirects=[],
                today=today or date.today())
    writer = _Writer(root)
    for case in good:
        data, content_type = _good_bytes(site, case)
        writer.page(case.path, data, content_type, **case.route)
    twin = by_name["two-urls"].article
    duplicates = [f"/tieu-de-cu-{twin.id}.html", f"{twin.path}?ref=trang-chu"]
    writer.routes[duplicates[0]] = dict(writer.routes[twin.path])
    _bad_routes(site, writer, by_name)
    writer.page("/sitemap.xml", hp.sitemap([by_name["sitemap-only"].path]), XML)
    hidden = {"sitemap-only", "feed-only"}
    linked = [c.path for c in good if c.name not in hidden] + duplicates
    linked += [c.path for c in BAD_CASES if c.path.endswith(".html")]
    writer.page("/", hp.home_page(linked), HTML)
    writer.page("/robots.txt", hp.robots(), "text/plain; charset=utf-8")
    (root / "routes.json").write_text(json.dumps(writer.routes, indent=1, ensure_ascii=False),
                                      encoding="utf-8")
    return HostileSite(root=root, site=site, good=good, bad=list(BAD_CASES), never=list(NEVER),
                       duplicate_paths=duplicates)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-site")
    made = generate_hostile(out)
    print(f"{len(made.good)} good and {len(made.bad)} bad cases written to {out}")
