"""Báo Đầu tư (baodautu.vn): its own CMS, not VCCorp. Articles are ``/<slug>-d<id>.html``,
sections ``/<slug>-d<n>/`` (with ``/p<page>`` next pages), tags ``/tag/<slug>/``. The
article column ``div.col630`` holds the category link, ``div.title-detail``, author
``a.author`` and ``span.post-time`` (" - 07/03/2026 08:47"), ``div.sapo_detail`` and the
body ``#content_detail_news`` (photos in ``table.MASTERCMS_TPL_TABLE`` with a
``td.media-caption``); tags ``a.tag_detail_item`` ("#AAT")."""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, Profile, UrlRules
from pipelines.profiles.listings import ListingLayout
from pipelines.sites.selectors import Rules, SelectorLayout

STORY_LINKS = (
    ".news_focus a, .list_news_home a, .news_top_box a, .list_thumb_square a, a.fs22, a.fs32"
)

RULES = Rules(
    name="baodautu",
    root="div.col630 div.title-detail",
    headline="div.col630 div.title-detail, h1.title-detail",
    body="#content_detail_news",
    sapo="div.sapo_detail",
    dateline="div.col630 span.post-time, span.post-time",
    byline="div.author-share-top a.author, div.col630 a.author",
    images="table.MASTERCMS_TPL_TABLE, table.image, figure",
    caption="td.media-caption, figcaption, [class*='caption']",
    leave_out="#boxcauhoi, .list_news_relation_top, .news_relate_one, .box_news_relation",
    tags="a.tag_detail_item",
    category="div.col630 > div.fs16 a",
)

URLS = UrlRules(
    article=re.compile(r"/[a-z0-9][a-z0-9-]*?-d(?P<id>\d{5,})\.html$"),
    never=frozenset({"tag", "tags", "video", "tim-kiem", "search", "rss", "emagazine",
                     "multimedia", "infographic", "tac-gia"}),
)

PROFILE = Profile(
    name="baodautu",
    hosts=("baodautu.vn",),
    platform="baodautu",
    title="Báo Đầu tư",
    layouts=(SelectorLayout(RULES),
             ListingLayout("baodautu-listing", STORY_LINKS, RULES.body, URLS)),
    urls=URLS,
    discovery=Discovery(
        feeds=("/rss/home.rss",),
        section_path=re.compile(r"^/[a-z0-9-]+-d\d{1,4}/(?:p\d+)?$"),
        listing_links=STORY_LINKS,
        next_links="nav.pagation a, .pagation a, a[rel~='next']",
    ),
    checked="public crawler selectors (meth04/tracking_news-mcp app/sources/baodautu.py) and "
            "that repo's saved baodautu page read locally; fixture page",
)
