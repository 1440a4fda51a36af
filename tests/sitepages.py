"""HTML and XML of the fixture site (see tests/sitegen.py), in the site's OneCMS structure."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from html import escape
from itertools import groupby
from typing import TYPE_CHECKING

from tests.sitecorpus import SECTIONS, SectionText

if TYPE_CHECKING:
    from tests.sitegen import Article, Site

ORIGIN = "https://baonghean.vn"
HTML = "text/html; charset=utf-8"
XML = "application/xml"
RSS = "application/rss+xml; charset=utf-8"
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
PAGINATION = ("more", "rel-next", "pagination", "paging")
"""How each section's listing links its next page."""

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
"""Placeholder ``src`` of lazily loaded body images (the real one is in ``data-src``)."""
NOT_FOUND = "/bai-viet-da-go-10999999.html"
TOPIC_PATH = "/dai-hoi-dang-bo-cac-cap-nhiem-ky-2025-2030-event10012345.html"
VIDEO_PATH = "/video/toan-canh-le-hoi-den-cuong-10400001.html"
TOPIC_ITEMS = 20
FEED_ITEMS = 20
"""Newest items on the topic page and in a section feed."""

Page = tuple[str, str, str, str]
"""(route, file name, text, content type)."""


def slugify(text: str) -> str:
    """Vietnamese text -> URL slug, as the site makes them."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def clock(today: date) -> str:
    return f"{WEEKDAYS[today.weekday()]}, {today:%d/%m/%Y}"


def head(title: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="alternate" type="application/rss+xml" title="Báo Nghệ An" '
        f'href="{ORIGIN}/rss/home.rss">\n{extra}</head>\n<body>\n'
    )


def header(today: date) -> str:
    menu = "".join(
        f'<li class="c-menu__item"><a href="{ORIGIN}/{s.slug}">{escape(s.name)}</a></li>'
        for s in SECTIONS
    )
    return (
        '<header class="c-header">\n<div class="c-header__top">'
        f'<div class="c-header__date"><span class="c-clock">{clock(today)}</span></div>'
        '<form class="c-search" action="/tim-kiem"><input name="q"></form>'
        '<a class="c-lang" href="/en">English</a> <a class="c-lang" href="/fr">Français</a>'
        '</div>\n<nav class="c-menu"><ul>'
        f'<li class="c-menu__item"><a href="{ORIGIN}/">Trang chủ</a></li>{menu}'
        '<li class="c-menu__item"><a href="/video">Video</a></li>'
        '<li class="c-menu__item"><a href="/emagazine">eMagazine</a></li>'
        '<li class="c-menu__item"><a href="javascript:void(0)">Thêm</a></li>'
        "</ul></nav>\n</header>\n"
    )


def footer() -> str:
    return (
        '<footer class="c-footer"><p>Báo Nghệ An điện tử - Cơ quan của Đảng bộ Đảng Cộng sản '
        'Việt Nam tỉnh Nghệ An.</p><p>Liên hệ: <a href="mailto:toasoan@baonghean.vn">'
        'toasoan@baonghean.vn</a> - <a href="tel:02383844988">0238 3844 988</a> - '
        '<a href="https://www.facebook.com/baonghean">Facebook</a></p></footer>\n'
        "</body>\n</html>\n"
    )


def grid_item(article: Article, href: str, with_sapo: bool = True) -> str:
    sapo = f'<p class="b-grid__desc">{escape(article.sapo)}</p>' if with_sapo else ""
    return (
        '<div class="b-grid">'
        f'<div class="b-grid__img"><a href="{href}"><img src="/assets/lazy.gif" '
        f'data-src="{article.figures[0].image_url}" alt="{escape(article.headline)}"></a></div>'
        f'<div class="b-grid__content"><h3 class="b-grid__title"><a href="{href}">'
        f"{escape(article.headline)}</a></h3>{sapo}</div></div>\n"
    )


def latest_box(articles: list[Article]) -> str:
    items = "".join(grid_item(a, ORIGIN + a.path) for a in articles[:5])
    return (f'<aside class="c-sidebar"><div class="c-box"><h2 class="c-box__title">Tin mới</h2>'
            f"{items}</div></aside>\n")


def breadcrumbs(article: Article) -> str:
    section = article.section
    crumbs = [("/", "Trang chủ"), (f"/{section.slug}", section.name)]
    if article.in_sub_section:
        crumbs.append((f"/{section.slug}/{section.sub_slug}", section.sub_name))
    items = "".join(f'<li class="breadcrumb-item"><a href="{ORIGIN}{href}">{escape(name)}</a></li>'
                    for href, name in crumbs)
    return f'<ol class="breadcrumb">{items}</ol>\n'


def paragraph_html(text: str, nbsp: bool, number: int) -> str:
    body = escape(text, quote=False)
    if nbsp:
        body = body.replace(" ", "&nbsp;", 2)
    if number == 1 and ", " in body:
        lead, rest = body.split(", ", 1)
        body = f"<strong>{lead}</strong>, {rest}"
    return f'<p class="align-justify">{body}</p>\n'


def article_body(article: Article) -> str:
    parts = []
    for number, text in enumerate(article.paragraphs):
        parts.append(paragraph_html(text, article.nbsp, number))
        for fig in (f for f in article.figures if f.after == number):
            parts.append(
                f'<figure class="image align-center"><img src="{PIXEL}" '
                f'data-src="{fig.image_url}" alt="{escape(fig.text)}">'
                f"<figcaption>{escape(fig.caption)}</figcaption></figure>\n")
        if number == 1 and article.related:
            links = "".join(f'<li><a href="{ORIGIN}{r.path}">{escape(r.headline)}</a></li>'
                            for r in article.related)
            parts.append(f'<div class="sc-related-articles"><h3>Tin liên quan</h3>'
                         f"<ul>{links}</ul></div>\n")
    if article.signed:
        align = 'class="align-right"' if article.nbsp else 'style="text-align: right;"'
        parts.append(f"<p {align}><strong>{escape(article.byline)}</strong></p>\n")
    return "".join(parts)


def article_page(site: Site, article: Article) -> str:
    url = ORIGIN + article.path
    meta = (f'<meta name="description" content="{escape(article.sapo)}">\n'
            f'<meta property="og:title" content="{escape(article.headline)}">\n'
            f'<meta property="og:url" content="{url}">\n'
            '<meta property="og:type" content="article">\n'
            f'<link rel="canonical" href="{url}">\n')
    tags = "".join(f'<li><h4><a href="{ORIGIN}/tag/{slugify(t)}">{escape(t)}</a></h4></li>'
                   for t in article.tags)
    others = [a for a in site.latest(6) if a is not article]
    return (
        head(f"{article.headline} | Báo Nghệ An điện tử", meta) + header(site.today)
        + '<main class="b-maincontent"><div class="container">\n' + breadcrumbs(article)
        + '<div class="c-news-detail">\n<article class="entry entry-no-padding">\n'
        '<div class="sc-longform-header"><div class="sc-longform-header-text">\n'
        f'<h1 class="sc-longform-header-title block-sc-title">{escape(article.headline)}</h1>\n'
        '<div class="sc-longform-header-meta">'
        f'<span class="sc-longform-header-author block-sc-author">{escape(article.byline)}</span> '
        f'<span class="sc-longform-header-date block-sc-publish-time">{article.dateline}</span>'
        "</div>\n"
        f'<p class="sc-longform-header-sapo block-sc-sapo">{escape(article.sapo)}</p>\n'
        "</div></div>\n" + article_body(article)
        + f'<div class="c-widget-tags onecms__tags"><h3>Từ khóa</h3><ul>{tags}</ul></div>\n'
        "</article>\n</div>\n" + latest_box(others) + "</div></main>\n" + footer()
    )


def listing_page(site: Site, title: str, items: list[Article], extra_links: str,
                 next_links: tuple[str, str]) -> str:
    head_next, body_next = next_links
    grid = "".join(grid_item(a, a.path if i % 2 else ORIGIN + a.path) for i, a in enumerate(items))
    listed = site.latest(5, listed=True)
    return (head(f"{title} | Báo Nghệ An điện tử", head_next) + header(site.today)
            + '<main class="b-maincontent"><div class="container">'
            f'<h1 class="c-cate">{title}</h1>\n'
            f'<div class="b-grid-list">\n{grid}{extra_links}</div>\n{body_next}'
            + latest_box(listed) + "</div></main>\n" + footer())


def next_markup(style: str, route: str, page: int, pages: int) -> tuple[str, str]:
    """(head markup, body markup) linking page ``page`` to the next one, by ``style``."""
    if page >= pages:
        return "", ""
    target = f"{ORIGIN}{route}?page={page + 1}"
    if style == "more":
        return "", f'<div class="c-more"><a class="btn" href="{target}">Xem thêm</a></div>\n'
    if style == "rel-next":
        return (f'<link rel="next" href="{target}">\n',
                f'<a class="c-next" rel="next" href="{target}">Trang sau</a>\n')
    shown = range(max(1, page - 2), min(pages, page + 2) + 1)
    numbers = "".join(f'<li><a href="{route}?page={n}">{n}</a></li>' for n in shown)
    css = "pagination" if style == "pagination" else "b-paging"
    return "", f'<ul class="{css}">{numbers}</ul>\n'


def extras_for(site: Site, section: SectionText) -> str:
    """Odd links on a section's last listing page: a 404 and the old redirected URLs."""
    links = []
    if section.slug == "kinh-te":
        links.append(f'<h3 class="b-grid__title"><a href="{NOT_FOUND}">Bài đã gỡ</a></h3>\n')
    for redirect in site.redirects:
        if redirect.target.section is section:
            links.append(f'<h3 class="b-grid__title"><a href="{ORIGIN}{redirect.old_path}">'
                         f"{escape(redirect.target.headline)}</a></h3>\n")
    return "".join(links)


