"""Deterministic static copy of znews.vn in its current structure, for end-to-end tests.

Home page (menu with sections and sub-sections ``/kinh-te.html``, a story list
``article.article-item``, video items ``/video-...-post<id>.html``, a topic ``/tieu-diem/``
and a series link, an ad), section listings with "Xem thêm" next pages
(``/the-thao/trang2.html``), article pages (``article.the-article``: header with
``p.the-article-category``, ``h1.the-article-title``, ``li.the-article-publish``; the
summary, ``div.the-article-body`` with ``table.picture`` images and ``table.article``
related stories, ``div.the-article-credit``, ``p.the-article-tags``, a "read on" sidebar),
``/rss/tin-moi.rss``, robots.txt with a sitemap index. Links are absolute
``https://znews.vn/...``; some use the old host ``https://zingnews.vn``.

Run ``python -m tests.znews_site OUTDIR`` to look at the output.
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path
from typing import Any

from tests import newssite
from tests.newssite import HTML, RSS, TEXT, XML, Page, Story

ORIGIN = "https://znews.vn"
OLD_ORIGIN = "https://zingnews.vn"
ARTICLES = 32
PER_PAGE = 3
TOPIC_PATH = "/tieu-diem/gia-vang.html"
SERIES_PATH = "/series/dhdcd-2025.html"
VIDEO_PATH = "/video-ket-xe-cua-ngo-post1619999.html"
AD_URL = "https://adtima.vn/click?c=1619998"
NEVER_FETCHED = (TOPIC_PATH, SERIES_PATH, VIDEO_PATH)


def path(story: Story) -> str:
    return f"/{story.slug}-post{story.id}.html"


def url(story: Story) -> str:
    origin = OLD_ORIGIN if int(story.id) % 4 == 1 else ORIGIN  # the old host, now and then
    return origin + path(story)


def sub_route(story: Story) -> str:
    return f"/{story.section.sub_slug}.html"


def head(title: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - Znews.vn</title>\n{extra}</head>\n<body>\n"
    )


def menu(stories: list[Story]) -> str:
    items = "".join(
        f'<li><a href="{ORIGIN}/{s.slug}.html">{s.name}</a><ul class="sub">'
        f'<li><a href="{ORIGIN}/{s.sub_slug}.html">{s.sub_name}</a></li></ul></li>'
        for s in newssite.sections(stories)
    )
    return (
        f'<header id="site-header"><a class="logo" href="{ORIGIN}/">Znews</a>'
        f'<nav class="category-menu"><ul>{items}<li><a href="https://video.znews.vn">Video</a>'
        "</li></ul></nav></header>\n"
    )


def footer() -> str:
    return (
        '<footer id="site-footer"><p>Cơ quan chủ quản: Hội Xuất bản Việt Nam. Giấy phép báo '
        "chí: số 75/GP-BTTTT</p></footer>\n</body></html>\n"
    )


def item(story: Story, kind: str = "type-text") -> str:
    link = url(story)
    return (
        f'<article class="article-item {kind}"><p class="article-thumbnail"><a href="{link}">'
        f'<img src="{story.figures[0].image_url}"></a></p><header><h3 class="article-title">'
        f'<a href="{link}">{escape(story.headline)}</a></h3><p class="article-summary">'
        f"{escape(story.sapo)}</p></header></article>\n"
    )


def video_item() -> str:
    return (
        f'<article class="article-item type-video"><header><h3 class="article-title">'
        f'<a href="{ORIGIN}{VIDEO_PATH}">Video: kẹt xe ở cửa ngõ</a></h3></header></article>\n'
    )


def listing(stories: list[Story], title: str, items: list[Story], route: str, number: int,
            last: bool) -> str:
    stem = route.removesuffix(".html")
    more = "" if last else (
        f'<p class="btnMore"><a href="{ORIGIN}{stem}/trang{number + 1}.html">Xem thêm</a></p>'
    )
    return (
        head(title) + menu(stories) + f'<section class="section"><h1 class="section-title">{title}'
        + '</h1><div class="article-list listing-layout responsive">'
        + "".join(item(s) for s in items) + f"{video_item()}</div>{more}</section>\n" + footer()
    )


def body(story: Story, others: list[Story]) -> str:
    f = story.figures[0]
    credit = f" Ảnh: <em>{escape(f.credit)}</em>." if f.credit else ""
    picture = (
        f'<table class="picture thumbnail"><tbody><tr><td class="pic"><img src="{f.image_url}" '
        f'alt="{escape(f.text)}"></td></tr><tr><td class="pCaption caption"><p>'
        f"{escape(f.text)}.{credit}</p></td></tr></tbody></table>"
    )
    related = "".join(
        f'<table class="article"><tbody><tr><td><a href="{url(s)}">{escape(s.headline)}</a>'
        f"<p>{escape(s.sapo)}</p></td></tr></tbody></table>" for s in others[:2]
    )
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in story.paragraphs)
    return f'<div class="the-article-body">{picture}{paragraphs}{related}</div>'


def article(stories: list[Story], story: Story) -> str:
    section, when = story.section, story.published
    name, slug = (section.sub_name, section.sub_slug) if story.in_sub else (section.name,
                                                                            section.slug)
    others = [s for s in stories if s is not story][:3]
    tags = "".join(f"<span>{escape(tag)}</span>" for tag in story.tags)
    return (
        head(story.headline, f'<link rel="canonical" href="{ORIGIN}{path(story)}">'
             '<meta property="og:type" content="article">') + menu(stories)
        + '<div class="page-wrapper"><article class="the-article type-text">'
        + '<header class="the-article-header"><p class="the-article-category">'
        + f'<a href="{ORIGIN}/{slug}.html" class="parent_cate">{name}</a></p>'
        + f'<h1 class="the-article-title">{escape(story.headline)}</h1>'
        + '<ul class="the-article-meta">'
        + f'<li class="the-article-publish">{story.weekday}, {when:%d/%m/%Y %H:%M} (GMT+7)</li>'
        + '</ul></header><section class="main">'
        + f'<p class="the-article-summary">{escape(story.sapo)}</p>{body(story, others)}'
        + f'<div class="the-article-credit"><p class="author">{escape(story.byline)}</p></div>'
        + f'<p class="the-article-tags">{tags}</p><section class="sidebar"><h3>Đọc tiếp</h3>'
        + "".join(item(s) for s in others) + f'<p><a href="{ORIGIN}{TOPIC_PATH}">Giá vàng</a> '
        + f'<a href="{ORIGIN}{SERIES_PATH}">Đại hội</a> <a href="{AD_URL}">Quảng cáo</a></p>'
        + "</section></section></article></div>\n" + footer()
    )


def home(stories: list[Story]) -> str:
    listed = [s for s in stories if s.source == "listing"][:6]
    return (
        head("Znews - Tin tức, sự kiện") + menu(stories)
        + '<section class="section featured"><div class="article-list">'
        + "".join(item(s) for s in listed) + video_item()
        + f'</div><p><a href="{ORIGIN}{TOPIC_PATH}">Giá vàng</a> <a href="{ORIGIN}'
        + f'{SERIES_PATH}">Đại hội</a> <a href="{AD_URL}">Quảng cáo</a></p></section>\n'
        + footer()
    )


def section_pages(stories: list[Story]) -> list[Page]:
    found: list[Page] = []
    for section in newssite.sections(stories):
        mine = [s for s in stories if s.section is section]
        for route, title, items in (
            (f"/{section.slug}.html", section.name, [s for s in mine if s.source == "listing"]),
            (f"/{section.sub_slug}.html", section.sub_name,
             newssite.sub_listing(mine)),
        ):
            chunks = newssite.pages(items, PER_PAGE)
            for number, chunk in enumerate(chunks, start=1):
                stem = route.removesuffix(".html")
                page_route = route if number == 1 else f"{stem}/trang{number}.html"
                text = listing(stories, title, chunk, route, number, number == len(chunks))
                found.append((page_route, text, HTML))
    return found


def feeds(stories: list[Story]) -> list[Page]:
    fed = newssite.feed_items(stories, url)
    mapped = [(url(s), s.published) for s in stories if s.source in ("listing", "sitemap")]
    robots = f"User-agent: *\nDisallow: /tim-kiem\n\nSitemap: {ORIGIN}/sitemap.xml\n"
    return [
        ("/robots.txt", robots, TEXT),
        ("/rss/tin-moi.rss", newssite.rss("Tin mới - Znews", ORIGIN, fed), RSS),
        ("/sitemap.xml", newssite.sitemap_index([f"{ORIGIN}/sitemap/sitemap-article.xml"]), XML),
        ("/sitemap/sitemap-article.xml", newssite.urlset(mapped), XML),
    ]


def truth(story: Story) -> dict[str, Any]:
    section = story.section
    return {
        "path": path(story), "article_id": story.id, "headline": story.headline,
        "sapo": story.sapo, "published_at": story.published.isoformat(),
        "byline": story.byline, "authors": story.authors,
        "body": "\n\n".join(story.paragraphs),
        "captions": [f"{f.caption}." if f.credit else f.caption for f in story.figures],
        "category": section.sub_name if story.in_sub else section.name,
        "tags": list(story.tags),
    }


def generate(root: Path) -> list[Story]:
    stories = newssite.stories(ARTICLES, lambda index: str(1613000 + 37 * index))
    pages: list[Page] = [("/", home(stories), HTML), *section_pages(stories), *feeds(stories)]
    pages += [(path(story), article(stories, story), HTML) for story in stories]
    pages += [(route, listing(stories, title, stories[:3], route, 1, True), HTML)
              for route, title in ((TOPIC_PATH, "Giá vàng"), (SERIES_PATH, "Đại hội"),
                                   (VIDEO_PATH, "Video"))]
    newssite.write(root, pages, [truth(story) for story in stories])
    return stories


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "znews-site")
    print(f"{len(generate(out))} articles written to {out}")
