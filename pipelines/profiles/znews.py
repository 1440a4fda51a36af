"""Znews (znews.vn, formerly zingnews.vn): its own CMS.

Articles are ``/<slug>-post<id>.html``; videos ``/video-<slug>-post<id>.html`` (and the
video.znews.vn site) are never text articles; sections ``/kinh-doanh-tai-chinh.html``,
topics ``/tieu-diem/...``, series ``/series/...``, authors ``/tac-gia/...``; a section's
next page is ``/kinh-doanh-tai-chinh/trang2.html`` (``p.btnMore a`` "Xem thêm"; the same
button under a series box leads to the series).

The article page: ``article.the-article`` with ``h1.the-article-title``,
``li.the-article-publish`` ("Thứ ba, 23/12/2025 09:02 (GMT+7)"),
``p.the-article-summary``, ``div.the-article-body`` (image boxes ``table.picture`` with
``td.pCaption``, related-story tables ``table.article``, centred house notes
``div.notebox.ncenter``), ``div.the-article-credit p.author``, ``p.the-article-tags``
(each tag a ``strong``, ``a`` or ``span``), ``p.the-article-category a``.
"""

from __future__ import annotations

import re

from pipelines.profiles.base import DEFAULT_NEXT_LINKS, Discovery, Profile, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

RULES = Rules(
    name="znews",
    root="article.the-article h1.the-article-title",
    headline="h1.the-article-title",
    body="div.the-article-body",
    sapo="p.the-article-summary",
    dateline="li.the-article-publish, .the-article-publish",
    byline="div.the-article-credit p.author, div.the-article-credit",
    images="table.picture, figure, div.picture",
    caption="td.pCaption, figcaption, td.caption, .caption",
    leave_out="table.article, div.notebox.ncenter, div.inner-article, .the-article-credit",
    tags="p.the-article-tags > strong, p.the-article-tags > a, p.the-article-tags > span",
    category="p.the-article-category a",
)

LAYOUT = SiteLayout(
    RULES, hosts=("znews.vn", "zingnews.vn"), listing="article.article-item .article-title a"
)

PROFILE = Profile(
    name="znews",
    hosts=("znews.vn", "zingnews.vn"),
    platform="znews",
    title="Znews",
    layouts=(LAYOUT,),
    urls=UrlRules(
        article=re.compile(r"^/(?!video-)[a-z0-9][a-z0-9-]*-post(?P<id>\d{5,})\.html$"),
        never=frozenset({"video", "tieu-diem", "series", "tac-gia", "tim-kiem", "multimedia",
                         "rss", "tag"}),
    ),
    discovery=Discovery(
        feeds=("/rss/tin-moi.rss",),
        section_path=re.compile(r"^/(?!video-)(?![a-z0-9-]*-post\d+\.html$)[a-z][a-z0-9-]*\.html$"),
        listing_links="article.article-item h3.article-title a, article.article-item "
        "p.article-thumbnail a",
        next_links=f"{DEFAULT_NEXT_LINKS}, p.btnMore a[href*='/trang']",
        more_words=("Trang sau", "Trang tiếp"),  # "Xem thêm" also ends series and topic boxes
    ),
    checked="real page + gold (znews-1 article, znews-3 section); the real section page "
    "crawled from a local stand-in; fixture site crawled end to end",
)
