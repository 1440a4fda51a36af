"""Deterministic static copy of vnexpress.net in its current structure, for end-to-end tests.

Home page (menu, top story, latest list, links to a topic, a tag page, a video on
video.vnexpress.net and an ad), sections ``/thoi-su`` with next pages ``/thoi-su-p2``
(``a.next-page`` and ``<link rel="next">``), sub-sections ``/thoi-su/chinh-tri``, article
pages (``h1.title-detail``, ``p.description``, ``span.date``, ``article.fck_detail`` with
``figure.tplCaption``, the right-aligned signature, a "read more" box and a most-read
sidebar), ``/rss/tin-moi-nhat.rss``, robots.txt with a sitemap index, a topic and a tag
page. Every link is absolute ``https://vnexpress.net/...`` as on the real site.

``generate(root)`` writes the site (``tests/newssite.py``) and returns its stories.
Run ``python -m tests.vnexpress_site OUTDIR`` to look at the output.
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path
from typing import Any

from tests import newssite
from tests.newssite import HTML, RSS, TEXT, XML, Page, Story

ORIGIN = "https://vnexpress.net"
ARTICLES = 32
PER_PAGE = 3
TOPIC_PATH = "/topic/ha-noi-26482"
TAG_PATH = "/tag/gia-vang-1234.html"
VIDEO_URL = "https://video.vnexpress.net/tin-tuc/thoi-su/ket-xe-cua-ngo-4954999.html"
AD_URL = "https://eclick.vn/click?c=4954998"
NEVER_FETCHED = (TOPIC_PATH, TAG_PATH, "/tin-tuc/thoi-su/ket-xe-cua-ngo-4954999.html")


def url(story: Story) -> str:
    return f"{ORIGIN}/{story.slug}-{story.id}.html"


def path(story: Story) -> str:
    return f"/{story.slug}-{story.id}.html"


def head(title: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - VnExpress</title>\n"
        f'<link rel="alternate" type="application/rss+xml" href="{ORIGIN}/rss/tin-moi-nhat.rss">'
        f"\n{extra}</head>\n<body>\n"
    )


def menu(stories: list[Story]) -> str:
    links = "".join(
        f'<li><a href="{ORIGIN}/{section.slug}" title="{section.name}">{section.name}</a></li>'
        for section in newssite.sections(stories)
    )
    return (
        f'<header class="section top-header"><a class="logo" href="{ORIGIN}/">VnExpress</a>'
        f'<nav class="main-nav"><ul class="parent"><li class="home"><a href="{ORIGIN}/">Trang '
        f"chủ</a></li>{links}"
        f'<li><a href="{VIDEO_URL}">Video</a></li></ul></nav></header>\n'
    )


def footer() -> str:
    return (
        '<footer class="footer"><p>Báo tiếng Việt nhiều người xem nhất. Thuộc Bộ Khoa học '
        "và Công nghệ. Số giấy phép: 548/GP-BTTTT</p></footer>\n</body></html>\n"
    )


def item(story: Story, cls: str = "item-news item-news-common thumb-left") -> str:
    return (
        f'<article class="{cls}"><div class="thumb-art"><a href="{url(story)}" '
        f'title="{escape(story.headline)}"><img src="{story.figures[0].image_url}" alt=""></a>'
        f'</div><h3 class="title-news"><a href="{url(story)}" title="{escape(story.headline)}">'
        f"{escape(story.headline)}</a></h3>"
        f'<p class="description"><a href="{url(story)}">{escape(story.sapo)}</a></p></article>\n'
    )


def listing(stories: list[Story], title: str, items: list[Story], route: str, number: int,
            last: bool, sub_nav: str = "") -> str:
    base = route if number == 1 else f"{route}-p{number}"
    nxt = f"{ORIGIN}{route}-p{number + 1}"
    rel = "" if last else f'<link rel="next" href="{nxt}">'
    more = "" if last else (
        f'<div class="button-page"><a class="btn-page next-page" href="{nxt}">›</a></div>'
    )
    return (
        head(title, f'<link rel="canonical" href="{ORIGIN}{base}">{rel}') + menu(stories)
        + f'<section class="section section_container"><h1 class="title-folder">{title}</h1>'
        + sub_nav
        + '<div class="width_common list-news-subfolder">'
        + "".join(item(story) for story in items) + f"</div>{more}</section>\n" + footer()
    )


def figure(story: Story) -> str:
    f = story.figures[0]
    credit = f". Ảnh: <em>{escape(f.credit)}</em>" if f.credit else "."
    return (
        '<figure itemprop="associatedMedia image" class="tplCaption"><div class="fig-picture">'
        f'<picture><img itemprop="contentUrl" alt="{escape(f.text)}" src="{f.image_url}">'
        f'</picture></div><figcaption itemprop="description"><p class="Image">'
        f"{escape(f.text)}{credit}</p></figcaption></figure>"
    )


def article(stories: list[Story], story: Story) -> str:
    section = story.section
    crumbs = f'<li><a href="{ORIGIN}/{section.slug}" title="{section.name}">{section.name}</a></li>'
    if story.in_sub:
        crumbs += (f'<li><a href="{ORIGIN}/{section.slug}/{section.sub_slug}" '
                   f'title="{section.sub_name}">{section.sub_name}</a></li>')
    paragraphs = [f'<p class="Normal">{escape(text)}</p>' for text in story.paragraphs]
    paragraphs.insert(1, figure(story))
    others = [s for s in stories if s is not story][:3]
    when = story.published
    ld = (f'{{"@context":"https://schema.org","@type":"NewsArticle","headline":'
          f'"{escape(story.headline)}","datePublished":"{when.isoformat()}",'
          '"author":{"@type":"Organization","name":"VnExpress"}}')
    return (
        head(story.headline, f'<link rel="canonical" href="{url(story)}">'
             f'<meta property="og:type" content="article">'
             f'<script type="application/ld+json">{ld}</script>')
        + menu(stories)
        + '<section class="section page-detail top-detail"><div class="container">'
        + '<div class="sidebar-1"><div class="header-content width_common">'
        + '<ul class="breadcrumb">'
        + f'{crumbs}</ul><span class="date">{story.weekday}, {when:%d/%m/%Y, %H:%M} (GMT+7)'
        + f'</span></div><h1 class="title-detail">{escape(story.headline)}</h1>'
        + f'<p class="description">{escape(story.sapo)}</p><article class="fck_detail ">'
        + "".join(paragraphs)
        + f'<p class="Normal" style="text-align:right;"><strong>{escape(story.byline)}</strong></p>'
        + '<span id="article-end"></span><div data-component="true" '
        + 'data-component-type="tin_xemthem"><p>Xem thêm</p><ul>'
        + "".join(f'<li><a href="{url(s)}">{escape(s.headline)}</a></li>' for s in others)
        + f'</ul></div></article><div class="footer-content width_common"><a href="{ORIGIN}/'
        + f'{section.slug}" class="back-folder">Trở lại {section.name}</a>'
        + '<div class="social"><a href="#">Chia sẻ</a></div></div></div>'
        + '<div class="sidebar-2"><div class="box-category box-xemnhieu"><h2>Xem nhiều</h2>'
        + "".join(item(s) for s in others[:2])
        + f'<p><a href="{ORIGIN}{TOPIC_PATH}">Hà Nội</a> <a href="{ORIGIN}{TAG_PATH}">giá vàng'
        + f'</a> <a href="{AD_URL}">Quảng cáo</a></p></div></div></div></section>\n' + footer()
    )


def home(stories: list[Story]) -> str:
    listed = [s for s in stories if s.source == "listing"]
    return (
        head("Báo VnExpress - Báo tiếng Việt nhiều người xem nhất") + menu(stories)
        + '<section class="section section_topstory">'
        + item(listed[0], "item-news full-thumb article-topstory") + "</section>"
        + '<section class="section section_stream_home">'
        + '<div class="width_common list-news-subfolder">'
        + "".join(item(s) for s in listed[1:6]) + "</div>"
        + f'<p><a href="{ORIGIN}{TOPIC_PATH}">Hà Nội</a> <a href="{ORIGIN}{TAG_PATH}">giá vàng</a>'
        + f' <a href="{VIDEO_URL}">Video: kẹt xe cửa ngõ</a> <a href="{AD_URL}">Quảng cáo</a></p>'
        + "</section>\n" + footer()
    )


def section_pages(stories: list[Story]) -> list[Page]:
    found: list[Page] = []
    for section in newssite.sections(stories):
        mine = [s for s in stories if s.section is section]
        sub_nav = (f'<ul class="ul-nav-folder"><li><a href="{ORIGIN}/{section.slug}/'
                   f'{section.sub_slug}">{section.sub_name}</a></li></ul>')
        for route, title, items in (
            (f"/{section.slug}", section.name, [s for s in mine if s.source == "listing"]),
            (f"/{section.slug}/{section.sub_slug}", section.sub_name,
             newssite.sub_listing(mine)),
        ):
            chunks = newssite.pages(items, PER_PAGE)
            for number, chunk in enumerate(chunks, start=1):
                page_route = route if number == 1 else f"{route}-p{number}"
                text = listing(stories, title, chunk, route, number, number == len(chunks),
                               sub_nav)
                found.append((page_route, text, HTML))
    return found


def feeds(stories: list[Story]) -> list[Page]:
    fed = newssite.feed_items(stories, url)
    mapped = [(url(s), s.published) for s in stories if s.source in ("listing", "sitemap")]
    robots = f"User-agent: *\nDisallow: /tim-kiem\n\nSitemap: {ORIGIN}/sitemap.xml\n"
    return [
        ("/robots.txt", robots, TEXT),
        ("/rss/tin-moi-nhat.rss", newssite.rss("Tin mới nhất - VnExpress", ORIGIN, fed), RSS),
        ("/sitemap.xml", newssite.sitemap_index([f"{ORIGIN}/sitemap/articles.xml"]), XML),
        ("/sitemap/articles.xml", newssite.urlset(mapped), XML),
    ]


def truth(story: Story) -> dict[str, Any]:
    section = story.section
    return {
        "path": path(story), "article_id": story.id, "headline": story.headline,
        "sapo": story.sapo, "published_at": story.published.isoformat(),
        "byline": story.byline, "authors": story.authors,
        "body": "\n\n".join(story.paragraphs),
        "captions": [f.caption for f in story.figures],
        "category": section.sub_name if story.in_sub else section.name, "tags": [],
    }


def generate(root: Path) -> list[Story]:
    stories = newssite.stories(ARTICLES, lambda index: str(4950000 + 317 * index))
    pages: list[Page] = [("/", home(stories), HTML), *section_pages(stories), *feeds(stories)]
    pages += [(path(story), article(stories, story), HTML) for story in stories]
    pages += [(TOPIC_PATH, listing(stories, "Hà Nội", stories[:3], TOPIC_PATH, 1, True), HTML),
              (TAG_PATH, listing(stories, "giá vàng", stories[3:6], TAG_PATH, 1, True), HTML)]
    newssite.write(root, pages, [truth(story) for story in stories])
    return stories


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "vnexpress-site")
    print(f"{len(generate(out))} articles written to {out}")