def section_pages(site: Site, index: int, section: SectionText) -> Iterator[Page]:
    route = f"/{section.slug}"
    items = [a for a in site.section_articles(section) if a.in_listing]
    size = site.per_page
    pages = (len(items) + size - 1) // size
    feed = (f'<link rel="alternate" type="application/rss+xml" '
            f'href="{ORIGIN}/rss/{section.slug}.rss">\n')
    sub_link = (f'<ul class="c-submenu"><li><a href="{ORIGIN}{route}/{section.sub_slug}">'
                f"{escape(section.sub_name)}</a></li></ul>\n")
    for page in range(1, pages + 1):
        head_next, body_next = next_markup(PAGINATION[index], route, page, pages)
        extra = extras_for(site, section) if page == pages else ""
        html = listing_page(site, section.name, items[size * page - size: size * page],
                            sub_link + extra, (feed + head_next, body_next))
        name = f"{section.slug}/index.html" if page == 1 else f"{section.slug}/page-{page}.html"
        yield (route if page == 1 else f"{route}?page={page}"), name, html, HTML
    sub_items = [a for a in site.section_articles(section) if a.in_sub_section]
    yield (f"{route}/{section.sub_slug}", f"{section.slug}/{section.sub_slug}.html",
           listing_page(site, section.sub_name, sub_items, "", ("", "")), HTML)


