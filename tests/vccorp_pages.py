"""HTML, XML and RSS of the VCCorp fixture site (:mod:`tests.vccorp_site`), in the markup
the papers use: ``box-category-item`` story boxes and ``detail-*`` article pages (Tuổi Trẻ),
``tlitem`` boxes and ``h1.title``/``span.pdate`` articles (CafeF)."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING

from tests.sitepages import slugify

if TYPE_CHECKING:
    from tests.vccorp_site import Article, Site

HTML = "text/html; charset=utf-8"
XML = "application/xml"
RSS = "application/rss+xml; charset=utf-8"
AUTHOR_PAGE = "/tac-gia/nhat-xuan-20148.htm"
SEARCH_PAGE = "/tim-kiem.htm"
AD_LINK = "https://elsewhere.example/khuyen-mai-mua-he-20250303070500111.htm"
"""An advertiser's page (the server answers it as ``localhost``: another host)."""


def video_path(site: Site) -> str:
    return f"/video/toan-canh-hoi-nghi-{site.articles[0].id}{site.paper.ext}"


def tag_path(tag: str) -> str:
    return f"/{slugify(tag)}.html"


def never_paths(site: Site) -> list[str]:
    tags = {tag_path(tag) for article in site.articles for tag in article.tags}
    return sorted({video_path(site), AUTHOR_PAGE, SEARCH_PAGE, "/video.htm", *tags})


def _abs(site: Site, path: str) -> str:
    return f"https://{site.paper.host}{path}"


def page(site: Site, title: str, body: str, canonical: str = "") -> str:
    feed = _abs(site, site.paper.feed)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} | {site.paper.title}</title>\n{link}\n"
        f'<meta property="og:type" content="article">\n'
        f'<link rel="alternate" type="application/rss+xml" href="{feed}">\n</head>\n'
        f"<body>\n{header(site)}\n{body}\n{footer(site)}\n</body>\n</html>\n"
    )


def header(site: Site) -> str:
    from tests.vccorp_site import SECTIONS

    ext = site.paper.ext
    items = "".join(f'<li><a href="{_abs(site, "/" + s.slug + ext)}">{s.name}</a></li>'
                    for s in SECTIONS)
    return (f'<header class="header"><a class="logo" href="{_abs(site, "/")}">'
            f'{site.paper.title}</a><ul class="menu-nav">{items}'
            f'<li><a href="{_abs(site, "/video.htm")}">Video</a></li>'
            f'<li><a href="{_abs(site, SEARCH_PAGE)}?keywords=">Tìm kiếm</a></li></ul></header>')


def footer(site: Site) -> str:
    return (f'<footer class="footer"><p>© {site.paper.title}</p>'
            f'<p>Tổng biên tập: Nguyễn Văn A</p></footer>')


def story(site: Site, article: Article, first: bool = False) -> str:
    href, title = article.url, escape(article.headline)
    if site.paper.style == "cafef":
        box = "firstitem" if first else "tlitem box-category-item"
        heading = "h2" if first else "h3"
        return (f'<div class="{box}"><a class="avatar img-resize" href="{href}" '
                f'title="{title}"><img src="{article.image_url}" alt=""></a>'
                f'<{heading}><a href="{href}" title="{title}">{title}</a></{heading}>'
                f'<p class="sapo">{escape(article.sapo)}</p></div>')
    return (f'<div class="box-category-item"><a class="box-category-link-with-avatar '
            f'img-resize" href="{href}"><img src="{article.image_url}" alt=""></a>'
            f'<h3 class="box-title-text"><a class="box-category-link-title" href="{href}" '
            f'title="{title}">{title}</a></h3>'
            f'<p class="box-category-sapo">{escape(article.sapo)}</p></div>')


def home(site: Site) -> str:
    listed = [a for a in site.newest() if a.number in (0, 1)][:3]
    stories = "".join(story(site, a, k == 0) for k, a in enumerate(listed))
    tags = "".join(f'<a href="{_abs(site, tag_path(t))}">{t}</a>'
                   for t in sorted({t for a in site.articles for t in a.tags}))
    body = (f'<div class="list-main">{stories}</div>'
            f'<div class="box-hot-topic"><span>Chủ đề nóng:</span>{tags}</div>'
            f'<div class="box-video"><a href="{_abs(site, video_path(site))}">'
            f"Video: Toàn cảnh hội nghị</a></div>"
            f'<div class="box-author"><a href="{_abs(site, AUTHOR_PAGE)}">Nhật Xuân</a></div>'
            f'<div class="c-banner"><a href="{AD_LINK}" rel="nofollow">Khuyến mãi</a></div>')
    return page(site, f"{site.paper.title} - Tin tức mới nhất", body)


def section_page(site: Site, section_index: int) -> str:
    from tests.vccorp_site import SECTIONS

    section = SECTIONS[section_index]
    items = [a for a in site.section_articles(section) if a.number in (0, 1)]
    more = _abs(site, site.paper.next_page(section.zone))
    body = (f'<h1 class="category-name">{section.name}</h1><div class="list-news-main">'
            + "".join(story(site, a) for a in items)
            + f'</div><a class="view-more btn-viewmore" href="{more}">Xem thêm</a>')
    return page(site, section.name, body)


def next_page(site: Site, section_index: int) -> str:
    """The AJAX fragment "Xem thêm" loads: story boxes only."""
    from tests.vccorp_site import NEXT_PAGE, SECTIONS

    items = [a for a in site.section_articles(SECTIONS[section_index]) if a.number == NEXT_PAGE]
    return "".join(story(site, a) for a in items)


def simple_page(site: Site, title: str) -> str:
    return page(site, title, f"<h1>{escape(title)}</h1><p>{escape(title)}</p>")


def render_all(site: Site) -> Iterator[tuple[str, str, str]]:
    """(route, text, content type) of every page of the site."""
    from tests import vccorp_articles, vccorp_feeds
    from tests.vccorp_site import SECTIONS

    yield "/", home(site), HTML
    for k, section in enumerate(SECTIONS):
        yield f"/{section.slug}{site.paper.ext}", section_page(site, k), HTML
        yield site.paper.next_page(section.zone), next_page(site, k), HTML
    for article in site.articles:
        yield article.path, vccorp_articles.article_page(site, article), HTML
    for path in never_paths(site):
        yield path, simple_page(site, path.strip("/")), HTML
    yield from vccorp_feeds.render_feeds(site)
