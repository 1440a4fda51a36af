"""Deterministic generator of a static copy of baonghean.vn for end-to-end tests.

The site is written in the site's current (OneCMS) structure: home page with menu,
clock widget and featured stories; four sections with sub-sections, paginated
listings and RSS feeds; article pages; robots.txt, a sitemap index with monthly
sitemaps and a news sitemap; a topic page, a video page, redirects and links with
tracking parameters. Pages use absolute ``https://baonghean.vn`` URLs like the real
site; ``tests/siteserver.py`` rewrites that origin to its own address.

``generate(root)`` writes the pages, ``routes.json`` (what the server serves) and
``truth.json`` (the expected record of every article) and returns a :class:`Site`.
Run ``python -m tests.sitegen OUTDIR [ARTICLES]`` to look at the output.

By default the site has one article per story of the corpus (36). ``articles=N``
adds a bulk archive after them (benchmarks use thousands): stories reused with new
ids, published every few minutes after the last default article, each reachable
from its section listing (``per_page`` articles a page), the monthly sitemaps and
the feeds, which keep only their newest items.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests import sitepages
from tests.sitecorpus import (
    BYLINES,
    GENERIC_SENTENCES,
    PLACES,
    SECTIONS,
    TIME_PHRASES,
    SectionText,
)
from tests.sitepages import slugify

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_PUBLISHED = datetime(2025, 1, 6, 7, 30, tzinfo=VN_TZ)
PER_LISTING_PAGE = 2

SITEMAP_ONLY, RSS_ONLY, SUB_LISTING_ONLY = 8, 7, 6
"""Story numbers within a section reachable from one source only."""
BULK = len(SECTIONS[0].stories)
"""Story numbers from here on are bulk-archive articles, reachable from every source."""
DEFAULT_ARTICLES = BULK * len(SECTIONS)
BULK_START = FIRST_PUBLISHED + timedelta(hours=55 * DEFAULT_ARTICLES)
BULK_STEP = timedelta(minutes=6)
"""Bulk articles follow the default ones at this pace (100,000 take about 14 months)."""


@dataclass
class Figure:
    after: int
    """Index of the body paragraph the figure follows."""
    text: str
    """Caption without the credit (also the image's alt text)."""
    credit: str | None
    image_url: str

    @property
    def caption(self) -> str:
        return f"{self.text}. Ảnh: {self.credit}" if self.credit else f"{self.text}."


@dataclass
class Article:
    id: str
    slug: str
    section: SectionText
    number: int
    """Story number within its section (decides where it is linked from)."""
    headline: str
    sapo: str
    published: datetime
    byline: str
    paragraphs: list[str]
    figures: list[Figure]
    tags: list[str]
    signed: bool
    """True when the body ends with a right-aligned byline paragraph."""
    nbsp: bool
    """True when some spaces in the HTML are ``&nbsp;`` (the text has plain spaces)."""
    related: list[Article] = field(default_factory=list)
    modified: datetime | None = None
    """Time of the last edit (its sitemap ``<lastmod>``); None if never edited."""

    @property
    def path(self) -> str:
        return f"/{self.slug}-{self.id}.html"

    @property
    def dateline(self) -> str:
        return self.published.strftime("%d/%m/%Y - %H:%M")

    @property
    def bulk(self) -> bool:
        return self.number >= BULK

    @property
    def in_sub_section(self) -> bool:
        return self.number in (2, SUB_LISTING_ONLY)

    @property
    def in_listing(self) -> bool:
        return self.number < SUB_LISTING_ONLY or self.bulk

    @property
    def in_sitemap(self) -> bool:
        return self.number < SUB_LISTING_ONLY or self.number == SITEMAP_ONLY or self.bulk

    @property
    def in_feed(self) -> bool:
        return self.number == RSS_ONLY or (self.in_listing and self.number % 2 == 0) or self.bulk

    def truth(self) -> dict[str, Any]:
        """The record extraction should produce for this page (URLs as paths)."""
        author_part, _, source = self.byline.partition("/")
        return {
            "path": self.path,
            "url": self.path,
            "canonical_url": self.path,
            "article_id": self.id,
            "headline": self.headline,
            "sapo": self.sapo,
            "dateline": self.dateline,
            "published_at": self.published.isoformat(),
            "byline": self.byline,
            "authors": [name.strip() for name in author_part.split(" - ")],
            "source": source.strip() or None,
            "body": "\n\n".join(self.paragraphs),
            "captions": [
                {"caption": f.caption, "image_url": f.image_url, "credit": f.credit}
                for f in self.figures
            ],
            "category": self.section.name,
            "tags": self.tags,
            "language": "vi",
        }


@dataclass(frozen=True)
class Redirect:
    old_path: str
    target: Article
    query: str = ""

    @property
    def location(self) -> str:
        return self.target.path + (f"?{self.query}" if self.query else "")


@dataclass
class Site:
    root: Path
    articles: list[Article]
    redirects: list[Redirect]
    today: date
    per_page: int = PER_LISTING_PAGE
    """Articles on one section listing page."""
    _newest: list[Article] = field(default_factory=list, repr=False)

    def truth(self) -> list[dict[str, Any]]:
        return [article.truth() for article in self.articles]

    def section_articles(self, section: SectionText) -> list[Article]:
        return [a for a in self.newest() if a.section is section]

    def newest(self, articles: list[Article] | None = None) -> list[Article]:
        if articles:
            return sorted(articles, key=lambda a: a.published, reverse=True)
        if len(self._newest) != len(self.articles):
            self._newest = sorted(self.articles, key=lambda a: a.published, reverse=True)
        return self._newest

    def latest(self, count: int, *, listed: bool = False) -> list[Article]:
        """The ``count`` newest articles (only those in section listings if ``listed``)."""
        return list(islice((a for a in self.newest() if a.in_listing or not listed), count))


def time_phrase(when: datetime) -> str:
    """"Sáng {d}", "Chiều {d}"... matching the hour the story was published."""
    for last_hour, phrase in TIME_PHRASES:
        if when.hour <= last_hour:
            return phrase
    return TIME_PHRASES[-1][1]


def _byline_credit(byline: str) -> str:
    first = byline.split("/")[0].split(" - ")[0].strip()
    return "PV" if first == "Nhóm PV" else first


def _figures(rng: random.Random, section: SectionText, when: datetime, paragraphs: int,
             credit: str) -> list[Figure]:
    figures = []
    for k, text in enumerate(rng.sample(section.captions, rng.randint(1, 2))):
        kind = rng.random()
        figure_credit = None if kind < 0.15 else ("Tư liệu" if kind < 0.3 else credit)
        url = f"https://bna.1cdn.vn/{when:%Y/%m/%d}/{section.slug}-{when:%H%M}-{k + 1}.jpg"
        figures.append(Figure(after=min(2 * k, paragraphs - 1), text=text, credit=figure_credit,
                              image_url=url))
    return figures


def _paragraphs(rng: random.Random, section: SectionText, place: str) -> list[str]:
    pool = list(section.sentences) + list(GENERIC_SENTENCES)
    rng.shuffle(pool)
    count = rng.randint(3, 6)
    paragraphs = []
    for k in range(count):
        chosen = pool[2 * k: 2 * k + rng.randint(1, 2)]
        paragraphs.append(" ".join(chosen))
    paragraphs[0] = f"Tại {place}, " + paragraphs[0][0].lower() + paragraphs[0][1:]
    return paragraphs


def make_article(index: int, section: SectionText, number: int,
                 published: datetime | None = None) -> Article:
    rng = random.Random(f"baonghean-fixture-{index}")
    place = PLACES[index % len(PLACES)]
    headline, lead = (s.replace("{place}", place) for s in section.stories[number % BULK])
    if number < BULK:
        default = FIRST_PUBLISHED + timedelta(hours=55 * index, minutes=rng.randrange(0, 60, 5))
    else:
        default = BULK_START + BULK_STEP * (index - DEFAULT_ARTICLES)
    published = published or default
    when = time_phrase(published).format(d=f"{published.day}/{published.month}")
    byline = BYLINES[index % len(BYLINES)]
    paragraphs = _paragraphs(rng, section, place)
    figures = _figures(rng, section, published, len(paragraphs), _byline_credit(byline))
    tags = rng.sample(section.tags, rng.randint(2, 3)) + [place[0].upper() + place[1:]]
    return Article(
        id=f"10{300100 + index * 1379:06d}", slug=slugify(headline), section=section,
        number=number, headline=headline, sapo=f"(Baonghean.vn) - {when}, {lead}.",
        published=published, byline=byline, paragraphs=paragraphs, figures=figures,
        tags=tags, signed=index % 3 != 1, nbsp=index % 4 == 3,
    )


def plan(today: date, articles: int = DEFAULT_ARTICLES, per_page: int = PER_LISTING_PAGE
         ) -> Site:
    """All articles and redirects, before anything is written."""
    if articles < DEFAULT_ARTICLES or per_page < 1:
        raise ValueError(f"need at least {DEFAULT_ARTICLES} articles and 1 per page")
    made: list[Article] = []
    for index in range(articles):
        number, section = divmod(index, len(SECTIONS))
        made.append(make_article(index, SECTIONS[section], number))
    firsts: dict[str, list[Article]] = {}
    for article in made:
        first = firsts.setdefault(article.section.slug, [])
        if len(first) < 3:
            first.append(article)
    for article in made:
        article.related = [a for a in firsts[article.section.slug] if a is not article][:2]
    by_section = {a.section.slug: a for a in made if a.number == 1}
    redirects = [
        Redirect("/ban-tin-cu-ve-nha-tinh-nghia-post258616.html", by_section["xa-hoi"]),
        Redirect("/tin-cu-giai-viet-da-post258617.html", by_section["the-thao"],
                 query="utm_source=redirect&utm_medium=old-link"),
    ]
    return Site(root=Path("."), articles=made, redirects=redirects, today=today,
                per_page=per_page)


def _write(root: Path, routes: dict[str, Any], route: str, name: str, text: str,
           content_type: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    routes[route] = {"file": name, "type": content_type}


def generate(root: Path, today: date | None = None, articles: int = DEFAULT_ARTICLES,
             per_page: int = PER_LISTING_PAGE) -> Site:
    """Write the site into ``root`` and return its description."""
    return write_site(plan(today or date.today(), articles, per_page), root)


def write_site(site: Site, root: Path) -> Site:
    """Write *site* into ``root``; routes already in ``root/routes.json`` are kept (a
    running server reads it once: see ``tests/siteupdate.py``)."""
    site.root = root
    routes_file = root / "routes.json"
    routes: dict[str, Any] = {}
    if routes_file.exists():
        routes = json.loads(routes_file.read_text(encoding="utf-8"))
    for route, name, text, content_type in sitepages.render_all(site):
        _write(root, routes, route, name, text, content_type)
    for redirect in site.redirects:
        routes[redirect.old_path] = {"status": 301, "location": redirect.location}
    routes_file.write_text(json.dumps(routes, indent=1, ensure_ascii=False), encoding="utf-8")
    (root / "truth.json").write_text(json.dumps(site.truth(), indent=1, ensure_ascii=False),
                                     encoding="utf-8")
    return site


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "fixture-site")
    made = generate(out, articles=int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_ARTICLES)
    print(f"{len(made.articles)} articles written to {out}")