def home_page(site: Site) -> str:
    featured = site.latest(6, listed=True)
    tracked = featured[-1]
    extra = (
        f'<h3 class="b-grid__title"><a href="{ORIGIN}{tracked.path}?utm_source=facebook&amp;'
        f'utm_medium=social&amp;fbclid=IwAR0abc#comments">{escape(tracked.headline)}</a></h3>\n'
        f'<div class="c-topic"><a href="{ORIGIN}{TOPIC_PATH}">Đại hội Đảng bộ các cấp</a></div>\n'
        f'<div class="c-video"><a href="{ORIGIN}{VIDEO_PATH}">Toàn cảnh lễ hội đền Cuông</a> '
        '<a href="/short-video">Short video</a> <a href="/podcast">Podcast</a></div>\n'
        f'<a href="{ORIGIN}/tin-moi-nhat">Tin mới nhất</a> <a href="/thoi-tiet">Thời tiết</a>\n'
        '<a href="https://bna.1cdn.vn/2025/01/01/banner.jpg">Quảng cáo</a>\n'
    )
    return listing_page(site, "Báo Nghệ An điện tử", featured[:5], extra, ("", ""))


def topic_page(site: Site) -> str:
    items = [a for a in site.newest() if a.section.slug == "thoi-su"][:TOPIC_ITEMS]
    return listing_page(site, "Đại hội Đảng bộ các cấp", items, "", ("", ""))


def video_page(site: Site) -> str:
    return (head("Toàn cảnh lễ hội đền Cuông | Video") + header(site.today)
            + '<main><div class="c-video-detail"><h1>Toàn cảnh lễ hội đền Cuông</h1>'
            '<video controls src="https://bna.1cdn.vn/video/le-hoi-den-cuong.mp4"></video>'
            "</div></main>\n" + footer())


def render_all(site: Site) -> Iterator[Page]:
    """Every page of the site except the redirects."""
    from tests.sitefeeds import feeds_and_sitemaps

    yield "/", "index.html", home_page(site), HTML
    for index, section in enumerate(SECTIONS):
        yield from section_pages(site, index, section)
    for article in site.articles:
        yield article.path, f"articles/{article.id}.html", article_page(site, article), HTML
    yield TOPIC_PATH, "topic.html", topic_page(site), HTML
    yield VIDEO_PATH, "video.html", video_page(site), HTML
    yield from feeds_and_sitemaps(site)


def months(articles: list[Article]) -> list[tuple[str, list[Article]]]:
    ordered = sorted(articles, key=lambda a: a.published)
    return [(key, list(group)) for key, group in
            groupby(ordered, key=lambda a: a.published.strftime("%Y-%m"))]
