"""Dân trí (dantri.com.vn): its own CMS; the 2025 Tailwind "dt-" template and the
earlier "singular" and e-magazine templates.

Articles are ``/<section>/<slug>-<17-digit timestamp id>.htm``; sections
``/kinh-doanh.htm``, sub-sections ``/kinh-doanh/tai-chinh.htm``, next pages
``/kinh-doanh/trang-2.htm``; tags are searches ``/tim-kiem/<words>.htm``, topics
``/chu-de/...``, authors ``/tac-gia/...``, videos ``/video/...``.

The Tailwind article page has few stable classes: the article is the ``<article>`` that
holds ``#desktop-in-article`` (the body), its ``h1``, the ``h2`` sapo beside the body,
``<time>``, the author links ``a[href*="/tac-gia/"]``; the tags carry
``data-content-name="article-tags"``, the breadcrumb is the ``ul.dt-list-none`` before the
article. The older template: ``h1.title-page``, ``h2.singular-sapo``,
``div.singular-content``, ``.author-name``, ``time.author-time``, ``.tags-wrap``.
"""

from __future__ import annotations

import re

from pipelines.profiles.base import DEFAULT_NEXT_LINKS, Discovery, Profile, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

POLICY_PAGES = re.compile(r"/chinh-sach-bao-mat[a-z0-9-]*-\d+\.htm$")
"""The privacy-policy page the footer of every page links, published in the article
shape: not news."""

BODY = "#desktop-in-article, #mobile-in-article, div.singular-content, div.e-magazine__body"

RULES = Rules(
    name="dantri",
    root="article #desktop-in-article, article #mobile-in-article, article.singular-container, "
    "article.e-magazine",
    headline="article > h1, h1.title-page, h1.e-magazine__title",
    body=BODY,
    sapo="article > h2, h2.singular-sapo, h2.e-magazine__sapo",
    dateline="article time, time.author-time",
    byline="article > div a[href*='/tac-gia/'], .author-name a, .author-name",
    images="figure, table.image",
    caption="figcaption, .image-caption",
    leave_out=".dantri-widget, aside, .article-related, .singular-related, .dt-news__related",
    tags="a[data-content-name='article-tags'], .tags-wrap .tags-item a",
    category="ul.dt-list-none > li > a, ul.dt-breadcrumb li a",
)

LAYOUT = SiteLayout(
    RULES,
    hosts=("dantri.com.vn",),
    listing="article.article-item h3.article-title a, article h3 a[href$='.htm']",
    byline_all=True,
)

PROFILE = Profile(
    name="dantri",
    hosts=("dantri.com.vn",),
    platform="dantri",
    title="Báo Dân trí",
    layouts=(LAYOUT,),
    urls=UrlRules(
        article=re.compile(r"^/[a-z0-9-]+(?:/[a-z0-9-]+)?/[a-z0-9-]+-(?P<id>\d{14,18})\.htm$"),
        never=frozenset({"video", "tim-kiem", "tac-gia", "chu-de", "su-kien", "photo-news",
                         "photo-story", "infographic", "emagazine", "dnews", "rss", "tag"}),
        topic=POLICY_PAGES,
    ),
    discovery=Discovery(
        feeds=("/rss/home.rss",),
        section_path=re.compile(r"^/[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?\.htm$"),
        listing_links="article.article-item h3.article-title a, "
        "article.article-item .article-thumb a",
        next_links=f"{DEFAULT_NEXT_LINKS}, a.page-item.next",
    ),
    checked="real page + gold (dantri-1 article, dantri-2 section); the real section page "
    "crawled from a local stand-in (its news list only); public crawler selectors "
    "(meth04/tracking_news-mcp)",
)
